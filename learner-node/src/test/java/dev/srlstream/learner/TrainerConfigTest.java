package dev.srlstream.learner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class TrainerConfigTest {

  @Test
  void defaultsFollowThePaperWhereItAppliesAtOurScale() {
    TrainerConfig c = TrainerConfig.defaults();
    assertThat(c.mode()).isEqualTo(TrainerConfig.Mode.GRPO);
    assertThat(c.learningRate()).isEqualTo(3e-4);
    assertThat(c.schedule()).isEqualTo(TrainerConfig.Schedule.CONSTANT);
    assertThat(c.epsLow()).isEqualTo(0.2);
    assertThat(c.epsHigh()).isEqualTo(0.2);
    assertThat(c.klCoef()).isZero();
    assertThat(c.maxGradNorm()).isEqualTo(1.0);
    assertThat(c.temperature()).isEqualTo(1.0);
    assertThat(c.learningRateAt(0)).isEqualTo(3e-4);
    assertThat(c.learningRateAt(1_000_000)).isEqualTo(3e-4);
  }

  @Test
  void warmupRisesLinearlyThenCosineDecaysToTheFloor() {
    TrainerConfig c =
        TrainerConfig.defaults().toBuilder().learningRate(1e-3).warmupCosine(10, 110, 0.1).build();
    assertThat(c.learningRateAt(0)).isCloseTo(1e-4, within(1e-15));
    assertThat(c.learningRateAt(4)).isCloseTo(5e-4, within(1e-15));
    assertThat(c.learningRateAt(9)).isCloseTo(1e-3, within(1e-15));
    assertThat(c.learningRateAt(10)).isCloseTo(1e-3, within(1e-15));
    // Half way through the decay: the mean of peak and floor.
    assertThat(c.learningRateAt(60)).isCloseTo(0.55e-3, within(1e-15));
    assertThat(c.learningRateAt(110)).isCloseTo(1e-4, within(1e-15));
    assertThat(c.learningRateAt(10_000)).isCloseTo(1e-4, within(1e-15));
  }

  @Test
  void aWarmupBeforeTheConstantRateRisesLinearlyThenStays() {
    TrainerConfig c =
        TrainerConfig.defaults().toBuilder().learningRate(1e-4).warmupConstant(4).build();
    assertThat(c.schedule()).isEqualTo(TrainerConfig.Schedule.CONSTANT);
    assertThat(c.learningRateAt(0)).isCloseTo(0.25e-4, within(1e-15));
    assertThat(c.learningRateAt(2)).isCloseTo(0.75e-4, within(1e-15));
    assertThat(c.learningRateAt(3)).isCloseTo(1e-4, within(1e-15));
    assertThat(c.learningRateAt(4)).isCloseTo(1e-4, within(1e-15));
    assertThat(c.learningRateAt(1_000_000)).isCloseTo(1e-4, within(1e-15));
    assertThatThrownBy(() -> TrainerConfig.defaults().toBuilder().warmupConstant(-1).build())
        .hasMessage("warmupSteps must be >= 0, but was -1");
  }

  @Test
  void badValuesAreRefusedWithTheirNameAndValue() {
    TrainerConfig.Builder b = TrainerConfig.defaults().toBuilder();
    assertThatThrownBy(() -> b.learningRate(0).build())
        .hasMessage("learningRate must be in (0.0, 1.0], but was 0.0");
    assertThatThrownBy(() -> TrainerConfig.defaults().toBuilder().clip(1.0, 0.2).build())
        .hasMessage("epsLow must be in [0.0, 1.0), but was 1.0");
    assertThatThrownBy(() -> TrainerConfig.defaults().toBuilder().klCoef(-0.1).build())
        .hasMessage("klCoef must be in [0.0, 100.0], but was -0.1");
    assertThatThrownBy(() -> TrainerConfig.defaults().toBuilder().maxGradNorm(Double.NaN).build())
        .hasMessage("maxGradNorm must be in (0.0, 1000000.0], but was NaN");
    assertThatThrownBy(() -> TrainerConfig.defaults().toBuilder().betas(0.9, 1.0).build())
        .hasMessage("beta2 must be in [0.0, 1.0), but was 1.0");
    assertThatThrownBy(() -> TrainerConfig.defaults().toBuilder().temperature(0).build())
        .hasMessage("temperature must be in (0.0, 100.0], but was 0.0");
    assertThatThrownBy(() -> TrainerConfig.defaults().toBuilder().warmupCosine(10, 10, 0).build())
        .hasMessage("totalSteps must be above warmupSteps (10) for WARMUP_COSINE, but was 10");
    assertThatThrownBy(() -> TrainerConfig.defaults().toBuilder().mode(null).build())
        .hasMessage("mode must be GRPO or SFT, but was null");
  }
}
