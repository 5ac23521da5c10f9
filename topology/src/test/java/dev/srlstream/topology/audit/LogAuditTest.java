package dev.srlstream.topology.audit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.srlstream.schemas.SampleRecords;
import dev.srlstream.schemas.Topics;
import dev.srlstream.schemas.avro.DeadLetter;
import dev.srlstream.schemas.avro.PolicyVersion;
import dev.srlstream.schemas.avro.RolloutStep;
import dev.srlstream.schemas.avro.StepReward;
import dev.srlstream.schemas.avro.StepTask;
import dev.srlstream.schemas.avro.TrainingGroup;
import dev.srlstream.topology.audit.LogAudit.Entry;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class LogAuditTest {

  /** A clean log: 3 tasks of 2 rollouts each, every rollout rewarded, 3 groups, 2 versions. */
  private final List<Entry<StepTask>> tasks = new ArrayList<>();

  private final List<Entry<RolloutStep>> rollouts = new ArrayList<>();
  private final List<Entry<StepReward>> rewards = new ArrayList<>();
  private final List<Entry<TrainingGroup>> groups = new ArrayList<>();
  private final List<Entry<PolicyVersion>> versions = new ArrayList<>();
  private final List<DeadLetter> deadLetters = new ArrayList<>();
  private Map<Integer, Long> actors = Map.of(0, 3L);
  private Map<Integer, Long> scorer = Map.of(0, 6L);
  private Map<Integer, Long> learner = Map.of(0, 3L);

  LogAuditTest() {
    for (int t = 0; t < 3; t++) {
      tasks.add(new Entry<>(0, t, task("t" + t)));
      for (int i = 0; i < 2; i++) {
        String id = "t" + t + "/v0/" + i;
        rollouts.add(new Entry<>(0, rollouts.size(), rollout("t" + t, id)));
        rewards.add(new Entry<>(0, rewards.size(), reward(id, 0.5 + 0.25 * i)));
      }
      groups.add(new Entry<>(0, t, group("t" + t, "t" + t + "/v0")));
    }
    versions.add(new Entry<>(0, 0, version(0, 0)));
    versions.add(new Entry<>(0, 1, version(1, 3)));
  }

  private LogAudit.Report check() {
    return check(null);
  }

  private LogAudit.Report check(Instant from) {
    return LogAudit.check(
        new LogAudit.Snapshot(
            "srl",
            tasks,
            rollouts,
            rewards,
            groups,
            versions,
            deadLetters,
            actors,
            scorer,
            learner,
            from));
  }

  @Test
  void aCleanLogPassesWithItsCounts() {
    LogAudit.Report report = check();

    assertThat(report.clean()).isTrue();
    assertThat(report.verdict()).isEqualTo("0 lost, 0 duplicated, 2 versions monotonic");
    assertThat(report.tasks()).isEqualTo(3);
    assertThat(report.rollouts()).isEqualTo(6);
    assertThat(report.groupsConsumed()).isEqualTo(3);
    assertThat(report.newestVersion()).isEqualTo(1);
    assertThat(report.examples()).isEmpty();
  }

  @Test
  void aTaskCommittedPastWithoutRolloutsIsLostUnlessDeadLettered() {
    tasks.add(new Entry<>(0, 3, task("t3")));
    tasks.add(new Entry<>(0, 4, task("t4")));
    actors = Map.of(0, 5L);
    deadLetters.add(letter(Topics.TASKS.name(), "t4"));

    LogAudit.Report report = check();

    assertThat(report.tasksLost()).isEqualTo(1);
    assertThat(report.examples()).containsEntry("tasks lost", List.of("t3"));
    assertThat(report.clean()).isFalse();
    assertThat(report.verdict()).startsWith("1 lost, 0 duplicated");
  }

  @Test
  void workNotCommittedPastIsPendingNotLost() {
    tasks.add(new Entry<>(0, 3, task("t3"))); // the actors' committed offset is 3
    rollouts.add(new Entry<>(0, 6, rollout("t9", "t9/v0/0"))); // the scorer's is 6

    LogAudit.Report report = check();

    assertThat(report.clean()).isTrue();
    assertThat(report.tasksPending()).isEqualTo(1);
    assertThat(report.rolloutsPending()).isEqualTo(1);
  }

  @Test
  void aRolloutWithoutRewardIsLostUnlessDeadLettered() {
    rewards.remove(0); // t0/v0/0
    rewards.remove(0); // t0/v0/1
    deadLetters.add(letter(Topics.ROLLOUT_STEPS.name(), "t0/v0/1"));

    LogAudit.Report report = check();

    assertThat(report.rolloutsLost()).isEqualTo(1);
    assertThat(report.examples()).containsEntry("rollouts lost", List.of("t0/v0/0"));
  }

  @Test
  void aGroupWithEveryRewardInIsLostWithoutATrainingGroupUnlessItsRewardsWereAllAlike() {
    groups.remove(2); // t2/v0: rewards 0.5 and 0.75, so dynamic sampling would have kept it
    LogAudit.Report lost = check();
    assertThat(lost.groupsLost()).isEqualTo(1);
    assertThat(lost.examples()).containsEntry("groups lost", List.of("t2/v0"));
    assertThat(lost.verdict()).startsWith("1 lost");

    rewards.set(5, new Entry<>(0, 5, reward("t2/v0/1", 0.5))); // now both 0.5: filtered
    assertThat(check().groupsLost()).isZero();
    assertThat(check().verdict()).startsWith("0 lost, 0 duplicated");
  }

  @Test
  void aRolloutRewardedTwiceAndATaskInTwoGroupsAreDuplicates() {
    rewards.add(new Entry<>(0, 6, reward("t1/v0/0")));
    groups.add(new Entry<>(0, 3, group("t2", "t2/v5")));

    LogAudit.Report report = check();

    assertThat(report.rewardedTwice()).isEqualTo(1);
    assertThat(report.groupedTwice()).isEqualTo(1);
    assertThat(report.examples())
        .containsEntry("rewarded twice", List.of("t1/v0/0 (2 rewards)"))
        .containsEntry("tasks grouped twice", List.of("t2 [t2/v0, t2/v5]"));
    assertThat(report.verdict()).startsWith("0 lost, 2 duplicated");
  }

  @Test
  void versionsMustOnlyIncreaseAndTrainNoMoreThanConsumed() {
    versions.add(new Entry<>(0, 2, version(1, 3)));
    LogAudit.Report repeated = check();
    assertThat(repeated.versionsOutOfOrder()).isEqualTo(1);
    assertThat(repeated.verdict()).contains("1 of 3 versions out of order");

    versions.remove(2);
    versions.add(new Entry<>(0, 2, version(2, 7)));
    LogAudit.Report overTrained = check();
    assertThat(overTrained.clean()).isFalse();
    assertThat(overTrained.verdict()).endsWith("7 groups trained but only 3 consumed");
  }

  private static StepTask task(String id) {
    StepTask t = SampleRecords.stepTask();
    t.setTaskId(id);
    return t;
  }

  /** A rollout of a group of 2: its id is {@code <task>/v0/<i>}, its group's {@code <task>/v0}. */
  private static RolloutStep rollout(String task, String id) {
    RolloutStep r = SampleRecords.rolloutStep();
    r.setTaskId(task);
    r.setRolloutId(id);
    r.setGroupId(groupOf(id));
    r.setGroupSize(2);
    return r;
  }

  private static StepReward reward(String rollout) {
    return reward(rollout, 0.5);
  }

  private static StepReward reward(String rollout, double value) {
    StepReward r = SampleRecords.stepReward();
    r.setRolloutId(rollout);
    r.setGroupId(groupOf(rollout));
    r.setReward(value);
    return r;
  }

  private static String groupOf(String rolloutId) {
    return rolloutId.substring(0, rolloutId.lastIndexOf('/'));
  }

  private static TrainingGroup group(String task, String id) {
    TrainingGroup g = SampleRecords.trainingGroup();
    g.setTaskId(task);
    g.setGroupId(id);
    return g;
  }

  private static PolicyVersion version(long number, long trained) {
    PolicyVersion v = SampleRecords.policyVersion();
    v.setVersion(number);
    v.setGroupsTrained(trained);
    return v;
  }

  private static DeadLetter letter(String topic, String id) {
    DeadLetter d = SampleRecords.deadLetter();
    d.setSourceTopic(topic);
    d.setRecordId(id);
    return d;
  }

  @Test
  void fromATimeOnTheTrainedCountIsNotCheckedAndTheVerdictSaysWhence() {
    // The newest version counts every group trained since the run began, most before the cut.
    versions.add(new Entry<>(0, 2, version(2, 500)));
    assertThat(check().clean()).isFalse();
    assertThat(check().verdict()).contains("500 groups trained but only");

    Instant from = Instant.parse("2026-12-04T10:00:00Z");
    LogAudit.Report cut = check(from);
    assertThat(cut.clean()).isTrue();
    assertThat(cut.verdict())
        .startsWith("0 lost, 0 duplicated, 3 versions monotonic")
        .endsWith("(records from 2026-12-04T10:00:00Z on)");
  }
}
