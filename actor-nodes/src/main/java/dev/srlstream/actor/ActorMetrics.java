package dev.srlstream.actor;

import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongSupplier;
import java.util.function.ToLongFunction;

/**
 * What the actors of one process have done since it started: counters shared by the instances
 * (thread-safe), and the Prometheus text of {@code /metrics} with the status gauges beside them.
 * Rates (rollouts/s, tokens/s) are {@code rate()} of the counters; the status line logs them too.
 */
public final class ActorMetrics {
  private final LongAdder rollouts = new LongAdder();
  private final LongAdder groups = new LongAdder();
  private final LongAdder responseTokens = new LongAdder();
  private final LongAdder tasksCompleted = new LongAdder();
  private final LongAdder tasksReleased = new LongAdder();
  private final LongAdder foreignTasks = new LongAdder();
  private final LongAdder samplingNanos = new LongAdder();
  private final LongAdder versionSwaps = new LongAdder();
  private final Map<DeadLetterReason, LongAdder> deadLetters =
      new EnumMap<>(DeadLetterReason.class);
  private volatile LongSupplier invalidVersions = () -> 0;

  public ActorMetrics() {
    for (DeadLetterReason reason : DeadLetterReason.values()) {
      deadLetters.put(reason, new LongAdder());
    }
  }

  /** A group's steps were all acknowledged. */
  void groupDelivered(int rolloutCount, long tokens) {
    groups.increment();
    rollouts.add(rolloutCount);
    responseTokens.add(tokens);
    tasksCompleted.increment();
  }

  /** A task's dead letter was acknowledged. */
  void deadLettered(DeadLetterReason reason) {
    deadLetters.get(reason).increment();
  }

  /** A task of another policy was skipped (and committed past). */
  void foreignTask() {
    foreignTasks.increment();
  }

  /** A task was given back uncommitted (revoked, or still running at shutdown). */
  void released(int count) {
    tasksReleased.add(count);
  }

  void samplingTime(long nanos) {
    samplingNanos.add(nanos);
  }

  void versionSwapped() {
    versionSwaps.increment();
  }

  void invalidVersionsFrom(LongSupplier source) {
    invalidVersions = source;
  }

  public long rollouts() {
    return rollouts.sum();
  }

  public long groups() {
    return groups.sum();
  }

  public long responseTokens() {
    return responseTokens.sum();
  }

  public long tasksCompleted() {
    return tasksCompleted.sum();
  }

  public long tasksReleased() {
    return tasksReleased.sum();
  }

  /** Tasks of other policies skipped. */
  public long foreignTasks() {
    return foreignTasks.sum();
  }

  /** Seconds the sampling threads spent on tasks (decode, sample, serialize, send). */
  public double samplingSeconds() {
    return samplingNanos.sum() / 1e9;
  }

  public long versionSwaps() {
    return versionSwaps.sum();
  }

  public long deadLetters(DeadLetterReason reason) {
    return deadLetters.get(reason).sum();
  }

  /** Dead letters of every reason. */
  public long deadLetters() {
    return deadLetters.values().stream().mapToLong(LongAdder::sum).sum();
  }

