package dev.srlstream.learner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.srlstream.infra.LocalInfrastructure;
import dev.srlstream.schemas.CommittedRecords;
import dev.srlstream.schemas.PrometheusText;
import dev.srlstream.schemas.SampleRecords;
import dev.srlstream.schemas.Topics;
import dev.srlstream.schemas.avro.DeadLetter;
import dev.srlstream.schemas.avro.PolicyVersion;
import dev.srlstream.schemas.avro.TrainingGroup;
import dev.srlstream.schemas.registry.SchemaRegistryClient;
import dev.srlstream.schemas.serde.AvroSerde;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The learner's exactly-once contract on a real broker: killed at the worst moments and restarted,
 * it trains on every group exactly once. The test trainer's "weights" are the ledger of the group
 * ids it trained on, so the weights of the last committed version show any group trained twice or
 * skipped.
 */
class LearnerExactlyOnceIT {
  private static final int GROUPS = 24;
  private static final int BATCH = 4;
  private static LocalInfrastructure infra;
  private static SchemaRegistryClient registry;

  @TempDir Path checkpoints;

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
  void killedInTrainingAndBetweenCheckpointAndCommitItStillTrainsOnEveryGroupOnce()
      throws Exception {
    String policy = "ledger";
    List<String> sent = produceGroups(policy, "a");
    // Bad records in the stream: an undecodable one and a group with an out-of-vocabulary token.
    try (KafkaProducer<String, byte[]> raw = rawProducer()) {
      raw.send(new ProducerRecord<>(Topics.TRAINING_GROUPS.name(), "x", new byte[] {1, 2, 3}))
          .get();
      TrainingGroup bad = group(policy, policy + "-bad", 0);
      bad.getRollouts().get(0).setResponseTokenIds(List.of(5, 99, 7));
      raw.send(
              new ProducerRecord<>(
                  Topics.TRAINING_GROUPS.name(),
                  bad.getGroupId(),
                  AvroSerde.forTopic(Topics.TRAINING_GROUPS, registry)
                      .serialize(Topics.TRAINING_GROUPS.name(), bad)))
          .get();
    }

    // First life: dies inside the 3rd update.
    runUntilCrash(policy, new LedgerTrainer(LedgerTrainer.CrashPoint.IN_TRAIN, 3));
    // Second life: dies after writing the 2nd new checkpoint, before committing it.
    runUntilCrash(policy, new LedgerTrainer(LedgerTrainer.CrashPoint.AFTER_CHECKPOINT, 2));
    // Third life: runs until every group is trained.
    LedgerTrainer trainer = new LedgerTrainer(LedgerTrainer.CrashPoint.NONE, 0);
    try (LearnerService learner = LearnerService.start(settings(policy, 0), trainer, registry)) {
      long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
      learner.run(() -> learner.version() < GROUPS / BATCH && System.nanoTime() < deadline);
      assertThat(learner.version()).isEqualTo(GROUPS / BATCH);
    }

    PolicyVersion last = lastCommittedVersion(policy);
    assertThat(last.getVersion()).isEqualTo(GROUPS / BATCH);
    assertThat(last.getGroupsTrained()).isEqualTo(GROUPS);
    List<String> ledger = LedgerTrainer.ledgerOf(toBytes(last));
    assertThat(ledger)
        .as("every group trained exactly once")
        .containsExactlyInAnyOrderElementsOf(sent);
    assertThat(deadLetterReasons()).containsExactlyInAnyOrder("UNDECODABLE", "INVALID_FIELD");
  }

