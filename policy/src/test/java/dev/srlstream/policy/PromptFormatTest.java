package dev.srlstream.policy;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class PromptFormatTest {
  private final Tokenizer tokenizer = ByteTokenizer.INSTANCE;

  @Test
  void promptsStartWithBosAndResponsesStopAtEos() {
    int[] prompt = PromptFormat.promptTokens(tokenizer, "Problem: 1 + 1");
    assertThat(prompt[0]).isEqualTo(tokenizer.bos());
    assertThat(tokenizer.decode(prompt)).isEqualTo("Problem: 1 + 1");

    int[] target = PromptFormat.targetTokens(tokenizer, "<think>add</think>1 + 1 = 2");
    assertThat(target[target.length - 1]).isEqualTo(tokenizer.eos());
    assertThat(target[0]).isEqualTo(ByteTokenizer.THINK_OPEN);
    int[] sampled = new int[target.length + 3];
    System.arraycopy(target, 0, sampled, 0, target.length);
    sampled[target.length] = tokenizer.encode("x")[0];
    assertThat(PromptFormat.responseText(tokenizer, sampled))
        .isEqualTo("<think>add</think>1 + 1 = 2");
  }
}
