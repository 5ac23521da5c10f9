package dev.srlstream.topology.audit;

import dev.srlstream.schemas.Topics;
import dev.srlstream.schemas.avro.DeadLetter;
import dev.srlstream.schemas.avro.PolicyVersion;
import dev.srlstream.schemas.avro.RolloutStep;
import dev.srlstream.schemas.avro.StepReward;
import dev.srlstream.schemas.avro.StepTask;
import dev.srlstream.schemas.avro.TrainingGroup;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The invariants of one policy's work on the log, checked from outside the services by counting ids
 * on every topic: what a crash, a rebalance or a broker loss must never break.
 *
 * <ul>
 *   <li><b>No task lost</b>: every task the actors have committed past has rollouts, or a dead
 *       letter.
 *   <li><b>No rollout lost</b>: every rollout the scorer has committed past has a reward, or a dead
 *       letter (a duplicate, an unknown instance, a task already decided).
 *   <li><b>No group lost</b>: a group whose rewards are all in (and committed past) has a training
 *       group for its task, unless dynamic sampling filtered it: its rewards all alike (population
 *       std at most the scorer's epsilon, 1e-3 unless given).
 *   <li><b>No reward twice</b>: no rollout id has two rewards.
 *   <li><b>No group twice</b>: no task has two training groups (a redo under a newer version gets
 *       new rollout ids, so this is counted by task, not by group id).
 *   <li><b>Versions monotonic</b>: the policy's versions, in log order, only increase; and the
 *       newest says it trained no more groups than the learner has consumed.
 * </ul>
 *
 * <p>Work the services have not committed past yet is pending, not lost: the check is exact once
 * the run has drained, and conservative while it runs.
 *
 * <p>An audit of the history from a time on ({@link Snapshot#from}) holds the same checks on the
 * records at or after it, because an effect is never older than its cause: a rollout is produced
 * after its task, and the scorer's rewards, groups and dead letters carry the timestamp of the
 * rollout that caused them (Kafka Streams' output records inherit their input's). Only the trained
 * count is not checked then: the newest version counts the groups trained since the run began, most
 * of them before the cut.
 */
public final class LogAudit {

  private static final String TASKS = Topics.TASKS.name();
  private static final String ROLLOUTS = Topics.ROLLOUT_STEPS.name();

  /** How many ids of each kind of failure a report lists. */
  static final int EXAMPLES = 10;

  /** The scorer's default dynamic-sampling epsilon (DESIGN.md). */
  public static final double DEFAULT_EPSILON = 1e-3;

  private LogAudit() {}

  /** A value read from the log, where it was read. */
  public record Entry<V>(int partition, long offset, V value) {}

  /**
   * One policy's records, read to the end of every topic, and how far its services have committed.
   *
   * @param policy the policy audited (every list holds only its records)
   * @param tasks {@code srl.tasks}
   * @param rollouts {@code srl.rollout-steps}
   * @param rewards {@code srl.step-rewards}
   * @param groups {@code srl.training-groups}
   * @param versions {@code srl.policy-versions}, in log order
   * @param deadLetters every dead letter (of any policy: a dead letter may name none)
   * @param actorsCommitted the actors' committed offset per task partition
   * @param scorerCommitted the scorer's committed offset per rollout partition
   * @param learnerCommitted the learner's committed offset per group partition
   * @param from the time the tasks, rollouts, rewards, groups and dead letters were read from (the
   *     versions are always read whole); null: the whole log
   */
  public record Snapshot(
      String policy,
      List<Entry<StepTask>> tasks,
      List<Entry<RolloutStep>> rollouts,
      List<Entry<StepReward>> rewards,
      List<Entry<TrainingGroup>> groups,
      List<Entry<PolicyVersion>> versions,
      List<DeadLetter> deadLetters,
      Map<Integer, Long> actorsCommitted,
      Map<Integer, Long> scorerCommitted,
      Map<Integer, Long> learnerCommitted,
      Instant from) {}

  /**
   * What the audit found. The lists hold up to {@value #EXAMPLES} ids each; the counts are exact.
   *
   * @param policy the policy audited
   * @param tasks tasks on the log
   * @param tasksPending tasks the actors have not committed past yet
   * @param rollouts rollout records on the log (a redone task's repeats included)
   * @param rolloutsPending rollouts the scorer has not committed past yet
   * @param rewards rewards on the log
   * @param groups training groups on the log
   * @param groupsConsumed training groups the learner has committed past
   * @param versions versions on the log (compaction keeps fewer than were published)
   * @param newestVersion the newest version, -1 if none
   * @param groupsTrained the groups the newest version says were trained, 0 if none
   * @param deadLetters dead letters on the log, of any policy (one that cannot be decoded names
   *     none)
   * @param tasksLost count of tasks committed past with neither rollouts nor a dead letter
   * @param rolloutsLost count of rollout ids committed past with neither a reward nor a dead letter
   * @param groupsLost count of groups with every reward in, not filtered, and no training group
   * @param rewardedTwice count of rollout ids with more than one reward
   * @param groupedTwice count of tasks with more than one training group
   * @param versionsOutOfOrder count of versions not above the one before them in the log
   * @param examples up to {@value #EXAMPLES} ids per failure kind, by kind
   * @param from the time the snapshot was read from (ISO-8601); null: the whole log
   */
  public record Report(
      String policy,
      long tasks,
      long tasksPending,
      long rollouts,
      long rolloutsPending,
      long rewards,
      long groups,
      long groupsConsumed,
      long versions,
      long newestVersion,
      long groupsTrained,
      long deadLetters,
      long tasksLost,
      long rolloutsLost,
      long groupsLost,
      long rewardedTwice,
      long groupedTwice,
      long versionsOutOfOrder,
      Map<String, List<String>> examples,
      String from) {

    /** Nothing lost, nothing twice, versions in order, and no more trained than consumed. */
    public boolean clean() {
      return tasksLost == 0
          && rolloutsLost == 0
          && groupsLost == 0
          && rewardedTwice == 0
          && groupedTwice == 0
          && versionsOutOfOrder == 0
          && trainedWithinConsumed();
    }

    /** The trained count is checked on the whole log only (see {@link LogAudit}). */
    private boolean trainedWithinConsumed() {
      return from != null || groupsTrained <= groupsConsumed;
    }

    /** The verdict in one line: "0 lost, 0 duplicated, 212 versions monotonic" or what failed. */
    public String verdict() {
      long lost = tasksLost + rolloutsLost + groupsLost;
      long twice = rewardedTwice + groupedTwice;
      String order =
          versionsOutOfOrder == 0
              ? versions + " versions monotonic"
              : versionsOutOfOrder + " of " + versions + " versions out of order";
      String trained =
          trainedWithinConsumed()
              ? ""
              : ", " + groupsTrained + " groups trained but only " + groupsConsumed + " consumed";
      String since = from == null ? "" : " (records from " + from + " on)";
      return lost + " lost, " + twice + " duplicated, " + order + trained + since;
    }
  }

  /** Checks the invariants on a snapshot, with the scorer's default epsilon. */
  public static Report check(Snapshot log) {
    return check(log, DEFAULT_EPSILON);
  }

  /**
   * Checks the invariants on a snapshot.
   *
   * @param epsilon the scorer's dynamic-sampling epsilon: a group whose rewards' population std is
   *     at most this was filtered, not lost
   */
  public static Report check(Snapshot log, double epsilon) {
    Map<String, List<String>> examples = new HashMap<>();
    Set<String> deadLettered = deadLettered(log);
    Tally tasks = tasks(log, deadLettered, examples);
    Map<String, Integer> rewardsByRollout = rewardsByRollout(log);
    Tally rollouts = rollouts(log, rewardsByRollout, deadLettered, examples);
    long rewardedTwice = rewardedTwice(rewardsByRollout, examples);
    Map<String, List<String>> groupsByTask = groupsByTask(log);
    long groupsConsumed =
        log.groups().stream().filter(g -> committedPast(log.learnerCommitted(), g)).count();
    long groupedTwice = groupedTwice(groupsByTask, examples);
    long groupsLost = lostGroups(log, groupsByTask.keySet(), epsilon, examples);
    VersionOrder versions = versionOrder(log, examples);
    PolicyVersion newest = versions.newest();
    return new Report(
        log.policy(),
        log.tasks().size(),
        tasks.pending(),
        log.rollouts().size(),
        rollouts.pending(),
        log.rewards().size(),
        log.groups().size(),
        groupsConsumed,
        log.versions().size(),
        newest == null ? -1 : newest.getVersion(),
        newest == null ? 0 : newest.getGroupsTrained(),
        log.deadLetters().size(),
        tasks.lost(),
        rollouts.lost(),
        groupsLost,
        rewardedTwice,
        groupedTwice,
        versions.outOfOrder(),
        examples,
        log.from() == null ? null : log.from().toString());
  }

  /**
   * Of the records a service works through: how many it has not committed past yet, and how many it
   * has committed past and lost.
   */
  private record Tally(long pending, long lost) {}

  /**
   * The policy's versions, read in log order.
   *
   * @param outOfOrder how many were not above the highest before them
   * @param newest the version record with the highest version, null if none
   */
  private record VersionOrder(long outOfOrder, PolicyVersion newest) {}

  /** The dead-lettered records, as {@code topic/record id}. */
  private static Set<String> deadLettered(Snapshot log) {
    Set<String> deadLettered = new HashSet<>();
    for (DeadLetter letter : log.deadLetters()) {
      if (letter.getRecordId() != null) {
        deadLettered.add(letter.getSourceTopic() + "/" + letter.getRecordId());
      }
    }
    return deadLettered;
  }

  /** Tasks the actors have committed past with neither rollouts nor a dead letter are lost. */
  private static Tally tasks(
      Snapshot log, Set<String> deadLettered, Map<String, List<String>> examples) {
    Set<String> sampledTasks = new HashSet<>();
    for (Entry<RolloutStep> r : log.rollouts()) {
      sampledTasks.add(r.value().getTaskId());
    }
    long pending = 0;
    long lost = 0;
    for (Entry<StepTask> t : log.tasks()) {
      if (!committedPast(log.actorsCommitted(), t)) {
        pending++;
        continue;
      }
      String id = t.value().getTaskId();
      if (!sampledTasks.contains(id) && !deadLettered.contains(TASKS + "/" + id)) {
        lost++;
        example(examples, "tasks lost", id);
      }
    }
    return new Tally(pending, lost);
  }

  /** How many rewards each rewarded rollout id has. */
  private static Map<String, Integer> rewardsByRollout(Snapshot log) {
    Map<String, Integer> rewardsByRollout = new HashMap<>();
    for (Entry<StepReward> r : log.rewards()) {
      rewardsByRollout.merge(r.value().getRolloutId(), 1, Integer::sum);
    }
    return rewardsByRollout;
  }

  /**
   * Rollout ids the scorer has committed past with neither a reward nor a dead letter are lost,
   * each id counted once.
   */
  private static Tally rollouts(
      Snapshot log,
      Map<String, Integer> rewardsByRollout,
      Set<String> deadLettered,
      Map<String, List<String>> examples) {
    long pending = 0;
    long lost = 0;
    Set<String> lostIds = new HashSet<>();
    for (Entry<RolloutStep> r : log.rollouts()) {
      if (!committedPast(log.scorerCommitted(), r)) {
        pending++;
        continue;
      }
      String id = r.value().getRolloutId();
      if (!rewardsByRollout.containsKey(id)
          && !deadLettered.contains(ROLLOUTS + "/" + id)
          && lostIds.add(id)) {
        lost++;
        example(examples, "rollouts lost", id);
      }
    }
    return new Tally(pending, lost);
  }

  /** Rollout ids with more than one reward. */
  private static long rewardedTwice(
      Map<String, Integer> rewardsByRollout, Map<String, List<String>> examples) {
    long twice = 0;
    for (Map.Entry<String, Integer> e : rewardsByRollout.entrySet()) {
      if (e.getValue() > 1) {
        twice++;
        example(examples, "rewarded twice", e.getKey() + " (" + e.getValue() + " rewards)");
      }
    }
    return twice;
  }

  /** The group ids of the training groups of each task, in log order. */
  private static Map<String, List<String>> groupsByTask(Snapshot log) {
    Map<String, List<String>> groupsByTask = new HashMap<>();
    for (Entry<TrainingGroup> g : log.groups()) {
      groupsByTask
          .computeIfAbsent(g.value().getTaskId(), k -> new ArrayList<>())
          .add(g.value().getGroupId());
    }
    return groupsByTask;
  }

  /** Tasks with more than one training group. */
  private static long groupedTwice(
      Map<String, List<String>> groupsByTask, Map<String, List<String>> examples) {
    long twice = 0;
    for (Map.Entry<String, List<String>> e : groupsByTask.entrySet()) {
      if (e.getValue().size() > 1) {
        twice++;
        example(examples, "tasks grouped twice", e.getKey() + " " + e.getValue());
      }
    }
    return twice;
  }

  private static VersionOrder versionOrder(Snapshot log, Map<String, List<String>> examples) {
    long previous = Long.MIN_VALUE;
    long outOfOrder = 0;
    PolicyVersion newest = null;
    for (Entry<PolicyVersion> v : log.versions()) {
      long number = v.value().getVersion();
      if (number <= previous) {
        outOfOrder++;
        example(examples, "versions out of order", previous + " then " + number);
      }
      previous = Math.max(previous, number);
      if (newest == null || number > newest.getVersion()) {
        newest = v.value();
      }
    }
    return new VersionOrder(outOfOrder, newest);
  }

  /**
   * Groups (by group id) whose rollouts the scorer has all committed past and rewarded, whose
   * rewards differ by more than epsilon, and whose task has no training group.
   */
  private static long lostGroups(
      Snapshot log, Set<String> groupedTasks, double epsilon, Map<String, List<String>> examples) {
    Map<String, RolloutStep> rolloutOf = new HashMap<>();
    Set<String> pendingGroups = new HashSet<>();
    for (Entry<RolloutStep> r : log.rollouts()) {
      rolloutOf.putIfAbsent(r.value().getGroupId(), r.value());
      if (!committedPast(log.scorerCommitted(), r)) {
        pendingGroups.add(r.value().getGroupId());
      }
    }
    Map<String, Map<String, Double>> rewardsOf = new HashMap<>();
    for (Entry<StepReward> r : log.rewards()) {
      rewardsOf
          .computeIfAbsent(r.value().getGroupId(), k -> new HashMap<>())
          .put(r.value().getRolloutId(), r.value().getReward());
    }
    long lost = 0;
    for (Map.Entry<String, Map<String, Double>> e : rewardsOf.entrySet()) {
      RolloutStep rollout = rolloutOf.get(e.getKey());
      if (rollout == null
          || pendingGroups.contains(e.getKey())
          || e.getValue().size() < rollout.getGroupSize()
          || groupedTasks.contains(rollout.getTaskId())
          || populationStd(e.getValue().values()) <= epsilon) {
        continue;
      }
      lost++;
      example(examples, "groups lost", e.getKey());
    }
    return lost;
  }

  private static double populationStd(java.util.Collection<Double> values) {
    double mean = values.stream().mapToDouble(Double::doubleValue).average().orElse(0);
    double squares = values.stream().mapToDouble(v -> (v - mean) * (v - mean)).sum();
    return Math.sqrt(squares / values.size());
  }

  private static boolean committedPast(Map<Integer, Long> committed, Entry<?> entry) {
    Long next = committed.get(entry.partition());
    return next != null && entry.offset() < next;
  }

  private static void example(Map<String, List<String>> examples, String kind, String id) {
    List<String> list = examples.computeIfAbsent(kind, k -> new ArrayList<>());
    if (list.size() < EXAMPLES) {
      list.add(id);
    }
  }
}
