package dev.srlstream.scorer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.srlstream.infra.LocalInfrastructure;
import dev.srlstream.infra.kafka.TopicProvisioner;
import dev.srlstream.method.reward.SequenceSimilarity;
import dev.srlstream.schemas.TopicSpec;
import dev.srlstream.schemas.Topics;
import dev.srlstream.schemas.avro.DeadLetter;
import dev.srlstream.schemas.avro.ExpertStep;
import dev.srlstream.schemas.avro.RolloutStep;
import dev.srlstream.schemas.avro.StepReward;
import dev.srlstream.schemas.avro.TrainingGroup;
import dev.srlstream.schemas.avro.TrainingMode;
import dev.srlstream.schemas.registry.SchemaRegistryClient;
import dev.srlstream.schemas.serde.AvroSerde;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The scorer on a real broker with exactly_once_v2: every rollout step is rewarded exactly once
 * across a restart that loses the local state (stores come back from their changelogs, as the
 * duplicate check after the restart shows).
 */
class ScorerIT {
  private static final int GROUP_SIZE = 4;
  private static LocalInfrastructure infra;
  private static SchemaRegistryClient registry;

  @TempDir Path firstState;
  @TempDir Path secondState;

  @BeforeAll
  static void startInfrastructure() {
    // Broker, the catalogue's topics and a registry on it: what `srl infra up` runs.
    infra = LocalInfrastructure.start(LocalInfrastructure.Config.ephemeral());
    registry = new SchemaRegistryClient(infra.schemaRegistryUrl());
  }

  @AfterAll
  static void stopInfrastructure() {
    infra.close();
  }

  @Test
  void everyRolloutIsRewardedExactlyOnceAcrossARestartThatLosesLocalState() throws Exception {
    String target = "7 × 5 = 35";
    String[] actions = {"7 × 5 = 35", "7 × 5 = 36", "7 + 5 = 12", "35"};
    Map<String, Double> expectedReward = new HashMap<>();
    List<RolloutStep> firstHalf = new ArrayList<>();
    List<RolloutStep> secondHalf = new ArrayList<>();
    for (int g = 0; g < 20; g++) {
      for (int i = 0; i < GROUP_SIZE; i++) {
        // Group 0's rollouts all give the same answer: dynamic sampling filters it.
        String action = g == 0 ? actions[0] : actions[i];
        RolloutStep r =
            ScorerTopologyTest.rollout(
                "i" + g, "g" + g, "g" + g + "/r" + i, i, GROUP_SIZE, "<think>m</think>" + action);
        r.setStepIndex(2);
        (g < 10 ? firstHalf : secondHalf).add(r);
        expectedReward.put(
            r.getRolloutId(),
            SequenceSimilarity.ratio(action, target, ScorerConfig.DEFAULT_AUTOJUNK));
      }
    }
    List<ExpertStep> experts = new ArrayList<>();
    for (int g = 0; g < 20; g++) {
      experts.add(ScorerTopologyTest.expert("i" + g, TrainingMode.SRL, target));
    }

    produce(Topics.EXPERT_STEPS.name(), experts, ExpertStep::getInstanceId, ExpertStep.class);
    produce(Topics.ROLLOUT_STEPS.name(), firstHalf, RolloutStep::getInstanceId, RolloutStep.class);
    try (ScorerService first =
        ScorerService.start(settings("scorer-it", firstState), Duration.ofSeconds(60))) {
      // Everything it reads was produced just now: its window stores were opened before.
      assertThat(first.warmsWindowStores()).isTrue();
      assertThat(readCommitted(Topics.STEP_REWARDS.name(), StepReward.class, l -> l.size() >= 40))
          .hasSize(40);
    }

    // After the restart: the second half, a duplicate of a first-half rollout, and garbage.
    produce(Topics.ROLLOUT_STEPS.name(), secondHalf, RolloutStep::getInstanceId, RolloutStep.class);
    produce(
        Topics.ROLLOUT_STEPS.name(),
        List.of(firstHalf.get(5)),
        RolloutStep::getInstanceId,
        RolloutStep.class);
    try (KafkaProducer<String, byte[]> raw = rawProducer()) {
      raw.send(new ProducerRecord<>(Topics.ROLLOUT_STEPS.name(), "i3", new byte[] {42, 42})).get();
    }
    try (ScorerService second =
        ScorerService.start(settings("scorer-it", secondState), Duration.ofSeconds(60))) {
      List<StepReward> rewards =
          readCommitted(Topics.STEP_REWARDS.name(), StepReward.class, l -> l.size() >= 80);
      List<DeadLetter> letters =
          readCommitted(Topics.DEAD_LETTERS.name(), DeadLetter.class, l -> l.size() >= 2);
      List<TrainingGroup> groups =
          readCommitted(Topics.TRAINING_GROUPS.name(), TrainingGroup.class, l -> l.size() >= 19);

      assertThat(rewards).hasSize(80);
      Set<String> ids = new HashSet<>();
      for (StepReward r : rewards) {
        assertThat(ids.add(r.getRolloutId())).as("rewarded once: %s", r.getRolloutId()).isTrue();
        assertThat(r.getReward()).isEqualTo(expectedReward.get(r.getRolloutId()));
      }
      assertThat(letters)
          .extracting(DeadLetter::getReason)
          .containsExactlyInAnyOrder("DUPLICATE_ROLLOUT", "UNDECODABLE");
      assertThat(groups).hasSize(19);
      assertThat(groups)
          .extracting(TrainingGroup::getGroupId)
          .doesNotContain("g0")
          .doesNotHaveDuplicates();
      assertThat(groups).allSatisfy(g -> assertThat(g.getRollouts()).hasSize(GROUP_SIZE));
      assertThat(second.counters().groupsFiltered() + second.counters().groupsKept()).isEqualTo(10);
    }
  }