  /**
   * Two learners of two policies on one topic at once, with groups of a third policy (the default
   * one, named by no field: written before groups named their policy) in between: each trains on
   * exactly its own groups, and counts the others.
   */
  @Test
  void twoPoliciesOnOneTopicEachTrainOnlyTheirOwnGroups() throws Exception {
    List<String> alpha = new ArrayList<>();
    List<String> beta = new ArrayList<>();
    List<TrainingGroup> groups = new ArrayList<>();
    for (int i = 0; i < 2 * BATCH; i++) {
      groups.add(group("alpha", "alpha-" + i, 0));
      groups.add(group(null, "unnamed-" + i, 0));
      groups.add(group("beta", "beta-" + i, 0));
      alpha.add("alpha-" + i);
      beta.add("beta-" + i);
    }
    produce(groups);

    Map<String, LearnerService> learners = new java.util.concurrent.ConcurrentHashMap<>();
    Map<String, String> scrapes = new java.util.concurrent.ConcurrentHashMap<>();
    List<Thread> threads = new ArrayList<>();
    List<Throwable> failures = java.util.Collections.synchronizedList(new ArrayList<>());
    for (String policy : List.of("alpha", "beta")) {
      Thread t =
          new Thread(
              () -> {
                PrometheusMeterRegistry meters =
                    new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
                try (LearnerService learner =
                    LearnerService.start(
                        settings(policy, 2),
                        new LedgerTrainer(LedgerTrainer.CrashPoint.NONE, 0),
                        registry,
                        meters)) {
                  learners.put(policy, learner);
                  long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
                  learner.run(() -> System.nanoTime() < deadline);
                  scrapes.put(policy, meters.scrape()); // close() takes the meters off
                } catch (Throwable e) {
                  failures.add(e);
                }
              },
              "learner-" + policy);
      t.start();
      threads.add(t);
    }
    for (Thread t : threads) {
      t.join(Duration.ofSeconds(90).toMillis());
    }

    assertThat(failures).isEmpty();
    assertThat(LedgerTrainer.ledgerOf(toBytes(lastCommittedVersion("alpha"))))
        .containsExactlyInAnyOrderElementsOf(alpha);
    assertThat(LedgerTrainer.ledgerOf(toBytes(lastCommittedVersion("beta"))))
        .containsExactlyInAnyOrderElementsOf(beta);
    learners.forEach(
        (policy, learner) -> {
          // Up to its last trained group it passed the other named policy's groups and the
          // unnamed ones (and any other test's on the shared topic).
          assertThat(learner.counters().foreignGroups())
              .isGreaterThanOrEqualTo(2L * (2 * BATCH - 1));
          assertThat(
                  PrometheusText.parse(scrapes.get(policy))
                      .value("srl_learner_foreign_groups_total"))
              .isEqualTo(learner.counters().foreignGroups());
        });
  }

  /**
   * The learner commits its offsets past what it passes over without training (here: other
   * policies' groups) while no version is due, since the actors measure the work waiting for it by
   * those offsets; but never past a group it holds for its next update: stopped with one held, it
   * reads that group again when restarted, and trains it.
   */
  @Test
  void commitsPastOtherPoliciesGroupsButNeverPastAHeldOne() throws Exception {
    String topic = "held-groups";
    try (Admin admin = admin()) {
      admin.createTopics(List.of(new NewTopic(topic, 1, (short) 1))).all().get();
    }
    List<TrainingGroup> first = new ArrayList<>();
    first.add(group("other", "other-0", 0));
    first.add(group("held", "held-0", 0)); // offset 1: held, a batch is 4
    for (int i = 1; i <= 5; i++) {
      first.add(group("other", "other-" + i, 0));
    }
    produce(topic, first);
    try (KafkaProducer<String, byte[]> raw = rawProducer()) { // offset 7: undecodable
      raw.send(new ProducerRecord<>(topic, "x", new byte[] {1, 2, 3})).get();
    }

    LearnerService.Settings onTopic =
        new LearnerService.Settings(
            infra.bootstrapServers(),
            LearnerConfig.defaults("held", checkpoints)
                .withBatchGroups(BATCH)
                .withStaleness(64, StalenessPolicy.DROP),
            topic,
            Map.of());
    try (LearnerService learner =
        LearnerService.start(
            onTopic, new LedgerTrainer(LedgerTrainer.CrashPoint.NONE, 0), registry)) {
      long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
      learner.run(() -> System.nanoTime() < deadline);
      assertThat(learner.version()).isZero();
      assertThat(learner.counters().foreignGroups()).isEqualTo(6);
    }
    assertThat(committedOffset("srl-learner-held", topic)).as("not past the held group").isOne();
    assertThat(deadLettersFrom(topic))
        .as("the dead letter of a record after the held group waits for the group's commit")
        .isZero();

    // Only other policies' groups since the last commit: committed to the end, no version.
    String others = "others-only";
    try (Admin admin = admin()) {
      admin.createTopics(List.of(new NewTopic(others, 1, (short) 1))).all().get();
    }
    produce(others, first.stream().filter(g -> g.getPolicyName().equals("other")).toList());
    try (LearnerService learner =
        LearnerService.start(
            new LearnerService.Settings(
                infra.bootstrapServers(),
                LearnerConfig.defaults("held", checkpoints)
                    .withBatchGroups(BATCH)
                    .withStaleness(64, StalenessPolicy.DROP),
                others,
                Map.of()),
            new LedgerTrainer(LedgerTrainer.CrashPoint.NONE, 0),
            registry)) {
      long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
      learner.run(() -> System.nanoTime() < deadline);
    }
    assertThat(committedOffset("srl-learner-held", others)).as("past all 6").isEqualTo(6);

    // Restarted with three more of its own: the held one is read again and trained.
    produce(
        topic,
        List.of(
            group("held", "held-1", 0), group("held", "held-2", 0), group("held", "held-3", 0)));
    try (LearnerService learner =
        LearnerService.start(
            onTopic, new LedgerTrainer(LedgerTrainer.CrashPoint.NONE, 0), registry)) {
      long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
      learner.run(() -> learner.version() < 1 && System.nanoTime() < deadline);
      assertThat(learner.version()).isOne();
    }
    assertThat(LedgerTrainer.ledgerOf(toBytes(lastCommittedVersion("held"))))
        .containsExactlyInAnyOrder("held-0", "held-1", "held-2", "held-3");
    assertThat(deadLettersFrom(topic)).as("read twice, dead-lettered once").isOne();
  }

