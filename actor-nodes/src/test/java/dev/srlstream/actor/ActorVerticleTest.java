package dev.srlstream.actor;

import static dev.srlstream.actor.TestTasks.utf8;
import static org.assertj.core.api.Assertions.assertThat;

import dev.srlstream.actor.DownstreamBacklog.Backlog;
import dev.srlstream.actor.PolicyVersionFeed.VersionUpdate;
import dev.srlstream.schemas.PrometheusText;
import dev.srlstream.schemas.avro.DeadLetter;
import dev.srlstream.schemas.avro.RolloutStep;
import dev.srlstream.schemas.avro.StepTask;
import dev.srlstream.schemas.avro.TrainingMode;
import dev.srlstream.schemas.serde.InMemorySchemaRegistry;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * One actor instance on a real Vert.x with a fake policy, a fake task source (the test plays the
 * consumer thread) and a capturing producer whose acknowledgements the test controls.
 */
@ExtendWith(VertxExtension.class)
class ActorVerticleTest {
  private static final String TASKS = "tasks";
  private static final ActorTopics TOPICS =
      new ActorTopics(TASKS, "rollouts", "versions", "dead-letters");
  private static final TopicPartition P0 = new TopicPartition(TASKS, 0);
  private static final TopicPartition P1 = new TopicPartition(TASKS, 1);

  private final InMemorySchemaRegistry registry = new InMemorySchemaRegistry();
  private final ActorSerdes serdes = ActorSerdes.of(registry);
  private final FakeTaskSource source = new FakeTaskSource();
  private final ActorMetrics metrics = new ActorMetrics();
  private final List<Throwable> fatal = Collections.synchronizedList(new ArrayList<>());
  private FakePolicy policy = FakePolicy.simple();
  private CapturingSender sender;
  private ActorVerticle actor;
  private Vertx vertx;
  private String deployment;
  private Backlog lastBacklog;
  private SyncGate gate;

  @BeforeEach
  void setUp(Vertx vertx) {
    this.vertx = vertx;
  }

  @AfterEach
  void tearDown() throws Exception {
    if (deployment != null) {
      policy.release(Integer.MAX_VALUE);
      sender.autoAck(true);
      sender.ack(r -> true);
      vertx
          .undeploy(deployment)
          .toCompletionStage()
          .toCompletableFuture()
          .get(30, TimeUnit.SECONDS);
    }
  }

  private void deploy(int maxInFlight, int maxStaleness, boolean autoAck) throws Exception {
    deploy(maxInFlight, maxStaleness, autoAck, Duration.ofSeconds(30));
  }

  private void deploy(int maxInFlight, int maxStaleness, boolean autoAck, Duration shutdownTimeout)
      throws Exception {
    deploy(
        autoAck,
        b ->
            b.shutdownTimeout(shutdownTimeout)
                .maxGroupsInFlight(maxInFlight)
                .maxStaleness(maxStaleness));
  }

  private void deploy(boolean autoAck, UnaryOperator<ActorConfig.Builder> settings)
      throws Exception {
    sender = new CapturingSender(autoAck);
    ActorConfig config =
        settings
            .apply(ActorConfig.builder().actorId("actor-test").maxGroupSize(16).maxNewTokens(64))
            .build();
    gate =
        config.syncBatchGroups() > 0
            ? new SyncGate(config.syncBatchGroups(), System::nanoTime)
            : null;
    ActorVerticle.Shared shared =
        new ActorVerticle.Shared(
            config, TOPICS, serdes, sender, metrics, () -> 1_700_000_000_000L, fatal::add, gate);
    FakePolicy p = policy;
    actor = new ActorVerticle(config.instanceId(0), shared, source, () -> p);
    // As the service does: the gauges read the status, with the last backlog measured.
    metrics.watch(
        () -> new ActorStatus(List.of(actor.status()), 0, false, lastBacklog, true),
        List.of(actor.actorId()),
        true);
    deployment =
        vertx
            .deployVerticle(actor)
            .toCompletionStage()
            .toCompletableFuture()
            .get(30, TimeUnit.SECONDS);
    Waits.until("the source to start", source::started);
  }

