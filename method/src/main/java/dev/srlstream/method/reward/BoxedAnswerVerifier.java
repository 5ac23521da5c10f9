package dev.srlstream.method.reward;

import dev.srlstream.method.format.ResponseFormat;
import java.math.BigDecimal;
import java.util.Objects;
import java.util.Optional;

/**
 * A simple verifier for final answers of math problems.
 *
 * <p>The answer stated by a solution is, in this order of preference:
 *
 * <ol>
 *   <li>the content of its last {@code \boxed{...}} whose braces balance;
 *   <li>else the first non-blank line after the last {@code =} or {@code answer:} (any case),
 *       whichever comes later;
 *   <li>else its last non-blank line.
 * </ol>
 *
 * For a whole solution written step after step (one action per line, as the actors write RLVR
 * rollouts of the arithmetic data), rule 2 reads the result of the last operation: {@code "3 + 4 =
 * 7 → 7 × 2\n7 × 2 = 14"} states {@code 14}, and {@code "… = -2"} or {@code "… = −2"} states {@code
 * -2}. A solution that stopped before its last operation ({@code "3 + 4 = 7 → 7 × 2"}) states
 * {@code "7 → 7 × 2"}, which matches no number. The marker is the last one of the whole text, not
 * of the last line: a last line {@code "14"} after {@code "3 + 4 = 7 → 7 × 2"} states {@code "7 → 7
 * × 2"} too.
 *
 * <p>The answer and the reference (unwrapped first if it is itself boxed) are normalised by
 * removing all whitespace, enclosing {@code $} signs and a final full stop, and by reading the
 * minus sign {@code −} (U+2212) as {@code -}. They match if the normalised texts are equal, or if
 * both are decimal numbers of equal value ({@code 32.0} and {@code 32}, {@code 0.50} and {@code
 * .5}, {@code 1e3} and {@code 1000}). No algebraic equivalence is attempted ({@code 1/2} does not
 * match {@code 0.5}).
 */
public final class BoxedAnswerVerifier implements AnswerVerifier {

  /** The verifier's name in reward configurations. */
  public static final String NAME = "boxed";

  private static final String ANSWER = "answer:";

  @Override
  public boolean isCorrect(String solution, String referenceAnswer) {
    Objects.requireNonNull(referenceAnswer, "referenceAnswer");
    Optional<String> answer = extractAnswer(solution);
    if (answer.isEmpty()) {
      return false;
    }
    String reference = ResponseFormat.lastBoxed(referenceAnswer).orElse(referenceAnswer);
    return equivalent(normalise(answer.get()), normalise(reference));
  }

  /** The answer a solution states, per the rules above; empty if the solution is blank. */
  public static Optional<String> extractAnswer(String solution) {
    Objects.requireNonNull(solution, "solution");
    Optional<String> boxed = ResponseFormat.lastBoxed(solution);
    if (boxed.isPresent()) {
      return boxed;
    }
    int marker = Math.max(lastIndexOfIgnoreCase(solution, ANSWER), solution.lastIndexOf('='));
    if (marker >= 0) {
      int markerLength = solution.startsWith("=", marker) ? 1 : ANSWER.length();
      String line = firstLine(solution.substring(marker + markerLength).strip());
      if (!line.isEmpty()) {
        return Optional.of(line);
      }
    }
    String[] lines = solution.strip().split("\n");
    String last = lines[lines.length - 1].strip();
    return last.isEmpty() ? Optional.empty() : Optional.of(last);
  }

  static String normalise(String answer) {
    StringBuilder compact = new StringBuilder(answer.length());
    answer.codePoints().filter(cp -> !Character.isWhitespace(cp)).forEach(compact::appendCodePoint);
    String s = compact.toString().replace('\u2212', '-');
    String before;
    do {
      before = s;
      if (s.endsWith(".")) {
        s = s.substring(0, s.length() - 1);
      }
      if (s.length() >= 2 && s.startsWith("$") && s.endsWith("$")) {
        s = s.substring(1, s.length() - 1);
      }
    } while (!s.equals(before));
    return s;
  }

  private static boolean equivalent(String answer, String reference) {
    if (answer.equals(reference)) {
      return true;
    }
    Optional<BigDecimal> a = decimal(answer);
    Optional<BigDecimal> b = decimal(reference);
    return a.isPresent() && b.isPresent() && a.get().compareTo(b.get()) == 0;
  }

  private static Optional<BigDecimal> decimal(String s) {
    if (s.isEmpty() || !(Character.isDigit(s.charAt(s.length() - 1)))) {
      return Optional.empty();
    }
    try {
      return Optional.of(new BigDecimal(s));
    } catch (NumberFormatException | ArithmeticException e) {
      return Optional.empty();
    }
  }

  private static String firstLine(String text) {
    int end = text.indexOf('\n');
    return (end < 0 ? text : text.substring(0, end)).strip();
  }

  private static int lastIndexOfIgnoreCase(String text, String needle) {
    for (int i = text.length() - needle.length(); i >= 0; i--) {
      if (text.regionMatches(true, i, needle, 0, needle.length())) {
        return i;
      }
    }
    return -1;
  }
}
