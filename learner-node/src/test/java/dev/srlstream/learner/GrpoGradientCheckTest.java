package dev.srlstream.learner;

import static dev.srlstream.learner.TrainerFixtures.group;
import static dev.srlstream.learner.TrainerFixtures.weighted;
import static org.assertj.core.api.Assertions.assertThat;

import dev.srlstream.learner.TrainerFixtures.Rollout;
import dev.srlstream.policy.ByteTokenizer;
import dev.srlstream.policy.ModelConfig;
import dev.srlstream.policy.ModelFamily;
import dev.srlstream.policy.ModelWeights;
import dev.srlstream.policy.SessionThreads;
import dev.srlstream.policy.Tokenizer;
import dev.srlstream.policy.WeightsCodec;
import dev.srlstream.policy.hf.HfModel;
import dev.srlstream.policy.hf.HfTestModels;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The gradient of the full GRPO loss (clipped surrogate, group weights, temperature 0.8, KL to a
 * reference policy) against central finite differences.
 *
 * <p><b>Away from the kinks.</b> The loss is piecewise smooth: {@code min} and the clip switch
 * branches where {@code rho = 1 - epsLow} or {@code 1 + epsHigh}. The behaviour log-probs are
 * chosen so every token's ratio is at least 0.1 from either bound (0.5, 0.9, 1.1, 1.5), while a
 * step of 1e-2 on one weight moves a log-prob by about 1e-3, so no finite difference crosses a
 * kink; the clipped tokens (rho 0.5 with A < 0, 1.5 with A > 0) contribute exactly 0 and the others
 * the smooth surrogate. In float32 the loss (of order 1) carries rounding of about 1e-7, so a
 * difference quotient with step 1e-2 is good to about 1e-5 plus its O(step^2) truncation; a value
 * passes when {@code |analytic - numeric| <= 2e-4 + 2e-2 * max(|analytic|, |numeric|)}.
 */
class GrpoGradientCheckTest {

  private static final ModelConfig MODEL =
      new ModelConfig(ByteTokenizer.VOCAB_SIZE, 8, 2, 2, 16, 12, true);
  private static final double STEP = 1e-2;
  private static final double ABSOLUTE_TOLERANCE = 2e-4;
  private static final double RELATIVE_TOLERANCE = 2e-2;
  private static final double[] RATIOS = {0.5, 0.9, 1.1, 1.5};

  @TempDir Path dir;

  /**
   * The bundled model's family, and the Qwen2 family on the tiny Hugging Face model of the policy
   * module's tests (its weights, its tokenizer; grouped-query attention, RMSNorm, SwiGLU, RoPE).
   */
  @ParameterizedTest
  @ValueSource(strings = {"bundled", "qwen2-tiny"})
  void theFullLossGradientMatchesFiniteDifferences(String model) throws IOException {
    TrainerConfig config =
        TrainerConfig.defaults().toBuilder().temperature(0.8).klCoef(0.1).build();
    ModelConfig architecture;
    Tokenizer tokenizer;
    ModelWeights weights;
    ModelWeights reference;
    if (model.equals("bundled")) {
      architecture = MODEL;
      tokenizer = ByteTokenizer.INSTANCE;
      weights = TrainerFixtures.noisy(MODEL, 21, 0.3);
      reference = TrainerFixtures.noisy(MODEL, 22, 0.3);
    } else {
      HfModel hf = HfModel.load(HfTestModels.copy(model, dir));
      architecture = hf.config();
      tokenizer = hf.tokenizer();
      weights = hf.weights();
      reference = TrainerFixtures.plusNoise(hf.weights(), 22, 0.05);
    }
    try (GrpoTrainer trainer =
        GrpoTrainer.create(architecture, tokenizer, config, SessionThreads.TENSORFLOW_DEFAULT)) {
      trainer.setReference(WeightsCodec.encode(architecture, tokenizer.id(), 0, reference));
      trainer.loadWeights(weights);
      List<WeightedGroup> batch = awayFromKinks(trainer);

      GrpoTrainer.Evaluation at = trainer.evaluate(batch, true);
      assertThat(at.metrics().get("clip_fraction")).as("some tokens are clipped").isPositive();
      assertThat(at.metrics().get("kl_ref")).as("the reference differs").isGreaterThan(1e-3);

      Random random = new Random(3);
      List<String> failures = new ArrayList<>();
      int checked = 0;
      for (int v = 0; v < weights.count(); v++) {
        String name = weights.specs().get(v).name();
        float[] gradient = at.gradients().get(v);
        // Along a random unit direction: sums every coordinate's error in this variable.
        float[] direction = randomUnit(random, gradient.length);
        double directional = 0;
        for (int j = 0; j < gradient.length; j++) {
          directional += (double) gradient[j] * direction[j];
        }
        double numeric =
            (loss(trainer, batch, shifted(weights, v, direction, STEP))
                    - loss(trainer, batch, shifted(weights, v, direction, -STEP)))
                / (2 * STEP);
        checked += compare(name + " along a random direction", directional, numeric, failures);
      }
      // Single coordinates of a few variables: the largest gradient and two random ones each.
      String mlpDown =
          architecture.family() == ModelFamily.QWEN2 ? "block1/mlp/wdown" : "block1/mlp/w2";
      for (String name : List.of("tok_emb", "block0/attn/wq", mlpDown, "final_ln/gamma")) {
        int v = indexOf(weights, name);
        float[] gradient = at.gradients().get(v);
        List<Integer> coordinates =
            List.of(
                argmaxAbs(gradient),
                random.nextInt(gradient.length),
                random.nextInt(gradient.length));
        for (int j : coordinates) {
          float original = weights.values(v)[j];
          float up = (float) (original + STEP);
          float down = (float) (original - STEP);
          double numeric =
              (loss(trainer, batch, with(weights, v, j, up))
                      - loss(trainer, batch, with(weights, v, j, down)))
                  / ((double) up - (double) down);
          checked += compare(name + "[" + j + "]", gradient[j], numeric, failures);
        }
      }
      assertThat(failures).as("gradients that disagree with finite differences").isEmpty();
      assertThat(checked).isEqualTo(weights.count() + 12);
    }
  }

