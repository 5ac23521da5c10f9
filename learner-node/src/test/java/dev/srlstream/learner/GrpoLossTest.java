package dev.srlstream.learner;

import static dev.srlstream.learner.TrainerFixtures.TINY;
import static dev.srlstream.learner.TrainerFixtures.group;
import static dev.srlstream.learner.TrainerFixtures.weighted;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.srlstream.learner.TrainerFixtures.Rollout;
import dev.srlstream.policy.ByteTokenizer;
import dev.srlstream.policy.ModelWeights;
import dev.srlstream.policy.WeightsCodec;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The GRPO loss the graph computes against the formula evaluated by hand in Java (doubles), from
 * the per-token log-probs the graph reports: the clip on both sides, both signs of advantage,
 * zero-advantage rows, group weights and the token mean over the whole batch.
 */
class GrpoLossTest {

  private static final double EPS_LOW = 0.2;
  private static final double EPS_HIGH = 0.28;

  /**
   * Target ratios cycled over the response tokens: inside the clip range, below {@code 1 - epsLow},
   * above {@code 1 + epsHigh}, and 1 exactly.
   */
  private static final double[] RATIOS = {0.5, 0.9, 1.0, 1.1, 1.6, 0.7, 1.35, 0.85, 2.0};

  private static GrpoTrainer trainer;

  @BeforeAll
  static void build() {
    TrainerConfig config =
        TrainerConfig.defaults().toBuilder().clip(EPS_LOW, EPS_HIGH).temperature(0.8).build();
    trainer = GrpoTrainer.create(TINY, config);
    trainer.loadWeights(TrainerFixtures.noisy(TINY, 5, 0.3));
  }

  @AfterAll
  static void close() {
    trainer.close();
  }

  /** Two groups; the second at weight 0.5; one rollout with advantage 0. */
  private static List<List<Rollout>> rollouts() {
    return List.of(
        List.of(
            Rollout.of(1.5, 20, 21, 22, 23),
            Rollout.of(-0.7, 24, 25, 26),
            Rollout.of(0.0, 27, 28),
            Rollout.of(-1.1, 29, 30, 31, 32, 33)),
        List.of(Rollout.of(0.8, 40, 41, 42, 43, 44, 45), Rollout.of(-1.2, 46, 47)));
  }

  private static final int[][] PROMPTS = {{1, 10, 11, 12}, {1, 13}};
  private static final double[] WEIGHTS = {1.0, 0.5};

  private static List<WeightedGroup> batch(List<List<Rollout>> rollouts) {
    List<WeightedGroup> batch = new ArrayList<>();
    for (int g = 0; g < rollouts.size(); g++) {
      batch.add(weighted(group("g" + g, PROMPTS[g], rollouts.get(g)), WEIGHTS[g]));
    }
    return batch;
  }

  /** The graph's log-prob of response token k of a row (rows in batch order, all non-empty). */
  private static double logProb(GrpoTrainer.Evaluation evaluation, int row, int prompt, int k) {
    int length = evaluation.batch().length();
    return evaluation.tokenLogProbs()[row * length + prompt - 1 + k];
  }

  @Test
  void lossMatchesTheClippedSurrogateComputedByHand() {
    // First pass: the policy's log-probs (they do not depend on the behaviour log-probs).
    GrpoTrainer.Evaluation first = trainer.evaluate(batch(rollouts()), false);

    // Behaviour log-probs chosen so that rho takes the RATIOS: logp - behaviour = log(rho).
    List<List<Rollout>> chosen = new ArrayList<>();
    int row = 0;
    int token = 0;
    for (int g = 0; g < rollouts().size(); g++) {
      List<Rollout> group = new ArrayList<>();
      for (Rollout rollout : rollouts().get(g)) {
        float[] behaviour = new float[rollout.response().length];
        for (int k = 0; k < behaviour.length; k++) {
          double rho = RATIOS[token++ % RATIOS.length];
          behaviour[k] = (float) (logProb(first, row, PROMPTS[g].length, k) - Math.log(rho));
        }
        group.add(rollout.withBehaviour(behaviour));
        row++;
      }
      chosen.add(group);
    }

    GrpoTrainer.Evaluation evaluation = trainer.evaluate(batch(chosen), false);

    double surrogateSum = 0;
    double approxKlSum = 0;
    int clipped = 0;
    int clippedBelow = 0;
    int clippedAbove = 0;
    int zeroAdvantageTokens = 0;
    int tokens = 0;
    row = 0;
    for (int g = 0; g < chosen.size(); g++) {
      for (Rollout rollout : chosen.get(g)) {
        double advantage = rollout.advantage() * WEIGHTS[g];
        for (int k = 0; k < rollout.response().length; k++) {
          double logp = logProb(evaluation, row, PROMPTS[g].length, k);
          double logRatio = logp - rollout.behaviour()[k];
          double rho = Math.exp(logRatio);
          double clippedRho = Math.min(Math.max(rho, 1 - EPS_LOW), 1 + EPS_HIGH);
          double unclippedTerm = rho * advantage;
          double clippedTerm = clippedRho * advantage;
          surrogateSum += Math.min(unclippedTerm, clippedTerm);
          approxKlSum += (rho - 1) - logRatio;
          if (clippedTerm < unclippedTerm - 1e-9) {
            clipped++;
            if (rho < 1) {
              clippedBelow++;
            } else {
              clippedAbove++;
            }
          }
          if (advantage == 0) {
            zeroAdvantageTokens++;
          }
          tokens++;
        }
        row++;
      }
    }
    double expectedLoss = -surrogateSum / tokens;

    // The example exercises what it claims to.
    assertThat(clippedBelow).as("tokens clipped below (A < 0, rho < 1 - epsLow)").isPositive();
    assertThat(clippedAbove).as("tokens clipped above (A > 0, rho > 1 + epsHigh)").isPositive();
    assertThat(tokens - clipped - zeroAdvantageTokens).as("unclipped tokens").isPositive();
    assertThat(zeroAdvantageTokens).isPositive();
    assertThat(tokens).isEqualTo(22);

    Map<String, Double> metrics = evaluation.metrics();
    assertThat(metrics.get("policy_loss")).isCloseTo(expectedLoss, within(1e-5));
    assertThat(metrics.get("loss")).isEqualTo(metrics.get("policy_loss"));
    assertThat(metrics.get("clip_fraction")).isCloseTo((double) clipped / tokens, within(1e-6));
    assertThat(metrics.get("approx_kl")).isCloseTo(approxKlSum / tokens, within(1e-5));
    assertThat(metrics).doesNotContainKey("kl_ref");
  }

