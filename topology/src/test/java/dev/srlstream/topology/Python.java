package dev.srlstream.topology;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs a python3 script, the reference implementation our output is compared with. python3 must be
 * on the PATH: a missing python3 fails the test rather than skipping it.
 */
final class Python {
  private Python() {}

  /** Runs {@code python3 -c script args...} and returns its stdout lines (UTF-8). */
  static List<String> run(Path workDir, String script, String... args)
      throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(List.of("python3", "-c", script));
    command.addAll(List.of(args));
    Path stdout = Files.createTempFile(workDir, "python", ".out");
    Path stderr = Files.createTempFile(workDir, "python", ".err");
    ProcessBuilder builder =
        new ProcessBuilder(command)
            .directory(workDir.toFile())
            .redirectOutput(stdout.toFile())
            .redirectError(stderr.toFile());
    builder.environment().put("PYTHONIOENCODING", "utf-8");
    Process process = builder.start();
    // A bound on the wait so a wedged interpreter fails the test instead of hanging the build.
    boolean finished = process.waitFor(5, TimeUnit.MINUTES);
    if (!finished) {
      process.destroyForcibly();
    }
    assertThat(finished).as("python3 finished").isTrue();
    assertThat(process.exitValue())
        .as("python3 exit code; stderr: %s", Files.readString(stderr, StandardCharsets.UTF_8))
        .isZero();
    return Files.readAllLines(stdout, StandardCharsets.UTF_8);
  }
}
