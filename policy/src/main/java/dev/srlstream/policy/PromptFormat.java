package dev.srlstream.policy;

import dev.srlstream.method.format.ResponseFormat;
import dev.srlstream.method.format.StepPrompt;
import java.util.Arrays;

/**
 * The step format ({@link StepPrompt}, {@link ResponseFormat}) in tokens: a prompt is BOS and its
 * text (or its tokenizer's own framing), a supervised target the response text and EOS, and a
 * sampled response's text is everything before its first EOS. The same for sampling (actors),
 * supervised training (SFT) and evaluation.
 */
public final class PromptFormat {
  private PromptFormat() {}

  /**
   * The prompt's tokens: BOS followed by the encoded text, or what a Hugging Face tokenizer's own
   * post-processor adds ({@link Tokenizer#encodePrompt}).
   */
  public static int[] promptTokens(Tokenizer tokenizer, String promptText) {
    return tokenizer.encodePrompt(promptText);
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
}
