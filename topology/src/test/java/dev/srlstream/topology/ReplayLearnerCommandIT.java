package dev.srlstream.topology;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.srlstream.infra.LocalInfrastructure;
import dev.srlstream.learner.Checkpoint;
import dev.srlstream.learner.CheckpointStore;
import dev.srlstream.learner.GrpoTrainer;
import dev.srlstream.learner.LearnerConfig;
import dev.srlstream.learner.LearnerService;
import dev.srlstream.learner.StalenessPolicy;
import dev.srlstream.learner.TrainerConfig;
import dev.srlstream.policy.ByteTokenizer;
import dev.srlstream.policy.ModelConfig;
import dev.srlstream.policy.ModelWeights;
import dev.srlstream.policy.SessionThreads;
import dev.srlstream.policy.WeightsCodec;
import dev.srlstream.schemas.SampleRecords;
import dev.srlstream.schemas.Topics;
import dev.srlstream.schemas.avro.GroupRollout;
import dev.srlstream.schemas.avro.PolicyVersion;
import dev.srlstream.schemas.avro.TrainedBatch;
import dev.srlstream.schemas.avro.TrainedGroup;
import dev.srlstream.schemas.avro.TrainingGroup;
import dev.srlstream.schemas.avro.TrainingMode;
import dev.srlstream.schemas.registry.SchemaRegistryClient;
import dev.srlstream.schemas.serde.AvroSerde;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ConsumerGroupListing;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code srl replay learner} on the embedded broker and registry: a real learner (the TF Java
 * trainer and {@link LearnerService}) trains a few versions with every checkpoint kept, then the
 * replay re-derives them from an early checkpoint, bit for bit, and writes nothing.
 */
class ReplayLearnerCommandIT {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final ModelConfig TINY =
      new ModelConfig(ByteTokenizer.VOCAB_SIZE, 16, 1, 2, 128, 32, true);
  private static final String POLICY = "replay-it";
  private static final String LEGACY = "replay-legacy";

  @TempDir static Path dir;
  private static LocalInfrastructure infra;
  private static SchemaRegistryClient registry;
  private static Path checkpoints;

  @BeforeAll
  static void trainAFewVersions() throws Exception {
    infra = LocalInfrastructure.start(LocalInfrastructure.Config.ephemeral());
    registry = new SchemaRegistryClient(infra.schemaRegistryUrl());
    checkpoints = dir.resolve("checkpoints");
    LearnerConfig config =
        new LearnerConfig(POLICY, 2, 1, StalenessPolicy.DOWNWEIGHT, checkpoints, 20, 0);
    TrainerConfig trainerConfig =
        TrainerConfig.defaults().toBuilder().learningRate(1e-3).warmupConstant(2).build();
    LearnerService.Settings settings =
        new LearnerService.Settings(
            infra.bootstrapServers(), config, Topics.TRAINING_GROUPS.name(), Map.of());
    try (GrpoTrainer trainer =
            GrpoTrainer.create(
                TINY, ByteTokenizer.INSTANCE, trainerConfig, SessionThreads.TENSORFLOW_DEFAULT);
        LearnerService learner = LearnerService.start(settings, trainer, registry)) {
      // Six groups sampled at version 0 on every partition, one the checks refuse (a token id
      // outside the vocabulary), and one of another policy.
      List<ProducerRecord<String, TrainingGroup>> first = new ArrayList<>();
      for (int g = 0; g < 6; g++) {
        first.add(record(null, group(POLICY, "a" + g, 0, g)));
      }
      TrainingGroup invalid = group(POLICY, "bad", 0, 9);
      invalid.getPromptTokenIds().set(1, 100_000);
      first.add(record(null, invalid));
      first.add(record(null, group("someone-else", "other", 0, 8)));
      produce(first);
      train(learner, 3);
      // Then, on one partition in this order, a group sampled at version 3 and three at version 0:
      // those are 3 versions behind the freshest trained, beyond max staleness 1, so DOWNWEIGHT
      // trains them at weight 1/3.
      List<ProducerRecord<String, TrainingGroup>> second = new ArrayList<>();
      second.add(record(0, group(POLICY, "b0", 3, 10)));
      for (int g = 1; g < 4; g++) {
        second.add(record(0, group(POLICY, "b" + g, 0, 10 + g)));
      }
      produce(second);
      train(learner, 5);
    }
    legacyPolicy();
  }

