package dev.srlstream.method.reward;

/**
 * A close paraphrase of a long expert step, the case behind the reward's autojunk default ({@code
 * false}): the expert step has 226 characters, past difflib's autojunk threshold of 200, and with
 * autojunk its popular characters (space, 'e', 's', ...) cannot seed a match. The pair is the
 * golden vector of category {@code long-step-paraphrase} (see {@code
 * golden/generate_similarity_golden.py}); {@link SequenceSimilarityGoldenTest} checks that these
 * constants are that vector's.
 */
public final class LongStepParaphrase {
  private LongStepParaphrase() {}

  /** The policy's action: 216 characters. */
  public static final String ACTION =
      "To find x in 3x + 7 = 22, take 7 away from each side, which leaves 3x = 15; "
          + "then divide each side by 3, so x = 5. As a check, 3 times 5 is 15 and adding 7 "
          + "makes 22, equal to the right side, so the answer x = 5 holds.";

  /** The expert step: 226 characters. */
  public static final String EXPERT_STEP =
      "We need the value of x in 3x + 7 = 22. Subtracting 7 from both sides gives 3x = 15, "
          + "and dividing both sides by 3 gives x = 5. Checking: 3 times 5 is 15, plus 7 is 22, "
          + "which matches the right-hand side, so the answer is: x = 5.";

  /**
   * CPython 3.11: {@code repr(SequenceMatcher(None, ACTION, EXPERT_STEP, autojunk=True).ratio())},
   * as the commands print it.
   */
  public static final String CPYTHON_AUTOJUNK_TEXT = "0.14479638009049775";

  /** The same with {@code autojunk=False}. */
  public static final String CPYTHON_NO_AUTOJUNK_TEXT = "0.665158371040724";

  /** {@link #CPYTHON_AUTOJUNK_TEXT} as a number. */
  public static final double CPYTHON_AUTOJUNK = Double.parseDouble(CPYTHON_AUTOJUNK_TEXT);

  /** {@link #CPYTHON_NO_AUTOJUNK_TEXT} as a number. */
  public static final double CPYTHON_NO_AUTOJUNK = Double.parseDouble(CPYTHON_NO_AUTOJUNK_TEXT);
}
