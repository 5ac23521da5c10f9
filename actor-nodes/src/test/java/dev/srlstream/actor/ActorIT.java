package dev.srlstream.actor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import dev.srlstream.infra.kafka.BrokerConfig;
import dev.srlstream.infra.kafka.EmbeddedKafkaBroker;
import dev.srlstream.infra.kafka.TopicProvisioner;
import dev.srlstream.infra.registry.RegistryConfig;
import dev.srlstream.infra.registry.SchemaRegistryServer;
import dev.srlstream.policy.ByteTokenizer;
import dev.srlstream.policy.ModelConfig;
import dev.srlstream.policy.ModelWeights;
import dev.srlstream.policy.SessionThreads;
import dev.srlstream.policy.WeightsCodec;
import dev.srlstream.schemas.TopicSpec;
import dev.srlstream.schemas.Topics;
import dev.srlstream.schemas.avro.DeadLetter;
import dev.srlstream.schemas.avro.PolicyVersion;
import dev.srlstream.schemas.avro.RolloutStep;
import dev.srlstream.schemas.avro.StepTask;
import dev.srlstream.schemas.avro.TrainingMode;
import dev.srlstream.schemas.registry.SchemaRegistryClient;
import dev.srlstream.schemas.serde.AvroSerde;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
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
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Actor processes on the embedded broker with a real (tiny) TensorFlow policy: a fleet of two that
 * loses one member to a crash, and one process of two instances that follows policy versions.
 */
class ActorIT {
  private static final Logger log = LoggerFactory.getLogger(ActorIT.class);

  /** Small enough that a group of 4 x 48 tokens samples in tens of milliseconds. */
  private static final ModelConfig TINY =
      new ModelConfig(ByteTokenizer.VOCAB_SIZE, 16, 1, 2, 256, 32, true);

  private static final int GROUP_SIZE = 4;
  private static EmbeddedKafkaBroker broker;
  private static SchemaRegistryServer registryServer;
  private static SchemaRegistryClient registry;

  @BeforeAll
  static void startInfrastructure() {
    broker = EmbeddedKafkaBroker.start(BrokerConfig.ephemeral());
    registryServer = SchemaRegistryServer.start(RegistryConfig.kafka(broker.bootstrapServers(), 0));
    registry = new SchemaRegistryClient(registryServer.url());
  }

  @AfterAll
  static void stopInfrastructure() {
    if (registryServer != null) {
      registryServer.close();
    }
    if (broker != null) {
      broker.close();
    }
  }

  /** The catalogue's actor topics under a prefix of their own, created on the broker. */
  private static ActorTopics topics(String prefix) {
    ActorTopics topics =
        new ActorTopics(
            prefix + ".tasks",
            prefix + ".rollouts",
            prefix + ".versions",
            prefix + ".dead-letters");
    List<TopicSpec<?>> specs =
        List.of(
            renamed(Topics.TASKS, topics.tasks()),
            renamed(Topics.ROLLOUT_STEPS, topics.rolloutSteps()),
            renamed(Topics.POLICY_VERSIONS, topics.policyVersions()),
            renamed(Topics.DEAD_LETTERS, topics.deadLetters()));
    try (Admin admin = admin()) {
      TopicProvisioner.provision(admin, specs);
    }
    return topics;
  }

  private static <V extends SpecificRecord> TopicSpec<V> renamed(TopicSpec<V> t, String name) {
    return new TopicSpec<>(
        name,
        t.valueType(),
        t.keyField(),
        t.partitions(),
        t.cleanupPolicy(),
        t.retention(),
        t.maxMessageBytes());
  }

  private static Admin admin() {
    return Admin.create(Map.of("bootstrap.servers", broker.bootstrapServers()));
  }

