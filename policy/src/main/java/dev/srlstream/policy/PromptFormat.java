package dev.srlstream.policy;

import java.util.Arrays;
import java.util.List;

/**
 * How a step-wise instance is written for the policy, the same for sampling (actors), supervised
 * training (SFT) and evaluation, so all three see the same text:
 *
 * <pre>
 * Problem: (3 + 4) × 5 − 6 ÷ 2
 * Step 1: 3 + 4 = 7
 * Step 2: 7 × 5 = 35
 * Hint: divide                       (only with a title hint)
 * Step 3:
 * </pre>
 *
 * after a BOS token. The policy continues with {@code <think>…</think>} and the action, then EOS. A
 * whole solution (RLVR, HOLISTIC, evaluation) is written in the same format, one step at a time:
 * its first step is asked for with no earlier steps ({@code "Problem: Q\nStep 1:"}), each later one
 * with the solver's own earlier actions as the steps.
 */
public final class PromptFormat {
  private static final String THINK_OPEN = "<think>";
  private static final String THINK_CLOSE = "</think>";

  private PromptFormat() {}

  /** The prompt text of SRL step k (0-based) given the expert steps before it. */
  public static String stepPrompt(String question, List<String> contextSteps, String hint) {
    StringBuilder text = new StringBuilder("Problem: ").append(oneLine(question)).append('\n');
    for (int i = 0; i < contextSteps.size(); i++) {
      text.append("Step ")
          .append(i + 1)
          .append(": ")
          .append(oneLine(contextSteps.get(i)))
          .append('\n');
    }
    if (hint != null && !hint.isBlank()) {
      text.append("Hint: ").append(oneLine(hint)).append('\n');
    }
    return text.append("Step ").append(contextSteps.size() + 1).append(':').toString();
  }

  /** BOS followed by the encoded prompt text. */
  public static int[] promptTokens(Tokenizer tokenizer, String promptText) {
    int[] body = tokenizer.encode(promptText);
    int[] tokens = new int[body.length + 1];
    tokens[0] = tokenizer.bos();
    System.arraycopy(body, 0, tokens, 1, body.length);
    return tokens;
  }

  /**
   * The response text of sampled tokens: everything before the first EOS (the stop token is not
   * text), decoded.
   */
  public static String responseText(Tokenizer tokenizer, int[] responseTokens) {
    int end = 0;
    while (end < responseTokens.length && responseTokens[end] != tokenizer.eos()) {
      end++;
    }
    return tokenizer.decode(Arrays.copyOf(responseTokens, end));
  }

  /**
   * The target tokens of a supervised example: the response text (e.g. {@code " <think>…</think>7 ×
   * 5 = 35"}) followed by EOS.
   */
  public static int[] targetTokens(Tokenizer tokenizer, String responseText) {
    int[] body = tokenizer.encode(responseText);
    int[] tokens = Arrays.copyOf(body, body.length + 1);
    tokens[body.length] = tokenizer.eos();
    return tokens;
  }

  /**
   * The action of a response text, on one line: the text a later step's prompt shows for this step.
   * {@code <think>…</think>} blocks are removed (an unclosed {@code <think>} removes the rest),
   * {@code <solution>} tags dropped, whitespace runs collapsed to one space, stripped.
   */
  public static String action(String responseText) {
    StringBuilder out = new StringBuilder(responseText.length());
    int i = 0;
    while (i < responseText.length()) {
      int open = responseText.indexOf(THINK_OPEN, i);
      if (open < 0) {
        out.append(responseText, i, responseText.length());
        break;
      }
      out.append(responseText, i, open);
      int close = responseText.indexOf(THINK_CLOSE, open);
      if (close < 0) {
        break;
      }
      i = close + THINK_CLOSE.length();
    }
    return out.toString()
        .replace(THINK_CLOSE, " ")
        .replace("<solution>", " ")
        .replace("</solution>", " ")
        .replaceAll("\\s+", " ")
        .strip();
  }

  /** Newlines inside a field would read as new lines of the format. */
  private static String oneLine(String text) {
    return text.replace("\r\n", " ").replace('\n', ' ').replace('\r', ' ').strip();
  }
}
