package dev.srlstream.topology.eval;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.srlstream.policy.eval.Evaluator;
import dev.srlstream.policy.eval.StepEvaluator;
import java.util.Locale;

/**
 * A step-level report ({@link StepEvaluator.Report}) as JSON (the {@code steps} object of {@code
 * srl eval --json} and of a run summary's {@code base}/{@code final}) and as a table:
 *
 * <pre>{@code
 * {"version": 0, "problems": 2, "steps": 3, "context_window": -1, "autojunk": true,
 *  "well_formed_rate": 1.0, "exact_rate": 0.333, "mean_reward": 0.5,
 *  "by_index": [{"index": 1, "steps": 2, "well_formed_rate": …, "exact_rate": …,
 *                "mean_reward": …}, …],
 *  "sampled": {"k": 4, "temperature": 1.0, "samples": 12, "well_formed_rate": …,
 *              "exact_rate": …, "mean_reward": …, "by_index": [{"index", "steps", "samples", …}]}}
 * }</pre>
 *
 * {@code context_window} is -1 for all earlier steps; {@code sampled} is null when k is 0; a NaN
 * figure is null.
 */
public final class StepReports {
  private static final ObjectMapper JSON = new ObjectMapper();

  private StepReports() {}

  /** The figures, overall and by step index, greedy and sampled. */
  public static ObjectNode summary(StepEvaluator.Report report) {
    ObjectNode node = JSON.createObjectNode();
    node.put("version", report.version());
    node.put("problems", report.problems());
    node.put("steps", report.steps());
    node.put(
        "context_window",
        report.contextWindow() == Evaluator.Settings.ALL_STEPS ? -1 : report.contextWindow());
    node.put("autojunk", report.autojunk());
    rates(node, report.greedy());
    ArrayNode greedyByIndex = node.putArray("by_index");
    for (StepEvaluator.ByIndex i : report.byIndex()) {
      rates(greedyByIndex.addObject().put("index", i.index()).put("steps", i.steps()), i.greedy());
    }
    if (report.k() == 0) {
      node.putNull("sampled");
      return node;
    }
    ObjectNode sampled = node.putObject("sampled");
    sampled.put("k", report.k());
    sampled.put("temperature", (double) report.temperature());
    sampled.put("samples", report.sampled().responses());
    rates(sampled, report.sampled());
    ArrayNode sampledByIndex = sampled.putArray("by_index");
    for (StepEvaluator.ByIndex i : report.byIndex()) {
      rates(
          sampledByIndex
              .addObject()
              .put("index", i.index())
              .put("steps", i.steps())
              .put("samples", i.sampled().responses()),
          i.sampled());
    }
    return node;
  }

  /** The summary plus one entry per step: its greedy response and how it and the samples fared. */
  public static ObjectNode detailed(StepEvaluator.Report report) {
    ObjectNode node = summary(report);
    ArrayNode steps = node.putArray("per_step");
    for (StepEvaluator.StepScore s : report.scores()) {
      ObjectNode step =
          steps
              .addObject()
              .put("id", s.problemId())
              .put("index", s.index())
              .put("expert", s.expertAction())
              .put("greedy_response", s.greedyResponse())
              .put("greedy_well_formed", s.greedy().wellFormed())
              .put("greedy_exact", s.greedy().exact())
              .put("greedy_reward", s.greedy().reward());
      if (report.k() > 0) {
        step.put(
                "sampled_well_formed",
                s.samples().stream().filter(StepEvaluator.Outcome::wellFormed).count())
            .put("sampled_exact", s.samples().stream().filter(StepEvaluator.Outcome::exact).count())
            .put("sampled_mean_reward", StepEvaluator.Rates.of(s.samples()).meanReward());
      }
    }
    return node;
  }

  /** A small aligned table: all steps, then one row per step index. */
  public static String table(StepEvaluator.Report report) {
    StringBuilder out = new StringBuilder();
    out.append(
        String.format(
            Locale.ROOT,
            "step level: %d steps of %d problems, each prompted with %s%n",
            report.steps(),
            report.problems(),
            report.contextWindow() == Evaluator.Settings.ALL_STEPS
                ? "the expert's earlier steps"
                : "the expert's last " + report.contextWindow() + " earlier step(s)"));
    String sampled =
        report.k() == 0
            ? "sampled (k = 0)"
            : String.format(
                Locale.ROOT,
                "%d samples at T %s",
                report.k(),
                Float.toString(report.temperature()));
    out.append(String.format(Locale.ROOT, "%-12s %-29s %s%n", "", "greedy", sampled));
    String row = "%-5s %6s %12s %7s %8s %12s %7s %8s%n";
    out.append(
        String.format(
            Locale.ROOT,
            row,
            "step",
            "steps",
            "well-formed",
            "exact",
            "reward",
            "well-formed",
            "exact",
            "reward"));
    row(out, row, "all", report.steps(), report.greedy(), report.sampled());
    for (StepEvaluator.ByIndex i : report.byIndex()) {
      row(out, row, Integer.toString(i.index()), i.steps(), i.greedy(), i.sampled());
    }
    return out.toString();
  }

  private static void row(
      StringBuilder out,
      String format,
      String label,
      int steps,
      StepEvaluator.Rates greedy,
      StepEvaluator.Rates sampled) {
    out.append(
        String.format(
            Locale.ROOT,
            format,
            label,
            steps,
            percent(greedy.wellFormedRate()),
            percent(greedy.exactRate()),
            reward(greedy.meanReward()),
            percent(sampled.wellFormedRate()),
            percent(sampled.exactRate()),
            reward(sampled.meanReward())));
  }

  private static String percent(double value) {
    return Double.isNaN(value) ? "–" : String.format(Locale.ROOT, "%.1f%%", 100 * value);
  }

  private static String reward(double value) {
    return Double.isNaN(value) ? "–" : String.format(Locale.ROOT, "%.3f", value);
  }

  private static void rates(ObjectNode node, StepEvaluator.Rates rates) {
    number(node, "well_formed_rate", rates.wellFormedRate());
    number(node, "exact_rate", rates.exactRate());
    number(node, "mean_reward", rates.meanReward());
  }

  private static void number(ObjectNode node, String field, double value) {
    if (Double.isNaN(value)) {
      node.putNull(field);
    } else {
      node.put(field, value);
    }
  }
}
