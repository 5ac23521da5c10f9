package dev.srlstream.scorer.reward;

import java.util.Objects;

/**
 * The SRL step reward: the response is parsed as one step ({@link ResponseParser#parseStep}); a
 * malformed response scores {@link Reward#MALFORMED}, otherwise the reward is {@code
 * SequenceMatcher(None, action, expertStep, autojunk).ratio()}. The monologue is never scored. The
 * expert step is compared as given; the action is stripped by the parser.
 */
public final class StepSimilarityReward implements RewardFunction {

  private final boolean autojunk;

  /**
   * @param autojunk difflib's autojunk heuristic. No constructor defaults it: the scorer's default
   *     is {@code ScorerConfig.DEFAULT_AUTOJUNK} ({@code false}), CPython's is {@code true}.
   */
  public StepSimilarityReward(boolean autojunk) {
    this.autojunk = autojunk;
  }

  @Override
  public Reward score(String response, String expertStep) {
    Objects.requireNonNull(expertStep, "expertStep");
    ParsedResponse parsed = ResponseParser.parseStep(response);
    if (!parsed.formatOk()) {
      return Reward.malformed(parsed.reason());
    }
    return Reward.ofSimilarity(SequenceSimilarity.ratio(parsed.action(), expertStep, autojunk));
  }

  @Override
  public String config() {
    return "step-similarity;autojunk=" + autojunk;
  }
}
