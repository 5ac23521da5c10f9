package dev.srlstream.method.data;

import dev.srlstream.method.format.ResponseFormat;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.Objects;

/**
 * Reads s1K-style records (JSONL, one object per line, as exported from s1K / s1K-1.1): a {@code
 * question} and one or more solution texts ({@code deepseek_attempt}, {@code attempt}, {@code
 * gemini_attempt}, {@code solution}, ...). The solution text is the first of {@link
 * Config#solutionFields()} that holds a non-blank string, split into steps by {@link StepText}
 * (numbered steps {@code 1. **Title** action}, else blank-line-separated paragraphs).
 *
 * <p>Two kinds of problems, two treatments. A record that is not in the format (not JSON, not an
 * object, a field of the wrong JSON type) stops the read with a {@link MalformedDataException}
 * naming file, line and field: the file or the settings are wrong. A well-formed record whose
 * content cannot become a solution (no question, no solution text, no steps, an empty step, a
 * repeated id) is skipped and counted in {@link ReadResult#skipped()} with its reason, as the paper
 * drops the items whose solution fails the parse.
 *
 * <p>The problem id is the record's {@link Config#idField()} when it has one, else {@code
 * <idPrefix>-<12 hex digits of the SHA-256 of the question>} (s1K records have no id): derived from
 * the content, never from the position in the file. The answer is the content of the last {@code
 * \boxed{}} of the solution text, or null.
 */
public final class S1kReader implements SolutionReader {

  /**
   * The fields to read.
   *
   * @param questionField the field with the question
   * @param solutionFields the fields that may hold the solution text, in order of preference
   * @param idField the field with the problem id, when records have one
   * @param idPrefix the prefix of ids derived from the question
   * @param source the source of every solution, or null for the file name
   */
  public record Config(
      String questionField,
      List<String> solutionFields,
      String idField,
      String idPrefix,
      String source) {

    /** DeepSeek-R1's attempt first (the paper's expert), then the other known fields. */
    public static final List<String> DEFAULT_SOLUTION_FIELDS =
        List.of("deepseek_attempt", "attempt", "gemini_attempt", "solution");

    public Config {
      Texts.requireNonBlank(questionField, "questionField");
      if (solutionFields == null || solutionFields.isEmpty()) {
        throw new IllegalArgumentException(
            "solutionFields must be a non-empty list of field names, but was " + solutionFields);
      }
      solutionFields = List.copyOf(solutionFields);
      for (String field : solutionFields) {
        Texts.requireNonBlank(field, "every solution field");
      }
      Texts.requireNonBlank(idField, "idField");
      Texts.requireNonBlank(idPrefix, "idPrefix");
      if (source != null && source.isBlank()) {
        throw new IllegalArgumentException("source must be null or non-blank, but was blank");
      }
    }

    public static Config defaults() {
      return new Config("question", DEFAULT_SOLUTION_FIELDS, "id", "s1k", null);
    }

    public Config withSolutionFields(List<String> fields) {
      return new Config(questionField, fields, idField, idPrefix, source);
    }

    public Config withSource(String newSource) {
      return new Config(questionField, solutionFields, idField, idPrefix, newSource);
    }
  }

  private final Config config;

  public S1kReader(Config config) {
    this.config = Objects.requireNonNull(config, "config");
  }

  public S1kReader() {
    this(Config.defaults());
  }

  @Override
  public ReadResult read(InputStream in, String file, String defaultSource) throws IOException {
    String source = config.source() == null ? defaultSource : config.source();
    ReadCollector read = new ReadCollector();
    JsonLines.forEach(
        in,
        file,
        record -> {
          String id =
              record.isAbsent(config.idField()) ? null : record.requiredId(config.idField());
          String question = record.optionalText(config.questionField());
          String text = solutionText(record);
          if (question == null) {
            String detail = "field '" + config.questionField() + "' is missing or blank";
            read.skip(record, id, SkipReason.NO_QUESTION, detail);
            return;
          }
          if (id == null) {
            id = config.idPrefix() + "-" + Hashes.hexHash(question, 12);
          }
          if (text == null) {
            String detail = "none of the fields " + config.solutionFields() + " holds text";
            read.skip(record, id, SkipReason.NO_SOLUTION_TEXT, detail);
            return;
          }
          StepText.Outcome outcome = StepText.parse(text);
          if (outcome instanceof StepText.Failed failed) {
            read.skip(record, id, failed.reason(), failed.detail());
            return;
          }
          List<Step> steps = ((StepText.Parsed) outcome).steps();
          read.keep(
              record,
              new ExpertSolution(
                  id,
                  question,
                  steps,
                  ResponseFormat.lastBoxed(text).map(String::strip).orElse(null),
                  source));
        });
    return read.result();
  }

  /**
   * The text of the first configured solution field that has some; a field of another type is an
   * error.
   */
  private String solutionText(JsonRecord record) throws MalformedDataException {
    for (String field : config.solutionFields()) {
      String text = record.optionalText(field);
      if (text != null) {
        return text;
      }
    }
    return null;
  }
}