  /**
   * Pending groups live in a cached store (ScorerTopology): half a group scored before a restart
   * must reach the changelog, or the new instance, without local state, never completes it.
   */
  @Test
  void aGroupHalfAssembledBeforeARestartThatLosesLocalStateIsCompletedAfterIt() throws Exception {
    ScorerTopics topics =
        new ScorerTopics(
            "it-split.rollout-steps",
            "it-split.expert-steps",
            "it-split.step-rewards",
            "it-split.training-groups",
            "it-split.dead-letters");
    provision(topics);
    String target = "7 × 5 = 35";
    String[] actions = {"7 × 5 = 35", "7 × 5 = 36", "7 + 5 = 12", "35"};
    List<RolloutStep> rollouts = new ArrayList<>();
    for (int i = 0; i < GROUP_SIZE; i++) {
      RolloutStep r =
          ScorerTopologyTest.rollout(
              "s1", "split-g", "split-g/r" + i, i, GROUP_SIZE, "<think>m</think>" + actions[i]);
      r.setStepIndex(2);
      rollouts.add(r);
    }
    produce(
        topics.expertSteps(),
        List.of(ScorerTopologyTest.expert("s1", TrainingMode.SRL, target)),
        ExpertStep::getInstanceId,
        ExpertStep.class);
    produce(
        topics.rolloutSteps(),
        rollouts.subList(0, 2),
        RolloutStep::getInstanceId,
        RolloutStep.class);
    try (ScorerService first =
        ScorerService.start(
            settings("scorer-it-split", firstState, topics), Duration.ofSeconds(60))) {
      assertThat(readCommitted(topics.stepRewards(), StepReward.class, l -> l.size() >= 2))
          .hasSize(2);
    }

    produce(
        topics.rolloutSteps(),
        rollouts.subList(2, GROUP_SIZE),
        RolloutStep::getInstanceId,
        RolloutStep.class);
    try (ScorerService second =
        ScorerService.start(
            settings("scorer-it-split", secondState, topics), Duration.ofSeconds(60))) {
      List<TrainingGroup> groups =
          readCommitted(topics.trainingGroups(), TrainingGroup.class, l -> !l.isEmpty());
      assertThat(groups).hasSize(1);
      assertThat(groups.get(0).getComplete()).isTrue();
      assertThat(groups.get(0).getRollouts())
          .extracting(r -> r.getRolloutId())
          .containsExactly("split-g/r0", "split-g/r1", "split-g/r2", "split-g/r3");
      assertThat(readCommitted(topics.stepRewards(), StepReward.class, l -> l.size() >= 4))
          .hasSize(4);
    }
    // The stores came back from changelogs that Kafka Streams created with the scorer's sparser
    // offset index (ScorerService.streamsProperties): one entry per MiB.
    assertThat(changelogIndexIntervals("scorer-it-split"))
        .hasSize(7)
        .allSatisfy((topic, interval) -> assertThat(interval).isEqualTo("1048576"));
  }

