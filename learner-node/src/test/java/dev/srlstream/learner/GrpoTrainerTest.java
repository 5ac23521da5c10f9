package dev.srlstream.learner;

import static dev.srlstream.learner.TrainerFixtures.TINY;
import static dev.srlstream.learner.TrainerFixtures.group;
import static dev.srlstream.learner.TrainerFixtures.norm;
import static dev.srlstream.learner.TrainerFixtures.weighted;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.srlstream.learner.TrainerFixtures.Rollout;
import dev.srlstream.policy.ByteTokenizer;
import dev.srlstream.policy.InvalidWeightsException;
import dev.srlstream.policy.ModelConfig;
import dev.srlstream.policy.ModelWeights;
import dev.srlstream.policy.Policy;
import dev.srlstream.policy.SessionThreads;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The update's edge cases, the optimiser state's round trip, and what the trainer refuses. */
class GrpoTrainerTest {

  /** A batch of two groups with mixed advantages (behaviour log-probs near the policy's). */
  private static List<WeightedGroup> batch(double advantageScale, long salt) {
    int s = (int) (salt % 50);
    List<Rollout> first =
        List.of(
            Rollout.of(1.0 * advantageScale, 20 + s, 21, 22, 23),
            Rollout.of(-1.0 * advantageScale, 24, 25 + s, 26));
    List<Rollout> second =
        List.of(
            Rollout.of(0.5 * advantageScale, 30, 31, 32 + s),
            Rollout.of(-0.5 * advantageScale, 33, 34, 35, 36, 37 + s));
    return List.of(
        weighted(group("a" + salt, new int[] {1, 10, 11}, withBehaviour(first, -5.5f)), 1.0),
        weighted(group("b" + salt, new int[] {1, 12}, withBehaviour(second, -5.6f)), 1.0));
  }

  private static List<Rollout> withBehaviour(List<Rollout> rollouts, float logProb) {
    List<Rollout> result = new ArrayList<>();
    for (Rollout r : rollouts) {
      float[] behaviour = new float[r.response().length];
      Arrays.fill(behaviour, logProb);
      result.add(r.withBehaviour(behaviour));
    }
    return result;
  }

  private static TrainerConfig config() {
    return TrainerConfig.defaults().toBuilder().learningRate(1e-2).build();
  }

  @Test
  void allAdvantagesZeroGiveAZeroGradientAndUnchangedWeights() {
    try (GrpoTrainer trainer =
        GrpoTrainer.create(TINY, config().toBuilder().weightDecay(0).build())) {
      ModelWeights before = trainer.weights();
      Map<String, Double> metrics = trainer.train(batch(0.0, 1));
      assertThat(metrics.get("grad_norm")).isZero();
      assertThat(Math.abs(metrics.get("loss"))).isZero(); // -0.0: the loss is -(sum of 0)
      assertThat(metrics.get("tokens")).isEqualTo(15.0);
      assertThat(trainer.weights().bitEquals(before)).isTrue();
      assertThat(trainer.step()).isEqualTo(1);
    }
  }

  @Test
  void withZeroGradientsOnlyTheDecoupledWeightDecayMovesAndOnlyMatrices() {
    double lr = 1e-2;
    double decay = 0.1;
    try (GrpoTrainer trainer =
        GrpoTrainer.create(
            TINY, config().toBuilder().learningRate(lr).weightDecay(decay).build())) {
      ModelWeights before = trainer.weights();
      trainer.train(batch(0.0, 1));
      ModelWeights after = trainer.weights();
      float rate = (float) lr * (float) decay;
      List<String> wrong = new ArrayList<>();
      int decayed = 0;
      for (int v = 0; v < before.count(); v++) {
        float[] b = before.values(v);
        float[] a = after.values(v);
        boolean matrix = before.specs().get(v).shape().size() >= 2;
        for (int j = 0; j < b.length; j++) {
          float expected = matrix ? b[j] - rate * b[j] : b[j];
          if (!(Math.abs(a[j] - expected) <= 2 * Math.ulp(b[j]))) {
            wrong.add(before.specs().get(v).name() + "[" + j + "]: " + a[j] + " not " + expected);
          }
        }
        decayed += matrix ? 1 : 0;
      }
      assertThat(wrong).isEmpty();
      assertThat(decayed).isGreaterThan(4);
    }
  }