  private ConsumerRecord<byte[], byte[]> record(TopicPartition p, long offset, StepTask task) {
    return record(p, offset, task.getInstanceId(), serdes.tasks().serialize(TASKS, task));
  }

  private static ConsumerRecord<byte[], byte[]> record(
      TopicPartition p, long offset, String key, byte[] value) {
    return new ConsumerRecord<>(p.topic(), p.partition(), offset, utf8(key), value);
  }

  private List<RolloutStep> rollouts() {
    return sender.records(TOPICS.rolloutSteps()).stream()
        .map(r -> serdes.rollouts().deserialize(r.topic(), r.value()))
        .toList();
  }

  private List<DeadLetter> deadLetters() {
    return sender.records(TOPICS.deadLetters()).stream()
        .map(r -> serdes.deadLetters().deserialize(r.topic(), r.value()))
        .toList();
  }

  private void backlog(Backlog measured) {
    lastBacklog = measured;
    if (gate != null) {
      gate.onBacklog(measured); // as the service subscribes it: before the instances
    }
    actor.onBacklog(measured);
  }

  /** The /metrics text, as the service serves it with the last backlog measured. */
  private PrometheusText scrape() {
    return PrometheusText.parse(metrics.registry().scrape());
  }

  private long keysSent(String key) {
    return sender.records().stream().filter(r -> key.equals(r.key())).count();
  }

  @Test
  void commitsInOffsetOrderWhenALaterTaskIsAcknowledgedFirst() throws Exception {
    deploy(3, 1, false);
    source.assign(P0);
    source.deliver(
        List.of(
            record(P0, 10, TestTasks.srl("a")),
            record(P0, 11, TestTasks.srl("b")),
            record(P0, 12, TestTasks.srl("c"))));
    Waits.until("three groups sent", () -> sender.records().size() == 6);

    // The last task is acknowledged first: it is complete, but the earlier ones are not.
    sender.ackKey("inst-c");
    Waits.until(
        "task c complete",
        () -> metrics.tasksCompleted() == 1 && actor.status().groupsInFlight() == 2);
    assertThat(source.commits()).isEmpty();

    // The first one: the unbroken run is 10 only, so the commit stops before 11.
    sender.ackKey("inst-a");
    Waits.until("a commit", () -> source.commits().size() == 1);
    assertThat(source.commits()).containsExactly(Map.of(P0, 11L));

    // The middle one closes the gap: 11 and 12 are done, commit past both.
    sender.ackKey("inst-b");
    Waits.until("a second commit", () -> source.commits().size() == 2);
    assertThat(source.commits()).containsExactly(Map.of(P0, 11L), Map.of(P0, 13L));
    assertThat(metrics.tasksCompleted()).isEqualTo(3);
  }

  @Test
  void neverHasMoreGroupsInFlightThanTheBoundAndPausesWhileFull() throws Exception {
    deploy(2, 1, false);
    source.assign(P0);
    List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      records.add(record(P0, i, TestTasks.srl("t" + i)));
    }
    source.deliver(records);
    Waits.until("two groups sent", () -> sender.records().size() == 4);
    Waits.until("the status to settle", () -> actor.status().tasksWaiting() == 3);
    assertThat(actor.status().groupsInFlight()).isEqualTo(2);
    assertThat(source.paused()).isTrue();
    assertThat(policy.calls()).isEqualTo(2);

