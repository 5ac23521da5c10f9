package dev.srlstream.method.format;

import static dev.srlstream.method.format.ResponseFormat.SOLUTION_CLOSE;
import static dev.srlstream.method.format.ResponseFormat.SOLUTION_OPEN;
import static dev.srlstream.method.format.ResponseFormat.THINK_CLOSE;
import static dev.srlstream.method.format.ResponseFormat.THINK_OPEN;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Splits a policy response ({@link ResponseFormat}) into its inner monologue and its action: the
 * one reading of a response, for rewards, later steps' prompts and evaluation alike.
 *
 * <h2>One step ({@link #parseStep}), used by SRL</h2>
 *
 * A well-formed response is, after stripping leading and trailing whitespace:
 *
 * <pre>{@code <think>MONOLOGUE</think>ACTION}</pre>
 *
 * <ol>
 *   <li>It starts with {@code <think>}: otherwise {@value #MISSING_THINK} when there is no {@code
 *       <think>} at all, or {@value #TEXT_BEFORE_THINK}.
 *   <li>The first {@code </think>} closes it: otherwise {@value #MISSING_THINK_CLOSE}.
 *   <li>There is exactly one think block: another {@code <think>} anywhere (nested in the monologue
 *       or after it) is {@value #EXTRA_THINK}; another {@code </think>} is {@value
 *       #STRAY_THINK_CLOSE}. The paper's policies may interleave thinking and acting over a whole
 *       solution, but a step is one action, so one leading think block is the format here.
 *   <li>The monologue may be anything else, empty included; it is never scored.
 *   <li>The rest, stripped, is the action. It may be wrapped as {@code
 *       <solution>ACTION</solution>}, and the tags are removed: it must then start with {@code
 *       <solution>} ({@value #TEXT_BEFORE_SOLUTION}), the tag must be closed ({@value
 *       #UNCLOSED_SOLUTION}), nothing may follow {@code </solution>} ({@value
 *       #TEXT_AFTER_SOLUTION}, or {@value #EXTRA_SOLUTION} when another {@code <solution>} follows
 *       or nests), and a {@code </solution>} needs its {@code <solution>} ({@value
 *       #STRAY_SOLUTION_CLOSE}).
 *   <li>The action is stripped of leading and trailing whitespace ({@link String#strip()}) and must
 *       not be empty: {@value #EMPTY_ACTION}.
 * </ol>
 *
 * <h2>A whole solution ({@link #parseWhole}), used by the holistic and outcome rewards</h2>
 *
 * The response may hold any number of think blocks, interleaved with the solution text, or none.
 * Think blocks must not nest ({@value #EXTRA_THINK}), each must be closed ({@value
 * #MISSING_THINK_CLOSE}) and a {@code </think>} needs its {@code <think>} ({@value
 * #STRAY_THINK_CLOSE}). The think blocks are removed, {@code <solution>} and {@code </solution>}
 * tags are dropped wherever they are, and the remaining pieces are stripped and joined with a
 * newline (as steps are); the result must not be empty ({@value #EMPTY_ACTION}).
 *
 * <p>Tags are matched exactly (lower case, no attributes or spaces). Both methods are pure.
 */
public final class ResponseParser {

  public static final String MISSING_THINK = "missing <think>";
  public static final String TEXT_BEFORE_THINK = "text before <think>";
  public static final String MISSING_THINK_CLOSE = "missing </think>";
  public static final String EXTRA_THINK = "more than one <think>";
  public static final String STRAY_THINK_CLOSE = "</think> without <think>";
  public static final String TEXT_BEFORE_SOLUTION = "text before <solution>";
  public static final String UNCLOSED_SOLUTION = "unclosed <solution>";
  public static final String TEXT_AFTER_SOLUTION = "text after </solution>";
  public static final String EXTRA_SOLUTION = "more than one <solution>";
  public static final String STRAY_SOLUTION_CLOSE = "</solution> without <solution>";
  public static final String EMPTY_ACTION = "empty action";

  private ResponseParser() {}

  /** Parses a one-step response: one leading think block, then one action. */
  public static ParsedResponse parseStep(String response) {
    String text = Objects.requireNonNull(response, "response").strip();
    int open = text.indexOf(THINK_OPEN);
    if (open < 0) {
      return ParsedResponse.malformed(MISSING_THINK);
    }
    if (open > 0) {
      return ParsedResponse.malformed(TEXT_BEFORE_THINK);
    }
    int close = text.indexOf(THINK_CLOSE, THINK_OPEN.length());
    if (close < 0) {
      return ParsedResponse.malformed(MISSING_THINK_CLOSE);
    }
    String monologue = text.substring(THINK_OPEN.length(), close);
    String rest = text.substring(close + THINK_CLOSE.length());
    if (monologue.contains(THINK_OPEN) || rest.contains(THINK_OPEN)) {
      return ParsedResponse.malformed(EXTRA_THINK);
    }
    if (rest.contains(THINK_CLOSE)) {
      return ParsedResponse.malformed(STRAY_THINK_CLOSE);
    }
    return parseAction(monologue.strip(), rest.strip());
  }

  private static ParsedResponse parseAction(String monologue, String rest) {
    String action;
    if (!rest.contains(SOLUTION_OPEN)) {
      if (rest.contains(SOLUTION_CLOSE)) {
        return ParsedResponse.malformed(STRAY_SOLUTION_CLOSE);
      }
      action = rest;
    } else {
      if (!rest.startsWith(SOLUTION_OPEN)) {
        return ParsedResponse.malformed(TEXT_BEFORE_SOLUTION);
      }
      int close = rest.indexOf(SOLUTION_CLOSE);
      if (close < 0) {
        return ParsedResponse.malformed(UNCLOSED_SOLUTION);
      }
      action = rest.substring(SOLUTION_OPEN.length(), close);
      String after = rest.substring(close + SOLUTION_CLOSE.length());
      if (action.contains(SOLUTION_OPEN) || after.contains(SOLUTION_OPEN)) {
        return ParsedResponse.malformed(EXTRA_SOLUTION);
      }
      if (!after.isEmpty()) {
        return ParsedResponse.malformed(TEXT_AFTER_SOLUTION);
      }
    }
    action = action.strip();
    if (action.isEmpty()) {
      return ParsedResponse.malformed(EMPTY_ACTION);
    }
    return ParsedResponse.ok(monologue, action);
  }

  /**
   * Parses a whole-solution response: think blocks anywhere (or none) are removed and the rest is
   * the solution. The monologue is the think blocks' texts, stripped and joined with a newline.
   */
  public static ParsedResponse parseWhole(String response) {
    String text = Objects.requireNonNull(response, "response");
    List<String> thoughts = new ArrayList<>();
    List<String> pieces = new ArrayList<>();
    int from = 0;
    while (true) {
      int open = text.indexOf(THINK_OPEN, from);
      int close = text.indexOf(THINK_CLOSE, from);
      if (close >= 0 && (open < 0 || close < open)) {
        return ParsedResponse.malformed(STRAY_THINK_CLOSE);
      }
      if (open < 0) {
        pieces.add(text.substring(from));
        break;
      }
      if (close < 0) {
        return ParsedResponse.malformed(MISSING_THINK_CLOSE);
      }
      pieces.add(text.substring(from, open));
      String thought = text.substring(open + THINK_OPEN.length(), close);
      if (thought.contains(THINK_OPEN)) {
        return ParsedResponse.malformed(EXTRA_THINK);
      }
      thoughts.add(thought.strip());
      from = close + THINK_CLOSE.length();
    }
    List<String> kept = new ArrayList<>();
    for (String piece : pieces) {
      String stripped = piece.replace(SOLUTION_OPEN, "").replace(SOLUTION_CLOSE, "").strip();
      if (!stripped.isEmpty()) {
        kept.add(stripped);
      }
    }
    if (kept.isEmpty()) {
      return ParsedResponse.malformed(EMPTY_ACTION);
    }
    return ParsedResponse.ok(String.join("\n", thoughts).strip(), String.join("\n", kept));
  }
}
