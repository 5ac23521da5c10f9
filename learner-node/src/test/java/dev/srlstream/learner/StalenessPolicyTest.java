package dev.srlstream.learner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class StalenessPolicyTest {

  @Test
  void freshGroupsTrainAtFullWeight() {
    for (StalenessPolicy policy : StalenessPolicy.values()) {
      assertThat(policy.weight(0, 2)).isEqualTo(1.0);
      assertThat(policy.weight(2, 2)).isEqualTo(1.0);
    }
  }

  @Test
  void staleGroupsAreDroppedOrDownWeighted() {
    assertThat(StalenessPolicy.DROP.weight(3, 2)).isZero();
    assertThat(StalenessPolicy.DOWNWEIGHT.weight(3, 2)).isEqualTo(0.5);
    assertThat(StalenessPolicy.DOWNWEIGHT.weight(5, 2)).isEqualTo(0.25);
  }

  @Test
  void aGroupFromTheFutureIsABug() {
    assertThatThrownBy(() -> StalenessPolicy.DROP.weight(-1, 2))
        .hasMessageContaining("staleness must be >= 0");
  }
}
