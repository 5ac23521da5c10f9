package dev.srlstream.infra.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.srlstream.schemas.registry.CompatibilityLevel;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class StoreCodecTest {

  private static String text(byte[] bytes) {
    return new String(bytes, StandardCharsets.UTF_8);
  }

  private static byte[] bytes(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void schemaEntriesUseConfluentsKeyAndValue() {
    StoreEntry entry = new StoreEntry.SchemaVersion("s-value", 2, 5, "\"string\"", false);
    StoreCodec.Record record = StoreCodec.encode(entry);
    assertThat(text(record.key()))
        .isEqualTo("{\"keytype\":\"SCHEMA\",\"subject\":\"s-value\",\"version\":2,\"magic\":1}");
    assertThat(text(record.value()))
        .isEqualTo(
            "{\"subject\":\"s-value\",\"version\":2,\"id\":5,\"schema\":\"\\\"string\\\"\","
                + "\"deleted\":false}");
    assertThat(StoreCodec.decode(record.key(), record.value())).contains(entry);
  }

  @Test
  void configEntriesUseConfluentsKeyAndValueAndTombstonesRemoveThem() {
    StoreCodec.Record global =
        StoreCodec.encode(new StoreEntry.Compatibility(null, CompatibilityLevel.FULL));
    assertThat(text(global.key()))
        .isEqualTo("{\"keytype\":\"CONFIG\",\"subject\":null,\"magic\":0}");
    assertThat(text(global.value())).isEqualTo("{\"compatibilityLevel\":\"FULL\"}");

    StoreCodec.Record removal = StoreCodec.encode(new StoreEntry.Compatibility("s", null));
    assertThat(text(removal.key()))
        .isEqualTo("{\"keytype\":\"CONFIG\",\"subject\":\"s\",\"magic\":0}");
    assertThat(removal.value()).isNull();
    assertThat(StoreCodec.decode(removal.key(), null))
        .contains(new StoreEntry.Compatibility("s", null));
    assertThat(StoreCodec.decode(global.key(), global.value()))
        .contains(new StoreEntry.Compatibility(null, CompatibilityLevel.FULL));
  }

  @Test
  void recordsWrittenByConfluentsRegistryDecode() {
    byte[] key =
        bytes("{\"magic\":1,\"keytype\":\"SCHEMA\",\"subject\":\"t-value\",\"version\":1}");
    byte[] value =
        bytes(
            "{\"subject\":\"t-value\",\"version\":1,\"id\":3,\"schema\":\"\\\"int\\\"\","
                + "\"deleted\":false,\"schemaType\":\"AVRO\"}");
    assertThat(StoreCodec.decode(key, value))
        .contains(new StoreEntry.SchemaVersion("t-value", 1, 3, "\"int\"", false));
  }

  @Test
  void otherKeyTypesNonAvroSchemasAndSchemaTombstonesAreSkipped() {
    assertThat(StoreCodec.decode(bytes("{\"keytype\":\"NOOP\",\"magic\":0}"), null)).isEmpty();
    assertThat(
            StoreCodec.decode(
                bytes("{\"keytype\":\"SCHEMA\",\"subject\":\"s\",\"version\":1,\"magic\":1}"),
                null))
        .isEmpty();
    assertThat(
            StoreCodec.decode(
                bytes("{\"keytype\":\"SCHEMA\",\"subject\":\"s\",\"version\":1,\"magic\":1}"),
                bytes(
                    "{\"subject\":\"s\",\"version\":1,\"id\":1,\"schema\":\"{}\","
                        + "\"schemaType\":\"JSON\"}")))
        .isEmpty();
    assertThat(
            StoreCodec.decode(
                bytes("{\"keytype\":\"CONFIG\",\"subject\":null,\"magic\":0}"),
                bytes("{\"normalize\":true}")))
        .isEmpty();
  }

  @Test
  void garbageIsRejectedWithAReason() {
    assertThatThrownBy(() -> StoreCodec.decode(bytes("not json"), bytes("{}")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("key is not JSON");
    assertThatThrownBy(
            () ->
                StoreCodec.decode(
                    bytes("{\"keytype\":\"SCHEMA\",\"subject\":\"s\",\"version\":1}"),
                    bytes("{\"subject\":\"s\",\"version\":1}")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'id'");
  }
}
