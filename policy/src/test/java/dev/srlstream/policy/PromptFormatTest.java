package dev.srlstream.policy;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class PromptFormatTest {
  private final Tokenizer tokenizer = ByteTokenizer.INSTANCE;

  @Test
  void aStepPromptListsTheExpertStepsAndAsksForTheNext() {
    assertThat(PromptFormat.stepPrompt("(3 + 4) × 5", List.of("3 + 4 = 7"), null))
        .isEqualTo("Problem: (3 + 4) × 5\nStep 1: 3 + 4 = 7\nStep 2:");
    assertThat(PromptFormat.stepPrompt("q", List.of(), "multiply\nfirst"))
        .isEqualTo("Problem: q\nHint: multiply first\nStep 1:");
  }

  @Test
  void anActionIsTheResponseWithoutMonologueOrSolutionTagsOnOneLine() {
    assertThat(PromptFormat.action(" <think>a\nb</think> 3 + 4\n= 7 ")).isEqualTo("3 + 4 = 7");
    assertThat(PromptFormat.action("<think>x</think><solution>y</solution>")).isEqualTo("y");
    assertThat(PromptFormat.action("z <think>never closed")).isEqualTo("z");
    assertThat(PromptFormat.action("<think>only</think>")).isEmpty();
    assertThat(PromptFormat.action("a</think>b")).isEqualTo("a b");
  }

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
