package dev.srlstream.infra.registry;

import dev.srlstream.schemas.registry.CompatibilityLevel;
import java.util.Objects;

/**
 * One durable fact of the registry, as a {@link SchemaStore} keeps it. The registry's whole state
 * is the result of applying every entry in order, so a restarted registry serves the same ids.
 */
public sealed interface StoreEntry {

  /**
   * A schema registered under a subject as a version, with its global id. {@code schema} is the
   * schema's full JSON ({@code Schema.toString()}), defaults and docs included. {@code deleted}
   * marks a soft-deleted version (Confluent's format has it; this registry never writes it).
   */
  record SchemaVersion(String subject, int version, int id, String schema, boolean deleted)
      implements StoreEntry {
    public SchemaVersion {
      Objects.requireNonNull(subject, "subject");
      Objects.requireNonNull(schema, "schema");
      if (version < 1) {
        throw new IllegalArgumentException("version must be >= 1, but was " + version);
      }
      if (id < 1) {
        throw new IllegalArgumentException("id must be >= 1, but was " + id);
      }
    }
  }

  /**
   * A compatibility level: of a subject, or the global one when {@code subject} is null. A null
   * {@code level} removes the setting (the subject falls back to the global level, the global level
   * to the registry's configured default).
   */
  record Compatibility(String subject, CompatibilityLevel level) implements StoreEntry {}
}
