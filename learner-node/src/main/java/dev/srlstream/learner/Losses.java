package dev.srlstream.learner;

import dev.srlstream.policy.PolicyGraph;
import java.util.LinkedHashMap;
import java.util.Map;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

/**
 * The objectives, built as graph ops on a {@link PolicyGraph}'s per-token outputs. Every mean is a
 * token mean over the unmasked tokens of the whole batch (DAPO's aggregation: a long response
 * weighs as many tokens as it has, not as one sequence).
 */
final class Losses {

  private Losses() {}

  /**
   * A loss and the scalar metrics that go with it.
   *
   * @param loss the scalar to minimise
   * @param metrics named scalars, evaluated at the weights before the update ("loss" included)
   */
  record Terms(Operand<TFloat32> loss, Map<String, Operand<TFloat32>> metrics) {}

  /**
   * The GRPO objective: with {@code rho = exp(logp - behaviour_logp)} per token,
   *
   * <pre>
   * loss = -mean_tokens( min(rho * A, clip(rho, 1 - epsLow, 1 + epsHigh) * A) )
   *        + klCoef * mean_tokens( exp(ref_logp - logp) - (ref_logp - logp) - 1 )
   * </pre>
   *
   * <p>Metrics: {@code loss}, {@code policy_loss}, {@code entropy}, {@code clip_fraction} (the
   * share of tokens where the clipped term is the smaller, so the clip zeroes their gradient),
   * {@code approx_kl} (the {@code k3} estimate of KL(behaviour || policy), {@code mean((rho - 1) -
   * log rho)}) and, with a reference, {@code kl_ref}.
   *
   * @param behaviourLogProbs {@code [B, T]}, the actor's log-probs, 0 where the mask is 0
   * @param advantages {@code [B, T]}, the rollout's advantage times its group's weight
   * @param referenceLogProbs {@code [B, T]} of the frozen reference policy, or null when {@code
   *     klCoef} is 0
   */
  static Terms grpo(
      Ops tf,
      PolicyGraph policy,
      Operand<TFloat32> behaviourLogProbs,
      Operand<TFloat32> advantages,
      Operand<TFloat32> referenceLogProbs,
      TrainerConfig config) {
    TokenMean mean = new TokenMean(tf, policy.mask());
    Operand<TFloat32> logp = policy.tokenLogProbs();

    Operand<TFloat32> logRatio = mean.masked(tf.math.sub(logp, behaviourLogProbs));
    Operand<TFloat32> rho = tf.math.exp(logRatio);
    Operand<TFloat32> unclipped = tf.math.mul(rho, advantages);
    Operand<TFloat32> clipped =
        tf.math.mul(clip(tf, rho, 1 - config.epsLow(), 1 + config.epsHigh()), advantages);
    // Unclipped first: Minimum's gradient goes to its first input on ties (rho inside the range).
    Operand<TFloat32> surrogate = tf.math.minimum(unclipped, clipped);
    Operand<TFloat32> policyLoss = tf.math.neg(mean.of(surrogate));

    Map<String, Operand<TFloat32>> metrics = new LinkedHashMap<>();
    Operand<TFloat32> loss = policyLoss;
    if (referenceLogProbs != null) {
      Operand<TFloat32> toReference = mean.masked(tf.math.sub(referenceLogProbs, logp));
      Operand<TFloat32> k3 =
          tf.math.sub(tf.math.sub(tf.math.exp(toReference), toReference), tf.constant(1f));
      Operand<TFloat32> klRef = mean.of(k3);
      loss = tf.math.add(policyLoss, tf.math.mul(tf.constant((float) config.klCoef()), klRef));
      metrics.put("kl_ref", klRef);
    }
    metrics.put("loss", loss);
    metrics.put("policy_loss", policyLoss);
    metrics.put("entropy", mean.of(policy.tokenEntropy()));
    metrics.put(
        "clip_fraction", mean.of(tf.dtypes.cast(tf.math.less(clipped, unclipped), TFloat32.class)));
    metrics.put("approx_kl", mean.of(tf.math.sub(tf.math.sub(rho, tf.constant(1f)), logRatio)));
    return new Terms(loss, metrics);
  }

  /**
   * Supervised fine-tuning: {@code loss = -mean_tokens(logp)} over the target tokens, at the
   * temperature fed to the policy (the trainer feeds 1). Metrics: {@code loss}, {@code entropy}.
   */
  static Terms sft(Ops tf, PolicyGraph policy) {
    TokenMean mean = new TokenMean(tf, policy.mask());
    Operand<TFloat32> loss = tf.math.neg(mean.of(policy.tokenLogProbs()));
    Map<String, Operand<TFloat32>> metrics = new LinkedHashMap<>();
    metrics.put("loss", loss);
    metrics.put("entropy", mean.of(policy.tokenEntropy()));
    return new Terms(loss, metrics);
  }

  /** {@code min(max(x, low), high)}: built from ops whose gradients TF Java registers. */
  private static Operand<TFloat32> clip(Ops tf, Operand<TFloat32> x, double low, double high) {
    return tf.math.minimum(tf.math.maximum(x, tf.constant((float) low)), tf.constant((float) high));
  }

  /** The mean over the unmasked tokens of a {@code [B, T]} tensor. */
  private static final class TokenMean {
    private final Ops tf;
    private final Operand<TFloat32> mask;
    private final Operand<TFloat32> count;

    TokenMean(Ops tf, Operand<TFloat32> mask) {
      this.tf = tf;
      this.mask = mask;
      // The trainer never runs a batch without tokens; the floor only keeps 0/0 out of the graph.
      this.count = tf.math.maximum(sum(mask), tf.constant(1f));
    }

    Operand<TFloat32> masked(Operand<TFloat32> x) {
      return tf.math.mul(x, mask);
    }

    Operand<TFloat32> of(Operand<TFloat32> x) {
      return tf.math.div(sum(masked(x)), count);
    }

    private Operand<TFloat32> sum(Operand<TFloat32> x) {
      return tf.reduceSum(x, tf.constant(new int[] {0, 1}));
    }
  }
}
