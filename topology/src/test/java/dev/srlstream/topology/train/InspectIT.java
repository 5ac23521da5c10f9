package dev.srlstream.topology.train;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.srlstream.infra.LocalInfrastructure;
import dev.srlstream.learner.Credit;
import dev.srlstream.method.data.ArithmeticProblems;
import dev.srlstream.schemas.CommittedRecords;
import dev.srlstream.schemas.DeadLetters;
import dev.srlstream.schemas.Topics;
import dev.srlstream.schemas.avro.DeadLetter;
import dev.srlstream.schemas.avro.DroppedGroup;
import dev.srlstream.schemas.avro.GroupRollout;
import dev.srlstream.schemas.avro.PolicyVersion;
import dev.srlstream.schemas.avro.RolloutStep;
import dev.srlstream.schemas.avro.StepReward;
import dev.srlstream.schemas.avro.TrainedBatch;
import dev.srlstream.schemas.avro.TrainingGroup;
import dev.srlstream.schemas.registry.SchemaRegistryClient;
import dev.srlstream.schemas.serde.AvroSerde;
import dev.srlstream.topology.CommandRun;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code srl inspect} on the records of a real tiny SRL run (actors, scorer and learner on the
 * embedded broker), plus one dead letter of a rollout of the inspected group and one of another
 * group, as the scorer writes them for a repeated rollout: every part of the group is found, in
 * text and as JSON, and nothing of another group is.
 */
class InspectIT {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String POLICY = "it-inspect";

  private static LocalInfrastructure infra;
  private static SchemaRegistryClient registry;
  private static TrainingGroup group;
  private static List<StepReward> rewards;
  private static String letteredRollout;
  private static long versions;

  @BeforeAll
  static void recordARun() throws Exception {
    infra = LocalInfrastructure.start(LocalInfrastructure.Config.ephemeral());
    registry = new SchemaRegistryClient(infra.schemaRegistryUrl());
    ArithmeticProblems.DataSet data = TinyRuns.data();
    Path runDir = Files.createTempDirectory("inspect-it");
    StringWriter log = new StringWriter();
    JsonNode summary =
        new TrainRun(
                TinyRuns.srl(
                    POLICY,
                    runDir,
                    data,
                    TinyRuns.warmBase(data),
                    false,
                    Duration.ofMinutes(3), // a bound; the run ends at max versions long before
                    3,
                    infra.bootstrapServers(),
                    infra.schemaRegistryUrl(),
                    0,
                    Credit.SEQUENCE),
                new PrintWriter(log, true))
            .run();
    assertThat(summary.path("status").asText()).as(log.toString()).isEqualTo("finished");
    versions = summary.path("versions").asLong();
    // The first group kept: a version was published after it.
    group =
        CommittedRecords.of(infra.bootstrapServers(), registry, Topics.TRAINING_GROUPS).stream()
            .min(Comparator.comparing(TrainingGroup::getAssembledAt))
            .orElseThrow();
    rewards =
        CommittedRecords.of(infra.bootstrapServers(), registry, Topics.STEP_REWARDS).stream()
            .filter(r -> r.getGroupId().equals(group.getGroupId()))
            .toList();
    // Dead letters as the scorer writes them for a repeated rollout: one of the group's, and one
    // of another group's, which the group's inspection must leave out.
    List<ConsumerRecord<byte[], byte[]>> raw = rawRollouts();
    AvroSerde<RolloutStep> rolloutSerde = AvroSerde.forTopic(Topics.ROLLOUT_STEPS, registry);
    ConsumerRecord<byte[], byte[]> ours = null;
    ConsumerRecord<byte[], byte[]> other = null;
    for (ConsumerRecord<byte[], byte[]> r : raw) {
      RolloutStep step = rolloutSerde.deserialize(r.topic(), r.value());
      if (step.getGroupId().equals(group.getGroupId()) && ours == null) {
        ours = r;
        letteredRollout = step.getRolloutId();
      } else if (!step.getInstanceId().equals(group.getInstanceId()) && other == null) {
        other = r;
      }
    }
    AvroSerde<DeadLetter> letters = AvroSerde.forTopic(Topics.DEAD_LETTERS, registry);
    try (KafkaProducer<String, byte[]> producer =
        new KafkaProducer<>(
            Map.of("bootstrap.servers", infra.bootstrapServers()),
            new StringSerializer(),
            new ByteArraySerializer())) {
      for (ConsumerRecord<byte[], byte[]> r : List.of(ours, other)) {
        RolloutStep step = rolloutSerde.deserialize(r.topic(), r.value());
        DeadLetter letter =
            DeadLetters.of(
                "scorer-stream",
                "DUPLICATE_ROLLOUT",
                "rollout_id " + step.getRolloutId() + " was seen before",
                new DeadLetters.Source(r.topic(), r.partition(), r.offset(), r.timestamp()),
                step.getRolloutId(),
                r.key(),
                r.value(),
                System.currentTimeMillis());
        producer
            .send(
                new ProducerRecord<>(
                    Topics.DEAD_LETTERS.name(),
                    r.topic(),
                    letters.serialize(Topics.DEAD_LETTERS.name(), letter)))
            .get(30, TimeUnit.SECONDS);
      }
    }
  }