    // Each acknowledgement frees a slot for the next task, never more.
    for (int i = 0; i < 5; i++) {
      String key = "inst-t" + i;
      Waits.until(key + " sent", () -> keysSent(key) == 2);
      sender.ackKey(key);
    }
    Waits.until("all committed", () -> source.commits().contains(Map.of(P0, 5L)));
    Waits.until("resumed", () -> !source.paused());
    assertThat(sender.maxUnackedKeys()).isEqualTo(2);
    assertThat(policy.calls()).isEqualTo(5);
    assertThat(actor.status().groupsInFlight()).isZero();
  }

  @Test
  void pausesWhileMoreThanMaxStalenessBehindAndResumesOnceCaughtUp() throws Exception {
    deploy(2, 1, true);
    source.assign(P0);
    Waits.until("running", () -> !source.paused());

    actor.onSeen(1); // one version behind: still within maxStaleness 1
    Waits.until("version 1 seen", () -> actor.status().newestVersionSeen() == 1);
    assertThat(actor.status().stale()).isFalse();
    assertThat(source.paused()).isFalse();

    actor.onSeen(2); // two behind: stop taking tasks
    Waits.until("paused as stale", () -> actor.status().stale() && source.paused());
    source.deliver(List.of(record(P0, 0, TestTasks.srl("a"))));
    Waits.until("the task waiting", () -> actor.status().tasksWaiting() == 1);
    assertThat(policy.calls()).isZero();

    actor.onVersion(new VersionUpdate(2, FakePolicy.weights(2), "versions-0@1"));
    Waits.until("caught up and done", () -> source.commits().contains(Map.of(P0, 1L)));
    assertThat(actor.status().stale()).isFalse();
    assertThat(actor.status().policyVersion()).isEqualTo(2);
    Waits.until("resumed", () -> !source.paused());
    assertThat(rollouts()).extracting(RolloutStep::getPolicyVersion).containsOnly(2L);
    assertThat(rollouts())
        .extracting(RolloutStep::getRolloutId)
        .containsExactlyInAnyOrder("a/v2/0", "a/v2/1");
  }

  @Test
  void holdsBackWhileTheWorkWaitingDownstreamIsAtTheLimitAndGoesOnOnceItShrinks() throws Exception {
    deploy(true, b -> b.maxGroupsInFlight(2).maxDownstreamBacklog(10));
    source.assign(P0);
    Waits.until("running", () -> !source.paused());

    // 9 groups' worth: 3 groups and 48 rollouts (6 groups of 8, the size before any task is done).
    backlog(new Backlog(48, 3));
    Waits.until("measured", () -> scrape().value("srl_actor_downstream_groups") == 3);
    assertThat(actor.status().heldBack()).isFalse();

    backlog(new Backlog(49, 3)); // one rollout more: 10 groups' worth, the limit
    Waits.until("held back", () -> actor.status().heldBack() && source.paused());
    source.deliver(List.of(record(P0, 0, TestTasks.srl("a"))));
    Waits.until("the task waiting", () -> actor.status().tasksWaiting() == 1);
    assertThat(policy.calls()).isZero();
    assertThat(scrape().value("srl_actor_held_back{actor=\"actor-test-0\"}")).isEqualTo(1);
    assertThat(scrape().value("srl_actor_downstream_rollouts")).isEqualTo(49);

    backlog(new Backlog(0, 2)); // downstream caught up
    Waits.until("done", () -> source.commits().contains(Map.of(P0, 1L)));
    assertThat(actor.status().heldBack()).isFalse();
    Waits.until("resumed", () -> !source.paused());
  }

  @Test
  void synchronouslySamplesOneBatchOfKeptGroupsPerVersionToppingUpFilteredOnes() throws Exception {
    deploy(true, b -> b.maxGroupsInFlight(4).maxStaleness(0).syncBatchGroups(2));
    source.assign(P0);
    source.deliver(
        List.of(
            record(P0, 0, TestTasks.srl("a")),
            record(P0, 1, TestTasks.srl("b")),
            record(P0, 2, TestTasks.srl("c")),
            record(P0, 3, TestTasks.srl("d"))));
    Waits.until("the tasks waiting", () -> actor.status().tasksWaiting() == 4);
    assertThat(policy.calls()).isZero(); // no measurement yet: nothing is known downstream

    settle(0); // nothing waits downstream: a batch of 2 starts
    Waits.until("two done", () -> done(2));
    settle(1); // scored: one kept, one filtered by dynamic sampling
    Waits.until("topped up", () -> done(3));
    settle(2); // the batch is kept: wait for the version trained on it
    assertThat(actor.status().tasksWaiting()).isEqualTo(1);
    assertThat(policy.calls()).isEqualTo(3);

    VersionUpdate v1 = new VersionUpdate(1, FakePolicy.weights(1), "versions-0@1", 2);
    gate.onVersion(v1); // as the service subscribes it: before the instances
    actor.onVersion(v1);
    Waits.until("version 1 loaded", () -> actor.status().policyVersion() == 1);
    assertThat(policy.calls()).isEqualTo(3); // not before a measurement after the new version
    settle(2); // the learner trained on both kept groups
    Waits.until("the next batch", () -> done(4));
    assertThat(rollouts())
        .extracting(RolloutStep::getRolloutId)
        .filteredOn(id -> id.endsWith("/0"))
        .containsExactly("a/v0/0", "b/v0/0", "c/v0/0", "d/v1/0");
  }

  /**
   * As the synchronous gate's inputs would report: every rollout scored, and then {@code kept}
   * groups kept in all.
   */
  private void settle(long kept) {
    Backlog scored = new Backlog(0, 0);
    gate.onBacklog(scored);
    gate.onKept(kept, System.nanoTime());
    actor.onBacklog(scored);
  }

  /** The first {@code tasks} tasks of P0 are committed and nothing is in flight any more. */
  private boolean done(long tasks) {
    return source.commits().contains(Map.of(P0, tasks)) && actor.status().groupsInFlight() == 0;
  }

  @Test
  void countsRolloutsInGroupsOfTheSizeTheTasksAsk() throws Exception {
    // TestTasks.srl asks for 2 rollouts per group: once one is done, 2 rollouts make a group.
    deploy(true, b -> b.maxDownstreamBacklog(4));
    source.assign(P0);
    source.deliver(List.of(record(P0, 0, TestTasks.srl("a"))));
    Waits.until("done", () -> source.commits().contains(Map.of(P0, 1L)));

    backlog(new Backlog(6, 0)); // 3 groups of 2: below 4
    source.deliver(List.of(record(P0, 1, TestTasks.srl("b"))));
    Waits.until("done", () -> source.commits().contains(Map.of(P0, 2L)));
    backlog(new Backlog(8, 0)); // 4 groups of 2: the limit
    Waits.until("held back", () -> actor.status().heldBack());
  }

  @Test
  void withTheLimitOffNothingHoldsBack() throws Exception {
    deploy(true, b -> b.maxDownstreamBacklog(0));
    source.assign(P0);
    backlog(new Backlog(1_000, 1_000));
    source.deliver(List.of(record(P0, 0, TestTasks.srl("a"))));
    Waits.until("done", () -> source.commits().contains(Map.of(P0, 1L)));
    assertThat(actor.status().heldBack()).isFalse();
  }

  @Test
  void swapsWeightsOnlyBetweenGroupsEvenAcrossTheStepsOfAWholeSolution() throws Exception {
    // Each step answers with an action until the third, which states a boxed answer.
    policy =
        new FakePolicy(
            512,
            prompt ->
                prompt.endsWith("Step 3:")
                    ? " <think>done</think>\\boxed{35}"
                    : " <think>go</think>7 × 5 = 35");
    deploy(2, 5, true);
    source.assign(P0);
    policy.hold();
    source.deliver(
        List.of(
            record(P0, 0, TestTasks.solution("whole", TrainingMode.RLVR, 3)),
            record(P0, 1, TestTasks.srl("second"))));
    Waits.until("the first step held", () -> policy.calls() == 1);

    // A new version arrives while the whole-solution group is in its first step.
    actor.onVersion(new VersionUpdate(1, FakePolicy.weights(1), "versions-0@0"));
    policy.release(Integer.MAX_VALUE);
    Waits.until("both groups done", () -> source.commits().contains(Map.of(P0, 2L)));
    Waits.until("swapped", () -> actor.status().policyVersion() == 1);
    source.deliver(List.of(record(P0, 2, TestTasks.srl("third"))));
    Waits.until("the third done", () -> source.commits().contains(Map.of(P0, 3L)));

    // Whole solution: 1 batched first step, then steps 2 and 3, each one batch for the 2 rollouts
    // (they ask the same).
    assertThat(policy.events())
        .containsExactly(
            "sample v0 Problem: task whole",
            "sample v0 Problem: task whole",
            "sample v0 Problem: task whole",
            "sample v0 Problem: task second",
            "swap v1",
            "sample v1 Problem: task third");
    assertThat(rollouts())
        .allSatisfy(
            r ->
                assertThat(r.getPolicyVersion())
                    .isEqualTo(r.getTaskId().equals("third") ? 1L : 0L));
    assertThat(rollouts())
        .filteredOn(r -> r.getTaskId().equals("whole"))
        .extracting(RolloutStep::getRolloutId)
        .containsExactlyInAnyOrder("whole/v0/0", "whole/v0/1");
  }

  @Test
  void badTasksGoToTheDeadLettersAndTheActorGoesOn() throws Exception {
    policy = new FakePolicy(64, prompt -> " <think>m</think>a");
    deploy(2, 1, true);
    source.assign(P0);
    StepTask good = TestTasks.srl("good");
    byte[] unknownMode = TestTasks.withUnknownMode(TestTasks.srl("future"), registry, TASKS);
    StepTask sft = StepTask.newBuilder(TestTasks.srl("sft")).setMode(TrainingMode.SFT).build();
    StepTask noGroup = StepTask.newBuilder(TestTasks.srl("g0")).setGroupSize(0).build();
    StepTask noTokens = StepTask.newBuilder(TestTasks.srl("m0")).setMaxNewTokens(0).build();
    StepTask tooLong =
        StepTask.newBuilder(TestTasks.srl("long")).setQuestion("x".repeat(80)).build();
    source.deliver(
        List.of(
            record(P0, 0, "garbage", new byte[] {42, 1, 2, 3, 4, 5}),
            record(P0, 1, "inst-future", unknownMode),
            record(P0, 2, sft),
            record(P0, 3, noGroup),
            record(P0, 4, noTokens),
            record(P0, 5, tooLong),
            record(P0, 6, "inst-other", serdes.tasks().serialize(TASKS, TestTasks.srl("keyed"))),
            record(P0, 7, good)));
    Waits.until("all committed", () -> source.commits().contains(Map.of(P0, 8L)));

    List<DeadLetter> letters = deadLetters();
    assertThat(letters).hasSize(7);
    assertThat(letters)
        .extracting(DeadLetter::getSourceOffset)
        .containsExactly(0L, 1L, 2L, 3L, 4L, 5L, 6L);
    assertThat(letters)
        .extracting(DeadLetter::getReason)
        .containsExactly(
            "UNDECODABLE",
            "UNDECODABLE",
            "INVALID_FIELD",
            "INVALID_FIELD",
            "INVALID_FIELD",
            "INVALID_FIELD",
            "INVALID_FIELD");
    assertThat(letters.get(0).getMessage()).contains("magic byte must be 0");
    assertThat(letters.get(1).getMessage()).contains("DEBATE");
    assertThat(letters.get(2).getMessage()).contains("SFT");
    assertThat(letters.get(3).getMessage()).isEqualTo("group_size must be in 1..16, but was 0");
    assertThat(letters.get(4).getMessage()).isEqualTo("max_new_tokens must be in 1..64, but was 0");
    int promptTokens = "Problem: ".length() + 80 + "\nStep 1: 3 + 4 = 7\nStep 2:".length() + 1;
    assertThat(letters.get(5).getMessage())
        .isEqualTo("prompt has " + promptTokens + " tokens, but the context holds 64");
    assertThat(letters.get(6).getMessage())
        .isEqualTo("the record key must be the instance_id 'inst-keyed', but was 'inst-other'");
    assertThat(letters.get(6).getRecordId()).isEqualTo("keyed");
    assertThat(letters)
        .allSatisfy(
            d -> {
              assertThat(d.getService()).isEqualTo("actor-nodes");
              assertThat(d.getSourceTopic()).isEqualTo(TASKS);
            });
    assertThat(letters.get(0).getOriginalValue())
        .isEqualTo(ByteBuffer.wrap(new byte[] {42, 1, 2, 3, 4, 5}));
    assertThat(letters.get(1).getOriginalValue()).isEqualTo(ByteBuffer.wrap(unknownMode));
    assertThat(letters.get(2).getRecordId()).isEqualTo("sft");
    assertThat(sender.records(TOPICS.deadLetters()))
        .extracting(ProducerRecord::key)
        .containsOnly(TASKS);

    assertThat(rollouts()).extracting(RolloutStep::getTaskId).containsOnly("good");
    assertThat(metrics.deadLetters(DeadLetterReason.UNDECODABLE)).isEqualTo(2);
    assertThat(metrics.deadLetters(DeadLetterReason.INVALID_FIELD)).isEqualTo(5);
    assertThat(metrics.tasksCompleted()).isEqualTo(1);
    assertThat(fatal).isEmpty();
  }

  @Test
  void tasksOfAnotherPolicyAreSkippedCountedAndCommittedPast() throws Exception {
    policy = new FakePolicy(64, prompt -> " <think>m</think>a");
    deploy(2, 1, true); // the default policy, srl
    source.assign(P0);
    StepTask other = StepTask.newBuilder(TestTasks.srl("other")).setPolicyName("beta").build();
    // Another policy's task is not this fleet's to check: even a bad one is skipped, not refused.
    StepTask otherBad =
        StepTask.newBuilder(TestTasks.srl("other-bad"))
            .setPolicyName("beta")
            .setGroupSize(0)
            .build();
    StepTask named = StepTask.newBuilder(TestTasks.srl("named")).setPolicyName("srl").build();
    StepTask unnamed = TestTasks.srl("unnamed"); // written before tasks named their policy
    source.deliver(
        List.of(
            record(P0, 0, other),
            record(P0, 1, otherBad),
            record(P0, 2, named),
            record(P0, 3, unnamed)));
    Waits.until("all committed", () -> source.commits().contains(Map.of(P0, 4L)));

    assertThat(rollouts())
        .extracting(RolloutStep::getTaskId)
        .containsOnly("named", "unnamed")
        .contains("named", "unnamed");
    assertThat(rollouts())
        .as("every rollout names its policy, even one of a task that named none")
        .extracting(RolloutStep::getPolicyName)
        .containsOnly("srl");
    assertThat(deadLetters()).isEmpty();
    assertThat(metrics.foreignTasks()).isEqualTo(2);
    assertThat(metrics.tasksCompleted()).isEqualTo(2);
    assertThat(scrape().value("srl_actor_tasks_foreign_total")).isEqualTo(2);
    assertThat(fatal).isEmpty();
  }

  @Test
  void aRevokedPartitionsTasksAreFinishedButNotCommittedAndWaitingOnesDropped() throws Exception {
    deploy(2, 1, false);
    source.assign(P0, P1);
    source.deliver(
        List.of(
            record(P0, 0, TestTasks.srl("a")),
            record(P0, 1, TestTasks.srl("b")),
            record(P0, 2, TestTasks.srl("c"))));
    Waits.until("two groups sent", () -> sender.records().size() == 4);
    Waits.until("one waiting", () -> actor.status().tasksWaiting() == 1);

    Map<TopicPartition, Long> commitOnRevoke = source.revoke(P0);
    assertThat(commitOnRevoke).isEmpty(); // nothing of p0 completed yet
    assertThat(actor.status().tasksWaiting()).isZero();
    assertThat(actor.status().assigned()).containsExactly(P1.toString());

    // The revoked tasks still complete and their steps are produced, but nothing is committed.
    sender.ack(r -> true);
    Waits.until("both done", () -> metrics.tasksCompleted() == 2);
    Waits.until("settled", () -> actor.status().groupsInFlight() == 0);
    assertThat(source.commits()).isEmpty();
    assertThat(policy.calls()).isEqualTo(2);
    assertThat(metrics.tasksReleased()).isEqualTo(3);

    // Assigned again (from the committed offset): a new ownership redoes and commits them.
    source.assign(P0);
    sender.autoAck(true);
    source.deliver(
        List.of(
            record(P0, 0, TestTasks.srl("a")),
            record(P0, 1, TestTasks.srl("b")),
            record(P0, 2, TestTasks.srl("c"))));
    Waits.until("committed", () -> source.commits().contains(Map.of(P0, 3L)));
    assertThat(rollouts().stream().filter(r -> r.getRolloutId().equals("a/v0/0")).count())
        .isEqualTo(2); // a duplicate, recognisable by its rollout id
  }

  @Test
  void aFailedDeliveryStopsTheActorWithoutCommitting() throws Exception {
    deploy(2, 1, false);
    source.assign(P0);
    sender.failWith(new IllegalStateException("broker says no"));
    source.deliver(List.of(record(P0, 0, TestTasks.srl("a"))));
    Waits.until("the failure reported", () -> !fatal.isEmpty());
    assertThat(fatal.get(0)).hasMessage("broker says no");
    Waits.until("failed", () -> actor.status().failed());
    assertThat(source.paused()).isTrue();
    assertThat(source.commits()).isEmpty();
    sender.failWith(null);
  }

  @Test
  void aGracefulStopLetsGroupsInFlightFinishAndCommitsThem() throws Exception {
    deploy(2, 1, false);
    source.assign(P0);
    source.deliver(List.of(record(P0, 0, TestTasks.srl("a")), record(P0, 1, TestTasks.srl("b"))));
    Waits.until("two groups sent", () -> sender.records().size() == 4);
    var stopped = vertx.undeploy(deployment).toCompletionStage().toCompletableFuture();
    deployment = null;
    Waits.until("stopping", () -> actor.status().stopping() && source.paused());
    assertThat(stopped).isNotDone();
    sender.ack(r -> true);
    stopped.get(30, TimeUnit.SECONDS);
    assertThat(source.commits()).contains(Map.of(P0, 2L));
    assertThat(source.finalCommit()).isEmpty(); // everything was already handed out
    assertThat(policy.closed()).isTrue();
  }

  @Test
  void aStopWaitingForTheLastGroupEndsWhenItsDeliveryFails() throws Exception {
    deploy(2, 1, false, Duration.ofMinutes(10)); // a stop that hangs would not end on its own
    source.assign(P0);
    source.deliver(List.of(record(P0, 0, TestTasks.srl("a")), record(P0, 1, TestTasks.srl("b"))));
    Waits.until("two groups sent", () -> sender.records().size() == 4);
    var stopped = vertx.undeploy(deployment).toCompletionStage().toCompletableFuture();
    deployment = null;
    Waits.until("stopping", () -> actor.status().stopping());
    sender.ackKey("inst-a");
    Waits.until("a committed", () -> source.commits().contains(Map.of(P0, 1L)));
    assertThat(stopped).isNotDone();

    sender.fail(r -> true, new IllegalStateException("broker gone"));
    Waits.until("the stop to end", stopped::isDone);
    assertThat(source.commits()).containsExactly(Map.of(P0, 1L)); // b is redone by the next owner
    assertThat(source.finalCommit()).isEmpty();
    assertThat(fatal).isEmpty(); // while stopping, a failure is logged, not escalated
  }
}