  private static ActorService start(
      ActorTopics topics, String groupId, String actorId, int instances, int httpPort) {
    ActorConfig config =
        ActorConfig.builder()
            .policyName("it")
            .groupId(groupId)
            .actorId(actorId)
            .instances(instances)
            .model(TINY)
            .initSeed(1)
            .sessionThreads(SessionThreads.SINGLE)
            .shutdownTimeout(Duration.ofSeconds(20))
            .statusInterval(Duration.ofSeconds(2))
            .build();
    return ActorService.start(
        new ActorService.Settings(
            broker.bootstrapServers(),
            registryServer.url(),
            config,
            topics,
            httpPort,
            // A crashed member is noticed after the session timeout: keep it short (the broker's
            // minimum) so the test does not wait 45 s.
            Map.of("session.timeout.ms", "6000", "heartbeat.interval.ms", "1000")));
  }

  private static StepTask task(int i, int maxNewTokens) {
    return StepTask.newBuilder()
        .setTaskId("task-" + i)
        .setInstanceId("inst-" + i)
        .setProblemId("problem-" + i)
        .setMode(TrainingMode.SRL)
        .setStepIndex(1)
        .setTotalSteps(3)
        .setQuestion("Compute " + i + " + 4 × 5")
        .setContextSteps(List.of("4 × 5 = 20"))
        .setHint(null)
        .setGroupSize(GROUP_SIZE)
        .setTemperature(1.0f)
        .setMaxNewTokens(maxNewTokens)
        .setSeed(i)
        .setCreatedAt(Instant.now())
        .build();
  }

  private static void produceTasks(String topic, List<StepTask> tasks) throws Exception {
    AvroSerde<StepTask> serde = new AvroSerde<>(StepTask.class, registry);
    try (KafkaProducer<String, byte[]> producer = producer()) {
      for (StepTask t : tasks) {
        producer.send(new ProducerRecord<>(topic, t.getInstanceId(), serde.serialize(topic, t)));
      }
      producer.flush();
    }
  }