  /**
   * A fresh scorer over records two days old (older than the 24 h duplicate retention) must not
   * warm its window stores: a warm-up write at the present would move their stream time past those
   * records, and the scorer would forget each rollout id as it wrote it (see SegmentWarmup).
   */
  @Test
  void aScorerWithRecordsOlderThanTheRetentionToReadIsNotWarmedAndFindsTheirDuplicates()
      throws Exception {
    ScorerTopics topics =
        new ScorerTopics(
            "it-old.rollout-steps",
            "it-old.expert-steps",
            "it-old.step-rewards",
            "it-old.training-groups",
            "it-old.dead-letters");
    provision(topics);
    long twoDaysAgo = System.currentTimeMillis() - Duration.ofDays(2).toMillis();
    RolloutStep r0 =
        ScorerTopologyTest.rollout("o1", "old-g", "old-g/r0", 0, 2, "<think>m</think>7 × 5 = 35");
    RolloutStep r1 =
        ScorerTopologyTest.rollout("o1", "old-g", "old-g/r1", 1, 2, "<think>m</think>7 × 5 = 36");
    produce(
        topics.expertSteps(),
        List.of(ScorerTopologyTest.expert("o1", TrainingMode.SRL, "7 × 5 = 35")),
        ExpertStep::getInstanceId,
        ExpertStep.class,
        twoDaysAgo);
    produce(
        topics.rolloutSteps(),
        List.of(r0, r0, r1),
        RolloutStep::getInstanceId,
        RolloutStep.class,
        twoDaysAgo + 1_000);
    try (ScorerService scorer =
        ScorerService.start(
            settings("scorer-it-old", firstState, topics), Duration.ofSeconds(60))) {
      assertThat(scorer.warmsWindowStores()).isFalse();
      assertThat(readCommitted(topics.stepRewards(), StepReward.class, l -> l.size() >= 2))
          .extracting(StepReward::getRolloutId)
          .containsExactlyInAnyOrder("old-g/r0", "old-g/r1");
      assertThat(readCommitted(topics.deadLetters(), DeadLetter.class, l -> !l.isEmpty()))
          .extracting(DeadLetter::getMessage)
          .containsExactly("rollout_id old-g/r0 was seen before");
    }
  }

  @Test
  void aScorerWhoseRegistryDoesNotAnswerDoesNotStartAndSaysWhy() {
    ScorerService.Settings noRegistry =
        new ScorerService.Settings(
            infra.bootstrapServers(),
            "http://127.0.0.1:1",
            "scorer-it-no-registry",
            firstState,
            1,
            ScorerConfig.DEFAULTS,
            ScorerTopics.LIVE,
            Map.of());
    assertThatThrownBy(() -> ScorerService.start(noRegistry, Duration.ofSeconds(60)))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageStartingWith(
            "cannot register the scorer's schema for " + Topics.STEP_REWARDS.name() + "-value")
        .hasMessageContaining("127.0.0.1:1");
  }

  private Map<String, String> changelogIndexIntervals(String applicationId) throws Exception {
    try (Admin admin = Admin.create(Map.of("bootstrap.servers", infra.bootstrapServers()))) {
      List<ConfigResource> changelogs =
          admin.listTopics().names().get(30, TimeUnit.SECONDS).stream()
              .filter(n -> n.startsWith(applicationId + "-") && n.endsWith("-changelog"))
              .map(n -> new ConfigResource(ConfigResource.Type.TOPIC, n))
              .toList();
      Map<String, String> intervals = new java.util.TreeMap<>();
      admin
          .describeConfigs(changelogs)
          .all()
          .get(30, TimeUnit.SECONDS)
          .forEach(
              (resource, config) ->
                  intervals.put(
                      resource.name(),
                      config.get(TopicConfig.INDEX_INTERVAL_BYTES_CONFIG).value()));
      return intervals;
    }
  }

