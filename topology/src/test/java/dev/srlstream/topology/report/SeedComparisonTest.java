package dev.srlstream.topology.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import org.junit.jupiter.api.Test;

class SeedComparisonTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** An evaluation summary as a run's {@code final} holds it. */
  static ObjectNode evaluation(
      double greedy, double avg, double pass, double exact, double wellFormed, double reward) {
    ObjectNode node =
        JSON.createObjectNode()
            .put("version", 7)
            .put("greedy_accuracy", greedy)
            .put("avg_at_k", avg)
            .put("pass_at_k", pass)
            .put("k", 4);
    node.putObject("steps")
        .put("exact_rate", exact)
        .put("well_formed_rate", wellFormed)
        .put("mean_reward", reward);
    return node;
  }

  @Test
  void metricsAreReadEndToEndAndAtTheStepLevel() {
    ObjectNode evaluation = evaluation(0.1, 0.2, 0.3, 0.4, 0.5, -0.6);
    assertThat(SeedComparison.METRICS)
        .extracting(SeedComparison.Metric::key)
        .containsExactly(
            "greedy_accuracy",
            "avg_at_k",
            "pass_at_k",
            "step_exact_rate",
            "step_well_formed_rate",
            "step_mean_reward");
    assertThat(SeedComparison.METRICS)
        .extracting(m -> m.of(evaluation))
        .containsExactly(0.1, 0.2, 0.3, 0.4, 0.5, -0.6);
    assertThat(SeedComparison.METRICS.get(3).of(JSON.createObjectNode())).isNaN();
    assertThat(SeedComparison.METRICS.get(0).of(null)).isNaN();
  }

  @Test
  void aRecipeHasPerSeedValuesInTheOrderOfTheSeedsWithMeanAndInterval() {
    List<SeedComparison.Run> runs =
        List.of(
            new SeedComparison.Run(
                3, "d/seed-3/srl", "finished", 302, evaluation(0.36, 0, 0, 0.3, 1, 0.43)),
            new SeedComparison.Run(
                1, "d/seed-1/srl", "finished", 290, evaluation(0.32, 0, 0, 0.1, 1, 0.41)),
            new SeedComparison.Run(
                2, "d/seed-2/srl", "finished", 296, evaluation(0.355, 0, 0, 0.2, 1, 0.45)));

    JsonNode node = SeedComparison.recipe("srl", List.of(1L, 2L, 3L), runs);

    assertThat(node.path("recipe").asText()).isEqualTo("srl");
    assertThat(texts(node.path("run_dirs")))
        .containsExactly("d/seed-1/srl", "d/seed-2/srl", "d/seed-3/srl");
    assertThat(texts(node.path("statuses"))).containsExactly("finished", "finished", "finished");
    assertThat(texts(node.path("versions"))).containsExactly("290", "296", "302");
    JsonNode greedy = node.path("metrics").path("greedy_accuracy");
    assertThat(greedy.path("n").asInt()).isEqualTo(3);
    assertThat(greedy.path("mean").asDouble()).isCloseTo(0.345, within(1e-12));
    assertThat(greedy.path("ci95_low").asDouble()).isCloseTo(0.290859, within(1e-6));
    assertThat(greedy.path("ci95_high").asDouble()).isCloseTo(0.399141, within(1e-6));
    assertThat(texts(greedy.path("per_seed"))).containsExactly("0.32", "0.355", "0.36");
    JsonNode exact = node.path("metrics").path("step_exact_rate");
    assertThat(exact.path("mean").asDouble()).isCloseTo(0.2, within(1e-12));
    assertThat(exact.path("ci95_high").asDouble()).isCloseTo(0.448414, within(1e-6));
    JsonNode reward = node.path("metrics").path("step_mean_reward");
    assertThat(reward.path("mean").asDouble()).isCloseTo(0.43, within(1e-12));
    assertThat(node.path("metrics").size()).isEqualTo(6);
  }

  @Test
  void aSeedWithoutARunOrEvaluationIsNullAndLeftOutOfTheFigures() {
    List<SeedComparison.Run> runs =
        List.of(
            new SeedComparison.Run(
                1, "d/seed-1/rlvr", "finished", 60, evaluation(0.2, 0, 0, 0, 0, 0)),
            new SeedComparison.Run(2, "d/seed-2/rlvr", "failed: broker gone", 0, null));

    JsonNode node = SeedComparison.recipe("rlvr", List.of(1L, 2L, 3L), runs);

    assertThat(node.path("run_dirs").get(2).isNull()).isTrue();
    assertThat(node.path("statuses").get(1).asText()).isEqualTo("failed: broker gone");
    assertThat(node.path("versions").get(2).isNull()).isTrue();
    JsonNode greedy = node.path("metrics").path("greedy_accuracy");
    assertThat(greedy.path("n").asInt()).isEqualTo(1);
    assertThat(greedy.path("mean").asDouble()).isEqualTo(0.2);
    // one value: no interval
    assertThat(greedy.path("sd").isNull()).isTrue();
    assertThat(greedy.path("ci95_low").isNull()).isTrue();
    assertThat(greedy.path("ci95_high").isNull()).isTrue();
    assertThat(greedy.path("per_seed").get(0).asDouble()).isEqualTo(0.2);
    assertThat(greedy.path("per_seed").get(1).isNull()).isTrue();
    assertThat(greedy.path("per_seed").get(2).isNull()).isTrue();
  }

  private static List<String> texts(JsonNode array) {
    List<String> texts = new java.util.ArrayList<>();
    array.forEach(v -> texts.add(v.asText()));
    return texts;
  }
}
