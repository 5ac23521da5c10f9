package dev.srlstream.actor;

import dev.srlstream.actor.OffsetTracker.Ticket;
import dev.srlstream.actor.PolicyVersionFeed.VersionUpdate;
import dev.srlstream.policy.InvalidWeightsException;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;
import io.vertx.core.WorkerExecutor;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One actor instance: takes tasks from its {@link TaskSource}, samples each task's group on its own
 * sampling thread, streams the rollout steps, and commits a task's offset once all of its steps are
 * acknowledged, in offset order per partition ({@link OffsetTracker}).
 *
 * <h2>Threads</h2>
 *
 * <ul>
 *   <li>The <b>event loop</b> of this verticle owns all the state below (tasks waiting and in
 *       flight, the offset tracker, versions, pause state) and never blocks.
 *   <li>The <b>sampling thread</b> (a one-thread worker executor) runs, in order, the policy's
 *       loading, every group (decode, sample, serialize, send) and every weight swap. As nothing
 *       else touches the policy, a swap lands between two groups, never inside one, and a group is
 *       sampled under one version even when it takes many sampler calls (whole solutions).
 *   <li>The <b>consumer thread</b> of the task source and the <b>producer's</b> I/O thread report
 *       through {@code runOnContext}; a revocation waits for the event loop's answer.
 * </ul>
 *
 * <h2>Flow control</h2>
 *
 * At most {@code maxGroupsInFlight} groups are sampling or awaiting acks. The source pauses itself
 * after each delivery and is resumed only when the instance has room: fewer than that many tasks in
 * flight or waiting, not more than {@code maxStaleness} versions behind the newest seen, the policy
 * loaded and not stopping. So at most one poll's worth of tasks ({@code max.poll.records}, set to
 * {@code maxGroupsInFlight}) waits beyond the groups in flight.
 */