  private static void provision(ScorerTopics topics) {
    try (Admin admin = Admin.create(Map.of("bootstrap.servers", infra.bootstrapServers()))) {
      TopicProvisioner.provision(
          admin,
          List.of(
              renamed(Topics.ROLLOUT_STEPS, topics.rolloutSteps()),
              renamed(Topics.EXPERT_STEPS, topics.expertSteps()),
              renamed(Topics.STEP_REWARDS, topics.stepRewards()),
              renamed(Topics.TRAINING_GROUPS, topics.trainingGroups()),
              renamed(Topics.DEAD_LETTERS, topics.deadLetters())));
    }
  }

  private static <V extends org.apache.avro.specific.SpecificRecord> TopicSpec<V> renamed(
      TopicSpec<V> spec, String name) {
    return new TopicSpec<>(
        name,
        spec.valueType(),
        spec.keyField(),
        spec.partitions(),
        spec.cleanupPolicy(),
        spec.retention(),
        spec.maxMessageBytes());
  }

  private ScorerService.Settings settings(String applicationId, Path stateDir) {
    return settings(applicationId, stateDir, ScorerTopics.LIVE);
  }

  private ScorerService.Settings settings(
      String applicationId, Path stateDir, ScorerTopics topics) {
    return new ScorerService.Settings(
        infra.bootstrapServers(),
        infra.schemaRegistryUrl(),
        applicationId,
        stateDir,
        1,
        ScorerConfig.DEFAULTS,
        topics,
        Map.of("commit.interval.ms", "100"));
  }

  private <V extends org.apache.avro.specific.SpecificRecord> void produce(
      String topic, List<V> records, java.util.function.Function<V, String> key, Class<V> type)
      throws Exception {
    produce(topic, records, key, type, null);
  }

  /** Produces the records with this timestamp, or the producer's clock if null. */
  private <V extends org.apache.avro.specific.SpecificRecord> void produce(
      String topic,
      List<V> records,
      java.util.function.Function<V, String> key,
      Class<V> type,
      Long timestamp)
      throws Exception {
    AvroSerde<V> serde = new AvroSerde<>(type, registry);
    try (KafkaProducer<String, V> producer =
        new KafkaProducer<>(
            Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, infra.bootstrapServers()),
            new StringSerializer(),
            serde.serializer())) {
      for (V record : records) {
        producer.send(new ProducerRecord<>(topic, null, timestamp, key.apply(record), record));
      }
      producer.flush();
    }
  }

  private static KafkaProducer<String, byte[]> rawProducer() {
    return new KafkaProducer<>(
        Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, infra.bootstrapServers()),
        new StringSerializer(),
        new ByteArraySerializer());
  }

  /** Every committed record of a topic, polling until {@code done} or 90 s. */
  private static <V extends org.apache.avro.specific.SpecificRecord> List<V> readCommitted(
      String topic, Class<V> type, Predicate<List<V>> done) {
    Deserializer<V> deserializer = new AvroSerde<>(type, registry).deserializer();
    List<V> values = new ArrayList<>();
    try (KafkaConsumer<String, V> consumer =
        new KafkaConsumer<>(
            Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                infra.bootstrapServers(),
                ConsumerConfig.ISOLATION_LEVEL_CONFIG,
                "read_committed"),
            new StringDeserializer(),
            deserializer)) {
      List<TopicPartition> partitions =
          consumer.partitionsFor(topic).stream()
              .map(p -> new TopicPartition(topic, p.partition()))
              .toList();
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
      while (!done.test(values) && System.nanoTime() < deadline) {
        for (ConsumerRecord<String, V> record : consumer.poll(Duration.ofMillis(200))) {
          values.add(record.value());
        }
      }
      // A moment more, to see anything beyond what was expected (a duplicate would show here).
      for (int i = 0; i < 5; i++) {
        consumer.poll(Duration.ofMillis(200)).forEach(r -> values.add(r.value()));
      }
    }
    return values;
  }
}