  /** The Prometheus text format (version 0.0.4) of the counters and of {@code status}. */
  public String prometheusText(ActorStatus status) {
    StringBuilder text = new StringBuilder(2048);
    counter(text, "rollouts_total", "Rollout steps produced and acknowledged.", rollouts.sum());
    counter(text, "groups_total", "Groups produced and acknowledged.", groups.sum());
    counter(text, "response_tokens_total", "Sampled response tokens.", responseTokens.sum());
    counter(
        text,
        "tasks_completed_total",
        "Tasks whose rollout steps were all acknowledged.",
        tasksCompleted.sum());
    text.append("# HELP srl_actor_tasks_dead_lettered_total Tasks sent to the dead letters.\n")
        .append("# TYPE srl_actor_tasks_dead_lettered_total counter\n");
    for (DeadLetterReason reason : DeadLetterReason.values()) {
      if (reason != DeadLetterReason.INVALID_WEIGHTS) {
        text.append("srl_actor_tasks_dead_lettered_total{reason=\"")
            .append(reason.name())
            .append("\"} ")
            .append(deadLetters.get(reason).sum())
            .append('\n');
      }
    }
    counter(
        text,
        "tasks_foreign_total",
        "Tasks of other policies skipped: their own fleets sample them.",
        foreignTasks.sum());
    counter(
        text,
        "tasks_released_total",
        "Tasks given back uncommitted (revoked or unfinished at shutdown); others redo them.",
        tasksReleased.sum());
    text.append("# HELP srl_actor_sampling_seconds_total Time spent sampling groups.\n")
        .append("# TYPE srl_actor_sampling_seconds_total counter\n")
        .append("srl_actor_sampling_seconds_total ")
        .append(samplingNanos.sum() / 1e9)
        .append('\n');
    counter(text, "version_swaps_total", "Policy versions swapped in.", versionSwaps.sum());
    counter(
        text,
        "invalid_versions_total",
        "Policy versions rejected (checksum, architecture) and dead-lettered.",
        invalidVersions.getAsLong());
    gauge(text, "newest_version_seen", "The newest policy version published.");
    text.append("srl_actor_newest_version_seen ").append(status.newestVersionSeen()).append('\n');
    gauge(
        text,
        "version_lag",
        "Versions the furthest-behind instance lags the newest published one.");
    text.append("srl_actor_version_lag ").append(status.versionLag()).append('\n');
    gauge(
        text,
        "ready",
        "1 if the process is ready (policy loaded, partitions assigned, the cluster answering).");
    text.append("srl_actor_ready ").append(status.ready() ? 1 : 0).append('\n');
    if (status.downstream() != null) {
      gauge(
          text,
          "downstream_rollouts",
          "Rollout steps the scorer has not committed past (the actors' backpressure).");
      text.append("srl_actor_downstream_rollouts ")
          .append(status.downstream().rollouts())
          .append('\n');
      gauge(
          text,
          "downstream_groups",
          "Training groups the learner has not committed past (the actors' backpressure).");
      text.append("srl_actor_downstream_groups ").append(status.downstream().groups()).append('\n');
    }
    gauge(text, "broker_reachable", "1 if the cluster answered within the last 15 s.");
    text.append("srl_actor_broker_reachable ")
        .append(status.brokerReachable() ? 1 : 0)
        .append('\n');
    perInstance(
        text,
        status,
        "policy_version",
        "The version each instance samples with.",
        InstanceStatus::policyVersion);
    perInstance(
        text,
        status,
        "groups_in_flight",
        "Groups sampling or awaiting acks.",
        InstanceStatus::groupsInFlight);
    perInstance(
        text,
        status,
        "tasks_waiting",
        "Tasks fetched but not started.",
        InstanceStatus::tasksWaiting);
    perInstance(
        text,
        status,
        "paused",
        "1 if the instance paused its partitions.",
        i -> i.paused() ? 1 : 0);
    perInstance(
        text,
        status,
        "held_back",
        "1 if the instance holds back: the work waiting downstream is at the limit.",
        i -> i.heldBack() ? 1 : 0);
    perInstance(
        text, status, "assigned_partitions", "Task partitions owned.", i -> i.assigned().size());
    return text.toString();
  }

  private static void counter(StringBuilder text, String name, String help, long value) {
    text.append("# HELP srl_actor_")
        .append(name)
        .append(' ')
        .append(help)
        .append("\n# TYPE srl_actor_")
        .append(name)
        .append(" counter\nsrl_actor_")
        .append(name)
        .append(' ')
        .append(value)
        .append('\n');
  }

  private static void gauge(StringBuilder text, String name, String help) {
    text.append("# HELP srl_actor_")
        .append(name)
        .append(' ')
        .append(help)
        .append("\n# TYPE srl_actor_")
        .append(name)
        .append(" gauge\n");
  }

  private static void perInstance(
      StringBuilder text,
      ActorStatus status,
      String name,
      String help,
      ToLongFunction<InstanceStatus> value) {
    gauge(text, name, help);
    for (InstanceStatus i : status.instances()) {
      text.append("srl_actor_")
          .append(name)
          .append("{actor=\"")
          .append(i.actorId())
          .append("\"} ")
          .append(value.applyAsLong(i))
          .append('\n');
    }
  }
}