  private static KafkaProducer<String, byte[]> producer() {
    return new KafkaProducer<>(
        Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers()),
        new StringSerializer(),
        new ByteArraySerializer());
  }

  /** Every record of a topic now: read from the start to the current end offsets. */
  private static List<ConsumerRecord<byte[], byte[]>> readToEnd(String topic) {
    Map<TopicPartition, Long> starts;
    Map<TopicPartition, Long> ends;
    try (KafkaConsumer<byte[], byte[]> consumer = rawConsumer()) {
      List<TopicPartition> partitions =
          consumer.partitionsFor(topic).stream()
              .map(p -> new TopicPartition(topic, p.partition()))
              .toList();
      starts = consumer.beginningOffsets(partitions);
      ends = consumer.endOffsets(partitions);
    }
    return readAll(
        topic,
        records -> {
          Map<TopicPartition, Long> next = new HashMap<>();
          records.forEach(
              r -> next.put(new TopicPartition(r.topic(), r.partition()), r.offset() + 1));
          return ends.entrySet().stream()
              .allMatch(e -> next.getOrDefault(e.getKey(), starts.get(e.getKey())) >= e.getValue());
        });
  }

  private static KafkaConsumer<byte[], byte[]> rawConsumer() {
    return new KafkaConsumer<>(
        Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers()),
        new ByteArrayDeserializer(),
        new ByteArrayDeserializer());
  }

  /** Every record of a topic, read from the start until {@code done} holds (or 90 s). */
  private static List<ConsumerRecord<byte[], byte[]>> readAll(
      String topic, Predicate<List<ConsumerRecord<byte[], byte[]>>> done) {
    List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();
    try (KafkaConsumer<byte[], byte[]> consumer =
        new KafkaConsumer<>(
            Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers()),
            new ByteArrayDeserializer(),
            new ByteArrayDeserializer())) {
      List<TopicPartition> partitions =
          consumer.partitionsFor(topic).stream()
              .map(p -> new TopicPartition(topic, p.partition()))
              .toList();
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
      while (!done.test(records) && System.nanoTime() < deadline) {
        consumer.poll(Duration.ofMillis(200)).forEach(records::add);
      }
      // A moment more, to see anything beyond what was expected (a duplicate would show here).
      for (int i = 0; i < 3; i++) {
        consumer.poll(Duration.ofMillis(200)).forEach(records::add);
      }
    }
    return records;
  }

  private static List<RolloutStep> rollouts(String topic, Predicate<List<RolloutStep>> done) {
    AvroSerde<RolloutStep> serde = new AvroSerde<>(RolloutStep.class, registry);
    List<ConsumerRecord<byte[], byte[]>> records =
        readAll(topic, rs -> done.test(decode(rs, serde, topic)));
    return decode(records, serde, topic);
  }

  private static <V extends SpecificRecord> List<V> decode(
      List<ConsumerRecord<byte[], byte[]>> records, AvroSerde<V> serde, String topic) {
    return records.stream()
        .filter(r -> r.value() != null)
        .map(r -> serde.deserialize(topic, r.value()))
        .toList();
  }

  /** The task ids that have a complete group (all G rollout indices) among {@code steps}. */
  private static Set<String> completeTasks(List<RolloutStep> steps, Predicate<RolloutStep> which) {
    Map<String, Set<Integer>> indices = new HashMap<>();
    Map<String, String> taskOf = new HashMap<>();
    for (RolloutStep s : steps) {
      if (which.test(s)) {
        indices.computeIfAbsent(s.getGroupId(), g -> new HashSet<>()).add(s.getRolloutIndex());
        taskOf.put(s.getGroupId(), s.getTaskId());
      }
    }
    return indices.entrySet().stream()
        .filter(e -> e.getValue().size() == GROUP_SIZE)
        .map(e -> taskOf.get(e.getKey()))
        .collect(Collectors.toSet());
  }

  private static Map<TopicPartition, Long> committed(String groupId) throws Exception {
    try (Admin admin = admin()) {
      Map<TopicPartition, OffsetAndMetadata> offsets =
          admin.listConsumerGroupOffsets(groupId).partitionsToOffsetAndMetadata().get();
      Map<TopicPartition, Long> out = new HashMap<>();
      offsets.forEach((p, o) -> out.put(p, o == null ? 0L : o.offset()));
      return out;
    }
  }

  private static HttpResponse<String> get(String url) throws Exception {
    return HttpClient.newHttpClient()
        .send(
            HttpRequest.newBuilder(URI.create(url)).GET().build(),
            HttpResponse.BodyHandlers.ofString());
  }

  /**
   * Checks that the group committed every partition of the topic up to its end (a partition that
   * never held a record may have no commit).
   */
  private static void assertAllCommitted(String groupId, String topic) throws Exception {
    Map<TopicPartition, Long> committed = committed(groupId);
    try (KafkaConsumer<byte[], byte[]> consumer =
        new KafkaConsumer<>(
            Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers()),
            new ByteArrayDeserializer(),
            new ByteArrayDeserializer())) {
      List<TopicPartition> partitions =
          consumer.partitionsFor(topic).stream()
              .map(p -> new TopicPartition(topic, p.partition()))
              .toList();
      Map<TopicPartition, Long> starts = consumer.beginningOffsets(partitions);
      Map<TopicPartition, Long> ends = consumer.endOffsets(partitions);
      for (TopicPartition p : partitions) {
        assertThat(committed.getOrDefault(p, starts.get(p)))
            .as("committed offset of %s", p)
            .isEqualTo(ends.get(p));
      }
    }
  }

  @Test
  void twoActorsShareTheTasksAndTheSurvivorRedoesWhatACrashedOneLeftUncommitted() throws Exception {
    ActorTopics topics = topics("fleet");
    String group = "it-fleet";
    ActorService a = start(topics, group, "a", 1, -1);
    ActorService b = null;
    try {
      Waits.until("a ready", () -> a.status().ready());
      b = start(topics, group, "b", 1, 0);
      ActorService bb = b;
      Waits.until(
          "the partitions shared by both",
          () ->
              a.status().instances().get(0).assigned().size()
                          + bb.status().instances().get(0).assigned().size()
                      == Topics.DATA_PARTITIONS
                  && bb.status().ready()
                  && !a.status().instances().get(0).assigned().isEmpty());
      JsonObject health = new JsonObject(get(b.url() + "/health").body());
      assertThat(health.getBoolean("ready")).isTrue();
      assertThat(health.getJsonArray("instances").getJsonObject(0).getString("actor_id"))
          .isEqualTo("b-0");

      int taskCount = 40;
      List<StepTask> tasks = new ArrayList<>();
      for (int i = 0; i < taskCount; i++) {
        tasks.add(task(i, 48));
      }
      produceTasks(topics.tasks(), tasks);

      // Crash a while it is working: it has completed some tasks and has others to do.
      Waits.until("a at work", () -> a.metrics().tasksCompleted() >= 3);
      List<String> aPartitions = a.status().instances().get(0).assigned();
      Set<String> abandoned = a.crash();
      Map<TopicPartition, Long> committedAtCrash = committed(group);

      List<RolloutStep> steps =
          rollouts(topics.rolloutSteps(), s -> completeTasks(s, x -> true).size() == taskCount);
      Waits.until("b done", () -> bb.status().instances().get(0).groupsInFlight() == 0);
      HttpResponse<String> metrics = get(b.url() + "/metrics");
      assertThat(metrics.statusCode()).isEqualTo(200);
      assertThat(metrics.body())
          .contains("srl_actor_rollouts_total ")
          .contains("srl_actor_version_lag 0")
          .contains("srl_actor_groups_in_flight{actor=\"b-0\"} 0");
      b.close();

      // Every task rolled out: at least one complete group of G distinct rollouts.
      Set<String> taskIds = tasks.stream().map(StepTask::getTaskId).collect(Collectors.toSet());
      assertThat(completeTasks(steps, s -> true)).isEqualTo(taskIds);
      assertThat(steps)
          .allSatisfy(
              s -> {
                assertThat(s.getRolloutId())
                    .isEqualTo(s.getTaskId() + "/v0/" + s.getRolloutIndex())
                    .matches("task-\\d+/v0/[0-3]");
                assertThat(s.getGroupId()).isEqualTo(s.getTaskId() + "/v0");
                assertThat(s.getPolicyVersion()).isZero();
                assertThat(s.getActorId()).isIn("a-0", "b-0");
                assertThat(s.getResponseTokenIds()).hasSameSizeAs(s.getBehaviourLogprobs());
              });
      // Duplicates only as the same rollout id (a redone task, same version), and only of tasks
      // a had not committed.
      Map<String, Long> copies =
          steps.stream()
              .collect(Collectors.groupingBy(RolloutStep::getRolloutId, Collectors.counting()));
      Set<String> duplicated =
          steps.stream()
              .filter(s -> copies.get(s.getRolloutId()) > 1)
              .map(RolloutStep::getTaskId)
              .collect(Collectors.toSet());

      // The tasks a left uncommitted (at or after its committed offsets) were all redone by b.
      AvroSerde<StepTask> taskSerde = new AvroSerde<>(StepTask.class, registry);
      Set<String> leftByA = new TreeSet<>();
      Set<String> abandonedIds = new TreeSet<>();
      for (ConsumerRecord<byte[], byte[]> r : readToEnd(topics.tasks())) {
        TopicPartition p = new TopicPartition(r.topic(), r.partition());
        String taskId = taskSerde.deserialize(r.topic(), r.value()).getTaskId();
        if (aPartitions.contains(p.toString())
            && r.offset() >= committedAtCrash.getOrDefault(p, 0L)) {
          leftByA.add(taskId);
        }
        if (abandoned.contains(p + "@" + r.offset())) {
          abandonedIds.add(taskId);
        }
      }
      log.info(
          "a left {} task(s) uncommitted, {} of them waiting or in flight at the crash; {} task(s)"
              + " have rollouts produced twice (redone, same rollout ids)",
          leftByA.size(),
          abandonedIds.size(),
          duplicated.size());
      assertThat(leftByA).isNotEmpty();
      // Backpressure on a real consumer: at most maxGroupsInFlight (2) in flight plus one poll
      // (max.poll.records = 2) waiting.
      assertThat(abandoned).hasSizeLessThanOrEqualTo(4);
      assertThat(leftByA).containsAll(abandonedIds);
      assertThat(completeTasks(steps, s -> s.getActorId().equals("b-0"))).containsAll(leftByA);
      assertThat(leftByA).containsAll(duplicated);

      // Nothing lost and everything committed: b's graceful close committed up to the end.
      assertAllCommitted(group, topics.tasks());
      assertThat(readToEnd(topics.deadLetters())).isEmpty();
    } finally {
      a.close();
      if (b != null) {
        b.close();
      }
    }
  }

  private static PolicyVersion version(long number, ModelConfig model, long seed, String sha) {
    byte[] weights =
        WeightsCodec.encode(model, ByteTokenizer.ID, number, ModelWeights.initial(model, seed));
    return PolicyVersion.newBuilder()
        .setPolicyName("it")
        .setVersion(number)
        .setWeights(ByteBuffer.wrap(weights))
        .setWeightsSha256(sha != null ? sha : WeightsCodec.sha256Hex(weights))
        .setArchitecture(model.toJson())
        .setMode(TrainingMode.SRL)
        .setGroupsTrained(number * 10)
        .setMetrics(Map.of("loss", 1.0))
        .setCheckpointPath(null)
        .setCreatedAt(Instant.now())
        .build();
  }

  private static void publish(String topic, PolicyVersion v) throws Exception {
    AvroSerde<PolicyVersion> serde = new AvroSerde<>(PolicyVersion.class, registry);
    try (KafkaProducer<String, byte[]> producer = producer()) {
      producer
          .send(new ProducerRecord<>(topic, v.getPolicyName(), serde.serialize(topic, v)))
          .get();
    }
  }

  private static List<StepTask> batch(int from, int count) {
    List<StepTask> tasks = new ArrayList<>();
    for (int i = from; i < from + count; i++) {
      tasks.add(task(i, 16));
    }
    return tasks;
  }

  private static Set<String> ids(List<StepTask> tasks) {
    return tasks.stream().map(StepTask::getTaskId).collect(Collectors.toSet());
  }

  @Test
  void followsPolicyVersionsKeepsItsWeightsOnABadOneAndPausesWhileTooFarBehind() throws Exception {
    ActorTopics topics = topics("versions");
    ActorService service = start(topics, "it-versions", "v", 2, -1);
    try {
      Waits.until(
          "both instances with partitions",
          () ->
              service.status().ready()
                  && service.status().instances().stream().allMatch(i -> !i.assigned().isEmpty()));
      assertThat(service.status().instances())
          .extracting(InstanceStatus::policyVersion)
          .containsOnly(0L);

      List<StepTask> first = batch(0, 6);
      produceTasks(topics.tasks(), first);
      try (KafkaProducer<String, byte[]> raw = producer()) {
        raw.send(new ProducerRecord<>(topics.tasks(), "junk", new byte[] {7, 7, 7, 7, 7, 7})).get();
      }
      Waits.until("batch 1", () -> service.metrics().tasksCompleted() == 6);

      publish(topics.policyVersions(), version(1, TINY, 11, null));
      Waits.until(
          "every instance on version 1",
          () -> service.status().instances().stream().allMatch(i -> i.policyVersion() == 1));
      List<StepTask> second = batch(100, 6);
      produceTasks(topics.tasks(), second);
      Waits.until("batch 2", () -> service.metrics().tasksCompleted() == 12);

      // Version 2 fails its checksum: dead letter, the actors keep version 1 (one behind is fine).
      publish(topics.policyVersions(), version(2, TINY, 12, "00".repeat(32)));
      Waits.until("version 2 seen", () -> service.status().newestVersionSeen() == 2);
      List<StepTask> third = batch(200, 4);
      produceTasks(topics.tasks(), third);
      Waits.until("batch 3", () -> service.metrics().tasksCompleted() == 16);

      // Version 3 is for another architecture: dead letter, and now two behind: pause.
      ModelConfig wider = new ModelConfig(ByteTokenizer.VOCAB_SIZE, 32, 1, 2, 256, 32, true);
      publish(topics.policyVersions(), version(3, wider, 13, null));
      Waits.until(
          "paused as stale",
          () -> service.status().instances().stream().allMatch(i -> i.stale() && i.paused()));
      List<StepTask> fourth = batch(300, 4);
      produceTasks(topics.tasks(), fourth);
      Thread.sleep(1500); // a window in which a stale actor must not take them (not a timing check)
      assertThat(service.metrics().tasksCompleted()).isEqualTo(16);

      publish(topics.policyVersions(), version(4, TINY, 14, null));
      Waits.until("batch 4", () -> service.metrics().tasksCompleted() == 20);
      assertThat(service.status().instances()).allSatisfy(i -> assertThat(i.stale()).isFalse());
      assertThat(service.status().versionLag()).isZero();

      List<RolloutStep> steps = rollouts(topics.rolloutSteps(), s -> s.size() >= 20 * GROUP_SIZE);
      assertThat(steps).hasSize(20 * GROUP_SIZE);
      Map<Long, Set<String>> tasksByVersion =
          steps.stream()
              .collect(
                  Collectors.groupingBy(
                      RolloutStep::getPolicyVersion,
                      Collectors.mapping(RolloutStep::getTaskId, Collectors.toSet())));
      assertThat(tasksByVersion.get(0L)).isEqualTo(ids(first));
      Set<String> onOne = new HashSet<>(ids(second));
      onOne.addAll(ids(third));
      assertThat(tasksByVersion.get(1L)).isEqualTo(onOne);
      assertThat(tasksByVersion.get(4L)).isEqualTo(ids(fourth));
      assertThat(tasksByVersion).containsOnlyKeys(0L, 1L, 4L);
      assertThat(steps)
          .allSatisfy(
              s ->
                  assertThat(s.getRolloutId())
                      .isEqualTo(
                          s.getTaskId() + "/v" + s.getPolicyVersion() + "/" + s.getRolloutIndex()));
      assertThat(steps).extracting(RolloutStep::getActorId).containsOnly("v-0", "v-1");

      AvroSerde<DeadLetter> letters = new AvroSerde<>(DeadLetter.class, registry);
      List<DeadLetter> dead =
          decode(
              readAll(topics.deadLetters(), rs -> rs.size() >= 3), letters, topics.deadLetters());
      assertThat(dead)
          .extracting(DeadLetter::getReason, DeadLetter::getSourceTopic, DeadLetter::getRecordId)
          .containsExactlyInAnyOrder(
              tuple("UNDECODABLE", topics.tasks(), null),
              tuple("INVALID_WEIGHTS", topics.policyVersions(), "it/v2"),
              tuple("INVALID_WEIGHTS", topics.policyVersions(), "it/v3"));
      assertThat(dead)
          .filteredOn(d -> "it/v3".equals(d.getRecordId()))
          .extracting(DeadLetter::getMessage)
          .containsExactly("weights are for d_model 32, but this model has d_model 16");
      assertThat(dead)
          .filteredOn(d -> "it/v2".equals(d.getRecordId()))
          .singleElement()
          .satisfies(
              d ->
                  assertThat(d.getMessage())
                      .startsWith("weights_sha256 must be the SHA-256 of weights"));
      assertThat(service.metrics().versionSwaps()).isEqualTo(4); // two instances, versions 1 and 4
    } finally {
      service.close();
    }
    assertAllCommitted("it-versions", topics.tasks());
  }
}
