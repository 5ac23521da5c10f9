package dev.srlstream.topology.report;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.Stroke;
import java.awt.geom.AffineTransform;
import java.awt.geom.Ellipse2D;
import java.awt.geom.Line2D;
import java.awt.geom.Path2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import javax.imageio.ImageIO;

/**
 * A line chart of named (x, y) series, drawn with Java2D alone and written as a PNG: a title, axis
 * labels, numeric ticks, a legend above the plot and one colour per series (and per reference
 * line).
 *
 * <p>A chart is immutable; each {@code with...} method returns a changed copy. Series are drawn in
 * the order given, points in the order given. A point with a non-finite coordinate (NaN, infinite)
 * is left out and the line is broken there; a point without a finite neighbour is drawn as a dot,
 * so a single point shows. All-equal values get a small range around them. A chart without any
 * finite point or reference line draws "no data" in its frame.
 *
 * <p>Rendering needs no display: this class sets {@code java.awt.headless=true} when it is loaded,
 * unless the property was set otherwise.
 */
public final class LineChart {

  static {
    // Before any AWT class is touched: a server has no display, and a report must not need one.
    if (System.getProperty("java.awt.headless") == null) {
      System.setProperty("java.awt.headless", "true");
    }
  }

  /** The default width, in pixels. */
  public static final int DEFAULT_WIDTH = 720;

  /** The default height, in pixels. */
  public static final int DEFAULT_HEIGHT = 360;

  /** The background of a chart (white). */
  public static final Color BACKGROUND = Color.WHITE;

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

  /** Series with more points than this are drawn as lines without a dot per point. */
  private static final int MAX_DOTTED_POINTS = 60;

  private static final Font TITLE_FONT = new Font(Font.SANS_SERIF, Font.BOLD, 14);
  private static final Font TEXT_FONT = new Font(Font.SANS_SERIF, Font.PLAIN, 12);
  private static final Color INK = new Color(0x333333);
  private static final Color GRID = new Color(0xe5e5e5);

  /** One point of a series. */
  public record Point(double x, double y) {}

  private record Series(String name, List<Point> points) {}

  private record Reference(String name, double y) {}

  private final String title;
  private final String xLabel;
  private final String yLabel;
  private final List<Series> series;
  private final List<Reference> references;
  private final double fixedYMin;
  private final double fixedYMax;
  private final int width;
  private final int height;

  private LineChart(
      String title,
      String xLabel,
      String yLabel,
      List<Series> series,
      List<Reference> references,
      double fixedYMin,
      double fixedYMax,
      int width,
      int height) {
    this.title = title;
    this.xLabel = xLabel;
    this.yLabel = yLabel;
    this.series = List.copyOf(series);
    this.references = List.copyOf(references);
    this.fixedYMin = fixedYMin;
    this.fixedYMax = fixedYMax;
    this.width = width;
    this.height = height;
  }

  /** An empty chart of {@link #DEFAULT_WIDTH} x {@link #DEFAULT_HEIGHT} pixels. */
  public static LineChart of(String title, String xLabel, String yLabel) {
    return new LineChart(
        text(title),
        text(xLabel),
        text(yLabel),
        List.of(),
        List.of(),
        Double.NaN,
        Double.NaN,
        DEFAULT_WIDTH,
        DEFAULT_HEIGHT);
  }

  /** This chart with one more series, drawn as a line through its points. */
  public LineChart withSeries(String name, List<Point> points) {
    List<Series> more = new ArrayList<>(series);
    more.add(new Series(text(name), List.copyOf(points)));
    return new LineChart(
        title, xLabel, yLabel, more, references, fixedYMin, fixedYMax, width, height);
  }

  /**
   * This chart with a dashed horizontal line at {@code y} across the whole x range, for a reference
   * value such as a test accuracy. A non-finite {@code y} is ignored (no line, no legend entry).
   */
  public LineChart withReferenceLine(String name, double y) {
    if (!Double.isFinite(y)) {
      return this;
    }
    List<Reference> more = new ArrayList<>(references);
    more.add(new Reference(text(name), y));
    return new LineChart(title, xLabel, yLabel, series, more, fixedYMin, fixedYMax, width, height);
  }