  @AfterAll
  static void stop() {
    if (infra != null) {
      infra.close();
    }
  }

  @Test
  void theLearnerRecordsWhatEachVersionTrainedOn() throws Exception {
    Map<Long, PolicyVersion> versions = versions(POLICY);
    assertThat(versions.keySet()).containsExactly(0L, 1L, 2L, 3L, 4L, 5L);
    assertThat(versions.get(0L).getTrainedBatch()).isNull();
    List<String> trained = new ArrayList<>();
    List<String> dropped = new ArrayList<>();
    for (long v = 1; v <= 5; v++) {
      TrainedBatch batch = versions.get(v).getTrainedBatch();
      assertThat(batch.getGroupsTopic()).isEqualTo(Topics.TRAINING_GROUPS.name());
      assertThat(batch.getGroups()).hasSize(2);
      batch.getGroups().forEach(g -> trained.add(g.getGroupId()));
      batch.getDropped().forEach(d -> dropped.add(d.getGroupId() + ": " + d.getReason()));
      JsonNode settings = JSON.readTree(batch.getLearnerSettings());
      assertThat(settings.path("learner").path("batch_groups").asInt()).isEqualTo(2);
      assertThat(settings.path("learner").path("staleness_policy").asText())
          .isEqualTo("DOWNWEIGHT");
      assertThat(settings.path("trainer").path("learningRate").asDouble()).isEqualTo(1e-3);
      assertThat(settings.path("trainer").path("warmupSteps").asInt()).isEqualTo(2);
      assertThat(settings.path("session_threads").has("intra_op")).isTrue();
    }
    assertThat(trained)
        .containsExactlyInAnyOrder("a0", "a1", "a2", "a3", "a4", "a5", "b0", "b1", "b2", "b3");
    assertThat(dropped).hasSize(1);
    assertThat(dropped.get(0)).startsWith("bad: invalid: ");
    // The stale groups of version 5 carry the weight they were trained at.
    Map<String, Double> weights = new HashMap<>();
    for (long v = 4; v <= 5; v++) {
      for (TrainedGroup g : versions.get(v).getTrainedBatch().getGroups()) {
        weights.put(g.getGroupId(), g.getWeight());
      }
    }
    assertThat(weights).containsEntry("b0", 1.0);
    assertThat(weights.get("b1")).isCloseTo(1.0 / 3, org.assertj.core.data.Offset.offset(1e-12));
    assertThat(weights.get("b3")).isCloseTo(1.0 / 3, org.assertj.core.data.Offset.offset(1e-12));
  }

  @Test
  void replaysEveryVersionBitForBitAndWritesNothing() throws Exception {
    Map<TopicPartition, Long> endsBefore = endOffsets();
    Set<String> groupsBefore = consumerGroups();

    CommandRun run = replay("--from-version", "1");

    assertThat(run.exitCode()).as(run.out() + run.err()).isZero();
    assertThat(run.out())
        .contains("version 2: identical")
        .contains("version 3: identical")
        .contains("version 4: identical")
        .contains("version 5: identical")
        .contains("replayed 4 versions: all 4 identical")
        .doesNotContain("cannot replay exactly");
    assertThat(endOffsets()).isEqualTo(endsBefore);
    assertThat(consumerGroups()).isEqualTo(groupsBefore);
  }

  @Test
  void fromATimeStartsFromTheNewestCheckpointPublishedByThen() throws Exception {
    Map<Long, PolicyVersion> recorded = versions(POLICY);
    Instant third = recorded.get(3L).getCreatedAt();

    CommandRun run = replay("--from-time", third.toString(), "--to-version", "4");

    assertThat(run.exitCode()).as(run.out() + run.err()).isZero();
    assertThat(run.err()).contains("--from-time " + third + ": from checkpoint 3");
    assertThat(run.out())
        .contains("version 4: identical")
        .contains("replayed 1 version: all 1 identical");

    Instant before = recorded.get(0L).getCreatedAt().minusSeconds(3600);
    CommandRun tooEarly = replay("--from-time", before.toString());
    assertThat(tooEarly.exitCode()).isEqualTo(1);
    assertThat(tooEarly.err())
        .contains("--from-time " + before + ": no checkpoint in")
        .contains("published at or before it (kept: versions ");
  }

