package dev.srlstream.topology;

import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * What {@code srl demo} and {@code srl compare} share: the base policy's cache and the reward's
 * autojunk. (The seed is not shared: the demo has one, {@code --seed}; a comparison runs several,
 * {@code --seeds}.)
 */
final class DemoOptions {

  @Option(
      names = "--cache-dir",
      defaultValue = "runs/.cache",
      paramLabel = "DIR",
      description = "Where the warmed base policy is cached (default: ${DEFAULT-VALUE}).")
  Path cacheDir;

  @Mixin AutojunkOption autojunk;

  /** A new run id: the local time and what the run is, e.g. {@code 20261126-094638-demo}. */
  static String newRunId(String what) {
    return LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")) + "-" + what;
  }

  /** Training minutes must be a positive number. */
  static void requirePositiveMinutes(double minutes) {
    if (!(minutes > 0) || Double.isInfinite(minutes)) {
      throw new IllegalArgumentException("--minutes must be > 0, but was " + minutes);
    }
  }
}
