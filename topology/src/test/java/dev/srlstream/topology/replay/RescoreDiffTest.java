package dev.srlstream.topology.replay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.srlstream.schemas.SampleRecords;
import dev.srlstream.schemas.avro.GroupRollout;
import dev.srlstream.schemas.avro.StepReward;
import dev.srlstream.schemas.avro.TrainingGroup;
import dev.srlstream.topology.replay.RescoreDiff.Decision;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class RescoreDiffTest {
  private final Map<String, StepReward> recorded = new HashMap<>();
  private final Map<String, StepReward> replayed = new HashMap<>();
  private final Map<String, TrainingGroup> recordedGroups = new HashMap<>();
  private final Map<String, TrainingGroup> replayedGroups = new HashMap<>();

  private static StepReward reward(String rolloutId, double value) {
    StepReward r = SampleRecords.stepReward();
    r.setRolloutId(rolloutId);
    r.setGroupId(rolloutId.substring(0, 1));
    r.setReward(value);
    return r;
  }

  /** A kept group of rollouts "<group><i>" with rewards and advantages as pairs. */
  private static TrainingGroup group(String groupId, double... rewardsAndAdvantages) {
    TrainingGroup g = SampleRecords.trainingGroup();
    g.setGroupId(groupId);
    GroupRollout template = g.getRollouts().get(0);
    List<GroupRollout> rollouts = new ArrayList<>();
    double sum = 0;
    for (int i = 0; i < rewardsAndAdvantages.length; i += 2) {
      GroupRollout r = GroupRollout.newBuilder(template).build();
      r.setRolloutId(groupId + (i / 2));
      r.setRolloutIndex(i / 2);
      r.setReward(rewardsAndAdvantages[i]);
      r.setAdvantage(rewardsAndAdvantages[i + 1]);
      sum += rewardsAndAdvantages[i];
      rollouts.add(r);
    }
    g.setRollouts(rollouts);
    g.setRewardMean(sum / rollouts.size());
    return g;
  }

  private void both(String id, double before, double after) {
    recorded.put(id, reward(id, before));
    replayed.put(id, reward(id, after));
  }

  private RescoreDiff diff(Set<String> fed, Map<String, Integer> sizes, int maxListed) {
    return RescoreDiff.of(
        fed, sizes, recorded, replayed, recordedGroups, replayedGroups, maxListed);
  }

  @Test
  void countsChangesFlipsAndDecisions() {
    both("A0", 0.5, 0.5);
    both("A1", 0.7, 0.9); // changed, signs kept
    recordedGroups.put("A", group("A", 0.5, -1, 0.7, 1));
    replayedGroups.put("A", group("A", 0.5, -1, 0.9, 1));
    both("B0", 0.2, 0.8); // the advantages swap signs
    both("B1", 0.8, 0.2);
    recordedGroups.put("B", group("B", 0.2, -1, 0.8, 1));
    replayedGroups.put("B", group("B", 0.8, 1, 0.2, -1));
    both("C0", 0.6, 0.6); // filtered as recorded (all alike), kept when replayed
    both("C1", 0.6, 0.1);
    replayedGroups.put("C", group("C", 0.6, 1, 0.1, -1));
    both("D0", 0.3, 0.3); // D1 is not replayed: D is incomplete in the replay, not a flip
    recordedGroups.put("D", group("D", 0.3, 1, 0.1, -1));
    recorded.put("E0", reward("E0", 0.4)); // the replay did not reward E0
    replayed.put("F0", reward("F0", 0.4)); // the recording did not reward F0
    recorded.put("X0", reward("X0", 0.4)); // not replayed at all: ignored
    Set<String> fed = Set.of("A0", "A1", "B0", "B1", "C0", "C1", "D0", "E0", "F0");
    Map<String, Integer> sizes = Map.of("A", 2, "B", 2, "C", 2, "D", 2, "E", 1, "F", 1);

    RescoreDiff d = diff(fed, sizes, 1);

    assertThat(d.compared()).isEqualTo(7);
    assertThat(d.changed()).isEqualTo(4);
    assertThat(d.recordedOnly()).isEqualTo(1);
    assertThat(d.replayOnly()).isEqualTo(1);
    assertThat(d.maxAbsChange()).isCloseTo(0.6, within(1e-12));
    assertThat(d.meanAbsChange()).isCloseTo((0.2 + 0.6 + 0.6 + 0.5) / 7, within(1e-12));
    assertThat(d.meanAbsChangeOfChanged()).isCloseTo((0.2 + 0.6 + 0.6 + 0.5) / 4, within(1e-12));
    assertThat(d.before().bins()).containsExactly(0, 0, 1, 1, 0, 1, 2, 1, 1, 0);
    assertThat(d.after().bins()).containsExactly(0, 1, 1, 1, 0, 1, 1, 0, 1, 1);
    assertThat(d.groups()).isEqualTo(6);
    assertThat(d.decisionsBefore())
        .containsEntry(Decision.KEPT, 3L) // A, B, D
        .containsEntry(Decision.FILTERED, 2L) // C, E
        .containsEntry(Decision.INCOMPLETE, 1L); // F
    assertThat(d.decisionsAfter())
        .containsEntry(Decision.KEPT, 3L) // A, B, C
        .containsEntry(Decision.FILTERED, 1L) // F
        .containsEntry(Decision.INCOMPLETE, 2L); // D, E
    assertThat(d.groupsChanged()).isEqualTo(2); // A and B
    assertThat(d.flips()).isEqualTo(2); // B's signs, C's decision
    assertThat(d.listedFlips())
        .containsExactly(new RescoreDiff.GroupFlip("B", Decision.KEPT, Decision.KEPT, 2));
    assertThat(d.largestChanges())
        .extracting(RescoreDiff.RewardChange::rolloutId)
        .containsExactly("B0");
    assertThat(diff(fed, sizes, 10).listedFlips())
        .extracting(RescoreDiff.GroupFlip::groupId)
        .containsExactly("B", "C");
  }

  @Test
  void aChangeIsADifferentBitPattern() {
    both("A0", 0.0, -0.0); // equal as doubles, different bits
    both("A1", 0.25, 0.25);

    RescoreDiff d = diff(Set.of("A0", "A1"), Map.of("A", 2), 5);

    assertThat(d.changed()).isEqualTo(1);
    assertThat(d.maxAbsChange()).isZero();
    assertThat(d.largestChanges())
        .extracting(RescoreDiff.RewardChange::rolloutId)
        .containsExactly("A0");
  }

  @Test
  void anIdenticalReplayChangesNothing() {
    both("A0", 0.5, 0.5);
    both("A1", -1.0, -1.0);
    recordedGroups.put("A", group("A", 0.5, 1, -1, -1));
    replayedGroups.put("A", group("A", 0.5, 1, -1, -1));

    RescoreDiff d = diff(Set.of("A0", "A1"), Map.of("A", 2), 5);

    assertThat(d.changed()).isZero();
    assertThat(d.meanAbsChange()).isZero();
    assertThat(d.flips()).isZero();
    assertThat(d.groupsChanged()).isZero();
    assertThat(d.before()).isEqualTo(d.after());
    assertThat(d.before().belowZero()).isEqualTo(1);
    String text = d.toText();
    assertThat(text)
        .contains("2 compared | 0 changed (0.0%)")
        .contains("[0.5,0.6)")
        .contains("flips      0 group(s)");
    ObjectNode json = d.toJson();
    assertThat(json.at("/rewards/changed").asLong()).isZero();
    assertThat(json.at("/histogram/before/below_zero").asLong()).isEqualTo(1);
    assertThat(json.at("/histogram/bins/9").asText()).isEqualTo("[0.9,1.0]");
    assertThat(json.at("/groups/before/kept").asLong()).isEqualTo(1);
  }
}
