package dev.srlstream.learner;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.srlstream.policy.WeightsCodec;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.stream.Stream;

/**
 * Checkpoints on disk, one directory per version ({@code version-000000000042/}) holding {@code
 * weights.bin}, {@code optimizer.bin} and {@code checkpoint.json} (policy, version, groups trained,
 * offsets, and the SHA-256 of each file).
 *
 * <p>A checkpoint is written to a temporary directory and renamed into place, so a crash never
 * leaves a half-written one under a version name. The newest {@code keep} checkpoints are kept: the
 * learner writes version v+1 <em>before</em> committing its Kafka transaction, so after a crash
 * either v (commit lost) or v+1 (commit done) is the one to resume from, and both are on disk.
 */
public final class CheckpointStore {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String PREFIX = "version-";
  static final String WEIGHTS = "weights.bin";
  static final String OPTIMIZER = "optimizer.bin";
  static final String META = "checkpoint.json";

  private final Path directory;
  private final int keep;

  public CheckpointStore(Path directory, int keep) {
    if (keep < 2) {
      throw new IllegalArgumentException(
          "keep must be >= 2 (the committed version and the one being committed), but was " + keep);
    }
    this.directory = directory;
    this.keep = keep;
  }

  public Path directory() {
    return directory;
  }

  /** Writes a checkpoint atomically and removes the oldest beyond {@code keep}. */
  public Path write(Checkpoint checkpoint) {
    try {
      Files.createDirectories(directory);
      Path target = directory.resolve(name(checkpoint.version()));
      Path temp = directory.resolve(".tmp-" + UUID.randomUUID());
      Files.createDirectory(temp);
      Files.write(temp.resolve(WEIGHTS), checkpoint.weights());
      Files.write(temp.resolve(OPTIMIZER), checkpoint.optimizerState());
      ObjectNode meta = JSON.createObjectNode();
      meta.put("policy_name", checkpoint.policyName());
      meta.put("version", checkpoint.version());
      meta.put("groups_trained", checkpoint.groupsTrained());
      meta.put("freshest_sampled_version", checkpoint.freshestSampledVersion());
      ObjectNode offsets = meta.putObject("offsets");
      checkpoint.offsets().forEach(offsets::put);
      ObjectNode hashes = meta.putObject("sha256");
      hashes.put(WEIGHTS, WeightsCodec.sha256Hex(checkpoint.weights()));
      hashes.put(OPTIMIZER, WeightsCodec.sha256Hex(checkpoint.optimizerState()));
      Files.writeString(temp.resolve(META), meta.toPrettyString());
      if (Files.exists(target)) {
        deleteRecursively(target); // rewriting a version (a retried commit) replaces it whole
      }
      try {
        Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(temp, target);
      }
      prune();
      return target;
    } catch (IOException e) {
      throw new UncheckedIOException(
          "cannot write checkpoint " + checkpoint.version() + " under " + directory, e);
    }
  }

  /** The directory of a version's checkpoint. */
  public Path pathOf(long version) {
    return directory.resolve(name(version));
  }

  /** The versions on disk, oldest first. */
  public List<Long> versions() {
    if (!Files.isDirectory(directory)) {
      return List.of();
    }
    try (Stream<Path> entries = Files.list(directory)) {
      return entries
          .map(p -> p.getFileName().toString())
          .filter(n -> n.matches(PREFIX + "\\d{12}"))
          .map(n -> Long.parseLong(n.substring(PREFIX.length())))
          .sorted()
          .toList();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list checkpoints in " + directory, e);
    }
  }

  /** The newest checkpoint, if any. */
  public Optional<Checkpoint> latest() {
    List<Long> versions = versions();
    return versions.isEmpty()
        ? Optional.empty()
        : Optional.of(read(versions.get(versions.size() - 1)));
  }

  /**
   * Reads and verifies one checkpoint.
   *
   * @throws IllegalStateException naming the file that is missing, unreadable or corrupt
   */
  public Checkpoint read(long version) {
    Path dir = directory.resolve(name(version));
    JsonNode meta = readMeta(dir.resolve(META));
    byte[] weights = readVerified(dir.resolve(WEIGHTS), meta);
    byte[] optimizer = readVerified(dir.resolve(OPTIMIZER), meta);
    if (meta.path("version").asLong(-1) != version) {
      throw new IllegalStateException(
          dir.resolve(META) + " says version " + meta.path("version") + ", but it is in " + dir);
    }
    Map<String, Long> offsets = new LinkedHashMap<>();
    meta.path("offsets")
        .fields()
        .forEachRemaining(e -> offsets.put(e.getKey(), e.getValue().asLong()));
    return new Checkpoint(
        meta.path("policy_name").asText(),
        version,
        meta.path("groups_trained").asLong(),
        weights,
        optimizer,
        offsets,
        meta.path("freshest_sampled_version").asLong(-1));
  }

  private static JsonNode readMeta(Path file) {
    try {
      JsonNode meta = JSON.readTree(Files.readString(file));
      if (!meta.isObject() || !meta.path("version").canConvertToLong()) {
        throw new IllegalStateException("checkpoint metadata " + file + " is corrupt: no version");
      }
      return meta;
    } catch (NoSuchFileException e) {
      throw new IllegalStateException("checkpoint metadata " + file + " is missing", e);
    } catch (IOException e) {
      throw new IllegalStateException(
          "checkpoint metadata " + file + " is corrupt: " + e.getMessage(), e);
    }
  }

  private static byte[] readVerified(Path file, JsonNode meta) {
    byte[] bytes;
    try {
      bytes = Files.readAllBytes(file);
    } catch (NoSuchFileException e) {
      throw new IllegalStateException("checkpoint file " + file + " is missing", e);
    } catch (IOException e) {
      throw new IllegalStateException("cannot read checkpoint file " + file, e);
    }
    String expected = meta.path("sha256").path(file.getFileName().toString()).asText("");
    String actual = WeightsCodec.sha256Hex(bytes);
    if (!actual.equals(expected)) {
      throw new IllegalStateException(
          "checkpoint file "
              + file
              + " is corrupt: its SHA-256 is "
              + actual
              + ", but "
              + META
              + " records "
              + (expected.isEmpty() ? "none" : expected));
    }
    return bytes;
  }

  private void prune() throws IOException {
    List<Long> versions = new ArrayList<>(versions());
    versions.sort(Comparator.reverseOrder());
    for (int i = keep; i < versions.size(); i++) {
      deleteRecursively(directory.resolve(name(versions.get(i))));
    }
  }

  private static String name(long version) {
    return String.format("%s%012d", PREFIX, version);
  }

  private static void deleteRecursively(Path path) throws IOException {
    try (Stream<Path> walk = Files.walk(path)) {
      for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }
}
