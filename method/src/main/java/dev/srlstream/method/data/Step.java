package dev.srlstream.method.data;

/**
 * One step of an expert solution: one logical action (an algebraic manipulation, one tool call).
 *
 * @param title an optional short description of the step (the paper's {@code **Title**}); it is
 *     never part of the action and is only ever shown to the policy as a hint
 * @param action the action the policy must reproduce, never blank
 * @param observation what the environment answered to the action (a tool's output), or null when
 *     the step has no environment (math); shown in the context of later steps, never a target
 */
public record Step(String title, String action, String observation) {

  public Step {
    if (title != null && title.isBlank()) {
      // A blank title is no hint at all; one representation for "no title" keeps equality simple.
      title = null;
    }
    if (action == null || action.isBlank()) {
      throw new IllegalArgumentException(
          "step action must be a non-blank string, but was " + Texts.quote(action));
    }
  }

  /** A step without an environment observation. */
  public Step(String title, String action) {
    this(title, action, null);
  }

  /** A step with neither title nor observation. */
  public static Step of(String action) {
    return new Step(null, action, null);
  }

  /**
   * The text of this step when it appears in the context of a later step: the action, followed by
   * the observation (if any) between {@code <observation>} tags.
   */
  public String contextText() {
    return observation == null
        ? action
        : action + "\n<observation>\n" + observation + "\n</observation>";
  }
}
