package dev.srlstream.topology.eval;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.srlstream.policy.eval.Evaluator;
import java.util.List;
import org.junit.jupiter.api.Test;

class EvalReportsTest {
  private static final Evaluator.Report REPORT =
      Evaluator.report(
          42,
          4,
          List.of(
              new Evaluator.ProblemScore("p1", "14", true, 3, "7 × 2 = 14", "step budget"),
              new Evaluator.ProblemScore("p2", "-2", false, 0, "1 - 3 = 5", "boxed answer"),
              new Evaluator.ProblemScore("p3", "9", false, 1, "", "empty action"),
              new Evaluator.ProblemScore("p4", "1", false, 0, "1", "step budget")));

  @Test
  void summaryHasTheNumbersOfTheReport() {
    ObjectNode summary = EvalReports.summary(REPORT);

    assertThat(fieldNames(summary))
        .containsExactly("version", "greedy_accuracy", "avg_at_k", "pass_at_k", "k", "problems");
    assertThat(summary.get("version").asLong()).isEqualTo(42);
    assertThat(summary.get("greedy_accuracy").asDouble()).isEqualTo(0.25);
    assertThat(summary.get("avg_at_k").asDouble()).isEqualTo(0.25); // (3/4 + 1/4) / 4
    assertThat(summary.get("pass_at_k").asDouble()).isEqualTo(0.5);
    assertThat(summary.get("k").asInt()).isEqualTo(4);
    assertThat(summary.get("problems").asInt()).isEqualTo(4);
  }

  @Test
  void nanIsWrittenAsNull() {
    Evaluator.Report greedyOnly =
        Evaluator.report(
            0, 0, List.of(new Evaluator.ProblemScore("p", "1", true, 0, "1", "step budget")));

    ObjectNode summary = EvalReports.summary(greedyOnly);

    assertThat(summary.get("avg_at_k").isNull()).isTrue();
    assertThat(summary.get("pass_at_k").isNull()).isTrue();
    assertThat(summary.get("greedy_accuracy").asDouble()).isEqualTo(1.0);
    assertThat(EvalReports.table(greedyOnly)).contains("100.0%").doesNotContain("NaN");
  }

  @Test
  void detailedHasOneEntryPerProblemInOrder() {
    ObjectNode detailed = EvalReports.detailed(REPORT);

    JsonNode problems = detailed.get("per_problem");
    assertThat(problems).hasSize(4);
    assertThat(detailed.get("greedy_accuracy").asDouble()).isEqualTo(0.25);
    JsonNode second = problems.get(1);
    assertThat(second.get("id").asText()).isEqualTo("p2");
    assertThat(second.get("answer").asText()).isEqualTo("-2");
    assertThat(second.get("greedy_correct").asBoolean()).isFalse();
    assertThat(second.get("correct_samples").asInt()).isZero();
    assertThat(second.get("greedy_solution").asText()).isEqualTo("1 - 3 = 5");
    assertThat(second.get("greedy_stop").asText()).isEqualTo("boxed answer");
    assertThat(problems.get(0).get("correct_samples").asInt()).isEqualTo(3);
  }

  @Test
  void tableHasTheHeaderAndTheNumbers() {
    String table = EvalReports.table(REPORT);

    String[] lines = table.split("\\R");
    assertThat(lines).hasSize(2);
    assertThat(lines[0].split("\\s+"))
        .containsExactly("version", "problems", "greedy", "avg@4", "pass@4");
    assertThat(lines[1].split("\\s+")).containsExactly("42", "4", "25.0%", "25.0%", "50.0%");
  }

  private static List<String> fieldNames(JsonNode node) {
    List<String> names = new java.util.ArrayList<>();
    node.fieldNames().forEachRemaining(names::add);
    return names;
  }
}