  /**
   * The KL penalty against the {@code k3} estimator by hand, from the reference's log-probs (the
   * same graph evaluated at the reference's weights) and the policy's.
   */
  @Test
  void theKlPenaltyIsTheK3EstimatorToTheReference() {
    double klCoef = 0.3;
    TrainerConfig config =
        TrainerConfig.defaults().toBuilder()
            .clip(EPS_LOW, EPS_HIGH)
            .temperature(0.8)
            .klCoef(klCoef)
            .build();
    try (GrpoTrainer withReference = GrpoTrainer.create(TINY, config)) {
      ModelWeights reference = TrainerFixtures.noisy(TINY, 6, 0.3);
      withReference.setReference(WeightsCodec.encode(TINY, ByteTokenizer.ID, 0, reference));
      List<WeightedGroup> batch = batch(rollouts());
      withReference.loadWeights(reference);
      GrpoTrainer.Evaluation atReference = withReference.evaluate(batch, false);
      assertThat(atReference.metrics().get("kl_ref")).isCloseTo(0.0, within(1e-6));

      withReference.loadWeights(TrainerFixtures.noisy(TINY, 5, 0.3));
      GrpoTrainer.Evaluation evaluation = withReference.evaluate(batch, false);
      double sum = 0;
      int tokens = 0;
      int row = 0;
      for (int g = 0; g < rollouts().size(); g++) {
        for (Rollout rollout : rollouts().get(g)) {
          for (int k = 0; k < rollout.response().length; k++) {
            double toReference =
                logProb(atReference, row, PROMPTS[g].length, k)
                    - logProb(evaluation, row, PROMPTS[g].length, k);
            sum += Math.exp(toReference) - toReference - 1;
            tokens++;
          }
          row++;
        }
      }
      Map<String, Double> metrics = evaluation.metrics();
      assertThat(sum / tokens).isGreaterThan(0.01);
      assertThat(metrics.get("kl_ref")).isCloseTo(sum / tokens, within(1e-5));
      assertThat(metrics.get("loss"))
          .isCloseTo(metrics.get("policy_loss") + klCoef * sum / tokens, within(1e-5));
    }
  }

  @Test
  void theTokenMeanCountsEveryTokenOfTheBatchOnce() {
    // With rho = 1 everywhere the loss is -sum(A * w) / N: longer rollouts weigh more.
    GrpoTrainer.Evaluation first = trainer.evaluate(batch(rollouts()), false);
    List<List<Rollout>> onPolicy = new ArrayList<>();
    double weightedAdvantageSum = 0;
    int tokens = 0;
    int row = 0;
    for (int g = 0; g < rollouts().size(); g++) {
      List<Rollout> group = new ArrayList<>();
      for (Rollout rollout : rollouts().get(g)) {
        float[] behaviour = new float[rollout.response().length];
        for (int k = 0; k < behaviour.length; k++) {
          behaviour[k] = (float) logProb(first, row, PROMPTS[g].length, k);
        }
        group.add(rollout.withBehaviour(behaviour));
        weightedAdvantageSum += rollout.advantage() * WEIGHTS[g] * behaviour.length;
        tokens += behaviour.length;
        row++;
      }
      onPolicy.add(group);
    }
    Map<String, Double> metrics = trainer.evaluate(batch(onPolicy), false).metrics();
    assertThat(metrics.get("policy_loss")).isCloseTo(-weightedAdvantageSum / tokens, within(1e-6));
    assertThat(metrics.get("clip_fraction")).isZero();
    assertThat(metrics.get("approx_kl")).isCloseTo(0.0, within(1e-6));
  }
}
