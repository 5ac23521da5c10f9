package dev.srlstream.topology.report;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.srlstream.method.data.MalformedDataException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads the JSON files of a run (summary.json, metrics.jsonl, compare.json), with the file and line
 * in every error, and reads their fields leniently: a missing, null or non-numeric field is NaN.
 */
final class ReportJson {

  /** NaN and Infinity are accepted: a mean over nothing is NaN, and a report should still show. */
  static final ObjectMapper MAPPER =
      JsonMapper.builder()
          .enable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS)
          .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
          .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
          .build();

  /** The lines of a JSONL file, and whether a torn last line was left out. */
  record Lines(List<ObjectNode> records, boolean tornLastLine) {}

  private ReportJson() {}

  /**
   * The JSON object in {@code file}.
   *
   * @throws MalformedDataException naming the file and line when it is not valid JSON or no object
   */
  static ObjectNode readObject(Path file) throws IOException {
    return parseObject(readUtf8(file), file.toString(), 0);
  }

  /**
   * The objects of a JSONL file, one per non-blank line; none when the file does not exist. A last
   * line without its newline that does not parse is left out and reported in {@link
   * Lines#tornLastLine()}: a run that was killed may stop in the middle of a line.
   *
   * @throws MalformedDataException naming the file and line for any other bad line
   */
  static Lines readLines(Path file) throws IOException {
    if (!Files.exists(file)) {
      return new Lines(List.of(), false);
    }
    String text = readUtf8(file);
    String[] lines = text.split("\n", -1);
    List<ObjectNode> records = new ArrayList<>();
    boolean torn = false;
    for (int i = 0; i < lines.length; i++) {
      String line = lines[i].strip();
      if (line.isEmpty()) {
        continue;
      }
      // The last element is a line only when the file does not end with a newline.
      boolean last = i == lines.length - 1;
      try {
        records.add(parseObject(line, file.toString(), i + 1));
      } catch (MalformedDataException e) {
        if (!last) {
          throw e;
        }
        torn = true;
      }
    }
    return new Lines(records, torn);
  }

  private static String readUtf8(Path file) throws IOException {
    try {
      String text = Files.readString(file, StandardCharsets.UTF_8);
      return text.startsWith("\uFEFF") ? text.substring(1) : text; // a byte-order mark
    } catch (CharacterCodingException e) {
      throw new MalformedDataException(file.toString(), 0, null, "the text is not UTF-8");
    }
  }

  /**
   * Parses one JSON object.
   *
   * @param line the line {@code text} starts on in the file, or 0 when it is the whole file
   */
  private static ObjectNode parseObject(String text, String file, int line)
      throws MalformedDataException {
    JsonNode node;
    try {
      node = MAPPER.readTree(text);
    } catch (JsonProcessingException e) {
      int at = line;
      String column = "";
      if (e.getLocation() != null) {
        at = line > 0 ? line : Math.max(1, e.getLocation().getLineNr());
        column = " (column " + e.getLocation().getColumnNr() + ")";
      }
      throw new MalformedDataException(
          file, at, null, "not valid JSON: " + e.getOriginalMessage() + column);
    }
    if (!(node instanceof ObjectNode object)) {
      String kind = node == null || node.isMissingNode() ? "empty" : node.getNodeType().toString();
      throw new MalformedDataException(
          file, Math.max(line, 1), null, "must hold a JSON object, but was " + kind);
    }
    return object;
  }

  /** The number at {@code field} of {@code node}, or NaN when it is missing, null or no number. */
  static double number(JsonNode node, String field) {
    JsonNode value = node == null ? null : node.get(field);
    return value != null && value.isNumber() ? value.doubleValue() : Double.NaN;
  }

  /** The object at {@code field}, or null when it is missing or no object. */
  static JsonNode object(JsonNode node, String field) {
    JsonNode value = node == null ? null : node.get(field);
    return value != null && value.isObject() ? value : null;
  }

  /** The elements of the array at {@code field}, or none when it is missing or no array. */
  static List<JsonNode> array(JsonNode node, String field) {
    JsonNode value = node == null ? null : node.get(field);
    List<JsonNode> elements = new ArrayList<>();
    if (value != null && value.isArray()) {
      value.forEach(elements::add);
    }
    return elements;
  }

  /** The text at {@code field}, or null when it is missing or null; other values as JSON text. */
  static String text(JsonNode node, String field) {
    JsonNode value = node == null ? null : node.get(field);
    if (value == null || value.isNull() || value.isMissingNode()) {
      return null;
    }
    return value.isTextual() ? value.asText() : value.toString();
  }

  /** {@code node} as indented JSON text. */
  static String pretty(JsonNode node) {
    try {
      return MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(node);
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }
}
