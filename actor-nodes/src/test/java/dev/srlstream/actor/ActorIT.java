package dev.srlstream.actor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import dev.srlstream.policy.ByteTokenizer;
import dev.srlstream.policy.ModelConfig;
import dev.srlstream.policy.ModelWeights;
import dev.srlstream.policy.SessionThreads;
import dev.srlstream.policy.WeightsCodec;
import dev.srlstream.schemas.PrometheusText;
import dev.srlstream.schemas.Topics;
import dev.srlstream.schemas.avro.DeadLetter;
import dev.srlstream.schemas.avro.PolicyVersion;
import dev.srlstream.schemas.avro.RolloutStep;
import dev.srlstream.schemas.avro.StepTask;
import dev.srlstream.schemas.avro.TrainingMode;
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
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
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
  private static final ModelConfig TINY = KafkaFixture.TINY;

  private static final int GROUP_SIZE = KafkaFixture.GROUP_SIZE;
  private static KafkaFixture kafka;

  @BeforeAll
  static void startInfrastructure() {
    kafka = KafkaFixture.start();
  }

  @AfterAll
  static void stopInfrastructure() {
    if (kafka != null) {
      kafka.close();
    }
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
            kafka.bootstrapServers(),
            kafka.registryUrl(),
            config,
            topics,
            httpPort,
            // A crashed member is noticed after the session timeout: keep it short (the broker's
            // minimum) so the test does not wait 45 s.
            Map.of("session.timeout.ms", "6000", "heartbeat.interval.ms", "1000")));
  }

  /**
   * Checks that the group committed every partition of the topic up to its end (a partition that
   * never held a record may have no commit).
   */
  private static void assertAllCommitted(String groupId, String topic) throws Exception {
    assertThat(kafka.committedOrStart(groupId, topic)).isEqualTo(kafka.endOffsets(topic));
  }

  private static HttpResponse<String> get(String url) throws Exception {
    return HttpClient.newHttpClient()
        .send(
            HttpRequest.newBuilder(URI.create(url)).GET().build(),
            HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void twoActorsShareTheTasksAndTheSurvivorRedoesWhatACrashedOneLeftUncommitted() throws Exception {
    ActorTopics topics = kafka.topics("fleet");
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
        tasks.add(KafkaFixture.task(i, 48));
      }
      kafka.produceTasks(topics.tasks(), tasks);

      // Crash a while it is working: it has completed some tasks and has others to do.
      Waits.until("a at work", () -> a.metrics().tasksCompleted() >= 3);
      List<String> aPartitions = a.status().instances().get(0).assigned();
      Set<String> abandoned = a.crash();
      // A commit request already on the wire when a crashed is applied within milliseconds; b
      // takes over a's partitions only after the 6 s session timeout. Read a's last commits in
      // between.
      Thread.sleep(1000);
      Map<TopicPartition, Long> committedAtCrash = kafka.committed(group);

      List<RolloutStep> steps =
          kafka.rollouts(
              topics.rolloutSteps(),
              s -> KafkaFixture.completeTasks(s, x -> true).size() == taskCount);
      Waits.until("b done", () -> bb.status().instances().get(0).groupsInFlight() == 0);
      HttpResponse<String> metrics = get(b.url() + "/metrics");
      assertThat(metrics.statusCode()).isEqualTo(200);
      PrometheusText scrape = PrometheusText.parse(metrics.body());
      assertThat(scrape.types()).containsEntry("srl_actor_rollouts_total", "counter");
      assertThat(scrape.value("srl_actor_rollouts_total")).isPositive();
      assertThat(scrape.value("srl_actor_version_lag")).isZero();
      assertThat(scrape.value("srl_actor_groups_in_flight{actor=\"b-0\"}")).isZero();
      b.close();

      // Every task rolled out: at least one complete group of G distinct rollouts.
      Set<String> taskIds = tasks.stream().map(StepTask::getTaskId).collect(Collectors.toSet());
      assertThat(KafkaFixture.completeTasks(steps, s -> true)).isEqualTo(taskIds);
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
      AvroSerde<StepTask> taskSerde = new AvroSerde<>(StepTask.class, kafka.registry);
      Set<String> leftByA = new TreeSet<>();
      Set<String> committedByA = new TreeSet<>();
      Set<String> abandonedIds = new TreeSet<>();
      for (ConsumerRecord<byte[], byte[]> r : kafka.readToEnd(topics.tasks())) {
        TopicPartition p = new TopicPartition(r.topic(), r.partition());
        String taskId = taskSerde.deserialize(r.topic(), r.value()).getTaskId();
        if (aPartitions.contains(p.toString())) {
          if (r.offset() >= committedAtCrash.getOrDefault(p, 0L)) {
            leftByA.add(taskId);
          } else {
            committedByA.add(taskId);
          }
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
      assertThat(KafkaFixture.completeTasks(steps, s -> s.getActorId().equals("b-0")))
          .containsAll(leftByA);
      assertThat(leftByA).containsAll(duplicated);
      // a committed only tasks it had completed (in offset order), and b did not redo them.
      assertThat(KafkaFixture.completeTasks(steps, s -> s.getActorId().equals("a-0")))
          .containsAll(committedByA);
      assertThat(steps)
          .filteredOn(s -> committedByA.contains(s.getTaskId()))
          .extracting(RolloutStep::getActorId)
          .containsOnly("a-0");

      // Nothing lost and everything committed: b's graceful close committed up to the end.
      assertAllCommitted(group, topics.tasks());
      assertThat(kafka.readToEnd(topics.deadLetters())).isEmpty();
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
    AvroSerde<PolicyVersion> serde = new AvroSerde<>(PolicyVersion.class, kafka.registry);
    try (KafkaProducer<String, byte[]> producer = kafka.producer()) {
      producer
          .send(new ProducerRecord<>(topic, v.getPolicyName(), serde.serialize(topic, v)))
          .get();
    }
  }

  private static List<StepTask> batch(int from, int count) {
    return KafkaFixture.tasks(from, count, 16);
  }

  private static Set<String> ids(List<StepTask> tasks) {
    return tasks.stream().map(StepTask::getTaskId).collect(Collectors.toSet());
  }

  /**
   * A backlog written partition after partition (the worst order) is taken from every partition in
   * turn: by the time half of it is sampled, every partition has been started. Draining one
   * partition before the next would leave a process that joins later the partitions holding all the
   * remaining work, and the first process idle.
   */
  @Test
  void aBacklogIsTakenFromEveryPartitionInTurn() throws Exception {
    ActorTopics topics = kafka.topics("interleave");
    // A turn takes at most one producer batch of a partition (16 KiB, about 160 of these small
    // tasks), so a round over the 6 partitions is under 1,000 tasks: half of 2,400 holds one.
    int perPartition = 400;
    AvroSerde<StepTask> serde = new AvroSerde<>(StepTask.class, kafka.registry);
    Map<String, Integer> partitionOf = new HashMap<>();
    try (KafkaProducer<String, byte[]> producer = kafka.producer()) {
      for (int p = 0; p < Topics.DATA_PARTITIONS; p++) {
        for (int i = 0; i < perPartition; i++) {
          StepTask task = KafkaFixture.task(p * 1000 + i, 4);
          partitionOf.put(task.getTaskId(), p);
          producer.send(
              new ProducerRecord<>(
                  topics.tasks(), p, task.getInstanceId(), serde.serialize(topics.tasks(), task)));
        }
        producer.flush();
      }
    }
    int total = Topics.DATA_PARTITIONS * perPartition;
    ActorService service = start(topics, "it-interleave", "i", 1, -1);
    try {
      Waits.until(
          "the backlog sampled",
          Duration.ofSeconds(120),
          () -> service.metrics().tasksCompleted() == total);
    } finally {
      service.close();
    }

    List<RolloutStep> steps =
        kafka.rollouts(
            topics.rolloutSteps(), s -> KafkaFixture.completeTasks(s, x -> true).size() == total);
    // The order the tasks were sampled in: by their first rollout's sampling time.
    List<String> order =
        steps.stream()
            .collect(
                Collectors.toMap(
                    RolloutStep::getTaskId, r -> r.getSampledAt().toEpochMilli(), Math::min))
            .entrySet()
            .stream()
            .sorted(Map.Entry.comparingByValue())
            .map(Map.Entry::getKey)
            .toList();
    assertThat(order).hasSize(total);
    Set<Integer> startedInFirstHalf =
        order.subList(0, total / 2).stream().map(partitionOf::get).collect(Collectors.toSet());
    assertThat(startedInFirstHalf)
        .as("partitions with tasks among the first half sampled")
        .hasSize(Topics.DATA_PARTITIONS);
    assertAllCommitted("it-interleave", topics.tasks());
  }

  @Test
  void followsPolicyVersionsKeepsItsWeightsOnABadOneAndPausesWhileTooFarBehind() throws Exception {
    ActorTopics topics = kafka.topics("versions");
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
      kafka.produceTasks(topics.tasks(), first);
      try (KafkaProducer<String, byte[]> raw = kafka.producer()) {
        raw.send(new ProducerRecord<>(topics.tasks(), "junk", new byte[] {7, 7, 7, 7, 7, 7})).get();
      }
      Waits.until("batch 1", () -> service.metrics().tasksCompleted() == 6);

      publish(topics.policyVersions(), version(1, TINY, 11, null));
      Waits.until(
          "every instance on version 1",
          () -> service.status().instances().stream().allMatch(i -> i.policyVersion() == 1));
      List<StepTask> second = batch(100, 6);
      kafka.produceTasks(topics.tasks(), second);
      Waits.until("batch 2", () -> service.metrics().tasksCompleted() == 12);

      // Version 2 fails its checksum: dead letter, the actors keep version 1 (one behind is fine).
      publish(topics.policyVersions(), version(2, TINY, 12, "00".repeat(32)));
      Waits.until("version 2 seen", () -> service.status().newestVersionSeen() == 2);
      List<StepTask> third = batch(200, 4);
      kafka.produceTasks(topics.tasks(), third);
      Waits.until("batch 3", () -> service.metrics().tasksCompleted() == 16);

      // Version 3 is for another architecture: dead letter, and now two behind: pause.
      ModelConfig wider = new ModelConfig(ByteTokenizer.VOCAB_SIZE, 32, 1, 2, 256, 32, true);
      publish(topics.policyVersions(), version(3, wider, 13, null));
      Waits.until(
          "paused as stale",
          () -> service.status().instances().stream().allMatch(i -> i.stale() && i.paused()));
      List<StepTask> fourth = batch(300, 4);
      kafka.produceTasks(topics.tasks(), fourth);
      Thread.sleep(1500); // a window in which a stale actor must not take them (not a timing check)
      assertThat(service.metrics().tasksCompleted()).isEqualTo(16);

      publish(topics.policyVersions(), version(4, TINY, 14, null));
      Waits.until("batch 4", () -> service.metrics().tasksCompleted() == 20);
      assertThat(service.status().instances()).allSatisfy(i -> assertThat(i.stale()).isFalse());
      assertThat(service.status().versionLag()).isZero();

      List<RolloutStep> steps =
          kafka.rollouts(topics.rolloutSteps(), s -> s.size() >= 20 * GROUP_SIZE);
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

      AvroSerde<DeadLetter> letters = new AvroSerde<>(DeadLetter.class, kafka.registry);
      List<DeadLetter> dead =
          KafkaFixture.decode(
              kafka.readAll(topics.deadLetters(), rs -> rs.size() >= 3),
              letters,
              topics.deadLetters());
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
