package dev.srlstream.topology.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Known values checked with scipy.stats.t.ppf(0.975, df) and Python's statistics module. */
class SeedStatsTest {

  @Test
  void threeValuesGiveTheMeanAndTheStudentTInterval() {
    SeedStats.Interval interval = SeedStats.of(List.of(0.1, 0.2, 0.3));

    assertThat(interval.n()).isEqualTo(3);
    assertThat(interval.mean()).isCloseTo(0.2, within(1e-12));
    assertThat(interval.sd()).isCloseTo(0.1, within(1e-12));
    assertThat(interval.halfWidth()).isCloseTo(0.248414, within(1e-6));
    assertThat(interval.low()).isCloseTo(-0.048414, within(1e-6));
    assertThat(interval.high()).isCloseTo(0.448414, within(1e-6));
    assertThat(interval.hasInterval()).isTrue();
  }

  @Test
  void twoValuesUseTwelvePointSeven() {
    SeedStats.Interval interval = SeedStats.of(List.of(0.5, 0.7));
    assertThat(interval.mean()).isCloseTo(0.6, within(1e-12));
    assertThat(interval.sd()).isCloseTo(0.141421356, within(1e-9));
    assertThat(interval.halfWidth()).isCloseTo(1.270620, within(1e-6));
  }

  @Test
  void equalValuesGiveAZeroWideInterval() {
    SeedStats.Interval interval = SeedStats.of(List.of(0.025, 0.025, 0.025));
    assertThat(interval.mean()).isEqualTo(0.025);
    assertThat(interval.halfWidth()).isZero();
    assertThat(interval.low()).isEqualTo(0.025);
    assertThat(interval.high()).isEqualTo(0.025);
  }

  @Test
  void oneValueGivesAMeanButNoInterval() {
    SeedStats.Interval interval = SeedStats.of(List.of(0.4));
    assertThat(interval.n()).isEqualTo(1);
    assertThat(interval.mean()).isEqualTo(0.4);
    assertThat(interval.hasInterval()).isFalse();
    assertThat(interval.sd()).isNaN();
    assertThat(interval.low()).isNaN();
    assertThat(interval.high()).isNaN();
  }

  @Test
  void missingValuesAreLeftOut() {
    SeedStats.Interval interval = SeedStats.of(Arrays.asList(0.1, null, Double.NaN, 0.2, 0.3));
    assertThat(interval.n()).isEqualTo(3);
    assertThat(interval.halfWidth()).isCloseTo(0.248414, within(1e-6));

    SeedStats.Interval none = SeedStats.of(Arrays.asList(null, Double.NaN));
    assertThat(none.n()).isZero();
    assertThat(none.mean()).isNaN();
    assertThat(none.hasInterval()).isFalse();
  }

  @Test
  void tQuantilesMatchTheTableAndBeyond() {
    assertThat(SeedStats.t975(1)).isCloseTo(12.706205, within(1e-6));
    assertThat(SeedStats.t975(2)).isCloseTo(4.302653, within(1e-6));
    assertThat(SeedStats.t975(4)).isCloseTo(2.776445, within(1e-6));
    assertThat(SeedStats.t975(9)).isCloseTo(2.262157, within(1e-6));
    assertThat(SeedStats.t975(30)).isCloseTo(2.042272, within(1e-6));
    // beyond the table: the Cornish-Fisher expansion
    assertThat(SeedStats.t975(31)).isCloseTo(2.039513, within(1e-6));
    assertThat(SeedStats.t975(40)).isCloseTo(2.021075, within(1e-6));
    assertThat(SeedStats.t975(60)).isCloseTo(2.000298, within(1e-6));
    assertThat(SeedStats.t975(120)).isCloseTo(1.979930, within(1e-6));
    assertThat(SeedStats.t975(1000)).isCloseTo(1.962339, within(1e-6));
    for (int df = 1; df < 200; df++) {
      assertThat(SeedStats.t975(df + 1)).as("df %d", df).isLessThan(SeedStats.t975(df));
    }
    assertThatThrownBy(() -> SeedStats.t975(0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("degrees of freedom must be >= 1, but was 0");
  }

  @Test
  void overlapIsSharingAPointAndUnknownWithoutAnInterval() {
    SeedStats.Interval a = new SeedStats.Interval(3, 0.5, 0.1, 0.1); // [0.4, 0.6]
    SeedStats.Interval touching = new SeedStats.Interval(3, 0.7, 0.1, 0.1); // [0.6, 0.8]
    SeedStats.Interval apart = new SeedStats.Interval(3, 0.75, 0.1, 0.1); // [0.65, 0.85]
    SeedStats.Interval inside = new SeedStats.Interval(3, 0.5, 0.01, 0.01);
    SeedStats.Interval single = SeedStats.of(List.of(0.5));

    assertThat(a.overlaps(touching)).isTrue();
    assertThat(a.overlaps(apart)).isFalse();
    assertThat(apart.overlaps(a)).isFalse();
    assertThat(a.overlaps(inside)).isTrue();
    assertThat(a.overlaps(single)).isNull();
    assertThat(single.overlaps(a)).isNull();
  }
}
