package dev.srlstream.learner;

import java.util.Objects;

/**
 * The settings of {@link GrpoTrainer}: the objective, the AdamW optimiser and its learning-rate
 * schedule. Immutable and validated: a bad value fails with "X must be ..., but was ...". Start
 * from {@link #defaults()} and change what differs with {@link #toBuilder()}.
 *
 * <p><b>Why the defaults.</b> The paper's hyperparameters (PAPER-NOTES.md) are for fine-tuning a
 * pretrained 7B model, where a learning rate of 5e-7 keeps each update from undoing pretraining.
 * Our policy has about 0.5 M parameters and starts from scratch or from a short SFT run: an Adam
 * step moves each weight by about the learning rate, so at 5e-7 weights of order 0.02 would need
 * tens of thousands of updates to change at all. {@value #DEFAULT_LEARNING_RATE} is the usual Adam
 * step for small transformers, and it learns at our size: at the default width (d_model 128) the
 * toy reward of {@code GrpoLearningTest} rises from about 0.05 to 0.6-0.8 in 120 one-group updates
 * over 20 seeds, with no divergence. 1e-3 saturates that reward (0.92-0.99 after 60 updates, 3
 * seeds): faster, but the conservative rate keeps the policy exploring longer, and SRL learns only
 * while a group's rollouts still differ in reward. Smaller models need more (a d_model-16 model did
 * not move at 3e-4 in 60 updates). Everything else follows the paper (clip 0.2 both sides, no KL,
 * gradient norm 1.0, temperature 1.0) or the AdamW defaults of PyTorch and verl (betas 0.9/0.999,
 * epsilon 1e-8, weight decay 0.01).
 *
 * @param mode which objective the trainer builds: {@link Mode#GRPO} ({@link Trainer#train}) or
 *     {@link Mode#SFT} ({@link GrpoTrainer#trainSft})
 * @param learningRate the peak learning rate of AdamW, in (0, 1]
 * @param schedule how the learning rate changes with the update count
 * @param warmupSteps updates over which the rate rises linearly from {@code learningRate /
 *     warmupSteps} to {@code learningRate}, under either schedule; 0 for none
 * @param totalSteps for {@link Schedule#WARMUP_COSINE}: the update at which the cosine decay ends
 *     (warm-up included); the rate stays at its floor afterwards. The paper's SFT "cosine, warmup
 *     0.3" is {@code warmupSteps = 0.3 * totalSteps}
 * @param minLearningRateRatio the floor of the cosine decay, as a fraction of {@code learningRate}
 * @param beta1 Adam's first-moment decay, in [0, 1)
 * @param beta2 Adam's second-moment decay, in [0, 1)
 * @param adamEpsilon Adam's denominator guard, positive
 * @param weightDecay decoupled weight decay per unit learning rate (AdamW: each update multiplies a
 *     decayed weight by {@code 1 - lr * weightDecay}); applied to matrices and embeddings, not to
 *     biases and norm parameters
 * @param epsLow the ratio clip below: {@code rho} is clipped at {@code 1 - epsLow}, in [0, 1)
 * @param epsHigh the ratio clip above: {@code rho} is clipped at {@code 1 + epsHigh}; DAPO's
 *     "clip-higher" sets it above {@code epsLow}
 * @param klCoef the weight of the KL penalty to the frozen reference policy ({@code k3} estimator);
 *     0 (the paper's value) builds no reference policy at all
 * @param maxGradNorm the gradients' global norm is scaled down to at most this before AdamW
 * @param temperature the sampling temperature of the behaviour log-probs; the trainer recomputes
 *     log-probabilities at the same temperature so the ratio compares like with like
 * @param credit how a rollout's advantage is spread over its response tokens ({@link
 *     Credit#SEQUENCE}, the paper's, gives every token all of it)
 * @param seed the seed of the initial weights ({@code ModelWeights.initial})
 */