  @AfterAll
  static void stop() {
    if (infra != null) {
      infra.close();
    }
  }

  private static List<ConsumerRecord<byte[], byte[]>> rawRollouts() {
    List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();
    try (KafkaConsumer<byte[], byte[]> consumer =
        new KafkaConsumer<>(
            Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                infra.bootstrapServers(),
                ConsumerConfig.ISOLATION_LEVEL_CONFIG,
                "read_committed"),
            new ByteArrayDeserializer(),
            new ByteArrayDeserializer())) {
      List<TopicPartition> partitions =
          consumer.partitionsFor(Topics.ROLLOUT_STEPS.name()).stream()
              .map(p -> new TopicPartition(p.topic(), p.partition()))
              .toList();
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      Map<TopicPartition, Long> ends = consumer.endOffsets(partitions);
      while (partitions.stream().anyMatch(tp -> consumer.position(tp) < ends.get(tp))) {
        consumer.poll(Duration.ofMillis(200)).forEach(records::add);
      }
    }
    return records;
  }

  private static CommandRun inspect(String... args) {
    List<String> all = new ArrayList<>(List.of("inspect"));
    all.addAll(List.of(args));
    all.addAll(
        List.of(
            "--bootstrap-servers",
            infra.bootstrapServers(),
            "--schema-registry",
            infra.schemaRegistryUrl()));
    long started = System.nanoTime();
    CommandRun run = CommandRun.of(all.toArray(String[]::new));
    System.out.printf(
        "srl %s: %d ms%n", String.join(" ", args), (System.nanoTime() - started) / 1_000_000);
    return run;
  }

  @Test
  void jsonHoldsEveryPartOfTheGroup() throws Exception {
    CommandRun run = inspect("group", group.getGroupId(), "--json");
    assertThat(run.exitCode()).as(run.err()).isZero();
    JsonNode doc = JSON.readTree(run.out());

    assertThat(doc.path("group_id").asText()).isEqualTo(group.getGroupId());
    assertThat(doc.path("instance_id").asText()).isEqualTo(group.getInstanceId());
    assertThat(doc.path("policy_name").asText()).isEqualTo(POLICY);
    assertThat(doc.path("policy_version").asLong()).isEqualTo(group.getPolicyVersion());
    // The task and the expert step of the group's instance.
    assertThat(doc.path("task").path("value").path("task_id").asText())
        .isEqualTo(group.getTaskId());
    assertThat(doc.path("task").path("record").asText()).startsWith("srl.tasks ");
    assertThat(doc.path("expert_step").path("value").path("instance_id").asText())
        .isEqualTo(group.getInstanceId());
    assertThat(doc.path("expert_step").path("value").path("target_step").asText()).isNotBlank();
    // Every rollout: sampled (version, actor, response, action), rewarded, with its advantage.
    JsonNode rollouts = doc.path("rollouts");
    assertThat(rollouts).hasSize(group.getExpectedSize());
    assertThat(rewards).hasSize(group.getExpectedSize());
    for (GroupRollout expected : group.getRollouts()) {
      JsonNode r = rollouts.get(expected.getRolloutIndex());
      assertThat(r.path("rollout_id").asText()).isEqualTo(expected.getRolloutId());
      assertThat(r.path("actor_id").asText()).isEqualTo(expected.getActorId());
      assertThat(r.path("policy_version").asLong()).isEqualTo(group.getPolicyVersion());
      assertThat(r.path("response_text").asText()).isNotEmpty();
      assertThat(r.path("rollout_record").asText()).startsWith("srl.rollout-steps ");
      assertThat(r.path("reward").asDouble()).isEqualTo(expected.getReward());
      assertThat(r.path("advantage").asDouble()).isEqualTo(expected.getAdvantage());
      StepReward reward =
          rewards.stream()
              .filter(x -> x.getRolloutId().equals(expected.getRolloutId()))
              .findFirst()
              .orElseThrow();
      assertThat(r.path("format_ok").asBoolean()).isEqualTo(reward.getFormatOk());
      if (reward.getSimilarity() == null) {
        assertThat(r.path("similarity").isNull()).isTrue();
      } else {
        assertThat(r.path("similarity").asDouble()).isEqualTo(reward.getSimilarity());
      }
      assertThat(r.path("reason").asText(null)).isEqualTo(reward.getReason());
      assertThat(r.path("action").isTextual()).isEqualTo(reward.getFormatOk());
    }
    // The scorer's decision and the group's record.
    JsonNode state = doc.path("group");
    assertThat(state.path("state").asText()).isEqualTo(group.getComplete() ? "kept" : "partial");
    assertThat(state.path("recorded").asBoolean()).isTrue();
    assertThat(state.path("reward_mean").asDouble()).isEqualTo(group.getRewardMean());
    assertThat(state.path("record").asText()).startsWith("srl.training-groups ");
    // The learner's: each version records its batch, so exact: the version whose batch holds it.
    JsonNode learner = doc.path("learner");
    assertThat(learner.path("fate").asText()).isEqualTo("trained");
    assertThat(learner.path("exact").asBoolean()).isTrue();
    assertThat(learner.path("version").asLong()).isEqualTo(trainedBy(group.getGroupId()));
    assertThat(learner.path("text").asText()).contains("as the version records");
    // The dead letter of one of its rollouts, decoded; not the other group's.
    JsonNode letters = doc.path("dead_letters");
    assertThat(letters).hasSize(1);
    assertThat(letters.get(0).path("reason").asText()).isEqualTo("DUPLICATE_ROLLOUT");
    assertThat(letters.get(0).path("original").path("rollout_id").asText())
        .isEqualTo(letteredRollout);
  }

  @Test
  void textShowsEveryPartOfTheGroup() {
    CommandRun run = inspect("group", group.getGroupId());
    assertThat(run.exitCode()).as(run.err()).isZero();
    System.out.println(run.out()); // the report's sample

    assertThat(run.out())
        .startsWith(
            "group "
                + group.getGroupId()
                + "  policy "
                + POLICY
                + ", sampled under version "
                + group.getPolicyVersion())
        .contains("task          srl.tasks ", "  question    ", "expert step   ")
        .contains(
            "rollouts      "
                + group.getExpectedSize()
                + " recorded, "
                + group.getExpectedSize()
                + " of "
                + group.getExpectedSize()
                + " rewarded")
        .contains(
            "learner       trained by version "
                + trainedBy(group.getGroupId())
                + " (weight 1.0), as the version records")
        .contains(
            "dead letters  1\n  DUPLICATE_ROLLOUT by scorer-stream: rollout_id " + letteredRollout)
        .contains("responses\n");
    for (GroupRollout r : group.getRollouts()) {
      assertThat(run.out())
          .containsPattern(
              "\\n +"
                  + r.getRolloutIndex()
                  + " +"
                  + group.getPolicyVersion()
                  + " +\\S+ +"
                  + String.format(java.util.Locale.ROOT, "%.3f", r.getReward()).replace(".", "\\.")
                  + " +\\S+ +"
                  + String.format(java.util.Locale.ROOT, "%+.3f", r.getAdvantage())
                      .replace(".", "\\.")
                      .replace("+", "\\+"));
    }
    assertThat(run.out())
        .contains(group.getComplete() ? "kept: on srl.training-groups" : "kept partial");
  }

  @Test
  void theInstanceListsEveryGroupOfIt() throws Exception {
    CommandRun text = inspect("instance", group.getInstanceId());
    assertThat(text.exitCode()).as(text.err()).isZero();
    System.out.println(text.out());
    assertThat(text.out())
        .startsWith("instance " + group.getInstanceId() + "\nexpert step   ")
        .containsPattern(
            "\\n  " + java.util.regex.Pattern.quote(group.getGroupId()) + " +\\d+ +\\d+/\\d+ ")
        .contains("dead letters  1\n");

    CommandRun json = inspect("instance", group.getInstanceId(), "--json");
    JsonNode doc = JSON.readTree(json.out());
    List<String> ids = new ArrayList<>();
    doc.path("groups").forEach(g -> ids.add(g.path("group_id").asText()));
    List<String> expected =
        rawRollouts().stream()
            .map(
                r ->
                    AvroSerde.forTopic(Topics.ROLLOUT_STEPS, registry)
                        .deserialize(r.topic(), r.value()))
            .filter(s -> s.getInstanceId().equals(group.getInstanceId()))
            .map(RolloutStep::getGroupId)
            .distinct()
            .toList();
    assertThat(ids).containsExactlyInAnyOrderElementsOf(expected);
    // Each group's decision: the kept ones as recorded, the others inferred from their rewards.
    List<String> kept =
        CommittedRecords.of(infra.bootstrapServers(), registry, Topics.TRAINING_GROUPS).stream()
            .map(TrainingGroup::getGroupId)
            .toList();
    for (JsonNode g : doc.path("groups")) {
      JsonNode state = g.path("group");
      if (kept.contains(g.path("group_id").asText())) {
        assertThat(state.path("state").asText()).isIn("kept", "partial");
        assertThat(state.path("recorded").asBoolean()).isTrue();
      } else {
        assertThat(state.path("state").asText()).isIn("filtered", "incomplete", "not emitted");
        assertThat(state.path("recorded").asBoolean()).isFalse();
        assertThat(g.path("learner").path("fate").asText()).isEqualTo("not_applicable");
      }
    }
    assertThat(doc.path("tasks").size()).isPositive();
    assertThat(doc.path("expert_step").path("value").path("instance_id").asText())
        .isEqualTo(group.getInstanceId());
  }

  @Test
  void everyGroupOfTheBusiestInstanceIsExplained() throws Exception {
    AvroSerde<RolloutStep> serde = AvroSerde.forTopic(Topics.ROLLOUT_STEPS, registry);
    Map<String, java.util.Set<String>> groupsByInstance = new java.util.TreeMap<>();
    for (ConsumerRecord<byte[], byte[]> r : rawRollouts()) {
      RolloutStep step = serde.deserialize(r.topic(), r.value());
      groupsByInstance
          .computeIfAbsent(step.getInstanceId(), k -> new java.util.TreeSet<>())
          .add(step.getGroupId());
    }
    String busiest =
        groupsByInstance.entrySet().stream()
            .max(Comparator.comparingInt(e -> e.getValue().size()))
            .orElseThrow()
            .getKey();
    CommandRun text = inspect("instance", busiest);
    assertThat(text.exitCode()).as(text.err()).isZero();
    System.out.println(text.out());
    JsonNode doc = JSON.readTree(inspect("instance", busiest, "--json").out());
    List<String> ids = new ArrayList<>();
    doc.path("groups").forEach(g -> ids.add(g.path("group_id").asText()));
    assertThat(ids).containsExactlyInAnyOrderElementsOf(groupsByInstance.get(busiest));
    List<String> kept =
        CommittedRecords.of(infra.bootstrapServers(), registry, Topics.TRAINING_GROUPS).stream()
            .map(TrainingGroup::getGroupId)
            .toList();
    for (JsonNode g : doc.path("groups")) {
      String groupId = g.path("group_id").asText();
      JsonNode state = g.path("group");
      assertThat(text.out()).contains("\n  " + groupId + " ");
      if (kept.contains(groupId)) {
        assertThat(state.path("state").asText()).isIn("kept", "partial");
        assertThat(state.path("recorded").asBoolean()).isTrue();
        continue;
      }
      // Not kept: the decision is inferred from the rewards, and inspect group says why.
      assertThat(state.path("state").asText()).isIn("filtered", "incomplete", "not emitted");
      assertThat(state.path("recorded").asBoolean()).isFalse();
      assertThat(g.path("learner").path("fate").asText()).isEqualTo("not_applicable");
      CommandRun one = inspect("group", groupId);
      System.out.println(one.out());
      assertThat(one.out())
          .contains("group         " + state.path("text").asText())
          .contains("learner       not on srl.training-groups: the learner never saw it");
    }
  }

  /**
   * A group the learner consumed and did not train on is said to be dropped, with the reason and
   * the version that records it. A copy of a kept group under a new id (sampled under a version
   * this run never had) is put on the groups topic, and a version whose batch drops it as stale on
   * the versions topic, both with the real schemas, after the run's services have stopped.
   */
  @Test
  void aGroupTheLearnerDroppedIsSaidSoWithTheVersionThatRecordsIt() throws Exception {
    TrainingGroup copy =
        TrainingGroup.newBuilder(group)
            .setGroupId(group.getTaskId() + "/v99")
            .setPolicyVersion(99)
            .build();
    PolicyVersion newest =
        CommittedRecords.of(infra.bootstrapServers(), registry, Topics.POLICY_VERSIONS).stream()
            .filter(v -> POLICY.equals(v.getPolicyName()))
            .max(Comparator.comparingLong(PolicyVersion::getVersion))
            .orElseThrow();
    long dropping = newest.getVersion() + 1;
    PolicyVersion version =
        PolicyVersion.newBuilder(newest)
            .setVersion(dropping)
            .setCreatedAt(Instant.now())
            .setTrainedBatch(
                TrainedBatch.newBuilder()
                    .setGroupsTopic(Topics.TRAINING_GROUPS.name())
                    .setGroups(List.of())
                    .setDropped(
                        List.of(
                            DroppedGroup.newBuilder()
                                .setPartition(0)
                                .setOffset(0)
                                .setGroupId(copy.getGroupId())
                                .setReason("stale")
                                .build()))
                    .setLearnerSettings("{}")
                    .build())
            .build();
    try (KafkaProducer<String, TrainingGroup> groups =
            new KafkaProducer<>(
                Map.of("bootstrap.servers", infra.bootstrapServers()),
                new StringSerializer(),
                AvroSerde.forTopic(Topics.TRAINING_GROUPS, registry).serializer());
        KafkaProducer<String, PolicyVersion> versionsOut =
            new KafkaProducer<>(
                Map.of("bootstrap.servers", infra.bootstrapServers()),
                new StringSerializer(),
                AvroSerde.forTopic(Topics.POLICY_VERSIONS, registry).serializer())) {
      groups
          .send(new ProducerRecord<>(Topics.TRAINING_GROUPS.name(), copy.getGroupId(), copy))
          .get(30, TimeUnit.SECONDS);
      versionsOut
          .send(new ProducerRecord<>(Topics.POLICY_VERSIONS.name(), POLICY, version))
          .get(30, TimeUnit.SECONDS);
    }

    JsonNode doc = JSON.readTree(inspect("group", copy.getGroupId(), "--json").out());
    assertThat(doc.path("learner").path("fate").asText()).isEqualTo("dropped");
    assertThat(doc.path("learner").path("exact").asBoolean()).isTrue();
    assertThat(doc.path("learner").path("version").asLong()).isEqualTo(dropping);
    assertThat(doc.path("learner").path("reason").asText()).isEqualTo("stale");
    assertThat(inspect("group", copy.getGroupId()).out())
        .contains(
            "learner       dropped by the learner (stale) before version "
                + dropping
                + ", as the version records");
    // The run's own group keeps the version that trained it.
    JsonNode first = JSON.readTree(inspect("group", group.getGroupId(), "--json").out());
    assertThat(first.path("learner").path("fate").asText()).isEqualTo("trained");
  }

  /** The version whose recorded batch holds the group (fails if none does). */
  private static long trainedBy(String groupId) {
    return CommittedRecords.of(infra.bootstrapServers(), registry, Topics.POLICY_VERSIONS).stream()
        .filter(v -> POLICY.equals(v.getPolicyName()) && v.getTrainedBatch() != null)
        .filter(
            v ->
                v.getTrainedBatch().getGroups().stream()
                    .anyMatch(g -> groupId.equals(g.getGroupId())))
        .mapToLong(PolicyVersion::getVersion)
        .min()
        .orElseThrow(() -> new AssertionError("no recorded version trained " + groupId));
  }

  @Test
  void unknownIdsAndTimesAfterEverythingFailClearly() {
    CommandRun group = inspect("group", "nope/v1");
    assertThat(group.exitCode()).isNotZero();
    assertThat(group.err())
        .contains("no group nope/v1 on srl.step-rewards, srl.training-groups or srl.rollout-steps")
        .contains("srl read srl.training-groups");
    CommandRun instance = inspect("instance", "nope");
    assertThat(instance.exitCode()).isNotZero();
    assertThat(instance.err())
        .contains("no instance nope on srl.expert-steps, srl.tasks or srl.rollout-steps")
        .contains("srl read srl.expert-steps");
    CommandRun later =
        inspect("group", InspectIT.group.getGroupId(), "--from-time", "2999-01-01T00:00:00Z");
    assertThat(later.exitCode()).isNotZero();
    assertThat(later.err()).contains("since 2999-01-01T00:00:00Z");
    assertThat(inspect("group", "x", "--from-time", "soon").err())
        .contains(
            "--from-time must be an ISO-8601 instant (e.g. 2026-12-04T01:00:00Z), but was soon");
  }
}