final class ActorVerticle extends VerticleBase
    implements TaskSource.Listener, PolicyVersionFeed.Subscriber, DownstreamBacklog.Subscriber {
  private static final Logger log = LoggerFactory.getLogger(ActorVerticle.class);

  /** How long a revocation waits for the event loop before letting go without committing. */
  private static final long REVOKE_WAIT_SECONDS = 30;

  /**
   * What every instance of a process shares.
   *
   * @param config the actor settings
   * @param topics the topics
   * @param serdes the Avro serdes
   * @param sender the (idempotent, acks=all) producer
   * @param metrics the process's counters
   * @param clock wall-clock millis
   * @param onFatal called once per instance when a fatal error stops it
   * @param gate the synchronous twin's gate, which every group must pass to start; null for the
   *     asynchronous pipeline
   */
  record Shared(
      ActorConfig config,
      ActorTopics topics,
      ActorSerdes serdes,
      RecordSender sender,
      ActorMetrics metrics,
      LongSupplier clock,
      Consumer<Throwable> onFatal,
      SyncGate gate) {}

  /** A task taken from the source. */
  private static final class Task {
    final ConsumerRecord<byte[], byte[]> record;
    final Ticket ticket;
    TaskProcessor.Outcome outcome;
    boolean delivered;

    Task(ConsumerRecord<byte[], byte[]> record, Ticket ticket) {
      this.record = record;
      this.ticket = ticket;
    }

    TopicPartition partition() {
      return ticket.partition();
    }
  }

  private final String actorId;
  private final Shared shared;
  private final TaskSource source;
  private final Supplier<PolicyHandle> policyFactory;
  private final TaskProcessor processor;
  private final int maxInFlight;

  // Touched by the sampling thread only (set there by the load job, read by later jobs).
  private final AtomicReference<PolicyHandle> policy = new AtomicReference<>();
  // The newest valid version offered; the swap job reads it on the sampling thread.
  private final AtomicReference<VersionUpdate> offered = new AtomicReference<>();

  // Event-loop state.
  private final OffsetTracker tracker = new OffsetTracker();
  private final ArrayDeque<Task> waiting = new ArrayDeque<>();
  private final Set<Task> inFlight = new LinkedHashSet<>();
  private WorkerExecutor sampler;
  private boolean policyLoaded;
  private long version = -1;
  private long newestSeen = -1;
  private long swapQueuedFor = -1;
  private DownstreamBacklog.Backlog downstream;
  private int groupSize = 8; // rollouts per group, of the newest group delivered
  private boolean heldBack;
  private boolean sourcePaused;
  private boolean stopping;
  private boolean failed;
  private boolean crashed;
  private Promise<Void> drained;

  private volatile InstanceStatus status;

  ActorVerticle(
      String actorId, Shared shared, TaskSource source, Supplier<PolicyHandle> policyFactory) {
    this.actorId = actorId;
    this.shared = shared;
    this.source = source;
    this.policyFactory = policyFactory;
    this.maxInFlight = shared.config().maxGroupsInFlight();
    this.processor =
        new TaskProcessor(
            shared.config().policyName(),
            shared.topics(),
            shared.serdes(),
            new RolloutGenerator(shared.config(), shared.clock()),
            shared.sender(),
            shared.clock());
    publish();
  }

  String actorId() {
    return actorId;
  }

  /** A snapshot of this instance; safe from any thread. */
  /** The last published snapshot, with the task consumer's live heartbeat. */
  InstanceStatus status() {
    return status.withSinceLastPoll(source.sinceLastPoll());
  }

  @Override
  public Future<?> start() {
    // One thread, so jobs run in submission order; groups can take seconds, hence the long limit.
    sampler = vertx.createSharedWorkerExecutor("srl-sampler-" + actorId, 1, 1, TimeUnit.HOURS);
    return sampler
        .executeBlocking(
            () -> {
              PolicyHandle loaded = policyFactory.get();
              policy.set(loaded);
              return Map.entry(loaded.version(), loaded.describe());
            },
            true)
        .map(
            loaded -> {
              policyLoaded = true;
              version = loaded.getKey();
              log.info("{}: {}", actorId, loaded.getValue());
              source.start(this);
              pump();
              return null;
            });
  }

  // ---- Events from the task source (its thread) ----

  @Override
  public void onAssigned(Collection<TopicPartition> partitions) {
    List<TopicPartition> copy = List.copyOf(partitions);
    context.runOnContext(
        v -> {
          tracker.assign(copy);
          pump();
        });
  }

  @Override
  public Map<TopicPartition, Long> onRevoked(Collection<TopicPartition> partitions) {
    List<TopicPartition> copy = List.copyOf(partitions);
    CompletableFuture<Map<TopicPartition, Long>> answer = new CompletableFuture<>();
    context.runOnContext(v -> answer.complete(revoke(copy)));
    try {
      return answer.get(REVOKE_WAIT_SECONDS, TimeUnit.SECONDS);
    } catch (TimeoutException | ExecutionException e) {
      log.warn("{}: no answer on revocation of {}; committing nothing for them", actorId, copy);
      return Map.of();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Map.of();
    }
  }

  @Override
  public void onLost(Collection<TopicPartition> partitions) {
    List<TopicPartition> copy = List.copyOf(partitions);
    context.runOnContext(
        v -> {
          release(copy);
          tracker.lose(copy);
          pump();
        });
  }

  @Override
  public void onRecords(List<ConsumerRecord<byte[], byte[]>> records) {
    context.runOnContext(v -> take(records));
  }

  @Override
  public void onFailure(Throwable error) {
    context.runOnContext(v -> fatal("the task consumer failed", error));
  }

  // ---- Events from the version feed (its thread) ----

  @Override
  public void onVersion(VersionUpdate update) {
    context.runOnContext(v -> offer(update));
  }

  @Override
  public void onSeen(long seen) {
    context.runOnContext(
        v -> {
          newestSeen = Math.max(newestSeen, seen);
          pump();
        });
  }

  // ---- Events from the downstream backlog (its thread) ----

  @Override
  public void onBacklog(DownstreamBacklog.Backlog backlog) {
    context.runOnContext(
        v -> {
          downstream = backlog;
          pump();
        });
  }

  // ---- The event loop ----

  private Map<TopicPartition, Long> revoke(List<TopicPartition> partitions) {
    release(partitions);
    Map<TopicPartition, Long> commit = crashed ? Map.of() : tracker.revoke(partitions);
    pump();
    return commit;
  }

  /**
   * Lets go of the tasks of these partitions: waiting ones are dropped, in-flight ones finish and
   * are produced but will not be committed (their ownership ends). The next owner redoes both.
   */
  private void release(List<TopicPartition> partitions) {
    int released = 0;
    for (var it = waiting.iterator(); it.hasNext(); ) {
      if (partitions.contains(it.next().partition())) {
        it.remove();
        released++;
      }
    }
    for (Task task : inFlight) {
      if (partitions.contains(task.partition())) {
        released++;
      }
    }
    shared.metrics().released(released);
  }

  private void take(List<ConsumerRecord<byte[], byte[]>> records) {
    if (crashed) {
      return;
    }
    sourcePaused = true; // it paused itself on delivery; pump() resumes it if there is room
    for (ConsumerRecord<byte[], byte[]> record : records) {
      // Records of a partition revoked since the poll are not ours any more: skip them.
      tracker
          .take(new TopicPartition(record.topic(), record.partition()), record.offset())
          .ifPresent(ticket -> waiting.add(new Task(record, ticket)));
    }
    pump();
  }

  /** Starts waiting tasks while there is room, then pauses or resumes the source to match. */
  private void pump() {
    while (canStart() && !waiting.isEmpty() && admitted()) {
      dispatch(waiting.poll());
    }
    boolean pause =
        stopping
            || failed
            || crashed
            || !policyLoaded
            || stale()
            || heldBackByDownstream()
            || inFlight.size() + waiting.size() >= maxInFlight;
    if (pause != sourcePaused && !crashed) {
      sourcePaused = pause;
      if (pause) {
        source.pause();
      } else {
        source.resume();
      }
    }
    publish();
  }

  private boolean canStart() {
    return policyLoaded
        && !stopping
        && !failed
        && !crashed
        && !stale()
        && !heldBackByDownstream()
        && inFlight.size() < maxInFlight;
  }

  /** Whether the synchronous gate, if any, lets one more group start now (and counts it). */
  private boolean admitted() {
    return shared.gate() == null || shared.gate().tryStart(version);
  }

  private boolean stale() {
    return policyLoaded && newestSeen - version > shared.config().maxStaleness();
  }

  /**
   * Backpressure from downstream: as much work as the limit waits for the scorer and the learner.
   * Logged when it starts and ends, so that an instance held back for long says why.
   */
  private boolean heldBackByDownstream() {
    int limit = shared.config().maxDownstreamBacklog();
    boolean held = limit > 0 && downstream != null && downstream.inGroups(groupSize) >= limit;
    if (held != heldBack) {
      heldBack = held;
      if (held) {
        log.info(
            "{}: holding back: {} rollouts and {} training groups wait downstream (>= {} groups)",
            actorId,
            downstream.rollouts(),
            downstream.groups(),
            limit);
      } else {
        log.info("{}: downstream caught up, taking tasks again", actorId);
      }
    }
    return held;
  }

  private void dispatch(Task task) {
    inFlight.add(task);
    sampler
        .executeBlocking(
            () -> {
              long start = System.nanoTime();
              try {
                return processor.process(
                    task.record,
                    policy.get(),
                    actorId,
                    error -> context.runOnContext(v -> delivered(task, error)));
              } finally {
                shared.metrics().samplingTime(System.nanoTime() - start);
              }
            },
            true)
        .onComplete(
            result -> {
              if (result.failed()) {
                leave(task);
                fatal("task at " + where(task) + " could not be processed", result.cause());
                return;
              }
              task.outcome = result.result();
              if (task.delivered) {
                finish(task);
              }
            });
  }

  private void delivered(Task task, Throwable error) {
    if (!inFlight.contains(task)) {
      return;
    }
    if (error != null) {
      // The task is not complete, so nothing at or after it is committed: it will be redone.
      leave(task);
      fatal("the output of task at " + where(task) + " could not be delivered", error);
      return;
    }
    task.delivered = true;
    if (task.outcome != null) {
      finish(task);
    }
  }

  /** The task is no longer in flight (complete or failed); a stop may be waiting for that. */
  private void leave(Task task) {
    if (inFlight.remove(task) && shared.gate() != null) {
      shared.gate().finished();
    }
    if (drained != null && inFlight.isEmpty()) {
      drained.tryComplete();
    }
  }

  /** Every record of the task is acknowledged: it is complete. */
  private void finish(Task task) {
    TaskProcessor.Outcome outcome = task.outcome;
    switch (outcome.kind()) {
      case ROLLOUTS -> {
        shared.metrics().groupDelivered(outcome.rollouts(), outcome.responseTokens());
        groupSize = Math.max(1, outcome.rollouts());
      }
      case DEAD_LETTER -> shared.metrics().deadLettered(outcome.deadLetterReason());
      case FOREIGN -> shared.metrics().foreignTask();
      case SKIPPED -> {}
    }
    if (!crashed) {
      tracker
          .complete(task.ticket)
          .ifPresent(offset -> source.commit(Map.of(task.partition(), offset)));
    }
    leave(task); // after its commit: a stop waiting for the last task then closes the source
    pump();
  }

  private void offer(VersionUpdate update) {
    newestSeen = Math.max(newestSeen, update.version());
    if (update.version() > Math.max(version, swapQueuedFor) && !crashed) {
      offered.set(update);
      swapQueuedFor = update.version();
      // Queued behind the groups already submitted: the swap happens between generations.
      sampler
          .executeBlocking(this::swapToOffered, true)
          .onComplete(
              result -> {
                if (result.failed()) {
                  fatal("the policy failed while swapping weights", result.cause());
                  return;
                }
                if (result.result() > version) {
                  log.info("{}: now sampling with policy version {}", actorId, result.result());
                  shared.metrics().versionSwapped();
                }
                version = result.result();
                pump();
              });
    }
    pump();
  }

  /** On the sampling thread: swaps to the newest offered version if it is newer. */
  private long swapToOffered() {
    PolicyHandle current = policy.get();
    VersionUpdate update = offered.get();
    if (update != null && update.version() > current.version()) {
      try {
        current.swapWeights(update.weights());
      } catch (InvalidWeightsException e) {
        log.error(
            "{}: policy version {} at {} cannot be loaded, keeping version {}: {}",
            actorId,
            update.version(),
            update.coordinates(),
            current.version(),
            e.getMessage());
      }
    }
    return current.version();
  }

  private void fatal(String what, Throwable error) {
    if (failed || crashed || stopping) {
      if (!crashed) {
        log.warn("{}: {} while stopping: {}", actorId, what, error.toString());
      }
      return;
    }
    failed = true;
    log.error("{}: {}; this actor stops taking tasks", actorId, what, error);
    pump();
    shared.onFatal().accept(error);
  }

  private static String where(Task task) {
    return task.partition() + "@" + task.ticket.offset();
  }

  private void publish() {
    List<String> assigned = new ArrayList<>();
    for (TopicPartition p : tracker.owned()) {
      assigned.add(p.toString());
    }
    assigned.sort(null);
    status =
        new InstanceStatus(
            actorId,
            assigned,
            policyLoaded,
            version,
            newestSeen,
            inFlight.size(),
            waiting.size(),
            sourcePaused,
            stale(),
            heldBack,
            stopping,
            failed,
            Duration.ZERO);
  }

  // ---- Stopping ----

  /**
   * The graceful stop (undeploy): take no more tasks, let the groups in flight finish within the
   * shutdown timeout, commit what completed, leave the group, close the policy. Tasks still
   * unfinished at the deadline are released uncommitted: another actor redoes them.
   */
  @Override
  public Future<?> stop() {
    if (crashed) {
      return closePolicy();
    }
    stopping = true;
    shared.metrics().released(waiting.size());
    waiting.clear();
    pump();
    drained = Promise.promise();
    if (inFlight.isEmpty()) {
      drained.tryComplete();
    }
    long timer =
        vertx.setTimer(
            shared.config().shutdownTimeout().toMillis(),
            t -> {
              if (!inFlight.isEmpty()) {
                log.warn(
                    "{}: {} group(s) still in flight after {}; releasing them uncommitted",
                    actorId,
                    inFlight.size(),
                    shared.config().shutdownTimeout());
                shared.metrics().released(inFlight.size());
              }
              drained.tryComplete();
            });
    return drained
        .future()
        .compose(
            v -> {
              vertx.cancelTimer(timer);
              Map<TopicPartition, Long> commit = tracker.uncommitted();
              log.info("{}: stopping; final commit {}", actorId, commit);
              return Future.fromCompletionStage(source.close(commit), context);
            })
        .eventually(this::closePolicy);
  }

  /**
   * A crash, for tests: the consumer stops at once without committing or leaving the group; tasks
   * in flight are abandoned (their sampling may still finish, but nothing more is committed).
   *
   * @return where the tasks waiting or in flight at the crash came from ({@code topic-p@offset})
   */
  CompletionStage<Set<String>> crash() {
    CompletableFuture<Set<String>> abandoned = new CompletableFuture<>();
    source
        .abort()
        .whenComplete(
            (v, e) ->
                context.runOnContext(
                    x -> {
                      crashed = true;
                      Set<String> tasks = new HashSet<>();
                      waiting.forEach(t -> tasks.add(where(t)));
                      inFlight.forEach(t -> tasks.add(where(t)));
                      waiting.clear();
                      publish();
                      abandoned.complete(tasks);
                    }));
    return abandoned;
  }

  private Future<Void> closePolicy() {
    if (sampler == null) {
      return Future.succeededFuture();
    }
    // Queued behind any running group, so the policy is never closed under it.
    return sampler
        .executeBlocking(
            () -> {
              PolicyHandle p = policy.getAndSet(null);
              if (p != null) {
                p.close();
              }
              return null;
            },
            true)
        .<Void>mapEmpty()
        .eventually(() -> sampler.close());
  }
}
