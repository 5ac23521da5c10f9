package dev.srlstream.method.reward;

import dev.srlstream.method.format.ParsedResponse;
import dev.srlstream.method.format.ResponseFormat;
import dev.srlstream.method.format.ResponseParser;
import java.util.List;
import java.util.Objects;

/**
 * The SRL step reward: the response is parsed as one step ({@link ResponseParser#parseStep}); a
 * malformed response scores {@link Reward#MALFORMED}, otherwise the reward is {@code
 * SequenceMatcher(None, action, expertStep, autojunk).ratio()}. The monologue is never scored. The
 * expert step is compared as given; the action is stripped by the parser. A well-formed response's
 * reward carries the {@link ActionAlignment} the ratio was computed from, for the learner's aligned
 * credit assignment.
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
    int[] action = SequenceSimilarity.codePoints(parsed.action());
    int[] expert = SequenceSimilarity.codePoints(expertStep);
    List<SequenceSimilarity.MatchingBlock> blocks =
        SequenceSimilarity.matchingBlocks(action, expert, autojunk);
    // ratio() = 2 M / T with M the matched elements, which the blocks sum to: one matcher run
    // gives both the reward and its alignment (SequenceSimilarityTest checks them against each
    // other and against CPython).
    int matches = blocks.stream().mapToInt(SequenceSimilarity.MatchingBlock::size).sum();
    int total = action.length + expert.length;
    double ratio = total == 0 ? 1.0 : 2.0 * matches / total;
    return Reward.ofSimilarity(
        ratio,
        ActionAlignment.of(response, actionOffset(response, parsed.action()), action, blocks));
  }

  /**
   * Where the parsed action starts in {@code response}: its first occurrence after the think block.
   * Only whitespace and an opening {@code <solution>} tag can precede it there, and the action
   * neither starts with whitespace nor contains that tag, so the first occurrence is the action.
   */
  private static int actionOffset(String response, String action) {
    int afterThink =
        response.indexOf(ResponseFormat.THINK_CLOSE) + ResponseFormat.THINK_CLOSE.length();
    return response.indexOf(action, afterThink);
  }

  @Override
  public String config() {
    return "step-similarity;autojunk=" + autojunk;
  }
}