  @Test
  void aGroupWeightOfOneHalfHalvesThatGroupsContribution() {
    try (GrpoTrainer trainer = GrpoTrainer.create(TINY, config())) {
      trainer.loadWeights(TrainerFixtures.noisy(TINY, 2, 0.2));
      List<WeightedGroup> base = batch(1.0, 3);
      GrpoTrainer.Evaluation without = trainer.evaluate(reweighted(base, 0.0), true);
      GrpoTrainer.Evaluation half = trainer.evaluate(reweighted(base, 0.5), true);
      GrpoTrainer.Evaluation full = trainer.evaluate(reweighted(base, 1.0), true);

      double halfLoss = half.metrics().get("loss") - without.metrics().get("loss");
      double fullLoss = full.metrics().get("loss") - without.metrics().get("loss");
      assertThat(Math.abs(fullLoss)).isGreaterThan(1e-3);
      assertThat(halfLoss).isCloseTo(fullLoss / 2, within(1e-6));

      List<float[]> halfContribution = difference(half.gradients(), without.gradients());
      List<float[]> fullContribution = difference(full.gradients(), without.gradients());
      double scale = norm(fullContribution);
      assertThat(scale).isGreaterThan(1e-3);
      double worst = 0;
      for (int v = 0; v < fullContribution.size(); v++) {
        for (int j = 0; j < fullContribution.get(v).length; j++) {
          double error = halfContribution.get(v)[j] - fullContribution.get(v)[j] / 2.0;
          worst = Math.max(worst, Math.abs(error));
        }
      }
      assertThat(worst).as("largest deviation from half, per coordinate").isLessThan(1e-5 * scale);
    }
  }

  /** The batch with the second group's weight set to {@code weight}. */
  private static List<WeightedGroup> reweighted(List<WeightedGroup> batch, double weight) {
    return List.of(batch.get(0), weighted(batch.get(1).group(), weight));
  }

  private static List<float[]> difference(List<float[]> a, List<float[]> b) {
    List<float[]> result = new ArrayList<>();
    for (int v = 0; v < a.size(); v++) {
      float[] d = new float[a.get(v).length];
      for (int j = 0; j < d.length; j++) {
        d[j] = a.get(v)[j] - b.get(v)[j];
      }
      result.add(d);
    }
    return result;
  }

  /**
   * Adam's moments after one update are {@code m = (1 - b1) g} and {@code v = (1 - b2) g^2} of the
   * gradient it received, so they show that it received the clipped gradient: the raw one scaled to
   * the global norm bound, direction kept, when the raw norm is above it; the raw one otherwise.
   */
  @Test
  void gradientNormClippingBoundsWhatAdamReceives() {
    double maxNorm = 1e-3;
    for (double bound : new double[] {maxNorm, 1e6}) {
      TrainerConfig config = config().toBuilder().maxGradNorm(bound).weightDecay(0).build();
      try (GrpoTrainer trainer = GrpoTrainer.create(TINY, config)) {
        trainer.loadWeights(TrainerFixtures.noisy(TINY, 4, 0.2));
        List<WeightedGroup> batch = batch(1.0, 5);
        GrpoTrainer.Evaluation before = trainer.evaluate(batch, true);
        double rawNorm = before.metrics().get("grad_norm");
        assertThat(rawNorm).isCloseTo(norm(before.gradients()), within(1e-4 * rawNorm));
        assertThat(rawNorm).as("the raw norm is far above the small bound").isGreaterThan(0.05);

        Map<String, Double> metrics = trainer.train(batch);
        assertThat(metrics.get("grad_norm")).isCloseTo(rawNorm, within(1e-5 * rawNorm));

        OptimizerState state =
            OptimizerState.decode(
                trainer.exportOptimizerState(),
                trainer.weights().specs(),
                config.beta1(),
                config.beta2());
        double expectedScale = Math.min(1.0, bound / rawNorm);
        assertThat(norm(before.clippedGradients()))
            .isCloseTo(Math.min(rawNorm, bound), within(1e-4 * Math.min(rawNorm, bound)));
        assertThat(norm(state.firstMoments()))
            .isCloseTo((1 - config.beta1()) * rawNorm * expectedScale, within(1e-3 * maxNorm));
        List<String> wrong = new ArrayList<>();
        for (int v = 0; v < state.firstMoments().size(); v++) {
          float[] raw = before.gradients().get(v);
          float[] m = state.firstMoments().get(v);
          float[] second = state.secondMoments().get(v);
          for (int j = 0; j < raw.length; j++) {
            double g = raw[j] * expectedScale;
            if (!(Math.abs(m[j] - (1 - config.beta1()) * g) <= 1e-5 * Math.abs(g) + 1e-12)) {
              wrong.add("m of variable " + v + "[" + j + "]: " + m[j] + " for g " + g);
            }
            if (!(Math.abs(second[j] - (1 - config.beta2()) * g * g) <= 1e-4 * g * g + 1e-20)) {
              wrong.add("v of variable " + v + "[" + j + "]: " + second[j] + " for g " + g);
            }
          }
        }
        assertThat(wrong).isEmpty();
      }
    }
  }

