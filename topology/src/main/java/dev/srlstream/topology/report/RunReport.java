package dev.srlstream.topology.report;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.srlstream.method.data.MalformedDataException;
import dev.srlstream.topology.report.RunPlots.Plot;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The report of one training run: {@code report.html} and four PNG plots, written into the run's
 * directory from its {@code summary.json} and {@code metrics.jsonl}.
 *
 * <p>Written files, all replaced if they exist:
 *
 * <ul>
 *   <li>{@code plots/reward-curve.png}: mean step reward per version, and groups kept and filtered
 *       by dynamic sampling per version (two charts, one above the other);
 *   <li>{@code plots/heldout-accuracy.png}: validation greedy accuracy per version, with the base
 *       and final test accuracy as dashed lines;
 *   <li>{@code plots/staleness.png}: mean staleness and groups dropped as stale over elapsed time;
 *   <li>{@code plots/throughput.png}: rollouts/s and tokens/s over elapsed time;
 *   <li>{@code report.html}: a self-contained page (inline CSS) with the run's header, the base vs
 *       final test table, the plots and summary.json in full.
 * </ul>
 *
 * <p>A partial run is fine: any field of summary.json may be missing or null (shown as "–"), and
 * metrics.jsonl may be missing or empty (its plots say "no data"). A last line of metrics.jsonl cut
 * off without its newline, as a killed run leaves it, is left out with a note on the page.
 */
public final class RunReport {

  /** The run's summary, required. */
  public static final String SUMMARY_FILE = "summary.json";

  /** The run's status ticks, one JSON object per line, optional. */
  public static final String METRICS_FILE = "metrics.jsonl";

  /** The page written. */
  public static final String HTML_FILE = "report.html";

  /** The directory under the run directory the plots are written to. */
  public static final String PLOTS_DIR = "plots";

  /** The plot files, in the order the page shows them. */
  public static final List<String> PLOT_FILES =
      List.of(
          RunPlots.REWARD_CURVE,
          RunPlots.HELDOUT_ACCURACY,
          RunPlots.STALENESS,
          RunPlots.THROUGHPUT);

  private RunReport() {}

  /**
   * Writes the report of the run in {@code runDir}.
   *
   * @return the path of the written report.html ({@code runDir.resolve("report.html")})
   * @throws IllegalArgumentException when {@code runDir/summary.json} does not exist or is no file
   * @throws MalformedDataException when summary.json or a line of metrics.jsonl is not a JSON
   *     object; the message names the file and line
   * @throws IOException when a file cannot be read or written
   */
  public static Path write(Path runDir) throws IOException {
    Path summaryFile = runDir.resolve(SUMMARY_FILE);
    if (!Files.isRegularFile(summaryFile)) {
      throw new IllegalArgumentException(
          "cannot write a run report: "
              + summaryFile
              + (Files.exists(summaryFile) ? " is not a file" : " does not exist")
              + " (is "
              + runDir
              + " the directory of a training run?)");
    }
    ObjectNode summary = ReportJson.readObject(summaryFile);
    Path metricsFile = runDir.resolve(METRICS_FILE);
    ReportJson.Lines metrics = ReportJson.readLines(metricsFile);

    List<String> notes = new ArrayList<>(notes(summary, metricsFile, metrics));
    List<Plot> plots = RunPlots.all(summary, metrics.records(), notes);
    Path plotsDir = Files.createDirectories(runDir.resolve(PLOTS_DIR));
    for (Plot plot : plots) {
      Charts.writePng(plotsDir.resolve(plot.file()), plot.panels());
    }
    Path html = runDir.resolve(HTML_FILE);
    Files.writeString(html, RunPage.html(summary, plots, notes), StandardCharsets.UTF_8);
    return html;
  }

  /** What the page should say about data that is missing or cut short. */
  private static List<String> notes(JsonNode summary, Path metricsFile, ReportJson.Lines metrics) {
    List<String> notes = new ArrayList<>();
    if (ReportJson.object(summary, "final") == null) {
      notes.add("summary.json has no final evaluation: the run stopped before it.");
    }
    if (!Files.exists(metricsFile)) {
      notes.add("metrics.jsonl does not exist: the staleness and throughput plots have no data.");
    } else if (metrics.records().isEmpty()) {
      notes.add("metrics.jsonl holds no ticks: the staleness and throughput plots have no data.");
    }
    if (metrics.tornLastLine()) {
      notes.add(
          "The last line of metrics.jsonl is cut off (no newline, not valid JSON), as a run"
              + " stopped while writing it leaves it; it was left out.");
    }
    return notes;
  }
}
