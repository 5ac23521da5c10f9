package dev.srlstream.method.data;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Splits a solution text into steps, in the paper's rewritten format first:
 *
 * <pre>
 * 1. **Title** action, which may continue
 *    on the following lines until the next numbered step
 * 2. action of a step without a title
 * </pre>
 *
 * A step starts at a line that begins (no indent) with {@code N. } where N is the next number
 * expected (1, 2, 3, ...); any other line, such as an indented sub-list inside a step or a number
 * out of sequence, continues the current step. A {@code **Title**} at the start of a step is its
 * title (a trailing colon or full stop is dropped, in or after the bold); the rest is the action.
 * Text before step 1 is a preamble and is not a step.
 *
 * <p>When no line starts with {@code 1. }, the fallback splits the text into blank-line-separated
 * paragraphs, one step each without a title; a single paragraph is not a step-wise solution and
 * fails.
 */
final class StepText {

  private static final Pattern STEP_START =
      Pattern.compile("^(\\d{1,3})\\.(?:\\s+|$|(?=\\*\\*))(.*)$");
  private static final Pattern TITLE = Pattern.compile("^\\*\\*(.+?)\\*\\*\\s*[:.]?\\s*(.*)$");
  private static final Pattern PARAGRAPH_BREAK = Pattern.compile("\\n[ \\t]*\\n");

  /** The outcome of a parse: steps, or why there are none. */
  sealed interface Outcome permits Parsed, Failed {}

  /** The steps, and whether they came from numbered steps or from the paragraph fallback. */
  record Parsed(List<Step> steps, boolean numbered) implements Outcome {}

  /** Why the text has no steps. */
  record Failed(SkipReason reason, String detail) implements Outcome {}

  private StepText() {}

  static Outcome parse(String text) {
    String normalised = text.replace("\r\n", "\n").replace('\r', '\n');
    List<List<String>> numbered = numberedBlocks(normalised);
    if (numbered.isEmpty()) {
      return paragraphs(normalised);
    }
    List<Step> steps = new ArrayList<>();
    for (int i = 0; i < numbered.size(); i++) {
      List<String> lines = numbered.get(i);
      String title = null;
      Matcher titled = TITLE.matcher(lines.get(0));
      if (titled.matches()) {
        title = titled.group(1).strip().replaceAll("[:.]$", "").strip();
        lines.set(0, titled.group(2));
      }
      String action = String.join("\n", lines).strip();
      if (action.isEmpty()) {
        return new Failed(
            SkipReason.EMPTY_STEP,
            "step "
                + (i + 1)
                + (title == null
                    ? " is empty"
                    : " has the title " + Texts.quote(title) + " but no action"));
      }
      steps.add(new Step(title == null || title.isBlank() ? null : title, action));
    }
    return new Parsed(steps, true);
  }

  /** The lines of each numbered step, the first line without its number; empty if no step 1. */
  private static List<List<String>> numberedBlocks(String text) {
    List<List<String>> blocks = new ArrayList<>();
    List<String> current = null;
    for (String line : text.split("\n", -1)) {
      Matcher start = STEP_START.matcher(line);
      if (start.matches() && Integer.parseInt(start.group(1)) == blocks.size() + 1) {
        current = new ArrayList<>();
        current.add(start.group(2));
        blocks.add(current);
      } else if (current != null) {
        current.add(line);
      }
    }
    return blocks;
  }

  private static Outcome paragraphs(String text) {
    List<Step> steps = new ArrayList<>();
    for (String paragraph : PARAGRAPH_BREAK.split(text)) {
      if (!paragraph.isBlank()) {
        steps.add(Step.of(paragraph.strip()));
      }
    }
    if (steps.size() < 2) {
      return new Failed(
          SkipReason.NO_STEPS,
          "no numbered steps ('1. ...') and "
              + (steps.isEmpty() ? "no text" : "a single paragraph")
              + ", so no step-wise solution");
    }
    return new Parsed(steps, false);
  }
}
