package dev.srlstream.method.reward;

import dev.srlstream.method.format.ParsedResponse;
import dev.srlstream.method.format.ResponseParser;
import java.util.Objects;

/**
 * The RLVR outcome reward: 1 if the verifier accepts the solution, else 0. The response is parsed
 * as a whole solution ({@link ResponseParser#parseWhole}), so an answer inside a think block does
 * not count, and a malformed response scores {@link Reward#MALFORMED} as with the other rewards.
 * The {@code expert} argument of {@link #score} is the reference answer.
 */
public final class OutcomeReward implements RewardFunction {

  private final String verifierName;
  private final AnswerVerifier verifier;

  /** With the {@link BoxedAnswerVerifier}. */
  public OutcomeReward() {
    this(BoxedAnswerVerifier.NAME, new BoxedAnswerVerifier());
  }

  /**
   * @param verifierName names the verifier in {@link #config()}, so a replay can tell verifiers
   *     apart
   */
  public OutcomeReward(String verifierName, AnswerVerifier verifier) {
    this.verifierName = Objects.requireNonNull(verifierName, "verifierName");
    this.verifier = Objects.requireNonNull(verifier, "verifier");
    if (verifierName.isBlank() || verifierName.contains(";")) {
      throw new IllegalArgumentException(
          "verifierName must be non-blank without ';', but was '" + verifierName + "'");
    }
  }

  @Override
  public Reward score(String response, String referenceAnswer) {
    Objects.requireNonNull(referenceAnswer, "referenceAnswer");
    ParsedResponse parsed = ResponseParser.parseWhole(response);
    if (!parsed.formatOk()) {
      return Reward.malformed(parsed.reason());
    }
    return Reward.ofOutcome(verifier.isCorrect(parsed.action(), referenceAnswer));
  }

  @Override
  public String config() {
    return "outcome;verifier=" + verifierName;
  }
}
