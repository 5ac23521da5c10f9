package dev.srlstream.learner;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/** What the learner has done since it started: for the log, /metrics and progress lines. */
public final class LearnerCounters {
  final AtomicLong versionsPublished = new AtomicLong();
  final AtomicLong groupsTrained = new AtomicLong();
  final AtomicLong tokensTrained = new AtomicLong();
  final AtomicLong groupsDroppedStale = new AtomicLong();
  final AtomicLong deadLetters = new AtomicLong();
  final AtomicLong foreignGroups = new AtomicLong();
  private final Map<Long, AtomicLong> staleness = new ConcurrentHashMap<>();
  private volatile Map<String, Double> lastMetrics = Map.of();

  void trained(WeightedGroup group) {
    groupsTrained.incrementAndGet();
    staleness.computeIfAbsent(group.staleness(), s -> new AtomicLong()).incrementAndGet();
    long tokens = 0;
    for (var rollout : group.group().getRollouts()) {
      tokens += rollout.getResponseTokenIds().size();
    }
    tokensTrained.addAndGet(tokens);
  }

  void lastMetrics(Map<String, Double> metrics) {
    this.lastMetrics = Map.copyOf(metrics);
  }

  public long versionsPublished() {
    return versionsPublished.get();
  }

  public long groupsTrained() {
    return groupsTrained.get();
  }

  public long tokensTrained() {
    return tokensTrained.get();
  }

  public long groupsDroppedStale() {
    return groupsDroppedStale.get();
  }

  public long deadLetters() {
    return deadLetters.get();
  }

  /** Training groups of other policies, skipped: their own learners train on them. */
  public long foreignGroups() {
    return foreignGroups.get();
  }

  /** Groups trained, by how many versions behind the learner their sampling policy was. */
  public Map<Long, Long> stalenessHistogram() {
    Map<Long, Long> histogram = new TreeMap<>();
    staleness.forEach((s, n) -> histogram.put(s, n.get()));
    return histogram;
  }

  /** Everything above in the Prometheus text format ({@code srl_learner_*}). */
  public String prometheusText() {
    StringBuilder text = new StringBuilder();
    counter(text, "versions_published", versionsPublished());
    counter(text, "groups_trained", groupsTrained());
    counter(text, "tokens_trained", tokensTrained());
    counter(text, "groups_dropped_stale", groupsDroppedStale());
    counter(text, "dead_letters", deadLetters());
    counter(text, "foreign_groups", foreignGroups());
    text.append("# TYPE srl_learner_groups_by_staleness_total counter\n");
    stalenessHistogram()
        .forEach(
            (staleness, count) ->
                text.append("srl_learner_groups_by_staleness_total{staleness=\"")
                    .append(staleness)
                    .append("\"} ")
                    .append(count)
                    .append('\n'));
    lastMetrics()
        .forEach(
            (name, value) ->
                text.append("# TYPE srl_learner_last_")
                    .append(name)
                    .append(" gauge\nsrl_learner_last_")
                    .append(name)
                    .append(' ')
                    .append(value)
                    .append('\n'));
    return text.toString();
  }

  private static void counter(StringBuilder text, String name, long value) {
    text.append("# TYPE srl_learner_")
        .append(name)
        .append("_total counter\nsrl_learner_")
        .append(name)
        .append("_total ")
        .append(value)
        .append('\n');
  }

  /** The metrics of the last update (loss, entropy, clip_fraction, kl, grad_norm, ...). */
  public Map<String, Double> lastMetrics() {
    return lastMetrics;
  }
}
