package dev.srlstream.method.format;

import java.util.List;

/**
 * The text a policy is asked a step with, the same for SRL tasks, SFT examples, whole-solution
 * rollouts and evaluation, so all of them see one format:
 *
 * <pre>
 * Problem: (3 + 4) × 5 − 6 ÷ 2
 * Step 1: 3 + 4 = 7
 * Step 2: 7 × 5 = 35
 * Hint: divide                       (only with a title hint)
 * Step 3:
 * </pre>
 *
 * The policy continues with a {@link ResponseFormat} response. A whole solution is asked for one
 * step at a time: its first step with no earlier steps ({@code "Problem: Q\nStep 1:"}), each later
 * one with the solver's own earlier actions as the steps.
 */
public final class StepPrompt {

  /**
   * The system message of a model with a chat template, the paper's math prompt in substance
   * (PAPER-NOTES): continue with only the next step, thinking first. Models without a chat template
   * (the bundled one) get the step text alone, as they were trained.
   */
  public static final String SYSTEM =
      "You solve a problem one step at a time. Given the problem and the steps so far, write only"
          + " the very next step: first think it over inside <think> </think>, as casually and as"
          + " long as you like, then give that single step. Do not solve the whole problem.";

  private StepPrompt() {}

  /** The prompt of the step after {@code earlierSteps}; {@code hint} may be null. */
  public static String text(String question, List<String> earlierSteps, String hint) {
    StringBuilder text = new StringBuilder("Problem: ").append(oneLine(question)).append('\n');
    for (int i = 0; i < earlierSteps.size(); i++) {
      text.append("Step ")
          .append(i + 1)
          .append(": ")
          .append(oneLine(earlierSteps.get(i)))
          .append('\n');
    }
    if (hint != null && !hint.isBlank()) {
      text.append("Hint: ").append(oneLine(hint)).append('\n');
    }
    return text.append("Step ").append(earlierSteps.size() + 1).append(':').toString();
  }

  /** Newlines inside a field would read as new lines of the format. */
  private static String oneLine(String text) {
    return text.replace("\r\n", " ").replace('\n', ' ').replace('\r', ' ').strip();
  }
}
