package dev.srlstream.schemas;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.SchemaCompatibility.SchemaCompatibilityType;
import org.apache.avro.specific.SpecificData;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Checks every record schema of the contract against its frozen snapshots in {@code
 * src/test/resources/schema-snapshots/<Record>.v<N>.avsc}.
 *
 * <p>The rules (README, "Schema evolution"): every change must be FULL_TRANSITIVE compatible, so
 * new readers read every recorded stream (replay) and old readers read new records (rolling
 * upgrades). In practice: add fields only with a default, remove only fields that have one, never
 * rename or retype a field, never add an enum symbol to an enum without a default. And a changed
 * schema gets a new snapshot, so the latest snapshot always equals the current schema.
 */
class SchemaEvolutionTest {

  static Stream<Class<?>> contractRecords() {
    return Topics.ALL.stream().map(TopicSpec::valueType);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("contractRecords")
  void currentSchemaEqualsTheLatestSnapshot(Class<?> type) throws IOException {
    Schema current = SpecificData.get().getSchema(type);
    List<Schema> snapshots = snapshots(type);
    assertThat(snapshots)
        .as(
            "no snapshot of %s: save this as src/test/resources/schema-snapshots/%s.v1.avsc%n%s",
            type.getSimpleName(), type.getSimpleName(), current.toString(true))
        .isNotEmpty();
    Schema latest = snapshots.get(snapshots.size() - 1);
    assertThat(current.toString(true))
        .as(
            "%s changed since its last snapshot (v%d): if the change follows the evolution rules,"
                + " save it as src/test/resources/schema-snapshots/%s.v%d.avsc",
            type.getSimpleName(), snapshots.size(), type.getSimpleName(), snapshots.size() + 1)
        .isEqualTo(latest.toString(true));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("contractRecords")
  void currentSchemaIsFullyCompatibleWithEverySnapshot(Class<?> type) throws IOException {
    Schema current = SpecificData.get().getSchema(type);
    List<Schema> snapshots = snapshots(type);
    assertThat(snapshots).isNotEmpty();
    for (int v = 0; v < snapshots.size(); v++) {
      Schema old = snapshots.get(v);
      assertThat(compatibility(current, old))
          .as("%s: the current schema must read data written with v%d", type.getSimpleName(), v + 1)
          .isEqualTo(SchemaCompatibilityType.COMPATIBLE);
      assertThat(compatibility(old, current))
          .as("%s: v%d must read data written with the current schema", type.getSimpleName(), v + 1)
          .isEqualTo(SchemaCompatibilityType.COMPATIBLE);
    }
  }

  private static SchemaCompatibilityType compatibility(Schema reader, Schema writer) {
    return SchemaCompatibility.checkReaderWriterCompatibility(reader, writer).getType();
  }

  /** Snapshots v1, v2, ... of a record, in order, until the first missing version. */
  static List<Schema> snapshots(Class<?> type) throws IOException {
    List<Schema> snapshots = new ArrayList<>();
    for (int v = 1; ; v++) {
      String path = "/schema-snapshots/" + type.getSimpleName() + ".v" + v + ".avsc";
      try (InputStream in = SchemaEvolutionTest.class.getResourceAsStream(path)) {
        if (in == null) {
          return snapshots;
        }
        snapshots.add(
            new Schema.Parser().parse(new String(in.readAllBytes(), StandardCharsets.UTF_8)));
      }
    }
  }
}
