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

  /** Groups trained, by how many versions behind the learner their sampling policy was. */
  public Map<Long, Long> stalenessHistogram() {
    Map<Long, Long> histogram = new TreeMap<>();
    staleness.forEach((s, n) -> histogram.put(s, n.get()));
    return histogram;
  }

  /** The metrics of the last update (loss, entropy, clip_fraction, kl, grad_norm, ...). */
  public Map<String, Double> lastMetrics() {
    return lastMetrics;
  }
}
