package dev.srlstream.topology.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.srlstream.method.data.MalformedDataException;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RunReportTest {

  @TempDir Path dir;

  @Test
  void writesTheFourPlotsAndThePage() throws Exception {
    Path run = RunFixtures.finishedRun(dir.resolve("run"), 40);
    Path html = RunReport.write(run);

    assertThat(html).isEqualTo(run.resolve("report.html"));
    assertPng(run.resolve("plots/reward-curve.png"), 720, 720);
    assertPng(run.resolve("plots/heldout-accuracy.png"), 720, 360);
    assertPng(run.resolve("plots/staleness.png"), 720, 720);
    assertPng(run.resolve("plots/throughput.png"), 720, 720);

    String page = Files.readString(html);
    assertThat(page)
        .startsWith("<!DOCTYPE html>")
        .contains("<style>")
        .contains("20261126-091200-srl", ">srl<", "finished", "6 min")
        .contains("412.5 s (6 min 53 s)", "1.68 GiB (1800000000 bytes)")
        .contains("data 1, policy 1, sampling 1");
    // Base and final: version, greedy accuracy, avg@k, pass@k, k and problems, and the changes.
    assertThat(page)
        .contains("<td class=\"num\">0.120</td><td class=\"num\">0.210</td>")
        .contains("<td class=\"num\">0.080</td><td class=\"num\">0.150</td>")
        .contains("<td class=\"num\">0.300</td><td class=\"num\">0.410</td>")
        .contains("+0.090", "+0.070", "+0.110")
        .contains("<th>avg@4</th>", "<th>pass@4</th>")
        .contains("<td class=\"num\">0</td><td class=\"num\">57</td>")
        .contains("<td class=\"num\">4</td><td class=\"num\">4</td>")
        .contains("<td class=\"num\">100</td><td class=\"num\">100</td>");
    for (String plot : RunReport.PLOT_FILES) {
      assertThat(page).contains("<img src=\"plots/" + plot + "\"");
    }
    assertThat(page.split("<img ", -1)).hasSize(5);
    assertThat(page).contains("<details><summary>summary.json</summary>", "&quot;recipe&quot;");
    assertThat(page).doesNotContain("class=\"notes\"");
  }

  @Test
  void showsTheStepLevelBaseVsFinal() throws Exception {
    Path run = RunFixtures.finishedRun(dir.resolve("run"), 3);
    Files.writeString(
        run.resolve("summary.json"),
        """
        {"recipe": "srl",
         "base": {"version": 0, "greedy_accuracy": 0.1,
           "steps": {"steps": 5, "well_formed_rate": 0.8, "exact_rate": 0.2, "mean_reward": 0.31,
             "by_index": [{"index": 1, "steps": 3, "exact_rate": 0.25, "mean_reward": 0.5},
                          {"index": 2, "steps": 2, "exact_rate": 0.125, "mean_reward": 0.06}],
             "sampled": {"k": 4, "temperature": 1.0, "well_formed_rate": 0.7, "exact_rate": 0.15,
               "mean_reward": 0.2,
               "by_index": [{"index": 1, "steps": 3, "exact_rate": 0.375},
                            {"index": 2, "steps": 2, "exact_rate": 0.0}]}}},
         "final": {"version": 9, "greedy_accuracy": 0.3,
           "steps": {"steps": 5, "well_formed_rate": 1.0, "exact_rate": 0.6, "mean_reward": 0.75,
             "by_index": [{"index": 1, "steps": 3, "exact_rate": 0.75, "mean_reward": 0.875},
                          {"index": 2, "steps": 2, "exact_rate": 0.5, "mean_reward": 0.5}],
             "sampled": {"k": 4, "temperature": 1.0, "well_formed_rate": 0.9, "exact_rate": 0.5,
               "mean_reward": 0.6,
               "by_index": [{"index": 1, "steps": 3, "exact_rate": 0.625},
                            {"index": 2, "steps": 2, "exact_rate": 0.25}]}}}}
        """);
    String page = Files.readString(RunReport.write(run));

    assertThat(page).contains("<h2>Test split, step level: base vs final policy</h2>");
    assertThat(page)
        .contains(
            "<tr><th>greedy well-formed rate</th><td class=\"num\">0.800</td>"
                + "<td class=\"num\">1.000</td><td class=\"num\">+0.200</td></tr>")
        .contains(
            "<tr><th>greedy exact rate</th><td class=\"num\">0.200</td>"
                + "<td class=\"num\">0.600</td><td class=\"num\">+0.400</td></tr>")
        .contains(
            "<tr><th>greedy mean reward</th><td class=\"num\">0.310</td>"
                + "<td class=\"num\">0.750</td><td class=\"num\">+0.440</td></tr>")
        .contains(
            "<tr><th>sampled exact rate (k = 4)</th><td class=\"num\">0.150</td>"
                + "<td class=\"num\">0.500</td><td class=\"num\">+0.350</td></tr>")
        .contains(
            "<tr><th>sampled mean reward (k = 4)</th><td class=\"num\">0.200</td>"
                + "<td class=\"num\">0.600</td><td class=\"num\">+0.400</td></tr>");
    // by index: steps, greedy exact, greedy reward, sampled exact (base, final, change each)
    assertThat(page)
        .contains(
            "<tr><th>1</th><td class=\"num\">3</td>"
                + "<td class=\"num\">0.250</td><td class=\"num\">0.750</td>"
                + "<td class=\"num\">+0.500</td>"
                + "<td class=\"num\">0.500</td><td class=\"num\">0.875</td>"
                + "<td class=\"num\">+0.375</td>"
                + "<td class=\"num\">0.375</td><td class=\"num\">0.625</td>"
                + "<td class=\"num\">+0.250</td></tr>")
        .contains(
            "<tr><th>2</th><td class=\"num\">2</td>"
                + "<td class=\"num\">0.125</td><td class=\"num\">0.500</td>"
                + "<td class=\"num\">+0.375</td>"
                + "<td class=\"num\">0.060</td><td class=\"num\">0.500</td>"
                + "<td class=\"num\">+0.440</td>"
                + "<td class=\"num\">0.000</td><td class=\"num\">0.250</td>"
                + "<td class=\"num\">+0.250</td></tr>");
  }

  @Test
  void aSummaryWithoutStepLevelFiguresShowsDashes() throws Exception {
    Path run = RunFixtures.finishedRun(dir.resolve("run"), 3);
    String page = Files.readString(RunReport.write(run));

    String dash = "<td class=\"num\">\u2013</td>";
    assertThat(page)
        .contains("<h2>Test split, step level: base vs final policy</h2>")
        .contains("<tr><th>greedy exact rate</th>" + dash + dash + dash + "</tr>")
        .contains("<tr><th>sampled mean reward (k = k)</th>" + dash + dash + dash + "</tr>")
        .contains("<tr>" + dash.repeat(11) + "</tr>");
    // the end-to-end table is as before
    assertThat(page).contains("<td class=\"num\">0.120</td><td class=\"num\">0.210</td>");
  }

  @Test
  void rewritingReplacesTheFiles() throws Exception {
    Path run = RunFixtures.finishedRun(dir.resolve("run"), 3);
    RunReport.write(run);
    Files.writeString(
        run.resolve("summary.json"),
        RunFixtures.SUMMARY.replace("\"recipe\": \"srl\"", "\"recipe\": \"rlvr\""));
    RunReport.write(run);
    assertThat(Files.readString(run.resolve("report.html"))).contains("Run report: rlvr");
  }

  @Test
  void aPartialRunGetsAReportWithDashesAndNoData() throws Exception {
    Path run = Files.createDirectories(dir.resolve("partial"));
    Files.writeString(
        run.resolve("summary.json"),
        """
        {"run_id": "r1", "recipe": "srl", "status": "stopped: interrupted",
         "budget": {"minutes": null}, "base": {"version": 0, "greedy_accuracy": 0.12},
         "final": null}
        """);
    Path html = RunReport.write(run);

    for (String plot : RunReport.PLOT_FILES) {
      BufferedImage image = ImageIO.read(run.resolve("plots").resolve(plot).toFile());
      assertThat(Pixels.nonBackground(image)).as(plot).isPositive();
    }
    String page = Files.readString(html);
    assertThat(page)
        .contains("stopped: interrupted")
        .contains("<dt>Budget</dt><dd>\u2013</dd>")
        .contains("<dt>Elapsed</dt><dd>\u2013</dd>")
        .contains("<dt>Peak RSS</dt><dd>\u2013</dd>")
        .contains("<td class=\"num\">0.120</td><td class=\"num\">\u2013</td>")
        .contains("no final evaluation", "metrics.jsonl does not exist");

    Files.writeString(run.resolve("metrics.jsonl"), "\n");
    assertThat(Files.readString(RunReport.write(run))).contains("metrics.jsonl holds no ticks");
  }

  @Test
  void anEmptySummaryIsStillAReport() throws Exception {
    Path run = Files.createDirectories(dir.resolve("empty"));
    Files.writeString(run.resolve("summary.json"), "{}");
    assertThat(Files.readString(RunReport.write(run))).contains("Run report: \u2013");
  }

  @Test
  void withoutARewardCurveTheMetricsTicksAreUsed() throws Exception {
    Path run = RunFixtures.finishedRun(dir.resolve("run"), 10);
    Files.writeString(run.resolve("summary.json"), "{\"recipe\": \"srl\", \"reward_curve\": []}");
    assertThat(Files.readString(RunReport.write(run)))
        .contains("the reward curve shows the last metrics.jsonl tick of each version");
  }

  @Test
  void escapesTextFromTheSummary() throws Exception {
    Path run = RunFixtures.finishedRun(dir.resolve("run"), 2);
    Files.writeString(
        run.resolve("summary.json"),
        RunFixtures.SUMMARY.replace(
            "\"recipe\": \"srl\"", "\"recipe\": \"<script>alert('x')</script> & co\""));
    String page = Files.readString(RunReport.write(run));
    assertThat(page)
        .doesNotContain("<script>")
        .contains("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; co");
  }

  @Test
  void aMissingSummaryNamesThePath() {
    Path missing = dir.resolve("nowhere");
    assertThatThrownBy(() -> RunReport.write(missing))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(missing.resolve("summary.json") + " does not exist");
  }

  @Test
  void malformedJsonNamesFileAndLine() throws Exception {
    Path run = Files.createDirectories(dir.resolve("bad"));
    Files.writeString(run.resolve("summary.json"), "{\n  \"recipe\": \"srl\",\n  oops\n}\n");
    assertThatThrownBy(() -> RunReport.write(run))
        .isInstanceOf(MalformedDataException.class)
        .hasMessageStartingWith(run.resolve("summary.json") + " line 3: not valid JSON");

    Files.writeString(run.resolve("summary.json"), "[1, 2]");
    assertThatThrownBy(() -> RunReport.write(run))
        .hasMessageContaining("summary.json line 1: must hold a JSON object, but was ARRAY");

    Files.writeString(run.resolve("summary.json"), "{}");
    Files.writeString(
        run.resolve("metrics.jsonl"),
        RunFixtures.tick(2, 0) + "\n\n{\"elapsed_seconds\": 4,}\n" + RunFixtures.tick(6, 1) + "\n");
    assertThatThrownBy(() -> RunReport.write(run))
        .isInstanceOf(MalformedDataException.class)
        .hasMessageStartingWith(run.resolve("metrics.jsonl") + " line 3: not valid JSON");
  }

  @Test
  void aCutOffLastMetricsLineIsLeftOutWithANote() throws Exception {
    Path run = RunFixtures.finishedRun(dir.resolve("run"), 4);
    Files.writeString(
        run.resolve("metrics.jsonl"),
        "{\"elapsed_seconds\": 10.0, \"vers",
        java.nio.file.StandardOpenOption.APPEND);
    assertThat(Files.readString(RunReport.write(run)))
        .contains("The last line of metrics.jsonl is cut off");
  }

  private static void assertPng(Path file, int width, int height) throws Exception {
    BufferedImage image = ImageIO.read(file.toFile());
    assertThat(image).as(file.toString()).isNotNull();
    assertThat(image.getWidth()).as(file + " width").isEqualTo(width);
    assertThat(image.getHeight()).as(file + " height").isEqualTo(height);
    assertThat(Pixels.nonBackground(image)).as(file + " drawn pixels").isGreaterThan(1000);
  }
}
