package dev.srlstream.topology.report;

import static dev.srlstream.topology.report.Charts.lineChart;
import static dev.srlstream.topology.report.Charts.series;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jfree.chart.JFreeChart;

/** The four plots of a run report, built from summary.json and the ticks of metrics.jsonl. */
final class RunPlots {

  /**
   * One PNG of the report: its file name under plots/, its caption, its charts top to bottom (see
   * {@link Charts#render}).
   */
  record Plot(String file, String caption, List<JFreeChart> panels) {}

  static final String REWARD_CURVE = "reward-curve.png";
  static final String HELDOUT_ACCURACY = "heldout-accuracy.png";
  static final String STALENESS = "staleness.png";
  static final String THROUGHPUT = "throughput.png";

  private RunPlots() {}

  /**
   * The four plots, in page order.
   *
   * @param notes receives a line for each thing a reader should know about where data came from
   */
  static List<Plot> all(JsonNode summary, List<ObjectNode> metrics, List<String> notes) {
    return List.of(
        rewardCurve(summary, metrics, notes),
        heldoutAccuracy(summary),
        staleness(metrics),
        throughput(metrics));
  }

  /**
   * Mean step reward per version, and groups kept and filtered per version, from summary.json's
   * {@code reward_curve}; when that is empty, from the last metrics tick of each version.
   */
  static Plot rewardCurve(JsonNode summary, List<ObjectNode> metrics, List<String> notes) {
    List<JsonNode> rows = ReportJson.array(summary, "reward_curve");
    String rewardField = "mean_reward";
    if (rows.isEmpty() && !metrics.isEmpty()) {
      rows = lastTickPerVersion(metrics);
      rewardField = "mean_step_reward";
      notes.add(
          "summary.json has no reward_curve: the reward curve shows the last metrics.jsonl tick"
              + " of each version (mean_step_reward, kept_groups, filtered_groups as logged).");
    }
    JFreeChart reward =
        lineChart(
            "Mean step reward per policy version",
            "policy version",
            "mean step reward",
            series("mean step reward", rows, "version", rewardField));
    JFreeChart groups =
        lineChart(
            "Groups kept and filtered by dynamic sampling",
            "policy version",
            "groups",
            series("kept groups", rows, "version", "kept_groups"),
            series("filtered groups", rows, "version", "filtered_groups"));
    return new Plot(
        REWARD_CURVE,
        "Mean step reward per policy version (top); training groups kept and filtered out by"
            + " dynamic sampling (bottom).",
        List.of(reward, groups));
  }

  /** Validation greedy accuracy per version, with base and final test accuracy as dashed lines. */
  static Plot heldoutAccuracy(JsonNode summary) {
    JsonNode base = ReportJson.object(summary, "base");
    JsonNode fin = ReportJson.object(summary, "final");
    JFreeChart chart =
        lineChart(
            "Held-out greedy accuracy",
            "policy version",
            "greedy accuracy",
            series(
                "validation",
                ReportJson.array(summary, "validation"),
                "version",
                "greedy_accuracy"));
    chart.getXYPlot().getRangeAxis().setRange(0, 1);
    Charts.addReferenceLine(
        chart, "base, test" + version(base), ReportJson.number(base, "greedy_accuracy"));
    Charts.addReferenceLine(
        chart, "final, test" + version(fin), ReportJson.number(fin, "greedy_accuracy"));
    return new Plot(
        HELDOUT_ACCURACY,
        "Greedy accuracy on the validation split per policy version; dashed: the base and final"
            + " policies on the test split.",
        List.of(chart));
  }

  /** Mean staleness of trained groups and groups dropped as stale, over elapsed time. */
  static Plot staleness(List<ObjectNode> metrics) {
    JFreeChart mean =
        lineChart(
            "Staleness of trained groups",
            "elapsed (s)",
            "versions behind",
            series("mean staleness", metrics, "elapsed_seconds", "staleness_mean"));
    JFreeChart dropped =
        lineChart(
            "Groups dropped as stale",
            "elapsed (s)",
            "groups",
            series("dropped stale", metrics, "elapsed_seconds", "dropped_stale"));
    return new Plot(
        STALENESS,
        "Mean staleness (policy versions behind) of the groups trained on (top); groups dropped"
            + " as too stale (bottom); from metrics.jsonl.",
        List.of(mean, dropped));
  }

  /** Rollouts per second and tokens per second over elapsed time. */
  static Plot throughput(List<ObjectNode> metrics) {
    JFreeChart rollouts =
        lineChart(
            "Rollouts per second",
            "elapsed (s)",
            "rollouts/s",
            series("rollouts/s", metrics, "elapsed_seconds", "rollouts_per_second"));
    JFreeChart tokens =
        lineChart(
            "Tokens per second",
            "elapsed (s)",
            "tokens/s",
            series("tokens/s", metrics, "elapsed_seconds", "tokens_per_second"));
    return new Plot(
        THROUGHPUT,
        "Actor throughput: rollouts per second (top) and sampled tokens per second (bottom); from"
            + " metrics.jsonl.",
        List.of(rollouts, tokens));
  }

  /** The last tick of each version, in the order versions first appear. */
  private static List<JsonNode> lastTickPerVersion(List<ObjectNode> metrics) {
    Map<Double, JsonNode> last = new LinkedHashMap<>();
    for (ObjectNode tick : metrics) {
      double version = ReportJson.number(tick, "version");
      if (Double.isFinite(version)) {
        last.put(version, tick);
      }
    }
    return new ArrayList<>(last.values());
  }

  private static String version(JsonNode evaluation) {
    double version = ReportJson.number(evaluation, "version");
    return Double.isFinite(version) ? " (v" + Html.fixed(version, 0) + ")" : "";
  }
}
