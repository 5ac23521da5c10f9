package dev.srlstream.topology;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReportCommandTest {

  @TempDir Path dir;

  @Test
  void writesTheRunReportAndPrintsItsPathLast() throws Exception {
    Files.writeString(
        dir.resolve("summary.json"),
        "{\"run_id\": \"r7\", \"recipe\": \"srl\", \"status\": \"finished\","
            + " \"final\": {\"greedy_accuracy\": 0.25}}");
    Files.writeString(
        dir.resolve("metrics.jsonl"),
        "{\"elapsed_seconds\": 2.0, \"rollouts_per_second\": 90.0}\n"
            + "{\"elapsed_seconds\": 4.0, \"rollouts_per_second\": 95.0}\n");
    CommandRun run = CommandRun.of("report", "--run-dir", dir.toString());
    assertThat(run.exitCode()).as(run.err()).isZero();
    assertThat(run.out()).endsWith(dir.resolve("report.html") + "\n");
    assertThat(Files.readString(dir.resolve("report.html"))).contains("r7", "0.250");
    assertThat(dir.resolve("plots/throughput.png")).isRegularFile();
  }

  @Test
  void writesTheComparisonAndPrintsItsMarkdown() throws Exception {
    Files.writeString(
        dir.resolve("compare.json"),
        "{\"k\": 4, \"rows\": [{\"recipe\": \"base\"}, {\"recipe\": \"srl\"}]}");
    CommandRun run = CommandRun.of("report", "--run-dir", dir.toString());
    assertThat(run.exitCode()).as(run.err()).isZero();
    assertThat(run.out().split("\n"))
        .containsExactly(
            "| Recipe | Greedy accuracy | avg@4 | pass@4 | Versions trained | Minutes |",
            "|---|---:|---:|---:|---:|---:|",
            "| base | \u2013 | \u2013 | \u2013 | \u2013 | \u2013 |",
            "| srl | \u2013 | \u2013 | \u2013 | \u2013 | \u2013 |",
            dir.resolve("compare.html").toString());
  }

  /** The comparison over seeds 1, 2, 3 kept in docs/compare, as the README reports it. */
  @Test
  void rebuildsTheComparisonOverSeedsInDocs() throws Exception {
    Files.copy(Path.of("..", "docs", "compare", "compare.json"), dir.resolve("compare.json"));
    CommandRun run = CommandRun.of("report", "--run-dir", dir.toString());
    assertThat(run.exitCode()).as(run.err()).isZero();
    assertThat(Files.readString(dir.resolve("compare.html")))
        .contains("srl-rlvr", "holistic", "20.0% ± 11.4");
  }

  /** The single-seed comparison kept in docs/compare, written before comparisons over seeds. */
  @Test
  void rebuildsTheSingleSeedComparisonInDocs() throws Exception {
    Files.copy(
        Path.of("..", "docs", "compare", "compare-single-seed.json"), dir.resolve("compare.json"));
    CommandRun run = CommandRun.of("report", "--run-dir", dir.toString());
    assertThat(run.exitCode()).as(run.err()).isZero();
    assertThat(run.out().split("\n"))
        .contains(
            "| Recipe | Greedy accuracy | avg@4 | pass@4 | Versions trained | Minutes |",
            "| base | 0.025 | 0.026 | 0.100 | 0 | 0.0 |",
            "| holistic | 0.010 | 0.011 | 0.040 | 61 | 2.0 |");
    assertThat(run.out()).endsWith(dir.resolve("compare.html") + "\n");
    assertThat(Files.readString(dir.resolve("compare.html"))).contains("<tr><th>srl-rlvr</th>");
  }

  @Test
  void aDirectoryWithoutEitherFileFailsNamingIt() {
    CommandRun run = CommandRun.of("report", "--run-dir", dir.toString());
    assertThat(run.exitCode()).isEqualTo(1);
    assertThat(run.err())
        .contains("srl report: --run-dir " + dir + " holds neither summary.json")
        .contains("nor compare.json");

    Path missing = dir.resolve("missing");
    run = CommandRun.of("report", "--run-dir", missing.toString());
    assertThat(run.exitCode()).isEqualTo(1);
    assertThat(run.err()).contains(missing + " does not exist");
  }

  @Test
  void malformedSummaryFailsNamingFileAndLine() throws Exception {
    Files.writeString(dir.resolve("summary.json"), "{\n\"recipe\": srl\n}");
    CommandRun run = CommandRun.of("report", "--run-dir", dir.toString());
    assertThat(run.exitCode()).isEqualTo(1);
    assertThat(run.err()).contains(dir.resolve("summary.json") + " line 2: not valid JSON");
  }

  @Test
  void helpDescribesBothKindsOfDirectory() {
    CommandRun run = CommandRun.of("report", "--help");
    assertThat(run.exitCode()).isZero();
    assertThat(run.out())
        .contains("Usage: srl report", "--run-dir=DIR", "summary.json", "compare.json")
        .contains("report.html", "compare.html", "Markdown");
    assertThat(CommandRun.of("--help").out())
        .contains("report", "Write the HTML report of a training run");
  }
}
