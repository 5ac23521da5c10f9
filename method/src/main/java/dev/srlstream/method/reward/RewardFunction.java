package dev.srlstream.method.reward;

/**
 * Scores a policy response against a reference. Implementations are pure and deterministic: the
 * same response, reference and {@link #config()} always give the same {@link Reward}, so a replay
 * re-scores a recorded step exactly.
 */
public interface RewardFunction {

  /**
   * Scores {@code response} against {@code expert} (the expert step, the expert solution or the
   * reference answer, depending on the function). A malformed response scores {@link
   * Reward#MALFORMED}; it is never an exception.
   */
  Reward score(String response, String expert);

  /**
   * The function and its settings, recorded with every reward ({@code reward_config}), e.g. {@code
   * step-similarity;autojunk=false}.
   */
  String config();
}