  @Test
  void printsJsonForARange() throws Exception {
    CommandRun run = replay("--from-version", "0", "--to-version", "3", "--json");

    assertThat(run.exitCode()).as(run.out() + run.err()).isZero();
    JsonNode doc = JSON.readTree(run.out());
    assertThat(doc.path("from_version").asLong()).isZero();
    assertThat(doc.path("to_version").asLong()).isEqualTo(3);
    assertThat(doc.path("versions")).hasSize(3);
    Map<Long, PolicyVersion> recorded = versions(POLICY);
    for (JsonNode v : doc.path("versions")) {
      assertThat(v.path("identical").asBoolean()).isTrue();
      assertThat(v.path("max_abs_diff").asDouble()).isZero();
      assertThat(v.path("replayed_sha256").asText())
          .isEqualTo(recorded.get(v.path("version").asLong()).getWeightsSha256());
      assertThat(v.path("replayed_loss").asDouble()).isEqualTo(v.path("recorded_loss").asDouble());
    }
    assertThat(doc.path("differ").asInt()).isZero();
  }

  @Test
  void aFreshOptimiserShowsAsDiffering() throws Exception {
    // Checkpoint 1 without its optimiser state: what a learner that lost its checkpoint resumes
    // with (zero moments, step 0).
    Path lost = dir.resolve("lost-optimiser");
    Checkpoint one = new CheckpointStore(checkpoints, 20).read(1);
    new CheckpointStore(lost, 20)
        .write(
            new Checkpoint(
                one.policyName(),
                1,
                one.groupsTrained(),
                one.weights(),
                new byte[0],
                one.offsets(),
                one.freshestSampledVersion()));

    CommandRun run =
        CommandRun.of(
            "replay",
            "learner",
            "--bootstrap-servers",
            infra.bootstrapServers(),
            "--schema-registry",
            infra.schemaRegistryUrl(),
            "--checkpoint-dir",
            lost.toString(),
            "--from-version",
            "1",
            "--to-version",
            "3",
            "--policy",
            POLICY);

    assertThat(run.exitCode()).as(run.out() + run.err()).isEqualTo(ReplayLearnerCommand.DIFFERS);
    assertThat(run.out())
        .contains("cannot replay exactly: checkpoint 1 has no optimiser state")
        .containsPattern("version 2: differs, max \\|Δw\\| = [0-9.]+e-0[0-9]")
        .contains("version 3: differs")
        .contains("replayed 2 versions: 0 identical, 2 differ (first: version 2");
  }

  @Test
  void refusesACheckpointItDoesNotHaveListingThoseItHas() {
    CommandRun run = replay("--from-version", "42");

    assertThat(run.exitCode()).isEqualTo(1);
    assertThat(run.err())
        .contains("has no checkpoint of version 42; it has versions 0..5")
        .contains(checkpoints.toString());
  }

  @Test
  void refusesAVersionBeyondTheRecordedOnes() {
    CommandRun run = replay("--from-version", "1", "--to-version", "9");

    assertThat(run.exitCode()).isEqualTo(1);
    assertThat(run.err())
        .contains(
            "--to-version must be at most the newest recorded version of policy "
                + POLICY
                + " (5), but was 9");
  }

  @Test
  void saysAVersionNoLongerOnTheTopicWasCompactedAway() {
    CommandRun run = legacyReplay("--from-version", "1");

    assertThat(run.exitCode()).isEqualTo(1);
    assertThat(run.err())
        .contains("version 2 of policy " + LEGACY + " is not on srl.policy-versions")
        .contains("compacted away?")
        .contains("it has 0..1, 3")
        .contains("srl topics create --retention srl.policy-versions=P1D");
  }

  @Test
  void saysAVersionRecordedBeforeTheFeatureCannotBeReplayed() {
    CommandRun run = legacyReplay("--from-version", "0", "--to-version", "1");

    assertThat(run.exitCode()).isEqualTo(1);
    assertThat(run.err()).contains("version 1 of policy " + LEGACY + " has no trained_batch");
  }

