package dev.srlstream.actor;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import java.util.function.ToDoubleFunction;

/**
 * What the actors of one process have done since it started, as Micrometer meters on the process's
 * Prometheus registry ({@code srl_actor_*}, the names the README lists): counters shared by the
 * instances (thread-safe), and, once {@link #watch watching} the process's status, its gauges. The
 * getters read the same meters. Rates (rollouts/s, tokens/s) are {@code rate()} of the counters;
 * the status line logs them too.
 *
 * <p>A registry holds the meters of one actor process at a time: {@link #close()} takes them off it
 * (the getters still answer), so a service started after this one on the same registry shows its
 * own status.
 */
public final class ActorMetrics implements AutoCloseable {
  private final PrometheusMeterRegistry registry;
  private final List<Meter> meters = new ArrayList<>();
  private final Counter rollouts;
  private final Counter groups;
  private final Counter responseTokens;
  private final Counter tasksCompleted;
  private final Counter tasksReleased;
  private final Counter foreignTasks;
  private final Counter samplingSeconds;
  private final Counter versionSwaps;
  // Task dead letters by reason; a rejected policy version is counted by invalidVersions.
  private final Map<DeadLetterReason, Counter> deadLetters = new EnumMap<>(DeadLetterReason.class);
  private volatile LongSupplier invalidVersions = () -> 0;

  /** Meters on a registry of their own (tests, or a process that serves no metrics). */
  public ActorMetrics() {
    this(new PrometheusMeterRegistry(PrometheusConfig.DEFAULT));
  }

  /** Meters on the process's registry. */
  public ActorMetrics(PrometheusMeterRegistry registry) {
    this.registry = registry;
    rollouts = counter("rollouts", "Rollout steps produced and acknowledged.");
    groups = counter("groups", "Groups produced and acknowledged.");
    responseTokens = counter("response_tokens", "Sampled response tokens.");
    tasksCompleted = counter("tasks_completed", "Tasks whose rollout steps were all acknowledged.");
    for (DeadLetterReason reason : DeadLetterReason.values()) {
      if (reason != DeadLetterReason.INVALID_WEIGHTS) {
        deadLetters.put(
            reason,
            register(
                Counter.builder("srl_actor_tasks_dead_lettered")
                    .description("Tasks sent to the dead letters.")
                    .tag("reason", reason.name())));
      }
    }
    foreignTasks =
        counter("tasks_foreign", "Tasks of other policies skipped: their own fleets sample them.");
    tasksReleased =
        counter(
            "tasks_released",
            "Tasks given back uncommitted (revoked or unfinished at shutdown); others redo them.");
    samplingSeconds =
        counter(
            "sampling_seconds",
            "Time the sampling threads spent on groups (decode, sample, serialize, send).");
    versionSwaps = counter("version_swaps", "Policy versions swapped in.");
    meters.add(
        FunctionCounter.builder(
                "srl_actor_invalid_versions", this, m -> m.invalidVersions.getAsLong())
            .description("Policy versions rejected (checksum, architecture) and dead-lettered.")
            .register(registry));
  }

  private Counter counter(String name, String help) {
    return register(Counter.builder("srl_actor_" + name).description(help));
  }

  private Counter register(Counter.Builder builder) {
    Counter counter = builder.register(registry);
    meters.add(counter);
    return counter;
  }

  /**
   * Registers the gauges of the process's status: the newest version and the lag, readiness,
   * whether the cluster answers, the downstream backlog (if measured), and per instance (tag {@code
   * actor}) its version, groups in flight, waiting tasks, pause and hold-back state and partitions.
   * Each scrape reads {@code status} afresh.
   *
   * @param actorIds the instances of the process
   * @param downstreamMeasured whether the backlog downstream is measured (NaN until the first
   *     measurement); without it there are no {@code srl_actor_downstream_*} gauges
   */
  void watch(Supplier<ActorStatus> status, List<String> actorIds, boolean downstreamMeasured) {
    gauge(
        "newest_version_seen",
        "The newest policy version published.",
        status,
        ActorStatus::newestVersionSeen);
    gauge(
        "version_lag",
        "Versions the furthest-behind instance lags the newest published one.",
        status,
        ActorStatus::versionLag);
    gauge(
        "ready",
        "1 if the process is ready (policy loaded, partitions assigned, the cluster answering).",
        status,
        s -> s.ready() ? 1 : 0);
    if (downstreamMeasured) {
      gauge(
          "downstream_rollouts",
          "Rollout steps the scorer has not committed past (the actors' backpressure).",
          status,
          s -> s.downstream() == null ? Double.NaN : s.downstream().rollouts());
      gauge(
          "downstream_groups",
          "Training groups the learner has not committed past (the actors' backpressure).",
          status,
          s -> s.downstream() == null ? Double.NaN : s.downstream().groups());
    }
    gauge(
        "broker_reachable",
        "1 if the cluster answered within the last 15 s.",
        status,
        s -> s.brokerReachable() ? 1 : 0);
    for (String actorId : actorIds) {
      Supplier<InstanceStatus> instance = () -> instanceOf(status.get(), actorId);
      perInstance(
          actorId,
          "policy_version",
          "The version each instance samples with.",
          instance,
          InstanceStatus::policyVersion);
      perInstance(
          actorId,
          "groups_in_flight",
          "Groups sampling or awaiting acks.",
          instance,
          InstanceStatus::groupsInFlight);
      perInstance(
          actorId,
          "tasks_waiting",
          "Tasks fetched but not started.",
          instance,
          InstanceStatus::tasksWaiting);
      perInstance(
          actorId,
          "paused",
          "1 if the instance paused its partitions.",
          instance,
          i -> i.paused() ? 1 : 0);
      perInstance(
          actorId,
          "held_back",
          "1 if the instance holds back: the work waiting downstream is at the limit.",
          instance,
          i -> i.heldBack() ? 1 : 0);
      perInstance(
          actorId,
          "assigned_partitions",
          "Task partitions owned.",
          instance,
          i -> i.assigned().size());
    }
  }

