package dev.srlstream.learner;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * What the learner has done since it started, for the log, /metrics and progress lines: Micrometer
 * meters on the process's registry ({@code srl_learner_*}, the names the README lists), which the
 * getters read. Counters are {@code srl_learner_<name>_total}; the staleness histogram is a counter
 * per staleness ({@code srl_learner_groups_by_staleness_total{staleness="N"}}); the metrics of the
 * last update are gauges ({@code srl_learner_last_<metric>}); the updates are timed ({@code
 * srl_learner_update_seconds}).
 *
 * <p>A registry holds one learner's meters at a time: {@link #close()} takes them off it (the
 * getters still answer).
 */
public final class LearnerCounters implements AutoCloseable {
  private final MeterRegistry registry;
  private final List<Meter> meters = new CopyOnWriteArrayList<>();
  final Counter versionsPublished;
  final Counter groupsTrained;
  final Counter tokensTrained;
  final Counter groupsDroppedStale;
  final Counter deadLetters;
  final Counter foreignGroups;
  final Counter waitingSeconds;
  private final Timer updates;
  private final Map<Long, Counter> staleness = new ConcurrentHashMap<>();
  private final Set<String> lastMetricGauges = ConcurrentHashMap.newKeySet();
  private volatile Map<String, Double> lastMetrics = Map.of();

  /** Meters on a registry of their own (tests, or a process that serves no metrics). */
  public LearnerCounters() {
    this(new PrometheusMeterRegistry(PrometheusConfig.DEFAULT));
  }

  /** Meters on the process's registry. */
  public LearnerCounters(MeterRegistry registry) {
    this.registry = registry;
    versionsPublished = counter("versions_published", "Policy versions published (committed).");
    groupsTrained = counter("groups_trained", "Training groups trained on.");
    tokensTrained = counter("tokens_trained", "Response tokens trained on.");
    groupsDroppedStale =
        counter("groups_dropped_stale", "Groups dropped as too stale to train on.");
    deadLetters = counter("dead_letters", "Training groups dead-lettered (committed).");
    foreignGroups =
        counter(
            "foreign_groups", "Training groups of other policies, skipped: their learners train.");
    waitingSeconds =
        counter(
            "waiting_seconds",
            "Seconds the learner waited for training groups: polling with nothing to process.");
    updates =
        add(
            Timer.builder("srl_learner_update")
                .description("Updates: training on a batch and publishing its version.")
                .register(registry));
  }

  private Counter counter(String name, String help) {
    return add(Counter.builder("srl_learner_" + name).description(help).register(registry));
  }

  private <M extends Meter> M add(M meter) {
    meters.add(meter);
    return meter;
  }

  /** Registers {@code srl_learner_broker_reachable}. */
  void watch(BooleanSupplier brokerReachable) {
    add(
        Gauge.builder("srl_learner_broker_reachable", () -> brokerReachable.getAsBoolean() ? 1 : 0)
            .description("1 if the cluster answered within the last 15 s.")
            .register(registry));
  }

  void trained(WeightedGroup group) {
    groupsTrained.increment();
    staleness
        .computeIfAbsent(
            group.staleness(),
            s ->
                add(
                    Counter.builder("srl_learner_groups_by_staleness")
                        .description(
                            "Groups trained, by how many versions behind the learner their"
                                + " sampling policy was.")
                        .tag("staleness", Long.toString(s))
                        .register(registry)))
        .increment();
    long tokens = 0;
    for (var rollout : group.group().getRollouts()) {
      tokens += rollout.getResponseTokenIds().size();
    }
    tokensTrained.increment(tokens);
  }

  void updated(Duration took) {
    updates.record(took);
  }

  void lastMetrics(Map<String, Double> metrics) {
    this.lastMetrics = Map.copyOf(metrics);
    for (String name : metrics.keySet()) {
      // A gauge per metric the trainer reports, the first time it does; it reads the latest map.
      if (lastMetricGauges.add(name)) {
        add(
            Gauge.builder(
                    "srl_learner_last_" + name, () -> lastMetrics.getOrDefault(name, Double.NaN))
                .description("The " + name + " of the last update.")
                .register(registry));
      }
    }
  }

  /** Seconds spent waiting for training groups (blocked in poll with nothing to process). */
  public double waitingSeconds() {
    return waitingSeconds.count();
  }

  /** Seconds spent in updates: training on a batch and publishing its version. */
  public double updateSeconds() {
    return updates.totalTime(TimeUnit.SECONDS);
  }

  public long versionsPublished() {
    return (long) versionsPublished.count();
  }

  public long groupsTrained() {
    return (long) groupsTrained.count();
  }

  public long tokensTrained() {
    return (long) tokensTrained.count();
  }

  public long groupsDroppedStale() {
    return (long) groupsDroppedStale.count();
  }

  public long deadLetters() {
    return (long) deadLetters.count();
  }

  /** Training groups of other policies, skipped: their own learners train on them. */
  public long foreignGroups() {
    return (long) foreignGroups.count();
  }

  /** Groups trained, by how many versions behind the learner their sampling policy was. */
  public Map<Long, Long> stalenessHistogram() {
    Map<Long, Long> histogram = new TreeMap<>();
    staleness.forEach((s, n) -> histogram.put(s, (long) n.count()));
    return histogram;
  }

  /** The metrics of the last update (loss, entropy, clip_fraction, kl, grad_norm, ...). */
  public Map<String, Double> lastMetrics() {
    return lastMetrics;
  }

  /** Takes the meters off the registry; the getters go on answering. */
  @Override
  public void close() {
    meters.forEach(registry::remove);
  }
}
