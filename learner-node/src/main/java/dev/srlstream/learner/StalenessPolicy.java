package dev.srlstream.learner;

/**
 * What the learner does with a group sampled by a policy more than {@code maxStaleness} versions
 * behind the one it is training: drop it, or train on it with a smaller weight. Either way it is
 * counted.
 */
public enum StalenessPolicy {
  /** Skip groups staler than the limit. */
  DROP,
  /** Train on them with weight {@code 1 / (1 + versions beyond the limit)}. */
  DOWNWEIGHT;

  /**
   * The weight of a group's loss, 0 to drop it.
   *
   * @param staleness how many versions the learner is ahead of the group's sampling policy
   * @param maxStaleness the largest staleness trained on at full weight
   */
  public double weight(long staleness, int maxStaleness) {
    if (staleness < 0) {
      throw new IllegalArgumentException(
          "staleness must be >= 0 (a group cannot come from a future policy), but was "
              + staleness);
    }
    if (staleness <= maxStaleness) {
      return 1.0;
    }
    return this == DROP ? 0.0 : 1.0 / (1 + (staleness - maxStaleness));
  }
}
