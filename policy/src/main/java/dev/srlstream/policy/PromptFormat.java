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
   * A step prompt's tokens. With a chat template (a Hugging Face instruct model), the system
   * message {@link StepPrompt#SYSTEM} and the prompt as the user's message, laid out by the
   * template with the assistant's turn opened and encoded as {@code apply_chat_template} does;
   * otherwise BOS and the prompt's text (or what the tokenizer's own post-processor adds, {@link
   * Tokenizer#encodePrompt}).
   */
  public static int[] promptTokens(Tokenizer tokenizer, String promptText) {
    return tokenizer
        .chatPrompt(StepPrompt.SYSTEM, promptText)
        .map(tokenizer::encode)
        .orElseGet(() -> tokenizer.encodePrompt(promptText));
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
