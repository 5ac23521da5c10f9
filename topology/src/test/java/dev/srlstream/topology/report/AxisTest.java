package dev.srlstream.topology.report;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class AxisTest {

  @Test
  void ticksAreRoundAndLabelledWithTheDecimalsTheyNeed() {
    Axis unit = Axis.of(new Axis.Range(0, 1), true, 6);
    assertThat(unit.ticks()).hasSize(6);
    assertThat(unit.ticks().stream().map(unit::label))
        .containsExactly("0.0", "0.2", "0.4", "0.6", "0.8", "1.0");

    Axis fitted = Axis.of(new Axis.Range(3, 57), false, 8);
    assertThat(fitted.min()).isEqualTo(0);
    assertThat(fitted.max()).isEqualTo(60);
    assertThat(fitted.label(10)).isEqualTo("10");

    Axis tokens = Axis.of(new Axis.Range(3900, 41000), false, 6);
    assertThat(tokens.label(40000)).isEqualTo("40k");

    Axis flat = Axis.of(new Axis.Range(2, 2), false, 6);
    assertThat(flat.max()).isGreaterThan(flat.min());
    Axis zero = Axis.of(new Axis.Range(0, 0), false, 6);
    assertThat(zero.max()).isGreaterThan(zero.min());
  }
}
