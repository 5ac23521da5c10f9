package dev.srlstream.topology.report;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.srlstream.topology.report.LineChart.Point;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The four plots of a run report, built from summary.json and the ticks of metrics.jsonl. */
final class RunPlots {

  /** One PNG of the report: its file name under plots/, its caption, its charts top to bottom. */
  record Plot(String file, String caption, List<LineChart> panels) {}

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
    LineChart reward =
        LineChart.of("Mean step reward per policy version", "policy version", "mean step reward")
            .withSeries("mean step reward", points(rows, "version", rewardField));
    LineChart groups =
        LineChart.of("Groups kept and filtered by dynamic sampling", "policy version", "groups")
            .withSeries("kept groups", points(rows, "version", "kept_groups"))
            .withSeries("filtered groups", points(rows, "version", "filtered_groups"));
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
    LineChart chart =
        LineChart.of("Held-out greedy accuracy", "policy version", "greedy accuracy")
            .withYRange(0, 1)
            .withSeries(
                "validation",
                points(ReportJson.array(summary, "validation"), "version", "greedy_accuracy"))
            .withReferenceLine(
                "base, test" + version(base), ReportJson.number(base, "greedy_accuracy"))
            .withReferenceLine(
                "final, test" + version(fin), ReportJson.number(fin, "greedy_accuracy"));
    return new Plot(
        HELDOUT_ACCURACY,
        "Greedy accuracy on the validation split per policy version; dashed: the base and final"
            + " policies on the test split.",
        List.of(chart));
  }

  /** Mean staleness of trained groups and groups dropped as stale, over elapsed time. */
  static Plot staleness(List<ObjectNode> metrics) {
    LineChart mean =
        LineChart.of("Staleness of trained groups", "elapsed (s)", "versions behind")
            .withSeries("mean staleness", points(metrics, "elapsed_seconds", "staleness_mean"));
    LineChart dropped =
        LineChart.of("Groups dropped as stale", "elapsed (s)", "groups")
            .withSeries("dropped stale", points(metrics, "elapsed_seconds", "dropped_stale"));
    return new Plot(
        STALENESS,
        "Mean staleness (policy versions behind) of the groups trained on (top); groups dropped"
            + " as too stale (bottom); from metrics.jsonl.",
        List.of(mean, dropped));
  }

  /** Rollouts per second and tokens per second over elapsed time. */
  static Plot throughput(List<ObjectNode> metrics) {
    LineChart rollouts =
        LineChart.of("Rollouts per second", "elapsed (s)", "rollouts/s")
            .withSeries("rollouts/s", points(metrics, "elapsed_seconds", "rollouts_per_second"));
    LineChart tokens =
        LineChart.of("Tokens per second", "elapsed (s)", "tokens/s")
            .withSeries("tokens/s", points(metrics, "elapsed_seconds", "tokens_per_second"));
    return new Plot(
        THROUGHPUT,
        "Actor throughput: rollouts per second (top) and sampled tokens per second (bottom); from"
            + " metrics.jsonl.",
        List.of(rollouts, tokens));
  }

  /** One point per row; a missing or non-numeric field makes a NaN the chart leaves out. */
  static List<Point> points(List<? extends JsonNode> rows, String x, String y) {
    List<Point> points = new ArrayList<>(rows.size());
    for (JsonNode row : rows) {
      points.add(new Point(ReportJson.number(row, x), ReportJson.number(row, y)));
    }
    return points;
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
