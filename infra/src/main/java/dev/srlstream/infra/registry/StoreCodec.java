package dev.srlstream.infra.registry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.srlstream.schemas.registry.CompatibilityLevel;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * Store entries as records of the {@code _schemas} topic, in Confluent's format: JSON keys such as
 * {@code {"keytype":"SCHEMA","subject":"s","version":1,"magic":1}} and {@code
 * {"keytype":"CONFIG","subject":null,"magic":0}}, JSON values {@code
 * {"subject","version","id","schema","deleted"}} and {@code {"compatibilityLevel":"FULL"}}. A null
 * value on a CONFIG key removes that level. The key of an entry is always the same bytes, so
 * compaction keeps the latest record per (subject, version) and per config.
 */
final class StoreCodec {

  /** A topic record: key and value bytes (value null for a tombstone). */
  record Record(byte[] key, byte[] value) {}

  private static final ObjectMapper JSON = new ObjectMapper();

  private StoreCodec() {}

  static Record encode(StoreEntry entry) {
    if (entry instanceof StoreEntry.SchemaVersion v) {
      ObjectNode key = JSON.createObjectNode();
      key.put("keytype", "SCHEMA").put("subject", v.subject()).put("version", v.version());
      key.put("magic", 1);
      ObjectNode value = JSON.createObjectNode();
      value.put("subject", v.subject()).put("version", v.version()).put("id", v.id());
      value.put("schema", v.schema()).put("deleted", v.deleted());
      return new Record(bytes(key), bytes(value));
    }
    StoreEntry.Compatibility c = (StoreEntry.Compatibility) entry;
    ObjectNode key = JSON.createObjectNode().put("keytype", "CONFIG").put("subject", c.subject());
    key.put("magic", 0);
    if (c.level() == null) {
      return new Record(bytes(key), null);
    }
    return new Record(
        bytes(key), bytes(JSON.createObjectNode().put("compatibilityLevel", c.level().name())));
  }

  /**
   * The entry a record holds; empty for records this registry has no use for (other key types,
   * tombstones of schema keys).
   *
   * @throws IllegalArgumentException when the key or value is not what its key type promises
   */
  static Optional<StoreEntry> decode(byte[] keyBytes, byte[] valueBytes) {
    JsonNode key = read(keyBytes, "key");
    String keytype = key.path("keytype").asText("");
    if (keytype.equals("CONFIG")) {
      String subject = key.path("subject").isTextual() ? key.path("subject").asText() : null;
      if (valueBytes == null) {
        return Optional.of(new StoreEntry.Compatibility(subject, null));
      }
      JsonNode level = read(valueBytes, "value").path("compatibilityLevel");
      // Confluent's config records may carry other settings only; those are not ours to apply.
      return level.isTextual()
          ? Optional.of(
              new StoreEntry.Compatibility(subject, CompatibilityLevel.parse(level.asText())))
          : Optional.empty();
    }
    if (keytype.equals("SCHEMA") && valueBytes != null) {
      JsonNode value = read(valueBytes, "value");
      String schemaType = value.path("schemaType").asText("AVRO");
      if (!schemaType.equals("AVRO")) {
        return Optional.empty();
      }
      return Optional.of(
          new StoreEntry.SchemaVersion(
              required(value, "subject").asText(),
              required(value, "version").asInt(),
              required(value, "id").asInt(),
              required(value, "schema").asText(),
              value.path("deleted").asBoolean(false)));
    }
    return Optional.empty();
  }

  private static JsonNode required(JsonNode node, String field) {
    JsonNode value = node.get(field);
    if (value == null || value.isNull()) {
      throw new IllegalArgumentException("record value has no '" + field + "': " + node);
    }
    return value;
  }

  private static JsonNode read(byte[] bytes, String what) {
    try {
      JsonNode node = JSON.readTree(bytes);
      if (node == null || !node.isObject()) {
        throw new IllegalArgumentException("record " + what + " is not a JSON object");
      }
      return node;
    } catch (IOException e) {
      throw new IllegalArgumentException(
          "record " + what + " is not JSON: " + new String(bytes, StandardCharsets.UTF_8), e);
    }
  }

  private static byte[] bytes(JsonNode node) {
    return node.toString().getBytes(StandardCharsets.UTF_8);
  }
}