  /**
   * Export after one update, restore into a new trainer, update both with the same batch: the
   * weights and the optimiser state are bit for bit those of the uninterrupted run. A fresh
   * optimiser instead (an empty state) does not give them, so the check sees the state.
   *
   * <p>Single-threaded sessions: the claim is about the checkpoint, not about whether TensorFlow's
   * multi-threaded reductions add in the same order in two sessions.
   */
  @Test
  void restoringExportedStateContinuesBitForBit() {
    TrainerConfig config = config().toBuilder().warmupCosine(2, 10, 0.1).build();
    try (GrpoTrainer uninterrupted =
            GrpoTrainer.create(TINY, ByteTokenizer.INSTANCE, config, SessionThreads.SINGLE);
        GrpoTrainer resumed =
            GrpoTrainer.create(TINY, ByteTokenizer.INSTANCE, config, SessionThreads.SINGLE);
        GrpoTrainer fresh =
            GrpoTrainer.create(TINY, ByteTokenizer.INSTANCE, config, SessionThreads.SINGLE)) {
      uninterrupted.train(batch(1.0, 6));
      uninterrupted.train(batch(1.0, 7));
      byte[] weights = uninterrupted.exportWeights(2);
      byte[] state = uninterrupted.exportOptimizerState();

      resumed.restore(weights, state);
      fresh.restore(weights, new byte[0]);
      assertThat(resumed.step()).isEqualTo(2);
      assertThat(fresh.step()).isZero();

      Map<String, Double> expected = uninterrupted.train(batch(1.0, 8));
      Map<String, Double> actual = resumed.train(batch(1.0, 8));
      fresh.train(batch(1.0, 8));

      assertThat(actual).isEqualTo(expected);
      assertThat(resumed.weights().bitEquals(uninterrupted.weights())).isTrue();
      assertThat(resumed.exportOptimizerState()).isEqualTo(uninterrupted.exportOptimizerState());
      assertThat(fresh.weights().bitEquals(uninterrupted.weights())).isFalse();
    }
  }

  @Test
  void aCorruptOrMismatchedOptimizerStateIsRefusedAndChangesNothing() {
    try (GrpoTrainer trainer = GrpoTrainer.create(TINY, config())) {
      trainer.train(batch(1.0, 9));
      byte[] weights = trainer.exportWeights(1);
      byte[] state = trainer.exportOptimizerState();
      trainer.train(batch(1.0, 10));
      ModelWeights current = trainer.weights();

      byte[] flipped = state.clone();
      flipped[flipped.length / 2] ^= 0x10;
      assertThatThrownBy(() -> trainer.restore(weights, flipped))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageStartingWith("optimizer state checksum mismatch");

      byte[] truncated = Arrays.copyOf(state, state.length - 100);
      assertThatThrownBy(() -> trainer.restore(weights, truncated))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageStartingWith("optimizer state");

      assertThatThrownBy(() -> trainer.restore(weights, weights))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("optimizer state must start with the magic 'SRLO'");

      ModelConfig wider = new ModelConfig(ByteTokenizer.VOCAB_SIZE, 24, 2, 2, 32, 32, true);
      try (GrpoTrainer other = GrpoTrainer.create(wider, config())) {
        byte[] otherState = other.exportOptimizerState();
        assertThatThrownBy(() -> trainer.restore(weights, otherState))
            .isInstanceOf(IllegalArgumentException.class)
            .hasMessage(
                "optimizer state variable 0 must be tok_emb [263, 16], but was tok_emb [263, 24]"
                    + " (a state for another architecture?)");
        assertThatThrownBy(() -> trainer.restore(other.exportWeights(0), state))
            .isInstanceOf(InvalidWeightsException.class)
            .hasMessage("weights are for d_model 24, but this model has d_model 16");
      }
      ModelConfig deeper = new ModelConfig(ByteTokenizer.VOCAB_SIZE, 16, 3, 2, 32, 32, true);
      try (GrpoTrainer other = GrpoTrainer.create(deeper, config())) {
        byte[] otherState = other.exportOptimizerState();
        assertThatThrownBy(() -> trainer.restore(weights, otherState))
            .hasMessageStartingWith(
                "optimizer state must have the model's 35 variables, but had 51");
      }
      TrainerConfig otherBetas = config().toBuilder().betas(0.8, 0.99).build();
      try (GrpoTrainer other = GrpoTrainer.create(TINY, otherBetas)) {
        assertThatThrownBy(() -> other.restore(weights, state))
            .hasMessageStartingWith(
                "optimizer state betas must be the trainer's (0.8, 0.99), but were (0.9, 0.999)");
      }

      assertThat(trainer.weights().bitEquals(current)).isTrue();
      assertThat(trainer.step()).isEqualTo(2);
      trainer.restore(weights, state);
      assertThat(trainer.step()).isEqualTo(1);
    }
  }

