package dev.srlstream.topology.train;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/**
 * The files of a run directory: {@code summary.json} (rewritten whole, atomically, whenever it
 * changes, so a run that stops at any point leaves a readable summary of what it did), {@code
 * metrics.jsonl} (one line appended per status tick and flushed, so it survives a crash but for its
 * last line), and the weights files.
 */
final class RunFiles implements AutoCloseable {
  static final String SUMMARY = "summary.json";
  static final String METRICS = "metrics.jsonl";
  static final String BASE_WEIGHTS = "base.bin";
  static final String FINAL_WEIGHTS = "final.bin";
  static final String BEST_WEIGHTS = "best-validation.bin";

  private static final ObjectMapper JSON = new ObjectMapper();

  private final Path dir;
  private final BufferedWriter metrics;

  RunFiles(Path dir) throws IOException {
    this.dir = dir;
    Files.createDirectories(dir);
    this.metrics =
        Files.newBufferedWriter(
            dir.resolve(METRICS),
            StandardCharsets.UTF_8,
            StandardOpenOption.CREATE,
            StandardOpenOption.APPEND);
  }

  Path dir() {
    return dir;
  }

  synchronized void writeSummary(ObjectNode summary) {
    try {
      writeAtomically(SUMMARY, JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(summary));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + dir.resolve(SUMMARY), e);
    }
  }

  synchronized void appendMetrics(ObjectNode line) {
    try {
      metrics.write(JSON.writeValueAsString(line));
      metrics.newLine();
      metrics.flush();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot append to " + dir.resolve(METRICS), e);
    }
  }

  Path writeWeights(String name, byte[] weights) {
    return writeAtomically(name, weights);
  }

  private Path writeAtomically(String name, byte[] bytes) {
    Path target = dir.resolve(name);
    Path temp = dir.resolve("." + name + ".tmp");
    try {
      Files.write(temp, bytes);
      Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
      return target;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + target, e);
    }
  }

  /** The peak resident set size of this process (Linux {@code VmHWM}), or -1 when unknown. */
  static long peakRssBytes() {
    return procStatusBytes("VmHWM:");
  }

  /** The resident set size of this process now (Linux {@code VmRSS}), or -1 when unknown. */
  static long rssBytes() {
    return procStatusBytes("VmRSS:");
  }

  private static long procStatusBytes(String key) {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
        if (line.startsWith(key)) {
          return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024; // the value is in kB
        }
      }
    } catch (IOException | NumberFormatException e) {
      // not Linux: unknown
    }
    return -1;
  }

  @Override
  public synchronized void close() {
    try {
      metrics.close();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
