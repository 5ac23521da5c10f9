package dev.srlstream.method.reward;

/** Decides whether a solution reaches the reference answer. Must be pure and deterministic. */
@FunctionalInterface
public interface AnswerVerifier {

  /**
   * Whether {@code solution} (a response with its think blocks removed) states {@code
   * referenceAnswer}.
   */
  boolean isCorrect(String solution, String referenceAnswer);
}
