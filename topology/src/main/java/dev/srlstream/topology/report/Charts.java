package dev.srlstream.topology.report;

import com.fasterxml.jackson.databind.JsonNode;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.Stroke;
import java.awt.geom.Ellipse2D;
import java.awt.geom.Line2D;
import java.awt.geom.Rectangle2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import javax.imageio.ImageIO;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.LegendItem;
import org.jfree.chart.LegendItemCollection;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.axis.ValueAxis;
import org.jfree.chart.block.BlockBorder;
import org.jfree.chart.plot.SeriesRenderingOrder;
import org.jfree.chart.plot.ValueMarker;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.chart.title.LegendTitle;
import org.jfree.chart.ui.Layer;
import org.jfree.chart.ui.RectangleEdge;
import org.jfree.chart.ui.RectangleInsets;
import org.jfree.data.Range;
import org.jfree.data.general.DatasetUtils;
import org.jfree.data.xy.XYDataset;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

/**
 * The line charts of a run report, drawn by JFreeChart in one look: a title, a legend above the
 * plot, axis labels, one colour per series (and per reference line), white background. Series are
 * drawn in the order given, a later one on top.
 *
 * <p>Data: a series holds a row's (x, y) for each row where both are finite numbers, in row order;
 * a row without them is left out and breaks the line there (see {@link #series}). Each point gets a
 * dot when a series has at most {@value #MAX_DOTTED_POINTS} points, and a point without a neighbour
 * on its line always does, so a single point shows. Values that are all equal get a small range
 * around them instead of none. A chart whose series hold no point says "{@value #NO_DATA}" in its
 * plot area (its legend and reference lines are still drawn).
 *
 * <p>Rendering needs no display: this class sets {@code java.awt.headless=true} when it is loaded,
 * unless the property was set otherwise.
 */
final class Charts {

  static {
    // Before any AWT class is touched: a server has no display, and a report must not need one.
    if (System.getProperty("java.awt.headless") == null) {
      System.setProperty("java.awt.headless", "true");
    }
  }

  /** The width of a chart, in pixels. */
  static final int WIDTH = 720;

  /** The height of one chart (one panel of a plot), in pixels. */
  static final int HEIGHT = 360;

  /** The background of a chart. */
  static final Color BACKGROUND = Color.WHITE;

  /** What a chart without any point says in its plot area. */
  static final String NO_DATA = "no data";

  /** Series with more points than this are drawn as lines without a dot per point. */
  static final int MAX_DOTTED_POINTS = 60;

  /** Tableau's ten colours: distinct, and readable on white. */
  private static final Color[] PALETTE = {
    new Color(0x1f77b4),
    new Color(0xff7f0e),
    new Color(0x2ca02c),
    new Color(0xd62728),
    new Color(0x9467bd),
    new Color(0x8c564b),
    new Color(0xe377c2),
    new Color(0x7f7f7f),
    new Color(0xbcbd22),
    new Color(0x17becf)
  };

  private static final Font TITLE_FONT = new Font(Font.SANS_SERIF, Font.BOLD, 14);
  private static final Font LABEL_FONT = new Font(Font.SANS_SERIF, Font.PLAIN, 12);
  private static final Font TICK_FONT = new Font(Font.SANS_SERIF, Font.PLAIN, 11);
  private static final Color INK = new Color(0x333333);
  private static final Color GRID = new Color(0xe5e5e5);
  private static final Stroke LINE =
      new BasicStroke(2f, BasicStroke.CAP_ROUND, BasicStroke.JOIN_ROUND);
  private static final Stroke DASHED =
      new BasicStroke(
          2f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10f, new float[] {6f, 4f}, 0f);

  private Charts() {}

  /**
   * The series of {@code rows}' numbers {@code x} and {@code y}: one item per row where both are
   * finite, in row order. Where rows without them (a missing field, null, not a number) lie between
   * such rows, a gap item (NaN, NaN) stands in for them, which breaks the line.
   */
  static XYSeries series(String name, List<? extends JsonNode> rows, String x, String y) {
    // Kept in row order, duplicates allowed: a line goes through the points as logged.
    XYSeries series = new XYSeries(name, false, true);
    boolean gap = false;
    for (JsonNode row : rows) {
      double px = ReportJson.number(row, x);
      double py = ReportJson.number(row, y);
      if (!Double.isFinite(px) || !Double.isFinite(py)) {
        gap = true;
        continue;
      }
      if (gap && !series.isEmpty()) {
        series.add(Double.NaN, Double.NaN);
      }
      series.add(px, py);
      gap = false;
    }
    return series;
  }

