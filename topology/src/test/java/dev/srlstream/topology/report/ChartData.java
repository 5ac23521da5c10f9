package dev.srlstream.topology.report;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.LegendItemCollection;
import org.jfree.chart.plot.ValueMarker;
import org.jfree.data.xy.XYDataset;

/** What a chart holds, read back for tests: its series' items, names, lines and legend. */
final class ChartData {

  /** An item of a series; records compare doubles as Double.compare does, so NaN equals NaN. */
  record XY(double x, double y) {}

  /** A gap item, which breaks a line. */
  static final XY GAP = new XY(Double.NaN, Double.NaN);

  private ChartData() {}

  static List<String> seriesNames(JFreeChart chart) {
    XYDataset data = chart.getXYPlot().getDataset();
    return IntStream.range(0, data.getSeriesCount())
        .mapToObj(s -> data.getSeriesKey(s).toString())
        .toList();
  }

  static List<XY> items(JFreeChart chart, int series) {
    XYDataset data = chart.getXYPlot().getDataset();
    List<XY> items = new ArrayList<>();
    for (int i = 0; i < data.getItemCount(series); i++) {
      items.add(new XY(data.getXValue(series, i), data.getYValue(series, i)));
    }
    return items;
  }

  static List<Double> referenceValues(JFreeChart chart) {
    return Charts.referenceLines(chart.getXYPlot()).stream().map(ValueMarker::getValue).toList();
  }

  static List<String> legend(JFreeChart chart) {
    LegendItemCollection items = chart.getXYPlot().getLegendItems();
    return IntStream.range(0, items.getItemCount()).mapToObj(i -> items.get(i).getLabel()).toList();
  }

  static String xLabel(JFreeChart chart) {
    return chart.getXYPlot().getDomainAxis().getLabel();
  }

  static String yLabel(JFreeChart chart) {
    return chart.getXYPlot().getRangeAxis().getLabel();
  }
}
