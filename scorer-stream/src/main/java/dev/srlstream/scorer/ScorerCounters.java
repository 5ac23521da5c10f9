package dev.srlstream.scorer;

import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What the scorer has done since it started, for metrics and progress lines: rewards emitted,
 * groups kept and filtered by dynamic sampling, stragglers, and dead letters by reason. Shared by
 * the scorer's stream threads, hence atomic.
 */
public final class ScorerCounters {
  final AtomicLong rewards = new AtomicLong();
  final AtomicLong groupsKept = new AtomicLong();
  final AtomicLong groupsFiltered = new AtomicLong();
  final AtomicLong partialGroupsEmitted = new AtomicLong();
  final AtomicLong partialGroupsDropped = new AtomicLong();
  final AtomicLong duplicateTaskGroups = new AtomicLong();
  final AtomicLong foreignRollouts = new AtomicLong();
  private final Map<DeadLetterReason, AtomicLong> deadLetters =
      new EnumMap<>(DeadLetterReason.class);

  public ScorerCounters() {
    for (DeadLetterReason reason : DeadLetterReason.values()) {
      deadLetters.put(reason, new AtomicLong());
    }
  }

  void deadLetter(DeadLetterReason reason) {
    deadLetters.get(reason).incrementAndGet();
  }

  public long rewards() {
    return rewards.get();
  }

  /** Groups that passed dynamic sampling and went to the learner (partial ones included). */
  public long groupsKept() {
    return groupsKept.get();
  }

  /** Groups whose rewards were all alike (std <= epsilon): counted, not trained on. */
  public long groupsFiltered() {
    return groupsFiltered.get();
  }

  /** Incomplete groups emitted after the timeout (also counted as kept or filtered). */
  public long partialGroupsEmitted() {
    return partialGroupsEmitted.get();
  }

  /** Incomplete groups dropped after the timeout (policy DROP, or fewer than two rollouts). */
  public long partialGroupsDropped() {
    return partialGroupsDropped.get();
  }

  /**
   * Groups dropped on completion because another group of their task was decided first (two
   * samplings of one task in flight at once); their rollouts were rewarded, not trained on.
   */
  public long duplicateTaskGroups() {
    return duplicateTaskGroups.get();
  }

  /** Rollout steps of other policies, skipped: their own scorers reward them. */
  public long foreignRollouts() {
    return foreignRollouts.get();
  }

  public long deadLetters(DeadLetterReason reason) {
    return deadLetters.get(reason).get();
  }

  /** The counters in the Prometheus text format, as {@code srl_scorer_<name>_total}. */
  public String prometheusText() {
    StringBuilder text = new StringBuilder();
    snapshot()
        .forEach(
            (name, value) ->
                text.append("# TYPE srl_scorer_")
                    .append(name)
                    .append("_total counter\n")
                    .append("srl_scorer_")
                    .append(name)
                    .append("_total ")
                    .append(value)
                    .append('\n'));
    return text.toString();
  }

  /** Every counter by a metric-style name, for logs and /metrics. */
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
            snapshot.put("dead_letters_" + reason.name().toLowerCase(Locale.ROOT), count.get()));
    return snapshot;
  }
}
