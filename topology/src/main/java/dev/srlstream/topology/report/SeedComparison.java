package dev.srlstream.topology.report;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;

/**
 * One recipe of a comparison over seeds, as an entry of compare.json's {@code recipes}: its runs
 * (one per seed, in the order of the comparison's seeds) and, per metric, the per-seed values with
 * their mean and 95% confidence interval ({@link SeedStats}):
 *
 * <pre>{@code
 * {"recipe": "srl",
 *  "run_dirs": ["runs/x/seed-1/srl", ...], "statuses": ["finished", ...], "versions": [296, ...],
 *  "metrics": {"greedy_accuracy": {"n": 3, "mean": 0.345, "sd": 0.0218,
 *                                  "ci95_low": 0.291, "ci95_high": 0.399,
 *                                  "per_seed": [0.32, 0.355, 0.36]}, ...}}
 * }</pre>
 *
 * A seed not run (yet, or its run failed before an evaluation) is null in every list; the figures
 * are over the seeds with a value, {@code n} of them. With one value the mean is that value and
 * {@code sd}, {@code ci95_low} and {@code ci95_high} are null: one seed gives no interval.
 */
public final class SeedComparison {
  private static final ObjectMapper JSON = new ObjectMapper();

  /**
   * A metric of a policy's evaluation.
   *
   * @param key its name in compare.json
   * @param label its column heading ("k" is replaced by the comparison's k)
   * @param pointer where it is in an evaluation summary (a run summary's {@code final})
   * @param rate whether it is a share (shown in percent) rather than a mean reward
   */
  public record Metric(String key, String label, String pointer, boolean rate) {

    /** The metric in {@code evaluation}, or NaN when it is missing or null. */
    public double of(JsonNode evaluation) {
      JsonNode value = evaluation == null ? null : evaluation.at(pointer);
      return value != null && value.isNumber() ? value.doubleValue() : Double.NaN;
    }
  }

  /**
   * End to end (greedy accuracy, avg@k, pass@k on whole problems) and step level (the greedy
   * response to every step given the expert's earlier ones: exact rate, well-formed rate, mean
   * reward).
   */
  public static final List<Metric> METRICS =
      List.of(
          new Metric("greedy_accuracy", "Greedy accuracy", "/greedy_accuracy", true),
          new Metric("avg_at_k", "avg@k", "/avg_at_k", true),
          new Metric("pass_at_k", "pass@k", "/pass_at_k", true),
          new Metric("step_exact_rate", "Step exact", "/steps/exact_rate", true),
          new Metric("step_well_formed_rate", "Step well-formed", "/steps/well_formed_rate", true),
          new Metric("step_mean_reward", "Step reward", "/steps/mean_reward", false));

  /**
   * One run of a recipe.
   *
   * @param seed its seed
   * @param runDir its run directory (the base's weights file for the base)
   * @param status "finished", "stopped: …" or "failed: …"
   * @param versions policy versions trained
   * @param evaluation its evaluation on the test problems (a run summary's {@code final}), or null
   */
  public record Run(long seed, String runDir, String status, long versions, JsonNode evaluation) {}

  private SeedComparison() {}

  /** The entry of {@code recipe}: its runs matched to {@code seeds} by seed. */
  public static ObjectNode recipe(String recipe, List<Long> seeds, List<Run> runs) {
    List<Run> bySeed = new ArrayList<>();
    for (long seed : seeds) {
      bySeed.add(runs.stream().filter(r -> r.seed() == seed).findFirst().orElse(null));
    }
    ObjectNode node = JSON.createObjectNode();
    node.put("recipe", recipe);
    ArrayNode dirs = node.putArray("run_dirs");
    ArrayNode statuses = node.putArray("statuses");
    ArrayNode versions = node.putArray("versions");
    for (Run run : bySeed) {
      if (run == null) {
        dirs.addNull();
        statuses.addNull();
        versions.addNull();
      } else {
        dirs.add(run.runDir());
        statuses.add(run.status());
        versions.add(run.versions());
      }
    }
    ObjectNode metrics = node.putObject("metrics");
    for (Metric metric : METRICS) {
      List<Double> values = new ArrayList<>();
      for (Run run : bySeed) {
        values.add(run == null ? Double.NaN : metric.of(run.evaluation()));
      }
      metrics.set(metric.key(), stats(values));
    }
    return node;
  }

  /** {@code {"n", "mean", "sd", "ci95_low", "ci95_high", "per_seed"}}; NaN is written as null. */
  public static ObjectNode stats(List<Double> perSeed) {
    SeedStats.Interval interval = SeedStats.of(perSeed);
    ObjectNode node = JSON.createObjectNode();
    node.put("n", interval.n());
    put(node, "mean", interval.mean());
    put(node, "sd", interval.sd());
    put(node, "ci95_low", interval.low());
    put(node, "ci95_high", interval.high());
    ArrayNode values = node.putArray("per_seed");
    for (Double v : perSeed) {
      if (v == null || !Double.isFinite(v)) {
        values.addNull();
      } else {
        values.add(v);
      }
    }
    return node;
  }

  /**
   * The interval of a metric's entry as written by {@link #stats}, recomputed from its per-seed
   * values (so a hand-edited or older entry is shown consistently).
   */
  static SeedStats.Interval interval(JsonNode stats) {
    List<Double> values = new ArrayList<>();
    for (JsonNode v : ReportJson.array(stats, "per_seed")) {
      values.add(v.isNumber() ? v.doubleValue() : Double.NaN);
    }
    return SeedStats.of(values);
  }

  private static void put(ObjectNode node, String field, double value) {
    if (Double.isFinite(value)) {
      node.put(field, value);
    } else {
      node.putNull(field);
    }
  }
}
