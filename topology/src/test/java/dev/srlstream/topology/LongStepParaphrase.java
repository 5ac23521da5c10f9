package dev.srlstream.topology;

/**
 * A close paraphrase of a 226-character expert step, the case behind the reward's autojunk default
 * ({@code false}). The same pair as scorer-stream's golden vector of category {@code
 * long-step-paraphrase}; {@link SimilarityMatchesPythonTest} checks these values against python3.
 */
final class LongStepParaphrase {
  private LongStepParaphrase() {}

  /** The policy's action: 216 characters. */
  static final String ACTION =
      "To find x in 3x + 7 = 22, take 7 away from each side, which leaves 3x = 15; "
          + "then divide each side by 3, so x = 5. As a check, 3 times 5 is 15 and adding 7 "
          + "makes 22, equal to the right side, so the answer x = 5 holds.";

  /** The expert step: 226 characters, past autojunk's threshold of 200. */
  static final String EXPERT_STEP =
      "We need the value of x in 3x + 7 = 22. Subtracting 7 from both sides gives 3x = 15, "
          + "and dividing both sides by 3 gives x = 5. Checking: 3 times 5 is 15, plus 7 is 22, "
          + "which matches the right-hand side, so the answer is: x = 5.";

  /** {@code repr(SequenceMatcher(None, ACTION, EXPERT_STEP, autojunk=True).ratio())}. */
  static final String CPYTHON_AUTOJUNK = "0.14479638009049775";

  /** {@code repr(SequenceMatcher(None, ACTION, EXPERT_STEP, autojunk=False).ratio())}. */
  static final String CPYTHON_NO_AUTOJUNK = "0.665158371040724";
}
