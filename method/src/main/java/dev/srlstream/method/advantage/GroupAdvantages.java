package dev.srlstream.method.advantage;

/**
 * GRPO advantages of one group: {@code A_i = (r_i - mean) / (std + 1e-6)} with the population
 * standard deviation, the same for every token of rollout i. Dynamic sampling keeps a group only if
 * that standard deviation exceeds epsilon: a group whose rollouts all scored alike teaches nothing.
 *
 * @param mean the mean reward
 * @param std the population standard deviation of the rewards
 * @param advantages one per reward, in order
 */
public record GroupAdvantages(double mean, double std, double[] advantages) {

  /** Keeps the division finite when every reward is equal. */
  public static final double STD_EPSILON = 1e-6;

  /** Computes the advantages of a group's rewards (at least one). */
  public static GroupAdvantages of(double[] rewards) {
    if (rewards.length == 0) {
      throw new IllegalArgumentException("a group must have at least one reward, but had none");
    }
    // Summing deviations from the first reward makes a group of equal rewards have a mean of
    // exactly that reward and a std of exactly 0 (a plain sum / n can be off by one ulp, and
    // that residue would pass a dynamic-sampling epsilon of 0).
    double shift = rewards[0];
    double deviations = 0;
    for (double r : rewards) {
      deviations += r - shift;
    }
    double mean = shift + deviations / rewards.length;
    double squares = 0;
    for (double r : rewards) {
      squares += (r - mean) * (r - mean);
    }
    double std = Math.sqrt(squares / rewards.length);
    double[] advantages = new double[rewards.length];
    for (int i = 0; i < rewards.length; i++) {
      advantages[i] = (rewards[i] - mean) / (std + STD_EPSILON);
    }
    return new GroupAdvantages(mean, std, advantages);
  }

  /** Dynamic sampling: whether the group carries a learning signal. */
  public boolean keep(double epsilon) {
    return std > epsilon;
  }
}