  private static long deadLettersFrom(String topic) {
    return CommittedRecords.of(infra.bootstrapServers(), registry, Topics.DEAD_LETTERS).stream()
        .filter(d -> d.getSourceTopic().equals(topic))
        .count();
  }

  private static Admin admin() {
    return Admin.create(
        Map.<String, Object>of(
            AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, infra.bootstrapServers()));
  }

  private static org.apache.kafka.common.TopicPartition tp(String topic) {
    return new org.apache.kafka.common.TopicPartition(topic, 0);
  }

  private static long committedOffset(String group, String topic) throws Exception {
    try (Admin admin = admin()) {
      var offset =
          admin
              .listConsumerGroupOffsets(group)
              .partitionsToOffsetAndMetadata()
              .get()
              .get(tp(topic));
      return offset == null ? -1 : offset.offset();
    }
  }

  private void runUntilCrash(String policy, LedgerTrainer trainer) {
    try (LearnerService learner = LearnerService.start(settings(policy, 0), trainer, registry)) {
      long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
      assertThatThrownBy(() -> learner.run(() -> System.nanoTime() < deadline))
          .hasMessageContaining("simulated crash");
    }
  }

  private LearnerService.Settings settings(String policy, long maxVersions) {
    return new LearnerService.Settings(
        infra.bootstrapServers(),
        // Every group is from version 0; a staleness limit above the versions made keeps them all.
        // A checkpoint directory per policy, as srl learner's default: two learners running at
        // once must not write their checkpoints into one directory.
        LearnerConfig.defaults(policy, checkpoints.resolve(policy))
            .withBatchGroups(BATCH)
            .withStaleness(64, StalenessPolicy.DROP)
            .withMaxVersions(maxVersions),
        Topics.TRAINING_GROUPS.name(),
        Map.of());
  }

  private List<String> produceGroups(String policy, String prefix) throws Exception {
    List<TrainingGroup> groups = new ArrayList<>();
    for (int i = 0; i < GROUPS; i++) {
      groups.add(group(policy, policy + "-" + prefix + i, 0));
    }
    produce(groups);
    return groups.stream().map(TrainingGroup::getGroupId).toList();
  }

  private static void produce(List<TrainingGroup> groups) {
    produce(Topics.TRAINING_GROUPS.name(), groups);
  }

  private static void produce(String topic, List<TrainingGroup> groups) {
    AvroSerde<TrainingGroup> serde = AvroSerde.forTopic(Topics.TRAINING_GROUPS, registry);
    try (KafkaProducer<String, TrainingGroup> producer =
        new KafkaProducer<>(
            Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, infra.bootstrapServers()),
            new StringSerializer(),
            serde.serializer())) {
      for (TrainingGroup g : groups) {
        producer.send(new ProducerRecord<>(topic, g.getGroupId(), g));
      }
      producer.flush();
    }
  }

  /** A valid group of {@code policy} (null: naming none, so the default policy's). */
  private static TrainingGroup group(String policy, String id, long policyVersion) {
    TrainingGroup g = SampleRecords.trainingGroup();
    g.setPolicyName(policy);
    g.setGroupId(id);
    g.setPolicyVersion(policyVersion);
    return g;
  }

  private static KafkaProducer<String, byte[]> rawProducer() {
    return new KafkaProducer<>(
        Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, infra.bootstrapServers()),
        new StringSerializer(),
        new ByteArraySerializer());
  }

  private static PolicyVersion lastCommittedVersion(String policy) {
    return PolicyVersions.latest(
            infra.bootstrapServers(), policy, AvroSerde.forTopic(Topics.POLICY_VERSIONS, registry))
        .orElseThrow();
  }

  private static byte[] toBytes(PolicyVersion v) {
    byte[] b = new byte[v.getWeights().remaining()];
    v.getWeights().duplicate().get(b);
    return b;
  }

  private static List<String> deadLetterReasons() {
    return CommittedRecords.of(infra.bootstrapServers(), registry, Topics.DEAD_LETTERS).stream()
        .map(DeadLetter::getReason)
        .toList();
  }
}
