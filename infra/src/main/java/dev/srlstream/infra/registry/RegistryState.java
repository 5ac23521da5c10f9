package dev.srlstream.infra.registry;

import dev.srlstream.schemas.registry.CompatibilityLevel;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.TreeMap;

/**
 * The registry's state in memory: subjects and their versions, schemas by global id, compatibility
 * levels. It is the fold of the {@link StoreEntry store entries} applied in order, and does no I/O.
 *
 * <p>Thread-safe (every method is synchronized and short), so the single writer thread can apply
 * entries while the HTTP event loop reads.
 */
final class RegistryState {

  /** A version of a subject. */
  record Version(String subject, int version, int id, String schema) {}

  private final CompatibilityLevel defaultLevel;
  private CompatibilityLevel globalLevel;
  private final Map<String, CompatibilityLevel> subjectLevels = new HashMap<>();
  // Soft-deleted versions stay in here (hidden from reads) so their numbers are never reused.
  private final Map<String, TreeMap<Integer, StoreEntry.SchemaVersion>> subjects = new TreeMap<>();
  private final Map<Integer, String> schemasById = new HashMap<>();
  private final Map<String, Integer> idsBySchema = new HashMap<>();
  private int maxId;

  RegistryState(CompatibilityLevel defaultLevel) {
    this.defaultLevel = Objects.requireNonNull(defaultLevel, "defaultLevel");
  }

  /** Applies one entry. Applying the same entry twice changes nothing. */
  synchronized void apply(StoreEntry entry) {
    if (entry instanceof StoreEntry.SchemaVersion v) {
      subjects.computeIfAbsent(v.subject(), s -> new TreeMap<>()).put(v.version(), v);
      // The first schema seen with an id keeps it, and the first id seen for a schema is the one
      // handed out again: replaying the same log in the same order always gives the same answers.
      schemasById.putIfAbsent(v.id(), v.schema());
      idsBySchema.putIfAbsent(v.schema(), v.id());
      maxId = Math.max(maxId, v.id());
    } else if (entry instanceof StoreEntry.Compatibility c) {
      if (c.subject() == null) {
        globalLevel = c.level();
      } else if (c.level() == null) {
        subjectLevels.remove(c.subject());
      } else {
        subjectLevels.put(c.subject(), c.level());
      }
    } else {
      throw new IllegalArgumentException("unknown store entry " + entry);
    }
  }

  /** The id the next new schema gets: one more than any id seen or reserved. */
  synchronized int nextId() {
    return maxId + 1;
  }

  /**
   * Never hands out {@code id} (or any smaller id) again. Used when a write's outcome is unknown:
   * the entry may be in the store and would come back with that id at the next start.
   */
  synchronized void reserveId(int id) {
    maxId = Math.max(maxId, id);
  }

  /** The global id of a schema (its full JSON), if any subject registered it. */
  synchronized OptionalInt idOf(String schema) {
    Integer id = idsBySchema.get(schema);
    return id == null ? OptionalInt.empty() : OptionalInt.of(id);
  }

  /** The schema JSON with a global id. */
  synchronized Optional<String> schemaById(int id) {
    return Optional.ofNullable(schemasById.get(id));
  }

  /** Every live (subject, version) that holds the schema with a global id. */
  synchronized List<Version> versionsWithId(int id) {
    List<Version> found = new ArrayList<>();
    subjects.forEach(
        (subject, versions) ->
            versions.values().stream()
                .filter(v -> !v.deleted() && v.id() == id)
                .forEach(v -> found.add(toVersion(v))));
    return found;
  }

  /** Subjects with at least one live version, sorted. */
  synchronized List<String> subjects() {
    List<String> live = new ArrayList<>();
    subjects.forEach(
        (subject, versions) -> {
          if (versions.values().stream().anyMatch(v -> !v.deleted())) {
            live.add(subject);
          }
        });
    return live;
  }

  /** The live versions of a subject, oldest first; empty when the subject has none. */
  synchronized List<Version> versions(String subject) {
    List<Version> live = new ArrayList<>();
    TreeMap<Integer, StoreEntry.SchemaVersion> versions = subjects.get(subject);
    if (versions != null) {
      versions.values().stream().filter(v -> !v.deleted()).forEach(v -> live.add(toVersion(v)));
    }
    return live;
  }

  /** The version number a new schema in a subject gets. */
  synchronized int nextVersion(String subject) {
    TreeMap<Integer, StoreEntry.SchemaVersion> versions = subjects.get(subject);
    return versions == null || versions.isEmpty() ? 1 : versions.lastKey() + 1;
  }

  /** The global level: the stored one, else the registry's default. */
  synchronized CompatibilityLevel globalLevel() {
    return globalLevel != null ? globalLevel : defaultLevel;
  }

  /** A subject's own level, if it has one. */
  synchronized Optional<CompatibilityLevel> subjectLevel(String subject) {
    return Optional.ofNullable(subjectLevels.get(subject));
  }

  /** The level in force for a subject: its own, else the global one. */
  synchronized CompatibilityLevel effectiveLevel(String subject) {
    return subjectLevel(subject).orElseGet(this::globalLevel);
  }

  private static Version toVersion(StoreEntry.SchemaVersion v) {
    return new Version(v.subject(), v.version(), v.id(), v.schema());
  }
}
