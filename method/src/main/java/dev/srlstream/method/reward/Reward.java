package dev.srlstream.method.reward;

/**
 * The reward of one response, with what is needed to explain it (the fields of the Avro {@code
 * StepReward} that depend on the response alone).
 *
 * @param reward the training reward: a similarity in [0, 1], an outcome 1 or 0, or {@link
 *     #MALFORMED} for a malformed response
 * @param similarity the difflib ratio when one was computed, else {@code null}
 * @param formatOk whether the response follows the output format
 * @param reason why the response is malformed; {@code null} when it is well formed
 * @param alignment for a step similarity, which characters of the action the expert step shares;
 *     {@code null} for every other reward
 */
public record Reward(
    double reward, Double similarity, boolean formatOk, String reason, ActionAlignment alignment) {

  /** The reward of a malformed response. */
  public static final double MALFORMED = -1.0;

  public Reward {
    if (formatOk && (reason != null || !(reward >= 0.0 && reward <= 1.0))) {
      throw new IllegalArgumentException(
          "a well-formed response has a reward in [0, 1] and no reason, but was " + reward);
    }
    if (!formatOk && (reason == null || reward != MALFORMED || similarity != null)) {
      throw new IllegalArgumentException(
          "a malformed response has reward -1, a reason and no similarity");
    }
    if (alignment != null && similarity == null) {
      throw new IllegalArgumentException("only a similarity reward has an alignment");
    }
  }

  /** A reward without an alignment. */
  public Reward(double reward, Double similarity, boolean formatOk, String reason) {
    this(reward, similarity, formatOk, reason, null);
  }

  /** The reward of a malformed response. */
  public static Reward malformed(String reason) {
    return new Reward(MALFORMED, null, false, reason);
  }

  /** A similarity used as the reward. */
  public static Reward ofSimilarity(double similarity) {
    return new Reward(similarity, similarity, true, null);
  }

  /** A step similarity used as the reward, with the alignment it was computed from. */
  public static Reward ofSimilarity(double similarity, ActionAlignment alignment) {
    return new Reward(similarity, similarity, true, null, alignment);
  }

  /** An outcome reward: 1 if correct, else 0. */
  public static Reward ofOutcome(boolean correct) {
    return new Reward(correct ? 1.0 : 0.0, null, true, null);
  }
}
