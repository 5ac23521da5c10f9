package dev.srlstream.scorer.bench;

import java.util.Locale;
import java.util.Map;
import org.apache.kafka.common.Metric;
import org.apache.kafka.common.MetricName;

/**
 * Where a Kafka Streams thread's time went during a phase, from its own thread metrics (group
 * {@code stream-thread-metrics}, summed over the threads): calls to process (records), commits and
 * their time, and the time it was blocked on Kafka (KIP-761: waiting for the consumer, for the
 * producer's buffer, flush and transactions).
 */
final class ThreadMetrics {
  private static final String GROUP = "stream-thread-metrics";

  record Snapshot(double processed, double commits, double blockedNanos, double commitLatencyAvg) {}

  private ThreadMetrics() {}

  static Snapshot snapshot(Map<MetricName, ? extends Metric> metrics) {
    return new Snapshot(
        sum(metrics, "process-total"),
        sum(metrics, "commit-total"),
        sum(metrics, "blocked-time-ns-total"),
        sum(metrics, "commit-latency-avg"));
  }

  static String describe(Snapshot before, Snapshot after, double seconds) {
    double commits = after.commits() - before.commits();
    double blocked = (after.blockedNanos() - before.blockedNanos()) / 1e9;
    return String.format(
        Locale.ROOT,
        "%.0f records processed, %.0f commits (one per %.0f ms; commit latency %.1f ms avg over"
            + " the last 30 s), blocked on Kafka %.1f s of %.1f s",
        after.processed() - before.processed(),
        commits,
        commits == 0 ? Double.NaN : 1000 * seconds / commits,
        after.commitLatencyAvg(),
        blocked,
        seconds);
  }

  private static double sum(Map<MetricName, ? extends Metric> metrics, String name) {
    double total = 0;
    for (Map.Entry<MetricName, ? extends Metric> e : metrics.entrySet()) {
      if (e.getKey().group().equals(GROUP) && e.getKey().name().equals(name)) {
        Object value = e.getValue().metricValue();
        if (value instanceof Number n && !Double.isNaN(n.doubleValue())) {
          total += n.doubleValue();
        }
      }
    }
    return total;
  }
}
