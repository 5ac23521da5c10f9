package dev.srlstream.topology;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The run log as {@code srl compare} and {@code srl demo} use it: a recipe's log takes over from
 * the comparison's and hands back; the demo's run reuses the log the demo opened; the console
 * (Logback's stderr) shows warnings only while a log is open, and INFO again afterwards.
 */
class RunLogTest {
  private static final Logger LOG = LoggerFactory.getLogger(RunLogTest.class);
  private static final Logger KAFKA = LoggerFactory.getLogger("org.apache.kafka.test.Client");

  @TempDir Path dir;

  private PrintStream stderr;
  private ByteArrayOutputStream console;

  @BeforeEach
  void captureConsole() {
    assertThat(RunLog.configuredLevel()).as("SRL_LOG_LEVEL must not be set for this test").isNull();
    stderr = System.err;
    console = new ByteArrayOutputStream();
    System.setErr(new PrintStream(console, true, StandardCharsets.UTF_8));
  }

  @AfterEach
  void restoreConsole() {
    System.setErr(stderr);
  }

  @Test
  void aRecipesLogTakesOverFromTheComparisonsAndHandsBack() throws Exception {
    Path compareDir = dir.resolve("compare");
    Path recipeDir = compareDir.resolve("srl");
    StringWriter said = new StringWriter();
    PrintWriter say = new PrintWriter(said, true);

    LOG.info("before any run");
    try (RunLog compare = RunLog.open(compareDir, "srl compare", say)) {
      LOG.info("comparison setup");
      KAFKA.info("a kafka client's info line");
      try (RunLog recipe = RunLog.open(recipeDir, "srl train", say)) {
        LOG.info("recipe training");
        // The run inside the recipe opens the same directory again: nothing changes.
        try (RunLog same = RunLog.open(recipeDir, "srl train", say)) {
          assertThat(same.file()).isEqualTo(recipe.file());
          LOG.warn("recipe warning");
          KAFKA.warn("a kafka client's warning");
          KAFKA.error("a kafka client's error");
        }
        LOG.info("recipe after the nested open");
      }
      LOG.info("comparison after the recipe");
    }
    LOG.info("after every run");
    KAFKA.info("a kafka client's line after the run");

    Path compareLog = compareDir.resolve("logs").resolve("srl.log");
    Path recipeLog = recipeDir.resolve("logs").resolve("srl.log");
    assertThat(said.toString().split("\\R"))
        .containsExactly(
            "srl compare: log: "
                + compareLog
                + " (the console shows warnings and errors; SRL_LOG_LEVEL=INFO shows the rest"
                + " too)",
            "srl train: log: "
                + recipeLog
                + " (the console shows warnings and errors; SRL_LOG_LEVEL=INFO shows the rest"
                + " too)");
    String comparison = Files.readString(compareLog);
    assertThat(comparison)
        .containsPattern(
            "\\d INFO  \\[.+\\] dev\\.srlstream\\.topology\\.RunLogTest - comparison setup")
        .containsPattern(" INFO .* - a kafka client's info line")
        .contains("comparison after the recipe")
        .doesNotContain("recipe training", "recipe warning", "before any run", "after every run");
    String recipe = Files.readString(recipeLog);
    assertThat(recipe)
        .containsPattern(" WARN .* - recipe warning")
        .containsPattern(" WARN .* - a kafka client's warning")
        .containsPattern(" ERROR .* - a kafka client's error")
        .contains("recipe training", "recipe after the nested open")
        .doesNotContain("comparison", "before any run", "after every run");

    String shown = console.toString(StandardCharsets.UTF_8);
    assertThat(shown)
        .contains("before any run", "recipe warning", "a kafka client's error", "after every run")
        // During a run the console shows the Kafka loggers' errors only (the file has the rest).
        .doesNotContain("a kafka client's warning")
        .doesNotContain("comparison setup", "a kafka client's info line", "recipe training")
        .doesNotContain("comparison after the recipe")
        // Outside a run, the Kafka loggers are back at WARN.
        .doesNotContain("a kafka client's line after the run");
  }
}
