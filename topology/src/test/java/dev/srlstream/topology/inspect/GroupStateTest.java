package dev.srlstream.topology.inspect;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class GroupStateTest {

  @Test
  void aGroupOnTheTopicIsKeptOrKeptPartialAsRecorded() {
    GroupState kept = GroupState.of(4, List.of(0.1, 0.2, 0.3, 0.4), true, true, 1e-3);
    assertThat(kept.state()).isEqualTo("kept");
    assertThat(kept.recorded()).isTrue();
    GroupState partial = GroupState.of(4, List.of(0.1, 0.2), true, false, 1e-3);
    assertThat(partial.state()).isEqualTo("partial");
    assertThat(partial.text()).contains("complete=false");
  }

  @Test
  void aMissingGroupOfAlikeRewardsWasFilteredByDynamicSampling() {
    GroupState state = GroupState.of(3, List.of(0.5, 0.5, 0.5), false, true, 1e-3);

    assertThat(state.state()).isEqualTo("filtered");
    assertThat(state.recorded()).isFalse();
    assertThat(state.text())
        .isEqualTo(
            "filtered by dynamic sampling (inferred: the scorer counts filtered groups but records"
                + " none): its 3 rewards' std 0.000 is not above epsilon 0.001000");
  }

  @Test
  void aMissingGroupOfDifferingRewardsIsExplainedOtherwise() {
    GroupState state = GroupState.of(2, List.of(0.0, 1.0), false, true, 1e-3);

    assertThat(state.state()).isEqualTo("not emitted");
    assertThat(state.text()).contains("std 0.5000 > epsilon").contains("DUPLICATE_TASK");
    // The same rewards under a larger epsilon were filtered.
    assertThat(GroupState.of(2, List.of(0.0, 1.0), false, true, 0.5).state()).isEqualTo("filtered");
  }

  @Test
  void aGroupShortOfRewardsIsIncomplete() {
    GroupState state = GroupState.of(4, List.of(0.2, 0.9), false, true, 1e-3);

    assertThat(state.state()).isEqualTo("incomplete");
    assertThat(state.text()).startsWith("2 of 4 rollouts rewarded");
    // Every rollout dead-lettered, or a group whose size is unknown: nothing rewarded.
    assertThat(GroupState.of(0, List.of(), false, true, 1e-3).text())
        .startsWith("0 of 0 rollouts rewarded");
  }
}