  /**
   * This chart with a fixed y range (0..1 for an accuracy, say) instead of one fitted to the data;
   * what lies outside is clipped.
   *
   * @throws IllegalArgumentException unless both are finite and {@code min < max}
   */
  public LineChart withYRange(double min, double max) {
    if (!Double.isFinite(min) || !Double.isFinite(max) || min >= max) {
      throw new IllegalArgumentException(
          "the y range must be finite with min < max, but was " + min + ".." + max);
    }
    return new LineChart(title, xLabel, yLabel, series, references, min, max, width, height);
  }

  /**
   * This chart at another size.
   *
   * @throws IllegalArgumentException for a size under 200 x 120 pixels
   */
  public LineChart withSize(int width, int height) {
    if (width < 200 || height < 120) {
      throw new IllegalArgumentException(
          "a chart must be at least 200 x 120 pixels, but was " + width + " x " + height);
    }
    return new LineChart(
        title, xLabel, yLabel, series, references, fixedYMin, fixedYMax, width, height);
  }

  public int width() {
    return width;
  }

  public int height() {
    return height;
  }

  /** Draws the chart on a new RGB image of its size. */
  public BufferedImage render() {
    BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = image.createGraphics();
    try {
      draw(g);
    } finally {
      g.dispose();
    }
    return image;
  }

  /** Writes the chart as a PNG, replacing {@code file}. */
  public void writePng(Path file) throws IOException {
    writePng(render(), file);
  }

  /**
   * Writes charts one above the other as one PNG, replacing {@code file}: as wide as the widest, as
   * high as all together. For values of different scales (a reward and a count of groups) that
   * would flatten each other on one y axis.
   *
   * @throws IllegalArgumentException for no charts
   */
  public static void writePng(Path file, List<LineChart> panels) throws IOException {
    writePng(stack(panels), file);
  }

  /** The charts drawn one above the other on one image; see {@link #writePng(Path, List)}. */
  public static BufferedImage stack(List<LineChart> panels) {
    if (panels.isEmpty()) {
      throw new IllegalArgumentException("no charts to stack");
    }
    int width = panels.stream().mapToInt(LineChart::width).max().orElseThrow();
    int height = panels.stream().mapToInt(LineChart::height).sum();
    BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = image.createGraphics();
    try {
      g.setColor(BACKGROUND);
      g.fillRect(0, 0, width, height);
      int top = 0;
      for (LineChart panel : panels) {
        g.drawImage(panel.render(), 0, top, null);
        top += panel.height();
      }
    } finally {
      g.dispose();
    }
    return image;
  }

  private static void writePng(BufferedImage image, Path file) throws IOException {
    if (!ImageIO.write(image, "png", file.toFile())) {
      throw new IOException("this JDK has no PNG writer; cannot write " + file);
    }
  }

  // ---- drawing --------------------------------------------------------------------------------

