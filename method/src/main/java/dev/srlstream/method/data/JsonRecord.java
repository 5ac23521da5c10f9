package dev.srlstream.method.data;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * One JSON object read from line {@code line} of {@code file}, with typed accessors whose errors
 * say where and what: {@code x.jsonl line 17: field 'steps' must be ..., but was 3}.
 */
record JsonRecord(String file, int line, ObjectNode node) {

  /** An error about a field of this record. */
  MalformedDataException error(String field, String expectation, JsonNode actual) {
    return new MalformedDataException(
        file,
        line,
        field,
        "field '" + field + "' must be " + expectation + ", but was " + describe(actual));
  }

  /** An error about this record that is not about one field's type. */
  MalformedDataException error(String field, String detail) {
    return new MalformedDataException(file, line, field, detail);
  }

  JsonNode get(String field) {
    return node.get(field);
  }

  boolean isAbsent(String field) {
    JsonNode value = node.get(field);
    return value == null || value.isNull();
  }

  /** A string field that must be present and not blank. */
  String requiredText(String field) throws MalformedDataException {
    JsonNode value = node.get(field);
    if (value == null || !value.isTextual() || value.asText().isBlank()) {
      throw error(field, "a non-blank string", value);
    }
    return value.asText();
  }

  /** A string field that may be absent or null; blank counts as absent. */
  String optionalText(String field) throws MalformedDataException {
    JsonNode value = node.get(field);
    if (value == null || value.isNull()) {
      return null;
    }
    if (!value.isTextual()) {
      throw error(field, "a string or null", value);
    }
    return value.asText().isBlank() ? null : value.asText();
  }

  /** An id: a non-blank string or an integer (many data sets number their problems). */
  String requiredId(String field) throws MalformedDataException {
    JsonNode value = node.get(field);
    if (value != null && value.isIntegralNumber()) {
      return value.asText();
    }
    if (value == null || !value.isTextual() || value.asText().isBlank()) {
      throw error(field, "a non-blank string or an integer", value);
    }
    return value.asText();
  }

  /** An answer: a string or a number (kept as written), absent or null for none. */
  String optionalAnswer(String field) throws MalformedDataException {
    JsonNode value = node.get(field);
    if (value == null || value.isNull()) {
      return null;
    }
    if (value.isNumber()) {
      return value.isBigDecimal() ? value.decimalValue().toPlainString() : value.asText();
    }
    if (!value.isTextual()) {
      throw error(field, "a string, a number or null", value);
    }
    return value.asText().isBlank() ? null : value.asText();
  }

  /** A short description of a JSON value for messages: {@code 3}, {@code "abc"}, an object. */
  static String describe(JsonNode value) {
    if (value == null || value.isMissingNode()) {
      return "missing";
    }
    if (value.isNull()) {
      return "null";
    }
    if (value.isTextual()) {
      return value.asText().isBlank()
          ? "a blank string " + Texts.quote(value.asText())
          : Texts.quote(value.asText());
    }
    if (value.isArray()) {
      return value.isEmpty() ? "an empty array" : "an array of " + value.size() + " elements";
    }
    if (value.isObject()) {
      return "an object";
    }
    return value.toString(); // numbers and booleans as written
  }
}
