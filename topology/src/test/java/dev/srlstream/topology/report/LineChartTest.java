package dev.srlstream.topology.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.srlstream.topology.report.LineChart.Point;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LineChartTest {

  @TempDir Path dir;

  private static final List<Point> RISING =
      List.of(new Point(1, 0.2), new Point(2, 0.35), new Point(3, 0.5));

  @Test
  void writesAPngOfTheDefaultSizeWithSomethingDrawn() throws Exception {
    Path file = dir.resolve("chart.png");
    LineChart.of("Reward", "version", "reward").withSeries("mean", RISING).writePng(file);
    BufferedImage image = ImageIO.read(file.toFile());
    assertThat(image.getWidth()).isEqualTo(720);
    assertThat(image.getHeight()).isEqualTo(360);
    assertThat(Pixels.nonBackground(image)).isGreaterThan(1000);
  }

  @Test
  void drawsEachSeriesInItsOwnColour() {
    BufferedImage image =
        LineChart.of("t", "x", "y")
            .withSeries("a", RISING)
            .withSeries("b", List.of(new Point(1, 0.5), new Point(3, 0.2)))
            .render();
    assertThat(Pixels.count(image, 0x1f77b4)).isPositive();
    assertThat(Pixels.count(image, 0xff7f0e)).isPositive();
  }

  @Test
  void anEmptyChartSaysNoDataAndDiffersFromOneWithData() {
    BufferedImage empty = LineChart.of("t", "x", "y").withSeries("a", List.of()).render();
    BufferedImage nothing = LineChart.of("t", "x", "y").render();
    BufferedImage full = LineChart.of("t", "x", "y").withSeries("a", RISING).render();
    assertThat(Pixels.nonBackground(empty)).isPositive();
    assertThat(Pixels.nonBackground(nothing)).isPositive();
    assertThat(Pixels.count(empty, 0x1f77b4)).isPositive(); // the legend's swatch
    assertThat(Pixels.count(full, 0x1f77b4)).isGreaterThan(Pixels.count(empty, 0x1f77b4));
  }

  @Test
  void drawsASinglePointAndAllEqualValues() {
    BufferedImage single =
        LineChart.of("t", "x", "y").withSeries("a", List.of(new Point(3, 0.4))).render();
    BufferedImage flat =
        LineChart.of("t", "x", "y")
            .withSeries("a", List.of(new Point(0, 2), new Point(1, 2), new Point(2, 2)))
            .render();
    BufferedImage legendOnly = LineChart.of("t", "x", "y").withSeries("a", List.of()).render();
    int legend = Pixels.count(legendOnly, 0x1f77b4);
    assertThat(Pixels.count(single, 0x1f77b4)).isGreaterThan(legend);
    assertThat(Pixels.count(flat, 0x1f77b4)).isGreaterThan(legend);
  }

  @Test
  void skipsNonFinitePoints() {
    BufferedImage onlyNaN =
        LineChart.of("t", "x", "y")
            .withSeries("a", List.of(new Point(Double.NaN, 1), new Point(1, Double.NaN)))
            .render();
    BufferedImage legendOnly = LineChart.of("t", "x", "y").withSeries("a", List.of()).render();
    assertThat(Pixels.differing(onlyNaN, legendOnly)).isZero();

    BufferedImage gap =
        LineChart.of("t", "x", "y")
            .withSeries(
                "a",
                List.of(
                    new Point(0, 0),
                    new Point(1, Double.NaN),
                    new Point(2, 1),
                    new Point(Double.POSITIVE_INFINITY, 5)))
            .render();
    assertThat(Pixels.count(gap, 0x1f77b4)).isGreaterThan(Pixels.count(legendOnly, 0x1f77b4));
  }

  @Test
  void drawsReferenceLinesAndAFixedRange() {
    BufferedImage image =
        LineChart.of("accuracy", "version", "accuracy")
            .withYRange(0, 1)
            .withSeries("validation", RISING)
            .withReferenceLine("base", 0.1)
            .withReferenceLine("missing", Double.NaN)
            .render();
    assertThat(Pixels.count(image, 0xff7f0e)).isGreaterThan(100); // the dashed line
    assertThat(Pixels.count(image, 0x2ca02c)).isZero(); // no third colour for the NaN line
  }

  @Test
  void stacksChartsOneAboveTheOther() throws Exception {
    LineChart a = LineChart.of("a", "x", "y").withSeries("a", RISING);
    LineChart b = LineChart.of("b", "x", "y").withSize(600, 200);
    Path file = dir.resolve("stack.png");
    LineChart.writePng(file, List.of(a, b));
    BufferedImage image = ImageIO.read(file.toFile());
    assertThat(image.getWidth()).isEqualTo(720);
    assertThat(image.getHeight()).isEqualTo(560);
  }

  @Test
  void refusesABadRangeOrSize() {
    LineChart chart = LineChart.of("t", "x", "y");
    assertThatThrownBy(() -> chart.withYRange(1, 1)).hasMessageContaining("min < max");
    assertThatThrownBy(() -> chart.withYRange(0, Double.NaN)).hasMessageContaining("finite");
    assertThatThrownBy(() -> chart.withSize(10, 10)).hasMessageContaining("at least 200 x 120");
    assertThatThrownBy(() -> LineChart.stack(List.of())).hasMessageContaining("no charts");
  }
}
