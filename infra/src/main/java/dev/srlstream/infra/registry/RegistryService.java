package dev.srlstream.infra.registry;

import dev.srlstream.infra.registry.RegistryState.Version;
import dev.srlstream.schemas.registry.CompatibilityLevel;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.avro.Schema;

/**
 * The registry's operations with Confluent's semantics and errors, free of HTTP: the HTTP layer
 * only turns JSON into calls and results (or {@link RegistryError}s) into JSON.
 *
 * <p>Reads never block. Writes ({@link #register}, {@link #setLevel}, {@link #deleteSubjectLevel})
 * block on the store and run one at a time, so a global id is never handed out twice; callers run
 * them on a worker thread, never on an event loop.
 */
final class RegistryService {

  /** A version number, or this for the latest version. */
  static final int LATEST = -1;

  /** The verdict of a compatibility check, with the incompatibilities found. */
  record Verdict(boolean compatible, List<String> messages) {}

  private final SchemaStore store;
  private final RegistryState state;
  private final Object writeLock = new Object();
  // Parsed schemas of registered ids: a schema's JSON never changes under its id.
  private final Map<Integer, Schema> parsedById = new ConcurrentHashMap<>();

  /** Replays the store (blocking) and serves what it held. */
  RegistryService(SchemaStore store, CompatibilityLevel defaultLevel) {
    this.store = Objects.requireNonNull(store, "store");
    this.state = new RegistryState(defaultLevel);
    store.replay().forEach(state::apply);
  }

  // ---- writes: blocking, serialized ----

  /**
   * Registers a schema under a subject, or finds it there, and returns its global id. A schema
   * already registered under another subject keeps its id.
   */
  int register(String subject, String schemaJson) {
    Schema schema = parse(schemaJson);
    String json = schema.toString();
    synchronized (writeLock) {
      List<Version> versions = state.versions(subject);
      for (Version v : versions) {
        if (v.schema().equals(json)) {
          return v.id();
        }
      }
      CompatibilityLevel level = state.effectiveLevel(subject);
      List<String> problems =
          CompatibilityChecker.incompatibilities(schema, earlier(versions), level);
      if (!problems.isEmpty()) {
        throw RegistryError.incompatible(subject, problems);
      }
      int id = state.idOf(json).orElseGet(state::nextId);
      append(
          new StoreEntry.SchemaVersion(subject, state.nextVersion(subject), id, json, false), id);
      return id;
    }
  }

  /** Sets the global level ({@code subject} null) or a subject's level; returns it. */
  CompatibilityLevel setLevel(String subject, CompatibilityLevel level) {
    Objects.requireNonNull(level, "level");
    synchronized (writeLock) {
      append(new StoreEntry.Compatibility(subject, level), 0);
      return level;
    }
  }

  /** Removes a subject's own level and returns it; the subject then follows the global level. */
  CompatibilityLevel deleteSubjectLevel(String subject) {
    synchronized (writeLock) {
      CompatibilityLevel previous =
          state
              .subjectLevel(subject)
              .orElseThrow(() -> RegistryError.subjectLevelNotConfigured(subject));
      append(new StoreEntry.Compatibility(subject, null), 0);
      return previous;
    }
  }

  // ---- reads: never block ----

  /** The schema JSON with a global id. */
  String schemaById(int id) {
    return state.schemaById(id).orElseThrow(() -> RegistryError.schemaNotFound(id));
  }

  /** The (subject, version) pairs that hold a global id. */
  List<Version> versionsWithId(int id) {
    schemaById(id);
    return state.versionsWithId(id);
  }

  List<String> subjects() {
    return state.subjects();
  }

  /** The version numbers of a subject, ascending. */
  List<Integer> versionNumbers(String subject) {
    return liveVersions(subject).stream().map(Version::version).toList();
  }

  /** A version of a subject: a number, {@code latest} or {@code -1}. */
  Version version(String subject, String versionSpec) {
    int wanted = parseVersion(versionSpec);
    return find(subject, liveVersions(subject), wanted, versionSpec);
  }

