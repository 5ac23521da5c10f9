package dev.srlstream.infra.registry;

import org.apache.avro.Schema;

/** Small Avro schemas for the registry tests, built from JSON so each one reads at a glance. */
final class TestSchemas {
  private TestSchemas() {}

  static Schema record(String name, String... fields) {
    return new Schema.Parser().parse(recordJson(name, fields));
  }

  static String recordJson(String name, String... fields) {
    return "{\"type\":\"record\",\"name\":\""
        + name
        + "\",\"namespace\":\"test\",\"fields\":["
        + String.join(",", fields)
        + "]}";
  }

  static String field(String name, String type) {
    return "{\"name\":\"" + name + "\",\"type\":\"" + type + "\"}";
  }

  static String field(String name, String type, String defaultJson) {
    return "{\"name\":\"" + name + "\",\"type\":\"" + type + "\",\"default\":" + defaultJson + "}";
  }

  /** Task v1: an id. */
  static final Schema TASK_V1 = record("Task", field("id", "string"));

  /** v1 plus a field with a default: BACKWARD, FORWARD and FULL compatible with v1. */
  static final Schema TASK_V2_WITH_DEFAULT =
      record("Task", field("id", "string"), field("rank", "int", "0"));

  /** v1 plus a field without a default: FORWARD compatible only. */
  static final Schema TASK_ADDS_SCORE_NO_DEFAULT =
      record("Task", field("id", "string"), field("score", "double"));

  /** v1 without its only field: BACKWARD compatible only (the old reader needs "id"). */
  static final Schema TASK_EMPTY = record("Task");
}
