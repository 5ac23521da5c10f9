package dev.srlstream.method.advantage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class GroupAdvantagesTest {

  @Test
  void advantagesAreRewardsStandardisedWithThePopulationStd() {
    // rewards 1, 0, 0.5, 0.5: mean 0.5, population std sqrt(0.125) = 0.35355...
    GroupAdvantages g = GroupAdvantages.of(new double[] {1, 0, 0.5, 0.5});
    double std = Math.sqrt(0.125);
    assertThat(g.mean()).isEqualTo(0.5);
    assertThat(g.std()).isCloseTo(std, within(1e-15));
    assertThat(g.advantages())
        .containsExactly(
            new double[] {0.5 / (std + 1e-6), -0.5 / (std + 1e-6), 0, 0}, within(1e-12));
    assertThat(g.keep(1e-3)).isTrue();
  }

  @Test
  void equalRewardsGiveZeroAdvantagesAndAreFiltered() {
    GroupAdvantages g = GroupAdvantages.of(new double[] {0.7, 0.7, 0.7});
    // A plain sum / n gives 0.7000000000000001 here and a std of 1e-16 that would pass epsilon 0.
    assertThat(g.mean()).isEqualTo(0.7);
    assertThat(g.std()).isZero();
    assertThat(g.advantages()).containsOnly(0.0);
    assertThat(g.keep(1e-3)).isFalse();
    assertThat(g.keep(0)).isFalse();
  }

  @Test
  void malformedResponsesPullTheirAdvantageDown() {
    GroupAdvantages g = GroupAdvantages.of(new double[] {-1, 0.9});
    assertThat(g.mean()).isCloseTo(-0.05, within(1e-15));
    assertThat(g.std()).isCloseTo(0.95, within(1e-15));
    assertThat(g.advantages()[0]).isCloseTo(-0.95 / (0.95 + 1e-6), within(1e-12));
    assertThat(g.advantages()[1]).isCloseTo(0.95 / (0.95 + 1e-6), within(1e-12));
  }

  @Test
  void theThresholdIsStrict() {
    GroupAdvantages g = GroupAdvantages.of(new double[] {0, 0.002}); // std 0.001
    assertThat(g.std()).isCloseTo(0.001, within(1e-15));
    assertThat(g.keep(0.0009)).isTrue();
    assertThat(g.keep(0.0011)).isFalse();
  }

  @Test
  void anEmptyGroupIsRefused() {
    assertThatThrownBy(() -> GroupAdvantages.of(new double[0]))
        .hasMessageContaining("at least one reward");
  }
}
