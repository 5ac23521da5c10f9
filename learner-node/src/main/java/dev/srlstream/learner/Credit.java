package dev.srlstream.learner;

import dev.srlstream.policy.Tokenizer;
import dev.srlstream.schemas.avro.ActionAlignment;
import java.util.Arrays;
import java.util.List;

/**
 * How a rollout's advantage is spread over its response tokens.
 *
 * <p>The paper's GRPO ({@link #SEQUENCE}) gives every token of a rollout its whole advantage. With
 * SRL's step reward on a short action that is a poor signal for the few tokens that decide it: in
 * {@code 56 ÷ 2 = 27 → 27 × 3} against the expert's {@code 56 ÷ 2 = 28 → 28 × 3} two digits are
 * wrong and the reward is 0.9, so in a group whose other samples picked the wrong operation (about
 * 0.7) the wrong digits are pushed up, and in a group of better samples the right operation is
 * pushed down. Measured on the demo's data, structure improved while the share of right results
 * given the right operation fell from 75% to 50% (README, "What the demo shows").
 *
 * <p>{@link #ALIGNED} uses the alignment the reward was computed from (the matching blocks of the
 * action against the expert step): within the action, a token the expert shares is only ever pushed
 * up and a token it does not share only ever pushed down. A rollout with a positive advantage
 * credits its shared action tokens and not its others; one with a negative advantage blames its
 * unshared action tokens and not the shared ones. Tokens outside the action (the monologue, the
 * format's tags, the stop token) get the whole advantage, as in the paper: nothing to compare them
 * with exists. The reward, the advantages and the group filter are unchanged.
 */
public enum Credit {
  /** The paper's: every response token gets its rollout's advantage. */
  SEQUENCE,
  /** Action tokens by the reward's alignment, every other token as {@link #SEQUENCE}. */
  ALIGNED;

  /**
   * The share of its rollout's advantage each response token gets, or {@code null} for all of it.
   * {@link #SEQUENCE} is always {@code null}, and so is {@link #ALIGNED} without an alignment
   * (another reward, a malformed response), with an advantage of 0, or when the tokens' bytes do
   * not add up to the aligned text (a response whose bytes were not valid UTF-8 decodes to more
   * bytes than it has): credit is then never given to the wrong token.
   *
   * @param responseTokens the rollout's response tokens, in order
   * @param alignment the reward's alignment, or {@code null}
   * @param advantage the rollout's advantage
   * @param tokenizer the tokenizer the response tokens belong to
   */
  float[] shares(
      int[] responseTokens, ActionAlignment alignment, double advantage, Tokenizer tokenizer) {
    if (this == SEQUENCE || alignment == null || advantage == 0) {
      return null;
    }
    int[] start = new int[responseTokens.length + 1];
    for (int t = 0; t < responseTokens.length; t++) {
      start[t + 1] = start[t] + tokenizer.utf8Length(responseTokens[t]);
    }
    if (start[responseTokens.length] != alignment.getTextBytes()) {
      return null;
    }
    List<Integer> matched = alignment.getMatched();
    float[] shares = new float[responseTokens.length];
    Arrays.fill(shares, 1f);
    for (int t = 0; t < responseTokens.length; t++) {
      int from = start[t];
      int to = start[t + 1];
      if (from == to || from < alignment.getActionStart() || to > alignment.getActionEnd()) {
        continue; // no text, or not (wholly) in the action
      }
      boolean shared = within(matched, from, to);
      if ((advantage > 0) != shared) {
        shares[t] = 0f;
      }
    }
    return shares;
  }

  /** Whether {@code [from, to)} lies inside one of the flattened {@code [start, end)} ranges. */
  private static boolean within(List<Integer> ranges, int from, int to) {
    for (int i = 0; i < ranges.size(); i += 2) {
      if (ranges.get(i) <= from && to <= ranges.get(i + 1)) {
        return true;
      }
    }
    return false;
  }
}
