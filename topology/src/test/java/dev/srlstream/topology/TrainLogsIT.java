package dev.srlstream.topology;

import static org.assertj.core.api.Assertions.assertThat;

import dev.srlstream.method.data.ArithmeticProblem;
import dev.srlstream.method.data.ArithmeticProblems;
import dev.srlstream.method.data.JsonlWriter;
import dev.srlstream.method.data.Split;
import dev.srlstream.policy.TinyPolicies;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the user watches during {@code srl train} on Kafka: the first line names the run's log file,
 * the services' INFO lines (the embedded broker, the Kafka clients, the learner) go to that file,
 * and the console (the command's own output and what Logback writes to stderr) shows the status
 * lines and warnings but no INFO line.
 */
class TrainLogsIT {
  private static final Logger LOG = LoggerFactory.getLogger(TrainLogsIT.class);
  private static final String INFO_MARKER = "an info line the console must not show";
  private static final String WARN_MARKER = "a warning the console must show";

  @TempDir Path dir;

  @Test
  void servicesLogToTheRunDirectoryAndTheConsoleShowsWarningsOnly() throws Exception {
    assertThat(RunLog.configuredLevel()).as("SRL_LOG_LEVEL must not be set for this test").isNull();
    ArithmeticProblems.DataSet data =
        ArithmeticProblems.generate(
            ArithmeticProblems.Config.defaults()
                .withSteps(1, 2)
                .withNumbers(9, 99)
                .withSizes(6, 0, 0));
    Path train = dir.resolve("train.jsonl");
    JsonlWriter.write(
        train, data.get(Split.TRAIN).stream().map(ArithmeticProblem::toExpertSolution).toList());
    Path model = Files.writeString(dir.resolve("model.json"), TinyPolicies.SMALL.toJson());
    Path runDir = dir.resolve("run");
    Path logFile = runDir.toAbsolutePath().resolve("logs").resolve("srl.log");

    // While the run is on, one INFO and one WARN line of our own, from another thread than the
    // command's, as the services log theirs.
    CompletableFuture<Void> logged =
        CompletableFuture.runAsync(
            () -> {
              long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
              while (!Files.exists(logFile) && System.nanoTime() < deadline) {
                sleep(5);
              }
              LOG.info(INFO_MARKER);
              LOG.warn(WARN_MARKER);
            });

    PrintStream stderr = System.err;
    ByteArrayOutputStream console = new ByteArrayOutputStream();
    CommandRun run;
    System.setErr(new PrintStream(console, true, StandardCharsets.UTF_8));
    try {
      // A random policy: every group is filtered, so the run trains until --minutes is up (no
      // version), long after the lines above were logged.
      run =
          CommandRun.of(
              "train",
              "--recipe",
              "srl",
              "--data",
              train.toString(),
              "--model-config",
              model.toString(),
              "--minutes",
              "0.2",
              "--max-versions",
              "1",
              "--group-size",
              "2",
              "--max-new-tokens",
              "8",
              "--task-window",
              "2",
              "--run-dir",
              runDir.toString());
      logged.get(10, TimeUnit.SECONDS);
    } finally {
      System.setErr(stderr);
    }
    String logback = console.toString(StandardCharsets.UTF_8);
    String shown = run.err() + logback;

    assertThat(run.exitCode()).as(shown).isZero();
    // The first line the run prints names the log file.
    List<String> lines = Arrays.asList(run.err().split("\\R"));
    assertThat(lines.get(0)).startsWith("srl train: log: " + logFile + " (");
    // The services logged to the file, at INFO: the broker, a Kafka client, the learner.
    assertThat(logFile).isRegularFile();
    String log = Files.readString(logFile);
    assertThat(log)
        .containsPattern(" INFO .* - Kafka broker started on ")
        .containsPattern(" INFO .* - Kafka version: ")
        .containsPattern(" INFO .* published the initial weights as version 0")
        .containsPattern(" INFO .* - " + INFO_MARKER)
        .containsPattern(" WARN .* - " + WARN_MARKER);
    // The console: status lines and the warning, no INFO line.
    assertThat(run.err()).contains("srl train: [00:");
    assertThat(logback).contains(" WARN ", WARN_MARKER);
    assertThat(shown)
        .doesNotContain(INFO_MARKER)
        .doesNotContain("Kafka broker started")
        .doesNotContainPattern("\\d INFO ");
    // After the run, the console is as it was: INFO shows again, the file gets nothing more.
    long size = Files.size(logFile);
    ByteArrayOutputStream after = new ByteArrayOutputStream();
    System.setErr(new PrintStream(after, true, StandardCharsets.UTF_8));
    try {
      LOG.info("after the run");
    } finally {
      System.setErr(stderr);
    }
    assertThat(after.toString(StandardCharsets.UTF_8)).contains(" INFO ", "after the run");
    assertThat(Files.size(logFile)).isEqualTo(size);
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
