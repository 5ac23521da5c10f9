package dev.srlstream.topology.report;

import static dev.srlstream.topology.report.ChartData.GAP;
import static dev.srlstream.topology.report.ChartData.items;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.srlstream.topology.report.ChartData.XY;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import javax.imageio.ImageIO;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.plot.SeriesRenderingOrder;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.XYItemRenderer;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.chart.ui.RectangleEdge;
import org.jfree.data.xy.XYSeries;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ChartsTest {

  @TempDir Path dir;

  @Test
  void aSeriesHoldsTheFiniteRowsInOrderWithAGapWhereRowsLackAValue() throws Exception {
    List<JsonNode> rows =
        rows(
            "{\"v\": 5}", // no y: before any point, so no gap
            "{\"v\": 1, \"r\": 0.5}",
            "{\"v\": 2, \"r\": 0.25}",
            "{\"v\": 3, \"r\": null}",
            "{\"v\": 4, \"r\": \"high\"}",
            "{\"v\": 4, \"r\": Infinity}",
            "{\"r\": 0.1}",
            "{\"v\": 2, \"r\": 0.75}", // x as logged: neither sorted nor de-duplicated
            "{\"v\": 6}"); // no y: after the last point, so no gap

    XYSeries series = Charts.series("reward", rows, "v", "r");

    assertThat(series.getKey()).isEqualTo("reward");
    JFreeChart chart = Charts.lineChart("t", "x", "y", series);
    assertThat(items(chart, 0))
        .containsExactly(new XY(1, 0.5), new XY(2, 0.25), GAP, new XY(2, 0.75));
  }

  @Test
  void aChartHasItsTitleLabelsAndSeriesInOrderEachInItsOwnColour() throws Exception {
    List<JsonNode> rows = rows("{\"v\": 1, \"a\": 3, \"b\": 4}", "{\"v\": 2, \"a\": 5, \"b\": 1}");
    JFreeChart chart =
        Charts.lineChart(
            "Groups",
            "policy version",
            "groups",
            Charts.series("kept", rows, "v", "a"),
            Charts.series("filtered", rows, "v", "b"));

    assertThat(chart.getTitle().getText()).isEqualTo("Groups");
    assertThat(ChartData.xLabel(chart)).isEqualTo("policy version");
    assertThat(ChartData.yLabel(chart)).isEqualTo("groups");
    assertThat(ChartData.seriesNames(chart)).containsExactly("kept", "filtered");
    assertThat(ChartData.legend(chart)).containsExactly("kept", "filtered");
    assertThat(items(chart, 0)).containsExactly(new XY(1, 3), new XY(2, 5));
    assertThat(items(chart, 1)).containsExactly(new XY(1, 4), new XY(2, 1));
    XYItemRenderer renderer = chart.getXYPlot().getRenderer();
    assertThat(renderer.getSeriesPaint(0)).isNotEqualTo(renderer.getSeriesPaint(1));
    assertThat(chart.getXYPlot().getSeriesRenderingOrder()).isEqualTo(SeriesRenderingOrder.FORWARD);
    assertThat(chart.getLegend().getPosition()).isEqualTo(RectangleEdge.TOP);
  }

  @Test
  void shortSeriesAndLonePointsGetDotsLongSeriesNone() throws Exception {
    List<String> longRows = new ArrayList<>();
    for (int i = 0; i <= Charts.MAX_DOTTED_POINTS; i++) {
      longRows.add("{\"v\": " + i + ", \"r\": " + i % 3 + "}");
    }
    longRows.add("{\"v\": 100}"); // a gap, then one point alone
    longRows.add("{\"v\": 101, \"r\": 1}");
    List<JsonNode> single = rows("{\"v\": 3, \"r\": 0.4}");
    JFreeChart chart =
        Charts.lineChart(
            "t",
            "x",
            "y",
            Charts.series("long", rows(longRows.toArray(String[]::new)), "v", "r"),
            Charts.series("single", single, "v", "r"));
    var renderer = (XYLineAndShapeRenderer) chart.getXYPlot().getRenderer();

    int alone = items(chart, 0).size() - 1;
    assertThat(items(chart, 0).get(alone - 1)).isEqualTo(GAP);
    assertThat(renderer.getItemShapeVisible(0, 0)).isFalse();
    assertThat(renderer.getItemShapeVisible(0, alone - 2)).isFalse();
    assertThat(renderer.getItemShapeVisible(0, alone)).isTrue();
    assertThat(renderer.getItemShapeVisible(1, 0)).isTrue();
  }

  @Test
  void equalValuesGetARangeAroundThem() throws Exception {
    JFreeChart single =
        Charts.lineChart("t", "x", "y", Charts.series("a", rows("{\"v\": 3, \"r\": 4}"), "v", "r"));
    XYPlot plot = single.getXYPlot();
    assertThat(plot.getDomainAxis().getLowerBound()).isEqualTo(2.5);
    assertThat(plot.getDomainAxis().getUpperBound()).isEqualTo(3.5);
    assertThat(plot.getRangeAxis().getLowerBound()).isEqualTo(3.5);
    assertThat(plot.getRangeAxis().getUpperBound()).isEqualTo(4.5);

    JFreeChart zeros =
        Charts.lineChart(
            "t",
            "x",
            "y",
            Charts.series("a", rows("{\"v\": 1, \"r\": 0}", "{\"v\": 2, \"r\": 0}"), "v", "r"));
    assertThat(zeros.getXYPlot().getRangeAxis().getLowerBound()).isEqualTo(-0.5);
    assertThat(zeros.getXYPlot().getRangeAxis().getUpperBound()).isEqualTo(0.5);
    assertThat(zeros.getXYPlot().getDomainAxis().getUpperBound()).isGreaterThan(2);
  }

  @Test
  void aChartWithoutPointsSaysNoDataAndStillDraws() throws Exception {
    JFreeChart empty =
        Charts.lineChart("Staleness", "elapsed (s)", "versions", new XYSeries("mean staleness"));
    assertThat(empty.getXYPlot().getNoDataMessage()).isEqualTo("no data");
    assertThat(ChartData.legend(empty)).containsExactly("mean staleness");
    BufferedImage image = Charts.render(List.of(empty));
    assertThat(image.getWidth()).isEqualTo(720);
    assertThat(image.getHeight()).isEqualTo(360);
    assertThat(Pixels.nonBackground(image)).isGreaterThan(1000);
  }

  @Test
  void referenceLinesFollowTheSeriesInLegendAndColourAndSkipNonFiniteValues() throws Exception {
    JFreeChart chart =
        Charts.lineChart(
            "Accuracy", "version", "accuracy", Charts.series("validation", List.of(), "v", "a"));
    Charts.addReferenceLine(chart, "base", 0.1);
    Charts.addReferenceLine(chart, "missing", Double.NaN);
    Charts.addReferenceLine(chart, "final", 0.3);

    assertThat(ChartData.referenceValues(chart)).containsExactly(0.1, 0.3);
    assertThat(ChartData.legend(chart)).containsExactly("validation", "base", "final");
    var lines = Charts.referenceLines(chart.getXYPlot());
    assertThat(lines.get(0).getPaint())
        .isNotEqualTo(chart.getXYPlot().getRenderer().getSeriesPaint(0))
        .isNotEqualTo(lines.get(1).getPaint());
  }

  @Test
  void writesPanelsOneAboveTheOtherAsOnePng() throws Exception {
    List<JsonNode> rows = rows("{\"v\": 1, \"r\": 0.2}", "{\"v\": 2, \"r\": 0.35}");
    JFreeChart a = Charts.lineChart("a", "x", "y", Charts.series("a", rows, "v", "r"));
    JFreeChart b = Charts.lineChart("b", "x", "y", Charts.series("b", List.of(), "v", "r"));
    JFreeChart c = Charts.lineChart("c", "x", "y", Charts.series("c", rows, "v", "r"));
    Path file = dir.resolve("stack.png");

    Charts.writePng(file, List.of(a, b, c));

    BufferedImage image = ImageIO.read(file.toFile());
    assertThat(image.getWidth()).isEqualTo(720);
    assertThat(image.getHeight()).isEqualTo(1080);
    for (int panel = 0; panel < 3; panel++) {
      BufferedImage band = image.getSubimage(0, panel * 360, 720, 360);
      assertThat(Pixels.nonBackground(band)).as("panel " + panel).isGreaterThan(1000);
    }
    assertThatThrownBy(() -> Charts.render(List.of())).hasMessageContaining("no charts");
  }

  private static List<JsonNode> rows(String... json) throws Exception {
    List<JsonNode> rows = new ArrayList<>();
    for (String line : json) {
      rows.add(ReportJson.MAPPER.readTree(line));
    }
    return rows;
  }
}