  @Test
  void exportedWeightsLoadIntoThePolicyTheActorsRun() {
    try (GrpoTrainer trainer = GrpoTrainer.create(TINY, config())) {
      trainer.train(batch(1.0, 11));
      try (Policy policy = Policy.load(trainer.exportWeights(1))) {
        assertThat(policy.version()).isEqualTo(1);
        assertThat(policy.weights().bitEquals(trainer.weights())).isTrue();
      }
      assertThat(ModelConfig.fromJson(trainer.architecture())).isEqualTo(TINY);
    }
  }

  @Test
  void refusesWhatItCannotTrainOn() {
    try (GrpoTrainer trainer = GrpoTrainer.create(TINY, config())) {
      int[] longResponse = new int[32];
      Arrays.fill(longResponse, 40);
      List<WeightedGroup> tooLong =
          List.of(
              weighted(
                  group("long", new int[] {1, 2}, List.of(Rollout.of(1.0, longResponse))), 1.0));
      assertThatThrownBy(() -> trainer.train(tooLong))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessage(
              "batch[0] (group long): rollouts[0].prompt plus response must fit the context of 32"
                  + " tokens, but had 34");

      List<WeightedGroup> noPrompt =
          List.of(weighted(group("empty", new int[0], List.of(Rollout.of(1.0, 40))), 1.0));
      assertThatThrownBy(() -> trainer.train(noPrompt))
          .hasMessageContaining("prompt_token_ids must have at least 1 token");

      List<WeightedGroup> negative =
          List.of(weighted(group("neg", new int[] {1}, List.of(Rollout.of(1.0, 40))), -1.0));
      assertThatThrownBy(() -> trainer.train(negative))
          .hasMessage("batch[0] (group neg): weight must be finite and >= 0, but was -1.0");

      assertThatThrownBy(() -> trainer.trainSft(List.of(new int[] {1}), List.of(new int[] {40})))
          .isInstanceOf(IllegalStateException.class)
          .hasMessage("trainSft needs a trainer in SFT mode, but this one is in GRPO mode");
      assertThat(trainer.step()).isZero();
    }
    assertThatThrownBy(
            () ->
                GrpoTrainer.create(
                    new ModelConfig(64, 16, 1, 2, 32, 32, true), TrainerConfig.defaults()))
        .hasMessage("vocab_size must be at least 263 (tokenizer byte-v1), but was 64");
  }

  @Test
  void aBatchWithoutResponseTokensChangesNothing() {
    try (GrpoTrainer trainer = GrpoTrainer.create(TINY, config())) {
      ModelWeights before = trainer.weights();
      List<WeightedGroup> empty =
          List.of(weighted(group("e", new int[] {1, 2}, List.of(Rollout.of(1.0))), 1.0));
      assertThat(trainer.train(empty)).containsEntry("tokens", 0.0);
      assertThat(trainer.weights().bitEquals(before)).isTrue();
      assertThat(trainer.step()).isZero();
    }
  }

  @Test
  void metricsNameEveryTermAndTheScheduledRate() {
    TrainerConfig config = config().toBuilder().warmupCosine(4, 20, 0.0).klCoef(0.05).build();
    try (GrpoTrainer trainer = GrpoTrainer.create(TINY, config)) {
      Map<String, Double> first = trainer.train(batch(1.0, 12));
      assertThat(first)
          .containsOnlyKeys(
              "loss",
              "policy_loss",
              "kl_ref",
              "entropy",
              "clip_fraction",
              "approx_kl",
              "grad_norm",
              "lr",
              "tokens",
              "step");
      assertThat(first.get("lr")).isEqualTo(1e-2 / 4);
      assertThat(first.get("kl_ref")).isCloseTo(0.0, within(1e-6));
      assertThat(first.get("entropy")).isBetween(5.0, Math.log(ByteTokenizer.VOCAB_SIZE));
      Map<String, Double> second = trainer.train(batch(1.0, 12));
      assertThat(second.get("lr")).isEqualTo(2e-2 / 4);
      assertThat(second.get("kl_ref")).as("the policy moved away from the reference").isPositive();
      assertThat(second.get("loss"))
          .isCloseTo(second.get("policy_loss") + 0.05 * second.get("kl_ref"), within(1e-6));
    }
  }
}
