package dev.srlstream.scorer;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import org.apache.kafka.streams.KafkaStreams;

/**
 * What the scorer has done since it started, for metrics and progress lines: rewards emitted,
 * groups kept and filtered by dynamic sampling, stragglers, and dead letters by reason. Each is a
 * Micrometer counter on the process's registry, {@code srl_scorer_<name>_total} in the Prometheus
 * text (the names the README lists), shared by the scorer's stream threads; the getters read them.
 *
 * <p>A registry holds one scorer's meters at a time: {@link #close()} takes them off it (the
 * getters still answer).
 */
public final class ScorerCounters implements AutoCloseable {
  private final MeterRegistry registry;
  private final List<Meter> meters = new ArrayList<>();
  final Counter rewards;
  final Counter groupsKept;
  final Counter groupsFiltered;
  final Counter partialGroupsEmitted;
  final Counter partialGroupsDropped;
  final Counter duplicateTaskGroups;
  final Counter foreignRollouts;
  private final Map<DeadLetterReason, Counter> deadLetters = new EnumMap<>(DeadLetterReason.class);

  /** Counters on a registry of their own (tests, or a process that serves no metrics). */
  public ScorerCounters() {
    this(new PrometheusMeterRegistry(PrometheusConfig.DEFAULT));
  }

  /** Counters on the process's registry. */
  public ScorerCounters(MeterRegistry registry) {
    this.registry = registry;
    rewards = counter("rewards", "Step rewards emitted.");
    groupsKept =
        counter(
            "groups_kept",
            "Groups that passed dynamic sampling and went to the learner (partial ones included).");
    groupsFiltered =
        counter(
            "groups_filtered",
            "Groups whose rewards were all alike (std <= epsilon): counted, not trained on.");
    partialGroupsEmitted =
        counter("partial_groups_emitted", "Incomplete groups emitted after the timeout.");
    partialGroupsDropped =
        counter("partial_groups_dropped", "Incomplete groups dropped after the timeout.");
    duplicateTaskGroups =
        counter(
            "duplicate_task_groups",
            "Groups dropped because another group of their task was decided first.");
    foreignRollouts =
        counter(
            "foreign_rollouts",
            "Rollout steps of other policies, skipped: their scorers reward them.");
    for (DeadLetterReason reason : DeadLetterReason.values()) {
      deadLetters.put(
          reason,
          counter(
              "dead_letters_" + reason.name().toLowerCase(Locale.ROOT),
              "Records dead-lettered as " + reason.name() + "."));
    }
  }

  private Counter counter(String name, String help) {
    Counter counter = Counter.builder("srl_scorer_" + name).description(help).register(registry);
    meters.add(counter);
    return counter;
  }

  /**
   * Registers the running scorer's gauges: {@code srl_scorer_running} (1 while Kafka Streams is
   * RUNNING or REBALANCING) and {@code srl_scorer_broker_reachable}.
   */
  void watch(Supplier<KafkaStreams.State> state, BooleanSupplier brokerReachable) {
    gauge(
        "running",
        "1 while Kafka Streams is RUNNING or REBALANCING.",
        () -> state.get().isRunningOrRebalancing());
    gauge("broker_reachable", "1 if the cluster answered within the last 15 s.", brokerReachable);
  }

  private void gauge(String name, String help, BooleanSupplier value) {
    meters.add(
        Gauge.builder("srl_scorer_" + name, () -> value.getAsBoolean() ? 1 : 0)
            .description(help)
            .register(registry));
  }

  void deadLetter(DeadLetterReason reason) {
    deadLetters.get(reason).increment();
  }

  public long rewards() {
    return (long) rewards.count();
  }

  /** Groups that passed dynamic sampling and went to the learner (partial ones included). */
  public long groupsKept() {
    return (long) groupsKept.count();
  }

  /** Groups whose rewards were all alike (std <= epsilon): counted, not trained on. */
  public long groupsFiltered() {
    return (long) groupsFiltered.count();
  }

  /** Incomplete groups emitted after the timeout (also counted as kept or filtered). */
  public long partialGroupsEmitted() {
    return (long) partialGroupsEmitted.count();
  }

  /** Incomplete groups dropped after the timeout (policy DROP, or fewer than two rollouts). */
  public long partialGroupsDropped() {
    return (long) partialGroupsDropped.count();
  }

  /**
   * Groups dropped on completion because another group of their task was decided first (two
   * samplings of one task in flight at once); their rollouts were rewarded, not trained on.
   */
  public long duplicateTaskGroups() {
    return (long) duplicateTaskGroups.count();
  }

  /** Rollout steps of other policies, skipped: their own scorers reward them. */
  public long foreignRollouts() {
    return (long) foreignRollouts.count();
  }

  public long deadLetters(DeadLetterReason reason) {
    return (long) deadLetters.get(reason).count();
  }

  /** Every counter by its name without the prefix and {@code _total}, for log lines. */
  public Map<String, Long> snapshot() {
    Map<String, Long> snapshot = new LinkedHashMap<>();
    snapshot.put("rewards", rewards());
    snapshot.put("groups_kept", groupsKept());
    snapshot.put("groups_filtered", groupsFiltered());
    snapshot.put("partial_groups_emitted", partialGroupsEmitted());
    snapshot.put("partial_groups_dropped", partialGroupsDropped());
    snapshot.put("duplicate_task_groups", duplicateTaskGroups());
    snapshot.put("foreign_rollouts", foreignRollouts());
    deadLetters.forEach(
        (reason, count) ->
            snapshot.put(
                "dead_letters_" + reason.name().toLowerCase(Locale.ROOT), (long) count.count()));
    return snapshot;
  }

  /** Takes the counters off the registry; the getters go on answering. */
  @Override
  public void close() {
    meters.forEach(registry::remove);
  }
}
