package dev.srlstream.method.reward;

import dev.srlstream.method.format.ParsedResponse;
import dev.srlstream.method.format.ResponseParser;
import java.util.Objects;

/**
 * The paper's one-step (holistic) ablation: the similarity of the whole response, think blocks
 * removed ({@link ResponseParser#parseWhole}), to the whole expert solution, as {@code
 * SequenceMatcher(None, solution, expertSolution, autojunk).ratio()}. A malformed response scores
 * {@link Reward#MALFORMED}. The expert solution is compared as given; callers join its steps with a
 * newline, as the parser joins the pieces of the response.
 */
public final class WholeSolutionSimilarityReward implements RewardFunction {

  private final boolean autojunk;

  /**
   * @param autojunk difflib's autojunk heuristic. No constructor defaults it: the scorer's default
   *     is {@code ScorerConfig.DEFAULT_AUTOJUNK} ({@code false}), CPython's is {@code true}.
   */
  public WholeSolutionSimilarityReward(boolean autojunk) {
    this.autojunk = autojunk;
  }

  @Override
  public Reward score(String response, String expertSolution) {
    Objects.requireNonNull(expertSolution, "expertSolution");
    ParsedResponse parsed = ResponseParser.parseWhole(response);
    if (!parsed.formatOk()) {
      return Reward.malformed(parsed.reason());
    }
    return Reward.ofSimilarity(SequenceSimilarity.ratio(parsed.action(), expertSolution, autojunk));
  }

  @Override
  public String config() {
    return "whole-solution-similarity;autojunk=" + autojunk;
  }
}