  // ----- helpers -----

  private static CommandRun replay(String... options) {
    List<String> args =
        new ArrayList<>(
            List.of(
                "replay",
                "learner",
                "--bootstrap-servers",
                infra.bootstrapServers(),
                "--schema-registry",
                infra.schemaRegistryUrl(),
                "--checkpoint-dir",
                checkpoints.toString(),
                "--policy",
                POLICY));
    args.addAll(List.of(options));
    return CommandRun.of(args.toArray(String[]::new));
  }

  private static CommandRun legacyReplay(String... options) {
    List<String> args =
        new ArrayList<>(
            List.of(
                "replay",
                "learner",
                "--bootstrap-servers",
                infra.bootstrapServers(),
                "--schema-registry",
                infra.schemaRegistryUrl(),
                "--checkpoint-dir",
                dir.resolve("legacy").toString(),
                "--policy",
                LEGACY));
    args.addAll(List.of(options));
    return CommandRun.of(args.toArray(String[]::new));
  }

  private static void train(LearnerService learner, long until) {
    long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
    learner.run(() -> learner.version() < until && System.nanoTime() < deadline);
    assertThat(learner.version()).isEqualTo(until);
  }

  /**
   * A policy whose versions 0 and 1 were recorded before trained_batch existed and whose version 2
   * is gone from the topic (as compaction would leave it), with checkpoints 0 and 1.
   */
  private static void legacyPolicy() throws Exception {
    byte[] weights = WeightsCodec.encode(TINY, ByteTokenizer.ID, 0, ModelWeights.initial(TINY, 0));
    CheckpointStore store = new CheckpointStore(dir.resolve("legacy"), 20);
    AvroSerde<PolicyVersion> serde = AvroSerde.forTopic(Topics.POLICY_VERSIONS, registry);
    try (KafkaProducer<String, byte[]> producer =
        new KafkaProducer<>(
            Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, infra.bootstrapServers()),
            new StringSerializer(),
            new ByteArraySerializer())) {
      for (long v : new long[] {0, 1, 3}) {
        if (v < 2) {
          store.write(new Checkpoint(LEGACY, v, v, weights, new byte[0], Map.of(), -1));
        }
        PolicyVersion record =
            PolicyVersion.newBuilder()
                .setPolicyName(LEGACY)
                .setVersion(v)
                .setWeights(ByteBuffer.wrap(weights))
                .setWeightsSha256(WeightsCodec.sha256Hex(weights))
                .setArchitecture(TINY.toJson())
                .setMode(TrainingMode.SRL)
                .setGroupsTrained(v)
                .setMetrics(Map.of())
                .setCreatedAt(Instant.now())
                .setTrainedBatch(
                    v < 2
                        ? null
                        : TrainedBatch.newBuilder()
                            .setGroupsTopic(Topics.TRAINING_GROUPS.name())
                            .setGroups(List.of())
                            .setDropped(List.of())
                            .setLearnerSettings("{}")
                            .build())
                .build();
        producer
            .send(
                new ProducerRecord<>(
                    Topics.POLICY_VERSIONS.name(),
                    LEGACY,
                    serde.serialize(Topics.POLICY_VERSIONS.name(), record)))
            .get(30, TimeUnit.SECONDS);
      }
    }
  }

  private static ProducerRecord<String, TrainingGroup> record(
      Integer partition, TrainingGroup group) {
    return new ProducerRecord<>(
        Topics.TRAINING_GROUPS.name(), partition, group.getGroupId(), group);
  }

  private static void produce(List<ProducerRecord<String, TrainingGroup>> records)
      throws Exception {
    AvroSerde<TrainingGroup> serde = AvroSerde.forTopic(Topics.TRAINING_GROUPS, registry);
    try (KafkaProducer<String, TrainingGroup> producer =
        new KafkaProducer<>(
            Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                infra.bootstrapServers(),
                ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION,
                1),
            new StringSerializer(),
            serde.serializer())) {
      for (ProducerRecord<String, TrainingGroup> record : records) {
        producer.send(record).get(30, TimeUnit.SECONDS);
      }
    }
  }

  /** A group of 4 rollouts of a small arithmetic prompt, sampled at {@code sampledAt}. */
  private static TrainingGroup group(String policy, String id, long sampledAt, int seed) {
    Random random = new Random(seed);
    int[] prompt = ByteTokenizer.INSTANCE.encode(seed + " + 3 * 4 =");
    List<Integer> promptIds = new ArrayList<>();
    promptIds.add(ByteTokenizer.BOS);
    for (int t : prompt) {
      promptIds.add(t);
    }
    List<GroupRollout> rollouts = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      List<Integer> ids = new ArrayList<>();
      List<Float> logprobs = new ArrayList<>();
      for (int t : ByteTokenizer.INSTANCE.encode(" " + (seed + 12 + i))) {
        ids.add(t);
        logprobs.add((float) (-5.5 + random.nextGaussian() * 0.1));
      }
      rollouts.add(
          GroupRollout.newBuilder()
              .setRolloutId(id + "/r" + i)
              .setRolloutIndex(i)
              .setActorId("it")
              .setResponseTokenIds(ids)
              .setBehaviourLogprobs(logprobs)
              .setReward(i == 0 ? 1.0 : 0.5)
              .setAdvantage(i == 0 ? 1.7 : -0.6)
              .setFormatOk(true)
              .build());
    }
    TrainingGroup group = SampleRecords.trainingGroup();
    group.setGroupId(id);
    group.setPolicyName(policy);
    group.setPolicyVersion(sampledAt);
    group.setPromptTokenIds(promptIds);
    group.setRollouts(rollouts);
    return group;
  }

  /** Every recorded version of a policy, read with read_committed and no group. */
  private static Map<Long, PolicyVersion> versions(String policy) {
    AvroSerde<PolicyVersion> serde = AvroSerde.forTopic(Topics.POLICY_VERSIONS, registry);
    Map<Long, PolicyVersion> versions = new TreeMap<>();
    try (KafkaConsumer<byte[], byte[]> consumer = consumer()) {
      TopicPartition tp = new TopicPartition(Topics.POLICY_VERSIONS.name(), 0);
      consumer.assign(List.of(tp));
      consumer.seekToBeginning(List.of(tp));
      long end = consumer.endOffsets(List.of(tp)).get(tp);
      while (consumer.position(tp) < end) {
        for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(500))) {
          if (r.key() != null
              && r.value() != null
              && policy.equals(new String(r.key(), StandardCharsets.UTF_8))) {
            PolicyVersion v = serde.deserialize(r.topic(), r.value());
            versions.put(v.getVersion(), v);
          }
        }
      }
    }
    return versions;
  }

  private static KafkaConsumer<byte[], byte[]> consumer() {
    return new KafkaConsumer<>(
        Map.of(
            ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
            infra.bootstrapServers(),
            ConsumerConfig.ISOLATION_LEVEL_CONFIG,
            "read_committed"),
        new ByteArrayDeserializer(),
        new ByteArrayDeserializer());
  }

  /** The end offset of every partition of every topic on the cluster. */
  private static Map<TopicPartition, Long> endOffsets() throws Exception {
    try (Admin admin = admin();
        KafkaConsumer<byte[], byte[]> consumer = consumer()) {
      Set<String> topics = admin.listTopics().names().get(30, TimeUnit.SECONDS);
      List<TopicPartition> partitions = new ArrayList<>();
      admin
          .describeTopics(topics)
          .allTopicNames()
          .get(30, TimeUnit.SECONDS)
          .forEach(
              (name, description) ->
                  description
                      .partitions()
                      .forEach(p -> partitions.add(new TopicPartition(name, p.partition()))));
      assertThat(partitions).isNotEmpty();
      return new HashMap<>(consumer.endOffsets(partitions));
    }
  }

  private static Set<String> consumerGroups() throws Exception {
    try (Admin admin = admin()) {
      return admin.listConsumerGroups().all().get(30, TimeUnit.SECONDS).stream()
          .map(ConsumerGroupListing::groupId)
          .collect(Collectors.toSet());
    }
  }

  private static Admin admin() {
    return Admin.create(
        Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, infra.bootstrapServers()));
  }
}