  /** A line chart of the series, in the order given, with axes fitted to their points. */
  static JFreeChart lineChart(String title, String xLabel, String yLabel, XYSeries... series) {
    XYSeriesCollection dataset = new XYSeriesCollection();
    for (XYSeries s : series) {
      dataset.addSeries(s);
    }
    LineRenderer renderer = new LineRenderer();
    for (int i = 0; i < series.length; i++) {
      renderer.setSeriesPaint(i, PALETTE[i % PALETTE.length]);
      renderer.setSeriesStroke(i, LINE);
      renderer.setSeriesShape(i, new Ellipse2D.Double(-3, -3, 6, 6));
      renderer.setSeriesShapesVisible(i, points(series[i]) <= MAX_DOTTED_POINTS);
    }
    XYPlot plot = new XYPlot(dataset, axis(xLabel), axis(yLabel), renderer);
    plot.setSeriesRenderingOrder(SeriesRenderingOrder.FORWARD); // a later series on top
    plot.setBackgroundPaint(BACKGROUND);
    plot.setOutlinePaint(INK);
    plot.setDomainGridlinePaint(GRID);
    plot.setRangeGridlinePaint(GRID);
    plot.setDomainGridlineStroke(new BasicStroke(1f));
    plot.setRangeGridlineStroke(new BasicStroke(1f));
    plot.setNoDataMessage(NO_DATA);
    plot.setNoDataMessageFont(LABEL_FONT);
    plot.setNoDataMessagePaint(INK);
    widenIfFlat(plot.getDomainAxis(), DatasetUtils.findDomainBounds(dataset, false));
    widenIfFlat(plot.getRangeAxis(), DatasetUtils.findRangeBounds(dataset));

    JFreeChart chart = new JFreeChart(title, TITLE_FONT, plot, true);
    chart.setBackgroundPaint(BACKGROUND);
    chart.setPadding(new RectangleInsets(8, 4, 4, 12)); // apart from the panel above, if any
    chart.getTitle().setPaint(INK);
    LegendTitle legend = chart.getLegend();
    legend.setPosition(RectangleEdge.TOP);
    legend.setFrame(BlockBorder.NONE);
    legend.setItemFont(LABEL_FONT);
    legend.setItemPaint(INK);
    return chart;
  }

  /**
   * Adds a dashed horizontal line at {@code y} across the plot, with a legend entry, for a
   * reference value such as a test accuracy; the next colour after the series'. A non-finite {@code
   * y} is ignored (no line, no legend entry). The line does not widen the y axis: it is meant for a
   * chart with a fixed range that holds it.
   */
  static void addReferenceLine(JFreeChart chart, String name, double y) {
    if (!Double.isFinite(y)) {
      return;
    }
    XYPlot plot = chart.getXYPlot();
    int colour = plot.getDataset().getSeriesCount() + referenceLines(plot).size();
    Color paint = PALETTE[colour % PALETTE.length];
    plot.addRangeMarker(new ValueMarker(y, paint, DASHED), Layer.FOREGROUND);
    // The legend is the series' entries plus one per line; fixed, since markers have none.
    LegendItemCollection items = plot.getLegendItems();
    items.add(
        new LegendItem(name, null, null, null, new Line2D.Double(-11, 0, 11, 0), DASHED, paint));
    plot.setFixedLegendItems(items);
  }

  /** The reference lines of a chart, in the order added. */
  static List<ValueMarker> referenceLines(XYPlot plot) {
    var markers = plot.getRangeMarkers(Layer.FOREGROUND);
    return markers == null ? List.of() : markers.stream().map(ValueMarker.class::cast).toList();
  }

  /**
   * The charts drawn one above the other on one RGB image, each {@link #WIDTH} x {@link #HEIGHT}:
   * for values of different scales (a reward and a count of groups) that would flatten each other
   * on one y axis.
   *
   * @throws IllegalArgumentException for no charts
   */
  static BufferedImage render(List<JFreeChart> panels) {
    if (panels.isEmpty()) {
      throw new IllegalArgumentException("no charts to draw");
    }
    BufferedImage image =
        new BufferedImage(WIDTH, HEIGHT * panels.size(), BufferedImage.TYPE_INT_RGB);
    Graphics2D g = image.createGraphics();
    try {
      for (int i = 0; i < panels.size(); i++) {
        panels.get(i).draw(g, new Rectangle2D.Double(0, i * HEIGHT, WIDTH, HEIGHT));
      }
    } finally {
      g.dispose();
    }
    return image;
  }

  /** Writes {@link #render the charts} as one PNG, replacing {@code file}. */
  static void writePng(Path file, List<JFreeChart> panels) throws IOException {
    if (!ImageIO.write(render(panels), "png", file.toFile())) {
      throw new IOException("this JDK has no PNG writer; cannot write " + file);
    }
  }

  private static NumberAxis axis(String label) {
    NumberAxis axis = new NumberAxis(label);
    axis.setAutoRangeIncludesZero(false); // fitted to the data, as the values vary
    axis.setStandardTickUnits(NumberAxis.createStandardTickUnits(Locale.ROOT));
    axis.setLabelFont(LABEL_FONT);
    axis.setLabelPaint(INK);
    axis.setTickLabelFont(TICK_FONT);
    axis.setTickLabelPaint(INK);
    return axis;
  }

  /** Gives values that are all equal a range around them; JFreeChart's would be 1e-8 wide. */
  private static void widenIfFlat(ValueAxis axis, Range bounds) {
    if (bounds != null && bounds.getLength() == 0) {
      double value = bounds.getLowerBound();
      double pad = Math.max(Math.abs(value) * 0.1, 0.5);
      axis.setRange(value - pad, value + pad);
    }
  }

  /** The points of a series, not counting gap items. */
  private static int points(XYSeries series) {
    int points = 0;
    for (int i = 0; i < series.getItemCount(); i++) {
      if (!Double.isNaN(series.getY(i).doubleValue())) {
        points++;
      }
    }
    return points;
  }

  /** Lines through the points, and a dot on a point that has no line to either side. */
  private static final class LineRenderer extends XYLineAndShapeRenderer {

    LineRenderer() {
      super(true, false);
      setDrawSeriesLineAsPath(true); // joins are round, not broken into segments
    }

    @Override
    public boolean getItemShapeVisible(int series, int item) {
      XYDataset data = getPlot().getDataset();
      return super.getItemShapeVisible(series, item)
          || (!isPoint(data, series, item - 1) && !isPoint(data, series, item + 1));
    }

    private static boolean isPoint(XYDataset data, int series, int item) {
      return item >= 0
          && item < data.getItemCount(series)
          && !Double.isNaN(data.getYValue(series, item));
    }
  }
}
