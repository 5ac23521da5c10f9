package dev.srlstream.topology.train;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.srlstream.learner.Credit;
import dev.srlstream.method.data.ArithmeticProblems;
import dev.srlstream.method.data.Split;
import dev.srlstream.policy.WeightsCodec;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A tiny SRL recipe end to end on the real embedded broker and registry: the actors, scorer and
 * learner run on Kafka, and the run's record shows that rewards arrived, versions were published,
 * the actors sampled with a published version, and the evaluation ran.
 */
class TrainRunIT {
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path dir;

  @Test
  void aTinySrlRunRewardsPublishesFollowsVersionsAndEvaluates() throws Exception {
    ArithmeticProblems.DataSet data = TinyRuns.data();
    byte[] base = TinyRuns.warmBase(data);
    Path runDir = dir.resolve("run");
    TrainSettings settings =
        TinyRuns.srl(
            "it-srl",
            runDir,
            data,
            base,
            true,
            Duration.ofMinutes(3), // a bound; the run ends at max versions long before
            4,
            null,
            null,
            0.01, // a KL penalty to the base, so the reference policy is set up and used too
            Credit.ALIGNED); // the reward's alignment travels to the learner and is used
    StringWriter log = new StringWriter();

    JsonNode summary = new TrainRun(settings, new PrintWriter(log, true)).run();

    assertThat(summary.path("status").asText()).as(log.toString()).isEqualTo("finished");
    assertThat(summary.path("settings").path("autojunk").isBoolean()).isTrue();
    assertThat(summary.path("settings").path("autojunk").asBoolean()).isFalse();
    assertThat(summary.path("settings").path("kl_coef").asDouble()).isEqualTo(0.01);
    // Versions were published: with one group per update, version 4 exists.
    assertThat(summary.path("versions").asLong()).isGreaterThanOrEqualTo(4);
    // Rewards arrived, per policy version.
    JsonNode curve = summary.path("reward_curve");
    assertThat(curve.size()).isGreaterThan(0);
    long rewards = 0;
    for (JsonNode point : curve) {
      rewards += point.path("rewards").asLong();
      assertThat(point.path("mean_reward").asDouble()).isBetween(-1.0, 1.0);
    }
    assertThat(rewards).isGreaterThan(0);
    // Rewards are tallied per version the rollouts were sampled under, none after the last.
    // (Whether the actor swapped to a newer version within four versions depends on timing since
    // the learner trains a backlog sampled under one version whole; ActorIT checks the swaps.)
    assertThat(
            StreamSupport.stream(curve.spliterator(), false).map(p -> p.path("version").asLong()))
        .allMatch(v -> v >= 0 && v <= summary.path("versions").asLong());
    // The evaluation ran on the held-out problems, before and after.
    for (String which : List.of("base", "final")) {
      JsonNode eval = summary.path(which);
      assertThat(eval.path("problems").asInt()).as(which).isEqualTo(4);
      assertThat(eval.path("k").asInt()).isEqualTo(2);
      assertThat(eval.path("greedy_accuracy").asDouble()).isBetween(0.0, 1.0);
      // ... step by step too, on all 4 problems' steps, with the run's k
      JsonNode steps = eval.path("steps");
      assertThat(steps.path("problems").asInt()).as(which).isEqualTo(4);
      int stepCount =
          TinyRuns.solutions(data, Split.TEST).stream().mapToInt(s -> s.steps().size()).sum();
      assertThat(steps.path("steps").asInt()).as(which).isEqualTo(stepCount);
      assertThat(steps.path("exact_rate").asDouble()).isBetween(0.0, 1.0);
      assertThat(steps.path("well_formed_rate").asDouble()).isBetween(0.0, 1.0);
      assertThat(steps.path("mean_reward").asDouble()).isBetween(-1.0, 1.0);
      assertThat(steps.path("by_index").get(0).path("index").asInt()).isEqualTo(1);
      assertThat(steps.path("by_index").get(0).path("steps").asInt()).isEqualTo(4);
      assertThat(steps.path("sampled").path("k").asInt()).isEqualTo(2);
    }
    assertThat(summary.path("final").path("version").asLong()).isGreaterThanOrEqualTo(4);
    // Alone on its cluster, the run met no other policy's records.
    for (String kind : List.of("tasks", "rollouts", "groups")) {
      assertThat(summary.path("other_policies_skipped").path(kind).asLong(-1)).as(kind).isZero();
    }
    assertThat(summary.path("validation").size()).isGreaterThanOrEqualTo(2);
    // The status line shows the last validation's step exact rate.
    assertThat(log.toString())
        .containsPattern("val \\d+% \\(v \\d+, best \\d+%\\) steps \\d+% exact");
    for (JsonNode point : summary.path("validation")) {
      assertThat(point.path("step_exact_rate").asDouble(-1)).isBetween(0.0, 1.0);
    }
    // The record on disk: the summary as returned, metrics lines, weights that load.
    // (Compared as parsed text: in memory the temperature is a float node, on disk a double.)
    assertThat(JSON.readTree(runDir.resolve("summary.json").toFile()))
        .isEqualTo(JSON.readTree(JSON.writeValueAsString(summary)));
    assertThat(Files.readAllLines(runDir.resolve("metrics.jsonl"))).isNotEmpty();
    assertThat(WeightsCodec.decode(Files.readAllBytes(runDir.resolve("final.bin"))).config())
        .isEqualTo(TinyRuns.TINY);
  }

  @Test
  void theSynchronousTwinTrainsEachVersionOnABatchSampledUnderTheVersionBefore() throws Exception {
    ArithmeticProblems.DataSet data = TinyRuns.data();
    byte[] base = TinyRuns.warmBase(data);
    Path runDir = dir.resolve("sync");
    TrainSettings settings =
        TinyRuns.srl(
                "it-sync",
                runDir,
                data,
                base,
                false,
                Duration.ofMinutes(3), // a bound; the run ends at max versions long before
                4,
                null,
                null,
                0,
                Credit.SEQUENCE)
            .toBuilder("it-sync", runDir)
            .sync(true)
            .batchGroups(2)
            .test(List.of())
            .validation(List.of())
            .build();
    StringWriter log = new StringWriter();

    JsonNode summary = new TrainRun(settings, new PrintWriter(log, true)).run();

    assertThat(summary.path("status").asText()).as(log.toString()).isEqualTo("finished");
    JsonNode pipeline = summary.path("pipeline");
    assertThat(pipeline.path("sync").asBoolean()).isTrue();
    assertThat(summary.path("versions").asLong()).isGreaterThanOrEqualTo(4);
    assertThat(pipeline.path("groups_trained").asLong())
        .isEqualTo(2 * summary.path("versions").asLong());
    // Each batch was sampled under the version before it; only a top-up that kept more groups
    // than were missing leaves one for the next batch, one version behind.
    JsonNode staleness = pipeline.path("groups_by_staleness");
    assertThat(staleness.fieldNames()).toIterable().isSubsetOf("0", "1");
    assertThat(staleness.path("0").asLong()).isGreaterThan(staleness.path("1").asLong(0));
    // Both sides waited for each other, and the record says how long.
    assertThat(pipeline.path("learner_idle_share").asDouble()).isBetween(0.0, 1.0);
    assertThat(pipeline.path("actor_idle_share").asDouble()).isBetween(0.0, 1.0);
    assertThat(pipeline.path("response_tokens").asLong()).isPositive();
  }
}