  /** Two groups (weights 1 and 0.5), ratios cycling through {@link #RATIOS}. */
  private static List<WeightedGroup> awayFromKinks(GrpoTrainer trainer) {
    int[][] prompts = {{1, 50, 51, 52}, {1, 60, 61}};
    List<List<Rollout>> rollouts =
        List.of(
            List.of(Rollout.of(1.2, 70, 71, 72, 73), Rollout.of(-0.9, 74, 75, 76)),
            List.of(Rollout.of(0.6, 80, 81, 82), Rollout.of(-1.4, 83, 84, 85, 86)));
    double[] groupWeights = {1.0, 0.5};
    GrpoTrainer.Evaluation first = trainer.evaluate(build(prompts, rollouts, groupWeights), false);
    int length = first.batch().length();
    List<List<Rollout>> chosen = new ArrayList<>();
    int row = 0;
    int token = 0;
    for (int g = 0; g < rollouts.size(); g++) {
      List<Rollout> group = new ArrayList<>();
      for (Rollout rollout : rollouts.get(g)) {
        float[] behaviour = new float[rollout.response().length];
        for (int k = 0; k < behaviour.length; k++) {
          double logp = first.tokenLogProbs()[row * length + prompts[g].length - 1 + k];
          behaviour[k] = (float) (logp - Math.log(RATIOS[token++ % RATIOS.length]));
        }
        group.add(rollout.withBehaviour(behaviour));
        row++;
      }
      chosen.add(group);
    }
    return build(prompts, chosen, groupWeights);
  }

  private static List<WeightedGroup> build(
      int[][] prompts, List<List<Rollout>> rollouts, double[] groupWeights) {
    List<WeightedGroup> batch = new ArrayList<>();
    for (int g = 0; g < prompts.length; g++) {
      batch.add(weighted(group("g" + g, prompts[g], rollouts.get(g)), groupWeights[g]));
    }
    return batch;
  }

  private static double loss(GrpoTrainer trainer, List<WeightedGroup> batch, ModelWeights at) {
    trainer.loadWeights(at);
    return trainer.evaluate(batch, false).metrics().get("loss");
  }

  private static int compare(String what, double analytic, double numeric, List<String> failures) {
    double bound =
        ABSOLUTE_TOLERANCE + RELATIVE_TOLERANCE * Math.max(Math.abs(analytic), Math.abs(numeric));
    if (!(Math.abs(analytic - numeric) <= bound)) {
      failures.add(what + ": analytic " + analytic + ", numeric " + numeric);
    }
    return 1;
  }

  private static int indexOf(ModelWeights weights, String name) {
    for (int i = 0; i < weights.count(); i++) {
      if (weights.specs().get(i).name().equals(name)) {
        return i;
      }
    }
    throw new IllegalArgumentException("no variable " + name);
  }

  private static ModelWeights with(ModelWeights weights, int variable, int index, float value) {
    List<float[]> values = weights.toList();
    values.get(variable)[index] = value;
    return ModelWeights.of(weights.specs(), values);
  }

  private static ModelWeights shifted(
      ModelWeights weights, int variable, float[] direction, double scale) {
    List<float[]> values = weights.toList();
    float[] value = values.get(variable);
    for (int j = 0; j < value.length; j++) {
      value[j] = (float) (value[j] + scale * direction[j]);
    }
    return ModelWeights.of(weights.specs(), values);
  }

  private static float[] randomUnit(Random random, int n) {
    double[] gaussian = new double[n];
    double norm = 0;
    for (int i = 0; i < n; i++) {
      gaussian[i] = random.nextGaussian();
      norm += gaussian[i] * gaussian[i];
    }
    float[] unit = new float[n];
    for (int i = 0; i < n; i++) {
      unit[i] = (float) (gaussian[i] / Math.sqrt(norm));
    }
    return unit;
  }

  private static int argmaxAbs(float[] values) {
    int best = 0;
    for (int i = 1; i < values.length; i++) {
      if (Math.abs(values[i]) > Math.abs(values[best])) {
        best = i;
      }
    }
    return best;
  }
}