public record TrainerConfig(
    Mode mode,
    double learningRate,
    Schedule schedule,
    int warmupSteps,
    int totalSteps,
    double minLearningRateRatio,
    double beta1,
    double beta2,
    double adamEpsilon,
    double weightDecay,
    double epsLow,
    double epsHigh,
    double klCoef,
    double maxGradNorm,
    double temperature,
    Credit credit,
    long seed) {

  /** The default peak learning rate; see the class comment for why. */
  public static final double DEFAULT_LEARNING_RATE = 3e-4;

  /** The objective the trainer optimises. */
  public enum Mode {
    /** The clipped surrogate on GRPO groups: SRL, RLVR and the one-step ablation. */
    GRPO,
    /** Token cross-entropy on expert text: the SFT baseline. */
    SFT
  }

  /** How the learning rate depends on the number of updates done. */
  public enum Schedule {
    /** Linear warm-up over {@code warmupSteps} (none when 0), then always {@code learningRate}. */
    CONSTANT,
    /** Linear warm-up over {@code warmupSteps}, then cosine decay until {@code totalSteps}. */
    WARMUP_COSINE
  }

  public TrainerConfig {
    Objects.requireNonNull(mode, "mode must be GRPO or SFT, but was null");
    Objects.requireNonNull(schedule, "schedule must be CONSTANT or WARMUP_COSINE, but was null");
    Objects.requireNonNull(credit, "credit must be SEQUENCE or ALIGNED, but was null");
    requireIn("learningRate", learningRate, 0, false, 1, true);
    requireIn("minLearningRateRatio", minLearningRateRatio, 0, true, 1, true);
    requireIn("beta1", beta1, 0, true, 1, false);
    requireIn("beta2", beta2, 0, true, 1, false);
    requireIn("adamEpsilon", adamEpsilon, 0, false, 1, true);
    requireIn("weightDecay", weightDecay, 0, true, 1, true);
    requireIn("epsLow", epsLow, 0, true, 1, false);
    requireIn("epsHigh", epsHigh, 0, true, 100, true);
    requireIn("klCoef", klCoef, 0, true, 100, true);
    requireIn("maxGradNorm", maxGradNorm, 0, false, 1e6, true);
    requireIn("temperature", temperature, 0, false, 100, true);
    if (warmupSteps < 0) {
      throw new IllegalArgumentException("warmupSteps must be >= 0, but was " + warmupSteps);
    }
    if (schedule == Schedule.WARMUP_COSINE && totalSteps <= warmupSteps) {
      throw new IllegalArgumentException(
          "totalSteps must be above warmupSteps ("
              + warmupSteps
              + ") for WARMUP_COSINE, but was "
              + totalSteps);
    }
    if (totalSteps < 0) {
      throw new IllegalArgumentException("totalSteps must be >= 0, but was " + totalSteps);
    }
  }

  private static void requireIn(
      String name, double value, double low, boolean lowIncluded, double high, boolean highIncl) {
    boolean aboveLow = lowIncluded ? value >= low : value > low;
    boolean belowHigh = highIncl ? value <= high : value < high;
    if (!(aboveLow && belowHigh)) {
      throw new IllegalArgumentException(
          name
              + " must be in "
              + (lowIncluded ? "[" : "(")
              + low
              + ", "
              + high
              + (highIncl ? "]" : ")")
              + ", but was "
              + value);
    }
  }

  /** GRPO, learning rate 3e-4 constant, AdamW (0.9, 0.999, 1e-8, 0.01), clip 0.2/0.2, no KL. */
  public static TrainerConfig defaults() {
    return new TrainerConfig(
        Mode.GRPO,
        DEFAULT_LEARNING_RATE,
        Schedule.CONSTANT,
        0,
        0,
        0.0,
        0.9,
        0.999,
        1e-8,
        0.01,
        0.2,
        0.2,
        0.0,
        1.0,
        1.0,
        Credit.SEQUENCE,
        0L);
  }

  /**
   * The learning rate of update number {@code step + 1}, that is after {@code step} updates.
   *
   * @param step updates done so far, {@code >= 0}
   */
  public double learningRateAt(long step) {
    if (step < warmupSteps) {
      return learningRate * (step + 1) / warmupSteps;
    }
    if (schedule == Schedule.CONSTANT) {
      return learningRate;
    }
    double progress = Math.min(1.0, (double) (step - warmupSteps) / (totalSteps - warmupSteps));
    double floor = learningRate * minLearningRateRatio;
    return floor + (learningRate - floor) * 0.5 * (1 + Math.cos(Math.PI * progress));
  }

  /** A builder holding this configuration's values. */
  public Builder toBuilder() {
    return new Builder(this);
  }

  /** Changes some values of a configuration; {@link #build()} validates the result. */
  public static final class Builder {
    private Mode mode;
    private double learningRate;
    private Schedule schedule;
    private int warmupSteps;
    private int totalSteps;
    private double minLearningRateRatio;
    private double beta1;
    private double beta2;
    private double adamEpsilon;
    private double weightDecay;
    private double epsLow;
    private double epsHigh;
    private double klCoef;
    private double maxGradNorm;
    private double temperature;
    private Credit credit;
    private long seed;

    private Builder(TrainerConfig c) {
      mode = c.mode;
      learningRate = c.learningRate;
      schedule = c.schedule;
      warmupSteps = c.warmupSteps;
      totalSteps = c.totalSteps;
      minLearningRateRatio = c.minLearningRateRatio;
      beta1 = c.beta1;
      beta2 = c.beta2;
      adamEpsilon = c.adamEpsilon;
      weightDecay = c.weightDecay;
      epsLow = c.epsLow;
      epsHigh = c.epsHigh;
      klCoef = c.klCoef;
      maxGradNorm = c.maxGradNorm;
      temperature = c.temperature;
      credit = c.credit;
      seed = c.seed;
    }

    public Builder mode(Mode value) {
      mode = value;
      return this;
    }

    public Builder learningRate(double value) {
      learningRate = value;
      return this;
    }

    /** Warm-up over {@code warmup} updates, then cosine decay until update {@code total}. */
    public Builder warmupCosine(int warmup, int total, double minRatio) {
      schedule = Schedule.WARMUP_COSINE;
      warmupSteps = warmup;
      totalSteps = total;
      minLearningRateRatio = minRatio;
      return this;
    }

    public Builder constantLearningRate() {
      return warmupConstant(0);
    }

    /**
     * Warm-up over {@code warmup} updates (0 for none), then the constant rate. Adam's first
     * updates move every weight by about the learning rate whatever its gradient's size, so with
     * small noisy batches a warm-up keeps them from being large steps in a random direction.
     */
    public Builder warmupConstant(int warmup) {
      schedule = Schedule.CONSTANT;
      warmupSteps = warmup;
      totalSteps = 0;
      return this;
    }

    public Builder betas(double first, double second) {
      beta1 = first;
      beta2 = second;
      return this;
    }

    public Builder adamEpsilon(double value) {
      adamEpsilon = value;
      return this;
    }

    public Builder weightDecay(double value) {
      weightDecay = value;
      return this;
    }

    /** The ratio clip {@code [1 - low, 1 + high]}. */
    public Builder clip(double low, double high) {
      epsLow = low;
      epsHigh = high;
      return this;
    }

    public Builder klCoef(double value) {
      klCoef = value;
      return this;
    }

    public Builder maxGradNorm(double value) {
      maxGradNorm = value;
      return this;
    }

    public Builder temperature(double value) {
      temperature = value;
      return this;
    }

    public Builder credit(Credit value) {
      credit = value;
      return this;
    }

    public Builder seed(long value) {
      seed = value;
      return this;
    }

    public TrainerConfig build() {
      return new TrainerConfig(
          mode,
          learningRate,
          schedule,
          warmupSteps,
          totalSteps,
          minLearningRateRatio,
          beta1,
          beta2,
          adamEpsilon,
          weightDecay,
          epsLow,
          epsHigh,
          klCoef,
          maxGradNorm,
          temperature,
          credit,
          seed);
    }
  }
}
