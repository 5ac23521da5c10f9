package dev.srlstream.scorer;

import dev.srlstream.schemas.avro.TrainingMode;

/**
 * Which similarity reward scores the rollouts of the similarity modes (SRL and HOLISTIC). RLVR
 * rollouts always get the outcome reward.
 */
public enum SimilarityReward {
  /** Each rollout by its own mode: SRL the step similarity, HOLISTIC the whole solution's. */
  BY_MODE,
  /** Every similarity rollout by the step similarity (the action against the expert step). */
  STEP,
  /** Every similarity rollout by the whole-solution similarity (the paper's one-step ablation). */
  HOLISTIC;

  /** The mode whose reward scores a rollout of {@code mode}. */
  public TrainingMode rewardModeFor(TrainingMode mode) {
    if (this == BY_MODE || mode == TrainingMode.RLVR || mode == TrainingMode.SFT) {
      return mode;
    }
    return this == STEP ? TrainingMode.SRL : TrainingMode.HOLISTIC;
  }
}
