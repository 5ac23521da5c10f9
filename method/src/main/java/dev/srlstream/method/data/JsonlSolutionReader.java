package dev.srlstream.method.data;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads our normalised JSONL format, one solution per line (what {@link JsonlWriter} writes):
 *
 * <pre>{@code
 * {"id": "p1", "question": "...", "steps": ["action 1", "action 2"], "answer": "42"}
 * {"id": 7, "question": "...", "steps": ["a", "b"], "titles": ["first title", null]}
 * {"id": "p3", "question": "...", "steps": [{"title": "t", "action": "a"}, {"action": "b"}]}
 * }</pre>
 *
 * <ul>
 *   <li>{@code id}: a non-blank string or an integer, unique in the file;
 *   <li>{@code question}: a non-blank string;
 *   <li>{@code steps}: a non-empty array whose elements are either non-blank strings (the actions)
 *       or objects {@code {"title", "action", "observation"}} with a non-blank {@code action} and
 *       an optional string {@code title} and {@code observation};
 *   <li>{@code titles} (optional, only with string steps): one string or null per step;
 *   <li>{@code answer} (optional): a string or a number, kept as written;
 *   <li>{@code source} (optional): the data set; defaults to the file name.
 * </ul>
 *
 * Other fields are ignored. This is our own format, so the reader is strict: the first problem
 * stops the read with a {@link MalformedDataException} naming file, line and field; nothing is
 * skipped.
 */
public final class JsonlSolutionReader implements SolutionReader {

  private static final String STEPS_EXPECTED =
      "a non-empty array of strings or of {\"title\", \"action\"} objects";

  @Override
  public ReadResult read(InputStream in, String file, String defaultSource) throws IOException {
    List<ExpertSolution> solutions = new ArrayList<>();
    Map<String, Integer> lineOfId = new HashMap<>();
    JsonLines.forEach(
        in,
        file,
        record -> {
          ExpertSolution solution = parse(record, defaultSource);
          Integer earlier = lineOfId.putIfAbsent(solution.id(), record.line());
          if (earlier != null) {
            throw record.error(
                "id",
                "field 'id' must be unique in the file, but "
                    + Texts.quote(solution.id())
                    + " was already used on line "
                    + earlier);
          }
          solutions.add(solution);
        });
    return new ReadResult(solutions, List.of());
  }

  private static ExpertSolution parse(JsonRecord record, String defaultSource)
      throws MalformedDataException {
    String id = record.requiredId("id");
    String question = record.requiredText("question");
    List<Step> steps = steps(record);
    String answer = record.optionalAnswer("answer");
    String source = record.optionalText("source");
    return new ExpertSolution(id, question, steps, answer, source == null ? defaultSource : source);
  }

  private static List<Step> steps(JsonRecord record) throws MalformedDataException {
    JsonNode steps = record.get("steps");
    if (steps == null || !steps.isArray() || steps.isEmpty()) {
      throw record.error("steps", STEPS_EXPECTED, steps);
    }
    List<String> titles = titles(record, steps);
    List<Step> result = new ArrayList<>();
    for (int i = 0; i < steps.size(); i++) {
      JsonNode element = steps.get(i);
      String field = "steps[" + i + "]";
      if (element.isTextual() && !element.asText().isBlank()) {
        result.add(new Step(titles == null ? null : titles.get(i), element.asText()));
      } else if (element.isObject()) {
        result.add(stepObject(record, field, element));
      } else {
        throw record.error(
            field, "a non-blank string or an object with a non-blank 'action'", element);
      }
    }
    return result;
  }

  private static Step stepObject(JsonRecord record, String field, JsonNode element)
      throws MalformedDataException {
    JsonNode action = element.get("action");
    if (action == null || !action.isTextual() || action.asText().isBlank()) {
      throw record.error(field + ".action", "a non-blank string", action);
    }
    return new Step(
        optionalString(record, field + ".title", element.get("title")),
        action.asText(),
        optionalString(record, field + ".observation", element.get("observation")));
  }

  /** The optional {@code titles} array, or null when absent. */
  private static List<String> titles(JsonRecord record, JsonNode steps)
      throws MalformedDataException {
    if (record.isAbsent("titles")) {
      return null;
    }
    JsonNode titles = record.get("titles");
    if (!titles.isArray()) {
      throw record.error("titles", "an array with one string or null per step", titles);
    }
    for (JsonNode step : steps) {
      if (step.isObject()) {
        throw record.error(
            "titles",
            "field 'titles' can only be used with string steps; with step objects put each title"
                + " in its step's 'title'");
      }
    }
    if (titles.size() != steps.size()) {
      throw record.error(
          "titles",
          "field 'titles' must have one entry per step ("
              + steps.size()
              + "), but had "
              + titles.size());
    }
    List<String> result = new ArrayList<>();
    for (int i = 0; i < titles.size(); i++) {
      result.add(optionalString(record, "titles[" + i + "]", titles.get(i)));
    }
    return result;
  }

  private static String optionalString(JsonRecord record, String field, JsonNode value)
      throws MalformedDataException {
    if (value == null || value.isNull()) {
      return null;
    }
    if (!value.isTextual()) {
      throw record.error(field, "a string or null", value);
    }
    return value.asText();
  }
}
