package dev.srlstream.topology.train;

import static org.assertj.core.api.Assertions.assertThat;

import dev.srlstream.learner.SftRunner;
import dev.srlstream.method.data.ExpertSolution;
import dev.srlstream.method.data.Step;
import dev.srlstream.method.format.StepPrompt;
import dev.srlstream.policy.ByteTokenizer;
import dev.srlstream.policy.ModelConfig;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class SftExamplesTest {
  private static final ModelConfig ROOMY =
      new ModelConfig(ByteTokenizer.VOCAB_SIZE, 16, 1, 2, 512, 32, true);

  private static final ExpertSolution ONE =
      new ExpertSolution(
          "one",
          "2 + 3",
          List.of(new Step("one operation left: add 2 and 3", "2 + 3 = 5")),
          "5",
          "test");
  private static final ExpertSolution TWO =
      new ExpertSolution(
          "two",
          "2 × 3 - 1",
          List.of(
              new Step("× and ÷ before + and -: multiply 2 by 3", "2 × 3 = 6 → 6 - 1"),
              Step.of("6 - 1 = 5")),
          "5",
          "test");
  private static final ExpertSolution THREE =
      new ExpertSolution(
          "three",
          "1 + 2 + 3 + 4",
          List.of(
              Step.of("1 + 2 = 3 → 3 + 3 + 4"),
              Step.of("3 + 3 = 6 → 6 + 4"),
              Step.of("6 + 4 = 10")),
          "10",
          "test");

  @Test
  void oneExamplePerStepWithTheStepPromptAndAThinkTarget() {
    SftExamples.Result result =
        SftExamples.of(List.of(ONE, TWO, THREE), ROOMY, ByteTokenizer.INSTANCE, null);

    assertThat(result.tooLong()).isZero();
    List<SftRunner.Example> examples = result.examples();
    assertThat(examples).hasSize(6);
    for (SftRunner.Example example : examples) {
      assertThat(example.prompt()[0]).isEqualTo(ByteTokenizer.BOS);
      assertThat(example.target()[0]).isEqualTo(ByteTokenizer.THINK_OPEN);
      assertThat(example.target()[example.target().length - 1]).isEqualTo(ByteTokenizer.EOS);
    }
    // the second step of TWO: the first expert step in the context, no title -> an empty think
    SftRunner.Example second = examples.get(2);
    assertThat(text(second.prompt()))
        .isEqualTo(StepPrompt.text("2 × 3 - 1", List.of("2 × 3 = 6 → 6 - 1"), null))
        .isEqualTo("Problem: 2 × 3 - 1\nStep 1: 2 × 3 = 6 → 6 - 1\nStep 2:");
    assertThat(text(second.target())).isEqualTo("<think></think>6 - 1 = 5");
    // the first step of TWO: its title is the monologue
    assertThat(text(examples.get(1).target()))
        .isEqualTo("<think>× and ÷ before + and -: multiply 2 by 3</think>2 × 3 = 6 → 6 - 1");
    assertThat(text(examples.get(0).prompt())).isEqualTo("Problem: 2 + 3\nStep 1:");
  }

  @Test
  void maxSolutionStepsLeavesLongerSolutionsOut() {
    List<ExpertSolution> all = List.of(THREE, ONE, TWO);

    assertThat(SftExamples.of(all, ROOMY, ByteTokenizer.INSTANCE, 2).examples()).hasSize(3);
    assertThat(SftExamples.of(all, ROOMY, ByteTokenizer.INSTANCE, 1).examples()).hasSize(1);
    assertThat(SftExamples.of(all, ROOMY, ByteTokenizer.INSTANCE, 3).examples()).hasSize(6);
    assertThat(SftExamples.of(all, ROOMY, ByteTokenizer.INSTANCE, 2).tooLong()).isZero();
  }

  @Test
  void stepsThatDoNotFitTheContextAreCounted() {
    // "Problem: 1 + 2 + 3 + 4\nStep 1:" is 31 tokens with BOS; each later prompt is longer
    int firstPrompt = 1 + "Problem: 1 + 2 + 3 + 4\nStep 1:".length();
    int firstTarget = 2 + 1 + "1 + 2 = 3 → 3 + 3 + 4".getBytes(StandardCharsets.UTF_8).length;
    ModelConfig tight =
        new ModelConfig(ByteTokenizer.VOCAB_SIZE, 16, 1, 2, firstPrompt + firstTarget, 32, true);

    SftExamples.Result result = SftExamples.of(List.of(THREE), tight, ByteTokenizer.INSTANCE, null);

    assertThat(result.examples()).hasSize(1);
    assertThat(result.tooLong()).isEqualTo(2);
    SftRunner.Example only = result.examples().get(0);
    assertThat(only.prompt().length + only.target().length).isEqualTo(tight.contextLength());
  }

  private static String text(int[] tokens) {
    // BOS and EOS have no text; the think tags decode as their text
    return ByteTokenizer.INSTANCE.decode(tokens);
  }
}
