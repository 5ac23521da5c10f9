package dev.srlstream.topology.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class SwitchCriterionTest {
  private static final Duration BUDGET = Duration.ofMinutes(10);

  @Test
  void switchesOnceTheBudgetFractionHasPassed() {
    SwitchCriterion criterion = new SwitchCriterion(0.5, 3);

    assertThat(criterion.reasonToSwitch(Duration.ofSeconds(299), BUDGET, List.of())).isNull();
    assertThat(criterion.reasonToSwitch(Duration.ofMinutes(5), BUDGET, List.of()))
        .isEqualTo("50% of the budget has passed");
    assertThat(criterion.reasonToSwitch(Duration.ofMinutes(9), BUDGET, List.of(0.1, 0.2)))
        .isEqualTo("50% of the budget has passed");
    assertThat(
            new SwitchCriterion(0.25, 3).reasonToSwitch(Duration.ofSeconds(150), BUDGET, List.of()))
        .isEqualTo("25% of the budget has passed");
    assertThat(
            new SwitchCriterion(1.0, 3).reasonToSwitch(Duration.ofSeconds(599), BUDGET, List.of()))
        .isNull();
  }

  @Test
  void switchesWhenTheBestValidationIsOlderThanThePlateau() {
    SwitchCriterion criterion = new SwitchCriterion(0.5, 3);
    Duration early = Duration.ofMinutes(1);

    // the best, 0.3, was 3 validations ago (an equal value is no new best)
    assertThat(criterion.reasonToSwitch(early, BUDGET, List.of(0.1, 0.3, 0.2, 0.25, 0.3)))
        .isEqualTo("validation accuracy has not improved for 3 validations");
    // only 2 validations since the best: go on
    assertThat(criterion.reasonToSwitch(early, BUDGET, List.of(0.1, 0.3, 0.2, 0.25))).isNull();
    // a new best resets the count
    assertThat(criterion.reasonToSwitch(early, BUDGET, List.of(0.3, 0.1, 0.2, 0.31, 0.3))).isNull();
    // rising, or no validation yet
    assertThat(criterion.reasonToSwitch(early, BUDGET, List.of(0.1, 0.2, 0.3, 0.4))).isNull();
    assertThat(criterion.reasonToSwitch(early, BUDGET, List.of())).isNull();
    // a plateau of 1: the last validation did not beat the one before
    assertThat(new SwitchCriterion(0.5, 1).reasonToSwitch(early, BUDGET, List.of(0.2, 0.2)))
        .isEqualTo("validation accuracy has not improved for 1 validations");
    // a flat zero curve from the start is a plateau too
    assertThat(criterion.reasonToSwitch(early, BUDGET, List.of(0.0, 0.0, 0.0, 0.0))).isNotNull();
  }

  @Test
  void continuousTrainingSwitchesOnlyOnAPlateau() {
    SwitchCriterion criterion = new SwitchCriterion(0.5, 2);
    Duration threeDays = Duration.ofDays(3);

    assertThat(criterion.reasonToSwitch(threeDays, null, List.of())).isNull();
    assertThat(criterion.reasonToSwitch(threeDays, null, List.of(0.1, 0.2, 0.3))).isNull();
    assertThat(criterion.reasonToSwitch(threeDays, null, List.of(0.3, 0.2, 0.1)))
        .isEqualTo("validation accuracy has not improved for 2 validations");
  }

  @Test
  void theDefaultIsHalfTheBudgetOrThreeValidations() {
    assertThat(SwitchCriterion.DEFAULT).isEqualTo(new SwitchCriterion(0.5, 3));
  }

  @Test
  void invalidArgumentsAreRejected() {
    for (double fraction : new double[] {0, -0.5, 1.01, Double.NaN}) {
      assertThatThrownBy(() -> new SwitchCriterion(fraction, 3))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageStartingWith("budgetFraction must be in (0, 1], but was");
    }
    assertThatThrownBy(() -> new SwitchCriterion(0.5, 0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("plateauValidations must be >= 1, but was 0");
  }
}