  /** The version of a subject that holds a schema. */
  Version lookup(String subject, String schemaJson) {
    String json = parse(schemaJson).toString();
    return liveVersions(subject).stream()
        .filter(v -> v.schema().equals(json))
        .findFirst()
        .orElseThrow(RegistryError::schemaNotFound);
  }

  /**
   * Whether a schema could follow a version of a subject under the subject's level. Against {@code
   * latest}, the same check as a registration (all versions for transitive levels); against a
   * numbered version, that version only.
   */
  Verdict checkCompatibility(String subject, String versionSpec, String schemaJson) {
    int wanted = parseVersion(versionSpec);
    Schema schema = parse(schemaJson);
    List<Version> versions = liveVersions(subject);
    List<Version> against =
        wanted == LATEST ? versions : List.of(find(subject, versions, wanted, versionSpec));
    List<String> problems =
        CompatibilityChecker.incompatibilities(
            schema, earlier(against), state.effectiveLevel(subject));
    return new Verdict(problems.isEmpty(), problems);
  }

  CompatibilityLevel globalLevel() {
    return state.globalLevel();
  }

  /** A subject's own level; with {@code defaultToGlobal}, the global level when it has none. */
  CompatibilityLevel subjectLevel(String subject, boolean defaultToGlobal) {
    Optional<CompatibilityLevel> own = state.subjectLevel(subject);
    if (own.isPresent()) {
      return own.get();
    }
    if (defaultToGlobal) {
      return state.globalLevel();
    }
    throw RegistryError.subjectLevelNotConfigured(subject);
  }

  // ---- helpers ----

  /**
   * Stores then applies an entry. When the store fails, the outcome is unknown (the entry may be in
   * the log and come back at the next start), so its id is never handed out to another schema.
   */
  private void append(StoreEntry entry, int id) {
    try {
      store.append(entry);
    } catch (RuntimeException e) {
      if (id > 0) {
        state.reserveId(id);
      }
      throw RegistryError.storeFailed(
          "Error while storing the registry entry in the backing store: " + e.getMessage(), e);
    }
    state.apply(entry);
  }

  private List<Version> liveVersions(String subject) {
    List<Version> versions = state.versions(subject);
    if (versions.isEmpty()) {
      throw RegistryError.subjectNotFound(subject);
    }
    return versions;
  }

  private static Version find(String subject, List<Version> versions, int wanted, String spec) {
    if (wanted == LATEST) {
      return versions.get(versions.size() - 1);
    }
    return versions.stream()
        .filter(v -> v.version() == wanted)
        .findFirst()
        .orElseThrow(() -> RegistryError.versionNotFound(spec));
  }

  private List<CompatibilityChecker.Earlier> earlier(List<Version> versions) {
    List<CompatibilityChecker.Earlier> earlier = new ArrayList<>(versions.size());
    for (Version v : versions) {
      Schema schema =
          parsedById.computeIfAbsent(v.id(), id -> new Schema.Parser().parse(v.schema()));
      earlier.add(new CompatibilityChecker.Earlier(v.version(), schema));
    }
    return earlier;
  }

  /** Parses {@code latest}, {@code -1} or a version number in [1, 2^31-1]. */
  static int parseVersion(String spec) {
    if ("latest".equals(spec) || "-1".equals(spec)) {
      return LATEST;
    }
    try {
      int version = Integer.parseInt(spec);
      if (version >= 1) {
        return version;
      }
    } catch (NumberFormatException e) {
      // falls through to the error below
    }
    throw RegistryError.invalidVersion(spec);
  }

  /** Parses an Avro schema; any parser complaint is the client's error (42201), never a 500. */
  static Schema parse(String schemaJson) {
    try {
      return new Schema.Parser().parse(schemaJson);
    } catch (RuntimeException e) {
      throw RegistryError.invalidSchema("Invalid schema: " + e.getMessage());
    }
  }
}