  private static InstanceStatus instanceOf(ActorStatus status, String actorId) {
    for (InstanceStatus i : status.instances()) {
      if (i.actorId().equals(actorId)) {
        return i;
      }
    }
    return null;
  }

  private <T> void gauge(String name, String help, Supplier<T> state, ToDoubleFunction<T> value) {
    registerGauge(Gauge.builder("srl_actor_" + name, () -> value.applyAsDouble(state.get())), help);
  }

  private void perInstance(
      String actorId,
      String name,
      String help,
      Supplier<InstanceStatus> instance,
      ToDoubleFunction<InstanceStatus> value) {
    Supplier<Number> read =
        () -> {
          InstanceStatus i = instance.get();
          return i == null ? Double.NaN : value.applyAsDouble(i);
        };
    registerGauge(Gauge.builder("srl_actor_" + name, read).tag("actor", actorId), help);
  }

  private void registerGauge(Gauge.Builder<Supplier<Number>> builder, String help) {
    meters.add(builder.description(help).register(registry));
  }

  /** A group's steps were all acknowledged. */
  void groupDelivered(int rolloutCount, long tokens) {
    groups.increment();
    rollouts.increment(rolloutCount);
    responseTokens.increment(tokens);
    tasksCompleted.increment();
  }

  /** A task's dead letter was acknowledged. */
  void deadLettered(DeadLetterReason reason) {
    Counter counter = deadLetters.get(reason);
    if (counter == null) {
      throw new IllegalArgumentException(
          reason + " is not a task's dead letter: rejected versions count as invalid versions");
    }
    counter.increment();
  }

  /** A task of another policy was skipped (and committed past). */
  void foreignTask() {
    foreignTasks.increment();
  }

  /** A task was given back uncommitted (revoked, or still running at shutdown). */
  void released(int count) {
    tasksReleased.increment(count);
  }

  void samplingTime(long nanos) {
    samplingSeconds.increment(nanos / 1e9);
  }

  void versionSwapped() {
    versionSwaps.increment();
  }

  void invalidVersionsFrom(LongSupplier source) {
    invalidVersions = source;
  }

  /** The registry the meters are on. */
  public PrometheusMeterRegistry registry() {
    return registry;
  }

  public long rollouts() {
    return (long) rollouts.count();
  }

  public long groups() {
    return (long) groups.count();
  }

  public long responseTokens() {
    return (long) responseTokens.count();
  }

  public long tasksCompleted() {
    return (long) tasksCompleted.count();
  }

  public long tasksReleased() {
    return (long) tasksReleased.count();
  }

  /** Tasks of other policies skipped. */
  public long foreignTasks() {
    return (long) foreignTasks.count();
  }

  /** Seconds the sampling threads spent on tasks (decode, sample, serialize, send). */
  public double samplingSeconds() {
    return samplingSeconds.count();
  }

  public long versionSwaps() {
    return (long) versionSwaps.count();
  }

  /** Task dead letters of {@code reason} (0 for INVALID_WEIGHTS: see the invalid versions). */
  public long deadLetters(DeadLetterReason reason) {
    Counter counter = deadLetters.get(reason);
    return counter == null ? 0 : (long) counter.count();
  }

  /** Task dead letters of every reason. */
  public long deadLetters() {
    return (long) deadLetters.values().stream().mapToDouble(Counter::count).sum();
  }

  /** Takes the meters off the registry; the getters go on answering. */
  @Override
  public void close() {
    meters.forEach(registry::remove);
  }
}
