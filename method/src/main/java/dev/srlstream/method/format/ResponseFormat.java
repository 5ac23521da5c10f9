package dev.srlstream.method.format;

import java.util.Optional;

/**
 * The policy's response to a step, as the paper writes it: an inner monologue in a think block,
 * then the action.
 *
 * <pre>{@code <think>MONOLOGUE</think>ACTION}</pre>
 *
 * One writer ({@link #write}, for SFT targets), one parser ({@link ResponseParser#parseStep}, for
 * the scorer's reward, the actors' whole solutions and the evaluation alike), and the tags every
 * reader and the tokenizer share. A final answer is written {@code \boxed{…}} ({@link #lastBoxed}).
 */
public final class ResponseFormat {
  public static final String THINK_OPEN = "<think>";
  public static final String THINK_CLOSE = "</think>";
  public static final String SOLUTION_OPEN = "<solution>";
  public static final String SOLUTION_CLOSE = "</solution>";

  /** How a final answer opens. */
  public static final String BOXED_OPEN = "\\boxed{";

  private ResponseFormat() {}

  /** A well-formed step response: the monologue in a think block, then the action. */
  public static String write(String monologue, String action) {
    return THINK_OPEN + monologue + THINK_CLOSE + action;
  }

  /** Whether an action gives a final answer: it writes {@code \boxed{…}}. */
  public static boolean givesFinalAnswer(String action) {
    return action.contains(BOXED_OPEN);
  }

  /**
   * The content of the last {@code \boxed{…}} whose braces balance ({@code \boxed{\frac{1}{2}}}
   * gives {@code \frac{1}{2}}), as written; empty when there is none.
   */
  public static Optional<String> lastBoxed(String text) {
    for (int start = text.lastIndexOf(BOXED_OPEN);
        start >= 0;
        start = text.lastIndexOf(BOXED_OPEN, start - 1)) {
      int depth = 1;
      int from = start + BOXED_OPEN.length();
      for (int i = from; i < text.length(); i++) {
        char c = text.charAt(i);
        if (c == '{') {
          depth++;
        } else if (c == '}' && --depth == 0) {
          return Optional.of(text.substring(from, i));
        }
      }
    }
    return Optional.empty();
  }
}
