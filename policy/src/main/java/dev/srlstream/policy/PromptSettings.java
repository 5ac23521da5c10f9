package dev.srlstream.policy;

/**
 * The prompt format a policy was trained with, carried in its weights so that whoever samples from
 * it later (actors, evaluation, a further run) asks what training taught: how many of the earlier
 * steps a step prompt shows, and whether it shows the title of the next step as a hint.
 *
 * @param contextWindow earlier steps shown, newest kept, at least 1; {@link #ALL_STEPS} for all
 * @param titleHint whether a step prompt carries the next step's title ({@code Hint: …})
 */
public record PromptSettings(int contextWindow, boolean titleHint) {

  /** A context window that keeps every earlier step. */
  public static final int ALL_STEPS = Integer.MAX_VALUE;

  /** Every earlier step, no hint: the format of the paper's math prompts. */
  public static final PromptSettings DEFAULT = new PromptSettings(ALL_STEPS, false);

  public PromptSettings {
    if (contextWindow < 1) {
      throw new IllegalArgumentException(
          "context window must be >= 1 (or all), but was " + contextWindow);
    }
  }

  /** The window as users write it: a number, or {@code all}. */
  public String windowText() {
    return contextWindow == ALL_STEPS ? "all" : Integer.toString(contextWindow);
  }

  /** Reads {@link #windowText()}'s form. */
  public static int parseWindow(String text) {
    if ("all".equals(text)) {
      return ALL_STEPS;
    }
    try {
      int window = Integer.parseInt(text);
      if (window >= 1) {
        return window;
      }
    } catch (NumberFormatException e) {
      // fall through to the message below
    }
    throw new IllegalArgumentException(
        "context window must be a number >= 1 or 'all', but was '" + text + "'");
  }

  /** "context window 1, no hint": how commands say which format they use. */
  public String describe() {
    return "context window " + windowText() + (titleHint ? ", title hints" : ", no hint");
  }
}