  private void draw(Graphics2D g) {
    g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
    g.setRenderingHint(
        RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
    g.setRenderingHint(RenderingHints.KEY_STROKE_CONTROL, RenderingHints.VALUE_STROKE_PURE);
    g.setColor(BACKGROUND);
    g.fillRect(0, 0, width, height);

    g.setFont(TITLE_FONT);
    g.setColor(INK);
    FontMetrics titleMetrics = g.getFontMetrics();
    int y = 8 + titleMetrics.getAscent();
    g.drawString(title, (width - titleMetrics.stringWidth(title)) / 2, y);
    y += titleMetrics.getDescent() + 6;

    g.setFont(TEXT_FONT);
    FontMetrics text = g.getFontMetrics();
    int lineHeight = text.getHeight();
    y = drawLegend(g, y, lineHeight) + 8;

    Axis.Range xs = xRange();
    Axis.Range ys = yRange();
    Axis xAxis = xs == null ? null : Axis.of(xs, false, 8);
    Axis yAxis = ys == null ? null : Axis.of(ys, Double.isFinite(fixedYMin), 6);

    int labelWidth = 0;
    if (yAxis != null) {
      for (double tick : yAxis.ticks()) {
        labelWidth = Math.max(labelWidth, text.stringWidth(yAxis.label(tick)));
      }
    }
    int left = 8 + lineHeight + 6 + labelWidth + 6;
    int right = width - 16;
    int bottom = height - (8 + lineHeight + 4 + lineHeight + 4);
    Frame frame = new Frame(left, y, Math.max(1, right - left), Math.max(1, bottom - y));

    drawAxisLabels(g, frame, text);
    if (xAxis == null || yAxis == null) {
      g.setColor(GRID);
      g.drawRect(frame.left, frame.top, frame.width, frame.height);
      g.setColor(INK);
      String none = "no data";
      g.drawString(
          none,
          frame.left + (frame.width - text.stringWidth(none)) / 2,
          frame.top + frame.height / 2 + text.getAscent() / 2);
      return;
    }
    drawGridAndTicks(g, frame, xAxis, yAxis, text);

    Graphics2D plot = (Graphics2D) g.create();
    try {
      plot.clipRect(frame.left, frame.top, frame.width + 1, frame.height + 1);
      int colour = 0;
      for (Series s : series) {
        drawSeries(plot, s, PALETTE[colour++ % PALETTE.length], frame, xAxis, yAxis);
      }
      for (Reference r : references) {
        plot.setColor(PALETTE[colour++ % PALETTE.length]);
        plot.setStroke(dashed());
        double py = Math.round(frame.y(yAxis, r.y())); // on a pixel edge: a crisp line
        plot.draw(new Line2D.Double(frame.left, py, frame.left + frame.width, py));
      }
    } finally {
      plot.dispose();
    }
    g.setColor(INK);
    g.setStroke(new BasicStroke(1f));
    g.drawRect(frame.left, frame.top, frame.width, frame.height);
  }

  /** Draws the legend in rows under the title; returns the y below it. */
  private int drawLegend(Graphics2D g, int top, int lineHeight) {
    List<String> names = new ArrayList<>();
    series.forEach(s -> names.add(s.name()));
    references.forEach(r -> names.add(r.name()));
    if (names.isEmpty()) {
      return top;
    }
    FontMetrics metrics = g.getFontMetrics();
    int swatch = 22;
    int x = 16;
    int baseline = top + metrics.getAscent();
    for (int i = 0; i < names.size(); i++) {
      String name = names.get(i);
      int entry = swatch + 5 + metrics.stringWidth(name);
      if (x > 16 && x + entry > width - 16) {
        x = 16;
        baseline += lineHeight;
      }
      g.setColor(PALETTE[i % PALETTE.length]);
      g.setStroke(i < series.size() ? new BasicStroke(2f) : dashed());
      int mid = baseline - metrics.getAscent() / 2 + 1;
      g.draw(new Line2D.Double(x, mid, x + swatch, mid));
      g.setColor(INK);
      g.drawString(name, x + swatch + 5, baseline);
      x += entry + 16;
    }
    g.setStroke(new BasicStroke(1f));
    return baseline + metrics.getDescent();
  }

  private void drawAxisLabels(Graphics2D g, Frame frame, FontMetrics text) {
    g.setColor(INK);
    g.drawString(
        xLabel,
        frame.left + (frame.width - text.stringWidth(xLabel)) / 2,
        height - 8 - text.getDescent());
    AffineTransform saved = g.getTransform();
    g.rotate(-Math.PI / 2);
    // Rotated: x runs upwards from the bottom, y to the right.
    g.drawString(
        yLabel, -(frame.top + (frame.height + text.stringWidth(yLabel)) / 2), 8 + text.getAscent());
    g.setTransform(saved);
  }

  private static void drawGridAndTicks(
      Graphics2D g, Frame frame, Axis xAxis, Axis yAxis, FontMetrics text) {
    for (double tick : xAxis.ticks()) {
      double px = frame.x(xAxis, tick);
      g.setColor(GRID);
      g.draw(new Line2D.Double(px, frame.top, px, frame.top + frame.height));
      g.setColor(INK);
      String label = xAxis.label(tick);
      g.drawString(
          label,
          (float) (px - text.stringWidth(label) / 2.0),
          frame.top + frame.height + 4 + text.getAscent());
    }
    for (double tick : yAxis.ticks()) {
      double py = frame.y(yAxis, tick);
      g.setColor(GRID);
      g.draw(new Line2D.Double(frame.left, py, frame.left + frame.width, py));
      g.setColor(INK);
      String label = yAxis.label(tick);
      g.drawString(
          label,
          frame.left - 6 - text.stringWidth(label),
          (float) (py + text.getAscent() / 2.0 - 1));
    }
  }

  private static void drawSeries(
      Graphics2D g, Series s, Color colour, Frame frame, Axis xAxis, Axis yAxis) {
    List<Point> points = s.points();
    long finite = points.stream().filter(LineChart::finite).count();
    g.setColor(colour);
    g.setStroke(new BasicStroke(2f, BasicStroke.CAP_ROUND, BasicStroke.JOIN_ROUND));
    Path2D.Double line = new Path2D.Double();
    boolean drawing = false;
    for (int i = 0; i < points.size(); i++) {
      Point p = points.get(i);
      if (!finite(p)) {
        drawing = false;
        continue;
      }
      double px = frame.x(xAxis, p.x());
      double py = frame.y(yAxis, p.y());
      if (drawing) {
        line.lineTo(px, py);
      } else {
        line.moveTo(px, py);
        drawing = true;
      }
      boolean alone =
          (i == 0 || !finite(points.get(i - 1)))
              && (i == points.size() - 1 || !finite(points.get(i + 1)));
      if (alone || finite <= MAX_DOTTED_POINTS) {
        g.fill(new Ellipse2D.Double(px - 3, py - 3, 6, 6));
      }
    }
    g.draw(line);
  }

  private static Stroke dashed() {
    return new BasicStroke(
        2f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10f, new float[] {6f, 4f}, 0f);
  }

  // ---- ranges and ticks -----------------------------------------------------------------------

  private static boolean finite(Point p) {
    return Double.isFinite(p.x()) && Double.isFinite(p.y());
  }

  /** The x range of the finite points; 0..1 when only reference lines are drawn; null if empty. */
  private Axis.Range xRange() {
    Axis.Range range = null;
    for (Series s : series) {
      for (Point p : s.points()) {
        if (finite(p)) {
          range = Axis.Range.include(range, p.x());
        }
      }
    }
    if (range == null && !references.isEmpty()) {
      return new Axis.Range(0, 1);
    }
    return range;
  }

  /** The fixed y range, or that of the finite points and reference lines; null if empty. */
  private Axis.Range yRange() {
    Axis.Range range = null;
    for (Series s : series) {
      for (Point p : s.points()) {
        if (finite(p)) {
          range = Axis.Range.include(range, p.y());
        }
      }
    }
    for (Reference r : references) {
      range = Axis.Range.include(range, r.y());
    }
    if (range == null) {
      return null;
    }
    return Double.isFinite(fixedYMin) ? new Axis.Range(fixedYMin, fixedYMax) : range;
  }

  private static String text(String s) {
    return s == null ? "" : s;
  }

  /** Where the plot is drawn, in pixels, and how values map into it. */
  private record Frame(int left, int top, int width, int height) {
    double x(Axis axis, double v) {
      return left + (v - axis.min()) / (axis.max() - axis.min()) * width;
    }

    double y(Axis axis, double v) {
      return top + height - (v - axis.min()) / (axis.max() - axis.min()) * height;
    }
  }
}
