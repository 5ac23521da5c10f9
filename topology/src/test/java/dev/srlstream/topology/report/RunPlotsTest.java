package dev.srlstream.topology.report;

import static dev.srlstream.topology.report.ChartData.GAP;
import static dev.srlstream.topology.report.ChartData.items;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.srlstream.topology.report.ChartData.XY;
import dev.srlstream.topology.report.RunPlots.Plot;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.plot.XYPlot;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RunPlotsTest {

  @TempDir Path dir;

  @Test
  void theRewardCurveShowsSummaryRewardCurve() throws Exception {
    Plot plot = RunPlots.rewardCurve(summary(), metrics(6), new ArrayList<>());

    assertThat(plot.file()).isEqualTo("reward-curve.png");
    assertThat(plot.caption()).startsWith("Mean step reward per policy version (top)");
    assertThat(plot.panels()).hasSize(2);
    JFreeChart reward = plot.panels().get(0);
    assertChart(
        reward, "Mean step reward per policy version", "policy version", "mean step reward");
    assertThat(ChartData.seriesNames(reward)).containsExactly("mean step reward");
    assertThat(items(reward, 0)).containsExactly(xy(1, 0.41), xy(2, 0.44), xy(3, 0.47));
    JFreeChart groups = plot.panels().get(1);
    assertChart(groups, "Groups kept and filtered by dynamic sampling", "policy version", "groups");
    assertThat(ChartData.seriesNames(groups)).containsExactly("kept groups", "filtered groups");
    assertThat(items(groups, 0)).containsExactly(xy(1, 8), xy(2, 7), xy(3, 9));
    assertThat(items(groups, 1)).containsExactly(xy(1, 2), xy(2, 3), xy(3, 1));
  }

  @Test
  void withoutARewardCurveTheLastTickOfEachVersionIsShownWithANote() throws Exception {
    // Ticks every 2 s at versions 0, 1, 1, 2, 2, 3.
    List<String> notes = new ArrayList<>();
    Plot plot = RunPlots.rewardCurve(ReportJson.MAPPER.createObjectNode(), metrics(6), notes);

    assertThat(notes).singleElement().asString().contains("last metrics.jsonl tick");
    JFreeChart reward = plot.panels().get(0);
    assertThat(items(reward, 0))
        .containsExactly(xy(0, 0.40), xy(1, 0.41), xy(2, 0.42), xy(3, 0.43));
    assertThat(items(plot.panels().get(1), 0))
        .containsExactly(xy(0, 0), xy(1, 7), xy(2, 14), xy(3, 21));
  }

  @Test
  void theHeldOutAccuracyShowsValidationOnAFixedRangeWithTestLines() throws Exception {
    Plot plot = RunPlots.heldoutAccuracy(summary());

    assertThat(plot.file()).isEqualTo("heldout-accuracy.png");
    assertThat(plot.panels()).hasSize(1);
    JFreeChart chart = plot.panels().get(0);
    assertChart(chart, "Held-out greedy accuracy", "policy version", "greedy accuracy");
    assertThat(items(chart, 0)).containsExactly(xy(0, 0.10), xy(20, 0.16), xy(40, 0.19));
    XYPlot xy = chart.getXYPlot();
    assertThat(xy.getRangeAxis().getLowerBound()).isEqualTo(0);
    assertThat(xy.getRangeAxis().getUpperBound()).isEqualTo(1);
    assertThat(ChartData.referenceValues(chart)).containsExactly(0.12, 0.21);
    assertThat(ChartData.legend(chart))
        .containsExactly("validation", "base, test (v0)", "final, test (v57)");
  }

  @Test
  void stalenessAndThroughputShowEveryTickOverElapsedTime() throws Exception {
    List<ObjectNode> ticks = metrics(5); // at 2, 4, ..., 10 s; versions 0, 1, 1, 2, 2
    Plot staleness = RunPlots.staleness(ticks);
    Plot throughput = RunPlots.throughput(ticks);

    assertThat(staleness.file()).isEqualTo("staleness.png");
    assertChart(
        staleness.panels().get(0), "Staleness of trained groups", "elapsed (s)", "versions behind");
    assertThat(ChartData.seriesNames(staleness.panels().get(0))).containsExactly("mean staleness");
    assertThat(items(staleness.panels().get(0), 0))
        .containsExactly(xy(2, 0.5), xy(4, 0.7), xy(6, 0.7), xy(8, 0.9), xy(10, 0.9));
    assertChart(staleness.panels().get(1), "Groups dropped as stale", "elapsed (s)", "groups");
    assertThat(items(staleness.panels().get(1), 0))
        .containsExactly(xy(2, 0), xy(4, 0), xy(6, 0), xy(8, 1), xy(10, 1));

    assertThat(throughput.file()).isEqualTo("throughput.png");
    assertChart(throughput.panels().get(0), "Rollouts per second", "elapsed (s)", "rollouts/s");
    assertThat(items(throughput.panels().get(0), 0))
        .containsExactly(xy(2, 90), xy(4, 91), xy(6, 91), xy(8, 92), xy(10, 92));
    assertChart(throughput.panels().get(1), "Tokens per second", "elapsed (s)", "tokens/s");
    assertThat(ChartData.seriesNames(throughput.panels().get(1))).containsExactly("tokens/s");
    assertThat(items(throughput.panels().get(1), 0))
        .containsExactly(xy(2, 4000), xy(4, 4030), xy(6, 4030), xy(8, 4060), xy(10, 4060));
  }

  @Test
  void aTickWithoutAValueBreaksTheLine() throws Exception {
    List<ObjectNode> ticks = metrics(3);
    ticks.get(1).remove("staleness_mean");

    Plot plot = RunPlots.staleness(ticks);

    assertThat(items(plot.panels().get(0), 0)).containsExactly(xy(2, 0.5), GAP, xy(6, 0.7));
    assertThat(items(plot.panels().get(1), 0)).hasSize(3);
  }

  @Test
  void withoutDataEveryPlotIsDrawnEmptyAndSaysNoData() throws Exception {
    List<String> notes = new ArrayList<>();
    List<Plot> plots = RunPlots.all(ReportJson.MAPPER.createObjectNode(), List.of(), notes);

    assertThat(plots)
        .extracting(Plot::file)
        .containsExactly(
            "reward-curve.png", "heldout-accuracy.png", "staleness.png", "throughput.png");
    assertThat(notes).isEmpty();
    for (Plot plot : plots) {
      for (JFreeChart panel : plot.panels()) {
        XYPlot xy = panel.getXYPlot();
        for (int s = 0; s < xy.getDataset().getSeriesCount(); s++) {
          assertThat(items(panel, s)).as(plot.file() + " " + s).isEmpty();
        }
        assertThat(xy.getNoDataMessage()).isEqualTo("no data");
        assertThat(ChartData.referenceValues(panel)).isEmpty();
      }
      BufferedImage image = Charts.render(plot.panels());
      assertThat(image.getHeight()).isEqualTo(360 * plot.panels().size());
      assertThat(Pixels.nonBackground(image)).as(plot.file()).isGreaterThan(1000);
    }
  }

  private static void assertChart(JFreeChart chart, String title, String xLabel, String yLabel) {
    assertThat(chart.getTitle().getText()).isEqualTo(title);
    assertThat(ChartData.xLabel(chart)).isEqualTo(xLabel);
    assertThat(ChartData.yLabel(chart)).isEqualTo(yLabel);
  }

  private static XY xy(double x, double y) {
    return new XY(x, y);
  }

  private ObjectNode summary() throws Exception {
    return ReportJson.readObject(
        RunFixtures.finishedRun(dir.resolve("run"), 0).resolve("summary.json"));
  }

  /** The ticks of metrics.jsonl of a finished run with {@code ticks} of them, as read. */
  private List<ObjectNode> metrics(int ticks) throws Exception {
    Path run = RunFixtures.finishedRun(Files.createTempDirectory(dir, "run"), ticks);
    return new ArrayList<>(ReportJson.readLines(run.resolve("metrics.jsonl")).records());
  }
}
