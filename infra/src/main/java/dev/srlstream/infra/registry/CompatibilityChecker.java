package dev.srlstream.infra.registry;

import dev.srlstream.schemas.registry.CompatibilityLevel;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.SchemaCompatibility.Incompatibility;

/**
 * Confluent's compatibility rules on top of Avro's reader/writer check. BACKWARD: the new schema
 * reads data written with an earlier one. FORWARD: an earlier schema reads data written with the
 * new one. FULL: both. Non-transitive levels check the latest version only.
 */
final class CompatibilityChecker {

  /** An earlier version to check against. */
  record Earlier(int version, Schema schema) {}

  private CompatibilityChecker() {}

  /**
   * The incompatibilities of {@code candidate} with the earlier versions under {@code level}, one
   * message each in Confluent's style; empty when compatible.
   *
   * @param earlier the versions to check against, oldest first
   */
  static List<String> incompatibilities(
      Schema candidate, List<Earlier> earlier, CompatibilityLevel level) {
    List<String> messages = new ArrayList<>();
    if (earlier.isEmpty() || level == CompatibilityLevel.NONE) {
      return messages;
    }
    List<Earlier> checked = level.transitive() ? earlier : List.of(earlier.get(earlier.size() - 1));
    for (Earlier old : checked) {
      if (level.newReadsOld()) {
        describe(candidate, old.schema(), "The new schema", "version " + old.version(), messages);
      }
      if (level.oldReadsNew()) {
        describe(old.schema(), candidate, "Version " + old.version(), "the new schema", messages);
      }
    }
    if (!messages.isEmpty()) {
      messages.add("{compatibility: '" + level.name() + "'}");
    }
    return messages;
  }

  private static void describe(
      Schema reader, Schema writer, String readerName, String writerName, List<String> out) {
    List<Incompatibility> found =
        SchemaCompatibility.checkReaderWriterCompatibility(reader, writer)
            .getResult()
            .getIncompatibilities();
    for (Incompatibility i : found) {
      out.add(
          "{errorType:'"
              + i.getType()
              + "', description:'"
              + readerName
              + " cannot read data written with "
              + writerName
              + ": "
              + explain(i, readerName, writerName)
              + " (at "
              + i.getLocation()
              + ")', additionalInfo:'"
              + i.getMessage()
              + "'}");
    }
  }

  private static String explain(Incompatibility i, String readerName, String writerName) {
    String message = i.getMessage();
    switch (i.getType()) {
      case READER_FIELD_MISSING_DEFAULT_VALUE:
        return "field '"
            + message
            + "' of "
            + readerName.toLowerCase(Locale.ROOT)
            + " has no default value and "
            + writerName
            + " has no such field";
      case MISSING_ENUM_SYMBOLS:
        return "the enum of "
            + readerName.toLowerCase(Locale.ROOT)
            + " lacks the symbols "
            + message;
      case MISSING_UNION_BRANCH:
        return "the union of "
            + readerName.toLowerCase(Locale.ROOT)
            + " lacks a branch: "
            + message;
      case TYPE_MISMATCH:
        return "the types differ: " + message;
      case NAME_MISMATCH:
        return "the names differ: " + message;
      case FIXED_SIZE_MISMATCH:
        return "the fixed sizes differ: " + message;
      default:
        return i.getType() + ": " + message;
    }
  }
}
