package dev.srlstream.topology.train;

import java.time.Duration;
import java.util.List;

/**
 * When {@code srl-rlvr} switches from SRL to RLVR: at a share of the time budget, or when held-out
 * validation accuracy has plateaued, whichever comes first. In continuous training (no budget) only
 * the plateau applies.
 *
 * @param budgetFraction switch once this share of the budget has passed, in (0, 1]
 * @param plateauValidations switch when the best validation accuracy is older than this many
 *     validations (so the last {@code plateauValidations} did not beat it); at least 1
 */
public record SwitchCriterion(double budgetFraction, int plateauValidations) {

  /** Half the budget, or three validations without a new best. */
  public static final SwitchCriterion DEFAULT = new SwitchCriterion(0.5, 3);

  public SwitchCriterion {
    if (!(budgetFraction > 0 && budgetFraction <= 1)) {
      throw new IllegalArgumentException(
          "budgetFraction must be in (0, 1], but was " + budgetFraction);
    }
    if (plateauValidations < 1) {
      throw new IllegalArgumentException(
          "plateauValidations must be >= 1, but was " + plateauValidations);
    }
  }

  /**
   * The reason to switch now, or null to go on.
   *
   * @param elapsed training time so far
   * @param budget the time budget, or null for continuous training
   * @param validationAccuracies the validation accuracies so far, oldest first
   */
  public String reasonToSwitch(
      Duration elapsed, Duration budget, List<Double> validationAccuracies) {
    if (budget != null && elapsed.toMillis() >= budgetFraction * budget.toMillis()) {
      return String.format(
          java.util.Locale.ROOT, "%.0f%% of the budget has passed", 100 * budgetFraction);
    }
    int bestAt = -1;
    double best = Double.NEGATIVE_INFINITY;
    for (int i = 0; i < validationAccuracies.size(); i++) {
      if (validationAccuracies.get(i) > best) {
        best = validationAccuracies.get(i);
        bestAt = i;
      }
    }
    if (bestAt >= 0 && validationAccuracies.size() - 1 - bestAt >= plateauValidations) {
      return "validation accuracy has not improved for " + plateauValidations + " validations";
    }
    return null;
  }
}
