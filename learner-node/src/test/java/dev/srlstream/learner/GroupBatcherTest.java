package dev.srlstream.learner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.srlstream.schemas.SampleRecords;
import dev.srlstream.schemas.avro.TrainingGroup;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class GroupBatcherTest {
  private static final int B = 4;
  private static final int MAX_STALENESS = 2;

  private static GroupBatcher batcher(StalenessPolicy policy) {
    return new GroupBatcher(B, MAX_STALENESS, policy, 300, 1024);
  }

  private static TrainingGroup sampledAt(long version, String id) {
    TrainingGroup g = SampleRecords.trainingGroup();
    g.setGroupId(id);
    g.setPolicyVersion(version);
    return g;
  }

  /**
   * Offers the groups in order to a learner that publishes a version every B accepted groups, as
   * the service does, starting at {@code startVersion}; returns what became of each.
   */
  private static List<GroupBatcher.Outcome> train(
      GroupBatcher batcher, long startVersion, List<TrainingGroup> groups) {
    long version = startVersion;
    List<GroupBatcher.Outcome> outcomes = new ArrayList<>();
    for (TrainingGroup g : groups) {
      outcomes.add(batcher.offer(g, version));
      if (batcher.full()) {
        batcher.take();
        version++;
      }
    }
    return outcomes;
  }

  @Test
  void aBacklogSampledUnderOneVersionIsTrainedWhole() {
    // 40 groups sampled under version 7 while the learner was down: 10 updates' worth.
    List<TrainingGroup> backlog = new ArrayList<>();
    for (int i = 0; i < 40; i++) {
      backlog.add(sampledAt(7, "g" + i));
    }

    List<GroupBatcher.Outcome> outcomes = train(batcher(StalenessPolicy.DROP), 7, backlog);

    assertThat(outcomes).allMatch(o -> o instanceof GroupBatcher.Outcome.Added);
    // The last is trained 9 versions after it was sampled: the gap the ratio corrects, reported.
    GroupBatcher.Outcome.Added last = (GroupBatcher.Outcome.Added) outcomes.get(39);
    assertThat(last.group().staleness()).isEqualTo(9);
    assertThat(last.group().weight()).isEqualTo(1.0);
  }

  @Test
  void aBacklogIsTrainedOnlyUpToTheLargestOffPolicyGap() {
    List<TrainingGroup> backlog = new ArrayList<>();
    for (int i = 0; i < 300; i++) {
      backlog.add(sampledAt(0, "g" + i));
    }

    List<GroupBatcher.Outcome> outcomes = train(batcher(StalenessPolicy.DOWNWEIGHT), 0, backlog);

    // Versions 0..64 train B = 4 groups each: 260 groups; the 40 after them are too far behind.
    long trained = outcomes.stream().filter(o -> o instanceof GroupBatcher.Outcome.Added).count();
    assertThat(trained).isEqualTo(4 * (GroupBatcher.MAX_OFF_POLICY_VERSIONS + 1));
    assertThat(outcomes.get(299))
        .isEqualTo(new GroupBatcher.Outcome.DroppedStale(GroupBatcher.MAX_OFF_POLICY_VERSIONS + 1));
  }

  @Test
  void noStalenessLimitGoesBeyondTheLargestOffPolicyGap() {
    assertThatThrownBy(
            () ->
                LearnerConfig.defaults("p", java.nio.file.Path.of("c"))
                    .withStaleness(65, StalenessPolicy.DROP))
        .hasMessage(
            "maxStaleness must be in 0..64 (the largest off-policy gap trained at), but was 65");
  }

  @Test
  void aGroupBehindTheFreshestDataTrainedIsDroppedOrDownWeighted() {
    for (StalenessPolicy policy : StalenessPolicy.values()) {
      GroupBatcher batcher = batcher(policy);
      List<TrainingGroup> groups = new ArrayList<>();
      for (int i = 0; i < 4; i++) {
        groups.add(sampledAt(10, "fresh" + i)); // the fleet is on version 10
      }
      groups.add(sampledAt(8, "two behind"));
      groups.add(sampledAt(7, "three behind"));
      groups.add(sampledAt(5, "five behind"));

      List<GroupBatcher.Outcome> outcomes = train(batcher, 10, groups);

      assertThat(outcomes.get(4)).isInstanceOf(GroupBatcher.Outcome.Added.class);
      assertThat(((GroupBatcher.Outcome.Added) outcomes.get(4)).group().weight()).isEqualTo(1.0);
      if (policy == StalenessPolicy.DROP) {
        assertThat(outcomes.get(5)).isEqualTo(new GroupBatcher.Outcome.DroppedStale(3));
        assertThat(outcomes.get(6)).isEqualTo(new GroupBatcher.Outcome.DroppedStale(5));
      } else {
        assertThat(((GroupBatcher.Outcome.Added) outcomes.get(5)).group().weight()).isEqualTo(0.5);
        assertThat(((GroupBatcher.Outcome.Added) outcomes.get(6)).group().weight()).isEqualTo(0.25);
      }
    }
  }

  @Test
  void atTheStartTheLearnersVersionIsTheFreshest() {
    GroupBatcher batcher = batcher(StalenessPolicy.DROP);
    assertThat(batcher.offer(sampledAt(17, "old"), 20))
        .isEqualTo(new GroupBatcher.Outcome.DroppedStale(3));
    assertThat(batcher.offer(sampledAt(18, "ok"), 20))
        .isInstanceOf(GroupBatcher.Outcome.Added.class);
    assertThat(batcher.freshest()).isEqualTo(20);
  }

  @Test
  void aRestartOrRollbackMeasuresFromTheCommittedFreshestVersion() {
    GroupBatcher batcher = batcher(StalenessPolicy.DROP);
    batcher.offer(sampledAt(20, "fresh"), 20);
    // Restarted at version 40, halfway through a backlog sampled at 20 (the checkpoint says so).
    batcher.reset(20);
    assertThat(batcher.full()).isFalse();
    assertThat(batcher.offer(sampledAt(20, "rest of the backlog"), 40))
        .isInstanceOf(GroupBatcher.Outcome.Added.class);
    // A checkpoint that does not know (-1): measured from the learner's version, as at a start.
    batcher.reset(-1);
    assertThat(batcher.freshest()).isEqualTo(-1);
    assertThat(batcher.offer(sampledAt(20, "old"), 40))
        .isEqualTo(new GroupBatcher.Outcome.DroppedStale(20));
  }

  @Test
  void aGroupFromAVersionTheLearnerHasNotReachedIsInvalid() {
    assertThat(batcher(StalenessPolicy.DROP).offer(sampledAt(9, "future"), 8))
        .isInstanceOf(GroupBatcher.Outcome.Invalid.class);
  }
}
