package dev.srlstream.learner;

import static dev.srlstream.learner.TrainerFixtures.TINY;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.srlstream.policy.ByteTokenizer;
import dev.srlstream.policy.SessionThreads;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** SFT mode: cross-entropy on expert steps, same model and optimiser. */
class SftTrainingTest {

  /** Eight arithmetic instances: the prompt is the problem so far, the target the next step. */
  private static final String[][] STEPS = {
    {"12 + 7 = ", "19"},
    {"19 - 4 = ", "15"},
    {"3 x 6 = ", "18"},
    {"18 / 2 = ", "9"},
    {"9 + 23 = ", "32"},
    {"32 - 11 = ", "21"},
    {"21 / 3 = ", "7"},
    {"7 x 8 = ", "56"},
  };

  private static final int STEPS_TRAINED = 200;

  private static List<int[]> prompts() {
    List<int[]> prompts = new ArrayList<>();
    for (String[] step : STEPS) {
      prompts.add(TrainerFixtures.prompt(step[0]));
    }
    return prompts;
  }

  /** Each target is the step's bytes followed by EOS, as the policy must learn to stop. */
  private static List<int[]> targets() {
    List<int[]> targets = new ArrayList<>();
    for (String[] step : STEPS) {
      int[] bytes = ByteTokenizer.INSTANCE.encode(step[1]);
      int[] target = java.util.Arrays.copyOf(bytes, bytes.length + 1);
      target[bytes.length] = ByteTokenizer.EOS;
      targets.add(target);
    }
    return targets;
  }

  @Test
  void theLossFallsWellBelowItsStartOnATinySet() {
    // A higher rate than the GRPO default, with warm-up and cosine decay as the paper's SFT
    // (a d_model-16 model moves its logits slowly per Adam step).
    TrainerConfig config =
        TrainerConfig.defaults().toBuilder()
            .mode(TrainerConfig.Mode.SFT)
            .learningRate(3e-3)
            .warmupCosine(20, STEPS_TRAINED, 0.1)
            .build();
    try (GrpoTrainer trainer =
        GrpoTrainer.create(TINY, ByteTokenizer.INSTANCE, config, SessionThreads.SINGLE)) {
      Map<String, Double> first = trainer.trainSft(prompts(), targets());
      Map<String, Double> last = first;
      for (int step = 1; step < STEPS_TRAINED; step++) {
        last = trainer.trainSft(prompts(), targets());
      }
      // Untrained, every token is about equally likely: the loss starts near log(263).
      assertThat(first.get("loss")).isCloseTo(Math.log(ByteTokenizer.VOCAB_SIZE), within(0.1));
      assertThat(first.get("tokens")).isEqualTo(22.0);
      assertThat(first).containsOnlyKeys("loss", "entropy", "grad_norm", "lr", "tokens", "step");
      assertThat(last.get("loss"))
          .as("loss after %d steps, from %.3f", STEPS_TRAINED, first.get("loss"))
          .isLessThan(0.25 * first.get("loss"));
      assertThat(trainer.step()).isEqualTo(STEPS_TRAINED);
    }
  }

  @Test
  void sftTrainerRefusesGroupsAndBadRows() {
    TrainerConfig config =
        TrainerConfig.defaults().toBuilder().mode(TrainerConfig.Mode.SFT).build();
    try (GrpoTrainer trainer = GrpoTrainer.create(TINY, config)) {
      assertThatThrownBy(() -> trainer.train(List.of()))
          .isInstanceOf(IllegalStateException.class)
          .hasMessage("train(groups) needs a trainer in GRPO mode, but this one is in SFT mode");
      assertThatThrownBy(() -> trainer.trainSft(prompts(), targets().subList(0, 3)))
          .hasMessage("targetIds must have one entry per prompt (8), but had 3");
      assertThatThrownBy(
              () -> trainer.trainSft(List.of(new int[] {1}), List.of(new int[] {7, 300})))
          .hasMessage("targetIds[0][1] must be a token id in [0, 263), but was 300");
      assertThatThrownBy(() -> trainer.trainSft(List.of(new int[0]), List.of(new int[] {7})))
          .hasMessage("promptIds must have at least 1 token (a BOS), but sequence 0 had 0");
      assertThatThrownBy(() -> trainer.trainSft(List.of(new int[20]), List.of(new int[13])))
          .hasMessage(
              "promptIds[0] plus targetIds[0] must fit the context of 32 tokens, but had 33");
    }
  }
}
