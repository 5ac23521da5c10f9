package dev.srlstream.topology.replay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class RewardHistogramTest {

  @Test
  void rewardsFallInTenBinsWithOneInTheLastAndMalformedApart() {
    RewardHistogram h =
        RewardHistogram.of(new double[] {0.0, 0.05, 0.1, 0.0999, 0.5, 0.95, 1.0, -1.0, -1.0, 1.5});

    assertThat(h.bins()).containsExactly(3, 1, 0, 0, 0, 1, 0, 0, 0, 2);
    assertThat(h.belowZero()).isEqualTo(2);
    assertThat(h.outOfRange()).isEqualTo(1);
    assertThat(h.total()).isEqualTo(10);
  }

  @Test
  void binEdgesBelongToTheUpperBinExceptOne() {
    for (int i = 0; i < 10; i++) {
      assertThat(RewardHistogram.bin(i / 10.0)).as("%d/10", i).isEqualTo(i);
    }
    assertThat(RewardHistogram.bin(1.0)).isEqualTo(9);
    assertThat(RewardHistogram.bin(Math.nextDown(0.5))).isEqualTo(4);
  }

  @Test
  void labelsNameTheBins() {
    assertThat(RewardHistogram.label(0)).isEqualTo("[0.0,0.1)");
    assertThat(RewardHistogram.label(9)).isEqualTo("[0.9,1.0]");
  }

  @Test
  void aHistogramHasTenBins() {
    assertThatThrownBy(() -> new RewardHistogram(new long[3], 0, 0))
        .hasMessage("bins must have 10 counts, but had 3");
    assertThat(RewardHistogram.of(new double[0]).total()).isZero();
  }
}
