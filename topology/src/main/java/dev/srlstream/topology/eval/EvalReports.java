package dev.srlstream.topology.eval;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.srlstream.policy.eval.Evaluator;
import java.util.Locale;

/** An evaluation report as JSON (the run summary's {@code base}/{@code final}) and as a table. */
public final class EvalReports {
  private static final ObjectMapper JSON = new ObjectMapper();

  private EvalReports() {}

  /** {@code version, greedy_accuracy, avg_at_k, pass_at_k, k, problems}; NaN as null. */
  public static ObjectNode summary(Evaluator.Report report) {
    ObjectNode node = JSON.createObjectNode();
    node.put("version", report.version());
    number(node, "greedy_accuracy", report.greedyAccuracy());
    number(node, "avg_at_k", report.avgAtK());
    number(node, "pass_at_k", report.passAtK());
    node.put("k", report.k());
    node.put("problems", report.problems());
    return node;
  }

  /** The summary plus one entry per problem. */
  public static ObjectNode detailed(Evaluator.Report report) {
    ObjectNode node = summary(report);
    ArrayNode problems = node.putArray("per_problem");
    for (Evaluator.ProblemScore s : report.scores()) {
      problems
          .addObject()
          .put("id", s.problemId())
          .put("answer", s.answer())
          .put("greedy_correct", s.greedyCorrect())
          .put("correct_samples", s.correctSamples())
          .put("greedy_solution", s.greedySolution())
          .put("greedy_stop", s.greedyStop());
    }
    return node;
  }

  /** A small aligned text table. */
  public static String table(Evaluator.Report report) {
    String k = Integer.toString(report.k());
    return String.format(
        Locale.ROOT,
        "%-10s %8s %8s %8s %8s%n%-10s %8d %7.1f%% %8s %8s%n",
        "version",
        "problems",
        "greedy",
        "avg@" + k,
        "pass@" + k,
        report.version(),
        report.problems(),
        100 * report.greedyAccuracy(),
        percent(report.avgAtK()),
        percent(report.passAtK()));
  }

  private static String percent(double value) {
    return Double.isNaN(value) ? "–" : String.format(Locale.ROOT, "%.1f%%", 100 * value);
  }

  private static void number(ObjectNode node, String field, double value) {
    if (Double.isNaN(value)) {
      node.putNull(field);
    } else {
      node.put(field, value);
    }
  }
}
