package dev.srlstream.method.data;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/**
 * Streams a JSONL file of text pairs, one JSON object per line with two string fields (for example
 * {@code {"a": "...", "b": "..."}} or {@code {"response": "...", "expert": "..."}}), without
 * holding more than one line in memory.
 *
 * <p>Both fields must be strings; an empty string is a string. Other fields are ignored, blank
 * lines are skipped. The first line that is not a JSON object, or lacks a field, or has one that is
 * not a string, stops the read with a {@link MalformedDataException} naming file, line and field:
 * {@code pairs.jsonl line 7: field 'b' must be a string, but was 3}. A file without any pair is an
 * error too.
 */
public final class TextPairs {

  /** Receives the pairs in file order. */
  public interface PairHandler {
    /**
     * @param line the 1-based line of the pair in the file
     */
    void accept(int line, String first, String second) throws IOException;
  }

  private TextPairs() {}

  /**
   * Calls the handler once per pair, in file order.
   *
   * @param file the name of the input in messages
   * @param firstField the name of the first string field
   * @param secondField the name of the second string field
   * @throws MalformedDataException at the first bad line (the pairs before it were handled)
   * @throws IOException when the input cannot be read or the handler fails
   */
  public static void forEach(
      InputStream in, String file, String firstField, String secondField, PairHandler handler)
      throws IOException {
    try {
      JsonLines.forEach(
          in,
          file,
          record -> {
            String first = string(record, firstField);
            String second = string(record, secondField);
            try {
              handler.accept(record.line(), first, second);
            } catch (MalformedDataException e) {
              throw e;
            } catch (IOException e) {
              // JsonLines' handler may only throw MalformedDataException; carry the rest out.
              throw new UncheckedIOException(e);
            }
          });
    } catch (UncheckedIOException e) {
      throw e.getCause();
    }
  }

  private static String string(JsonRecord record, String field) throws MalformedDataException {
    JsonNode value = record.get(field);
    if (value == null || !value.isTextual()) {
      throw record.error(field, "a string", value);
    }
    return value.asText();
  }
}
