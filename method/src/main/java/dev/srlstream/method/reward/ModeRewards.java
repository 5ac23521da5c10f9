package dev.srlstream.method.reward;

import dev.srlstream.schemas.avro.ExpertStep;
import dev.srlstream.schemas.avro.TrainingMode;

/**
 * The reward of each training mode, behind one call: SRL scores the action against the expert step;
 * HOLISTIC (the paper's one-step ablation) the whole response against the whole expert solution;
 * RLVR the outcome, 1 or 0, against the reference answer.
 */
public final class ModeRewards {
  private final RewardFunction stepSimilarity;
  private final RewardFunction wholeSolution;
  private final RewardFunction outcome;

  public ModeRewards(boolean autojunk) {
    this.stepSimilarity = new StepSimilarityReward(autojunk);
    this.wholeSolution = new WholeSolutionSimilarityReward(autojunk);
    this.outcome = new OutcomeReward();
  }

  public RewardFunction forMode(TrainingMode mode) {
    return switch (mode) {
      case SRL -> stepSimilarity;
      case HOLISTIC -> wholeSolution;
      case RLVR -> outcome;
      case SFT -> throw new IllegalArgumentException("mode SFT has no rollouts to reward");
    };
  }

  /** Scores a response against what its instance's mode compares it with. */
  public Reward score(TrainingMode mode, String response, ExpertStep expert) {
    String reference = mode == TrainingMode.RLVR ? expert.getFinalAnswer() : expert.getTargetStep();
    return forMode(mode).score(response, reference);
  }
}
