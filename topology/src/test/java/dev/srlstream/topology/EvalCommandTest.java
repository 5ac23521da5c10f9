package dev.srlstream.topology;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.srlstream.policy.ByteTokenizer;
import dev.srlstream.policy.ModelWeights;
import dev.srlstream.policy.PromptSettings;
import dev.srlstream.policy.TinyPolicies;
import dev.srlstream.policy.WeightsCodec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EvalCommandTest {
  @TempDir Path dir;

  private Path weights;
  private Path data;

  @BeforeEach
  void files() throws Exception {
    weights = Files.write(dir.resolve("policy.bin"), TinyPolicies.random(TinyPolicies.SMALL, 4));
    data =
        Files.writeString(
            dir.resolve("test.jsonl"),
            """
            {"id": "a", "question": "3 + 4", "steps": ["3 + 4 = 7"], "answer": "7"}
            {"id": "b", "question": "2 × 5 - 1", "steps": ["2 × 5 = 10 → 10 - 1", "10 - 1 = 9"], "answer": 9}
            """);
  }

  private static CommandRun eval(Path checkpoint, Path data, String... more) {
    String[] args = new String[6 + more.length];
    args[0] = "eval";
    args[1] = "--checkpoint";
    args[2] = checkpoint.toString();
    args[3] = "--data";
    args[4] = data.toString();
    args[5] = "--max-new-tokens=8";
    System.arraycopy(more, 0, args, 6, more.length);
    return CommandRun.of(args);
  }

  /** {@code weights} re-encoded with the prompt format they say they were trained with. */
  private static byte[] trainedWith(byte[] weights, PromptSettings prompt) {
    WeightsCodec.Decoded decoded = WeightsCodec.decode(weights);
    return WeightsCodec.encode(
        decoded.config(),
        decoded.tokenizerId(),
        decoded.policyVersion(),
        decoded.weights(),
        Optional.of(prompt));
  }

  @Test
  void theWeightsOwnContextWindowIsUsedAndSaid() throws Exception {
    Path lastStep =
        Files.write(
            dir.resolve("last-step.bin"),
            trainedWith(TinyPolicies.random(TinyPolicies.SMALL, 4), new PromptSettings(1, false)));
    Path json = dir.resolve("window.json");

    CommandRun run = eval(lastStep, data, "--k", "0", "--steps", "--json", json.toString());

    assertThat(run.exitCode()).as(run.err()).isZero();
    assertThat(run.err())
        .contains(
            "srl eval: prompts as the weights were trained: context window 1, no hint"
                + " (--context-window overrides)")
        .doesNotContain("warning");
    assertThat(
            new ObjectMapper().readTree(json.toFile()).path("steps").path("context_window").asInt())
        .isEqualTo(1);
  }

  @Test
  void aContextWindowTheWeightsWereNotTrainedWithIsUsedWithAWarningNamingBoth() throws Exception {
    Path lastStep =
        Files.write(
            dir.resolve("last-step.bin"),
            trainedWith(TinyPolicies.random(TinyPolicies.SMALL, 4), new PromptSettings(1, false)));
    Path json = dir.resolve("window.json");

    CommandRun run =
        eval(
            lastStep,
            data,
            "--k",
            "0",
            "--steps",
            "--context-window",
            "0",
            "--json",
            json.toString());

    assertThat(run.exitCode()).as(run.err()).isZero();
    assertThat(run.err())
        .contains(
            "srl eval: warning: --context-window all, but the weights were trained with context"
                + " window 1: the policy sees prompts it was not trained on");
    assertThat(
            new ObjectMapper().readTree(json.toFile()).path("steps").path("context_window").asInt())
        .isEqualTo(-1);
  }

  @Test
  void weightsWithoutAPromptFormatArePromptedWithEveryStepAndSaySo() {
    CommandRun run = eval(weights, data, "--k", "0");

    assertThat(run.exitCode()).as(run.err()).isZero();
    assertThat(run.err())
        .contains(
            "srl eval: the weights record no prompt format; prompts show every earlier step"
                + " (--context-window to choose)");
  }

  @Test
  void printsTheTableAndWritesTheJsonReport() throws Exception {
    Path json = dir.resolve("report.json");

    CommandRun run = eval(weights, data, "--k", "2", "--threads", "2", "--json", json.toString());

    assertThat(run.exitCode()).as(run.err()).isZero();
    assertThat(run.err()).contains("srl eval: 2 problems from " + data + ", k = 2");
    String[] lines = run.out().split("\\R");
    assertThat(lines[0].split("\\s+"))
        .containsExactly("version", "problems", "greedy", "avg@2", "pass@2");
    assertThat(lines[1].split("\\s+")[0]).isEqualTo("0");
    assertThat(lines[1].split("\\s+")[1]).isEqualTo("2");
    assertThat(lines[2]).isEqualTo("report: " + json.toAbsolutePath());
    JsonNode report = new ObjectMapper().readTree(json.toFile());
    assertThat(report.path("per_problem")).hasSize(2);
    assertThat(report.path("per_problem").get(0).path("id").asText()).isEqualTo("a");
    assertThat(report.path("per_problem").get(1).path("answer").asText()).isEqualTo("9");
    assertThat(report.path("k").asInt()).isEqualTo(2);
    assertThat(report.path("problems").asInt()).isEqualTo(2);
    assertThat(report.path("greedy_accuracy").isNumber()).isTrue();
  }

  @Test
  void aPolicyThatKnowsTheAnswerScoresIt() throws Exception {
    Path sevens =
        Files.write(dir.resolve("sevens.bin"), TinyPolicies.thinkingThenWriting("7", 256));
    Path json = dir.resolve("sevens.json");

    CommandRun run = eval(sevens, data, "--k", "0", "--json", json.toString());

    assertThat(run.exitCode()).as(run.err()).isZero();
    assertThat(run.out().split("\\R")[1].split("\\s+"))
        .containsExactly("0", "2", "50.0%", "–", "–");
    JsonNode report = new ObjectMapper().readTree(json.toFile());
    assertThat(report.path("greedy_accuracy").asDouble()).isEqualTo(0.5);
    assertThat(report.path("avg_at_k").isNull()).isTrue();
    assertThat(report.path("per_problem").get(0).path("greedy_correct").asBoolean()).isTrue();
    assertThat(report.path("per_problem").get(1).path("greedy_solution").asText())
        .isEqualTo("7\n7");
  }

  @Test
  void aCheckpointStoreGivesItsNewestVersion() throws Exception {
    Path store = dir.resolve("checkpoints");
    for (long version : new long[] {1, 12, 3}) {
      Path versionDir =
          Files.createDirectories(store.resolve(String.format("version-%012d", version)));
      Files.write(versionDir.resolve("weights.bin"), versioned(version));
    }
    // an unfinished version directory without weights is passed over
    Files.createDirectories(store.resolve("version-000000000099"));

    CommandRun run = eval(store, data, "--k", "0");

    assertThat(run.exitCode()).as(run.err()).isZero();
    assertThat(run.out().split("\\R")[1].split("\\s+")[0]).isEqualTo("12");
  }

  @Test
  void aCheckpointDirectoryWithOneVersionIsRead() throws Exception {
    Path store = dir.resolve("one");
    Path versionDir = Files.createDirectories(store.resolve("version-000000000001"));
    Files.write(versionDir.resolve("weights.bin"), versioned(1));

    CommandRun run = eval(store, data, "--k", "0");

    assertThat(run.exitCode()).as(run.err()).isZero();
    assertThat(run.out().split("\\R")[1].split("\\s+")[0]).isEqualTo("1");
  }

  @Test
  void aLearnerCheckpointDirectoryGivesItsWeights() throws Exception {
    Path checkpoint = Files.createDirectories(dir.resolve("version-000000000005"));
    Files.write(checkpoint.resolve("weights.bin"), versioned(5));

    CommandRun run = eval(checkpoint, data, "--k", "0");

    assertThat(run.exitCode()).as(run.err()).isZero();
    assertThat(run.out().split("\\R")[1].split("\\s+")[0]).isEqualTo("5");
  }

  @Test
  void aJsonReportInAMissingDirectoryIsRefusedBeforeEvaluating() {
    Path json = dir.resolve("no-such-dir").resolve("report.json");
    CommandRun run = eval(weights, data, "--json", json.toString());
    assertThat(run.exitCode()).isEqualTo(1);
    assertThat(run.err()).contains("srl eval: --json must be in an existing directory");
    assertThat(run.out()).isEmpty();
  }

  @Test
  void aMissingCheckpointIsNamed() {
    Path missing = dir.resolve("nope.bin");
    CommandRun run = eval(missing, data);
    assertThat(run.exitCode()).isEqualTo(1);
    assertThat(run.err()).contains("srl eval: --checkpoint " + missing + " does not exist");
    assertThat(run.out()).isEmpty();
  }

  @Test
  void aCheckpointOfGarbageIsNamed() throws Exception {
    Path garbage = Files.write(dir.resolve("garbage.bin"), new byte[] {1, 2, 3, 4, 5, 6, 7, 8, 9});
    CommandRun run = eval(garbage, data);
    assertThat(run.exitCode()).isEqualTo(1);
    assertThat(run.err())
        .contains("srl eval: --checkpoint " + garbage + " is not a valid weights file");
    assertThat(run.out()).isEmpty();
  }

  @Test
  void aDirectoryWithoutWeightsIsNamed() throws Exception {
    Path empty = Files.createDirectories(dir.resolve("empty"));
    CommandRun run = eval(empty, data);
    assertThat(run.exitCode()).isEqualTo(1);
    assertThat(run.err())
        .contains(
            "--checkpoint "
                + empty
                + " is a directory without weights.bin or version-*/weights.bin");
  }

  @Test
  void dataWithoutAnswersIsNamed() throws Exception {
    Path open =
        Files.writeString(
            dir.resolve("open.jsonl"),
            "{\"id\": \"x\", \"question\": \"q\", \"steps\": [\"s\"]}\n");
    CommandRun run = eval(weights, open);
    assertThat(run.exitCode()).isEqualTo(1);
    assertThat(run.err())
        .contains(
            "srl eval: --data "
                + open
                + " holds no problem with a reference answer to evaluate against");
  }

  @Test
  void missingDataIsNamed() {
    Path missing = dir.resolve("missing.jsonl");
    CommandRun run = eval(weights, missing);
    assertThat(run.exitCode()).isEqualTo(1);
    assertThat(run.err()).contains("--data must be a readable file, but " + missing);
  }

  @Test
  void limitZeroIsRejected() {
    CommandRun run = eval(weights, data, "--limit", "0");
    assertThat(run.exitCode()).isEqualTo(1);
    assertThat(run.err()).contains("srl eval: --limit must be >= 1, but was 0");
    assertThat(run.out()).isEmpty();
  }

  @Test
  void limitTakesTheFirstProblems() {
    CommandRun run = eval(weights, data, "--limit", "1", "--k", "0");
    assertThat(run.exitCode()).as(run.err()).isZero();
    assertThat(run.out().split("\\R")[1].split("\\s+")[1]).isEqualTo("1");
  }

  @Test
  void negativeKIsRejected() {
    CommandRun run = eval(weights, data, "--k", "-1");
    assertThat(run.exitCode()).isEqualTo(1);
    assertThat(run.err()).contains("k must be >= 0, but was -1");
    assertThat(run.out()).isEmpty();
  }

  // ---- --steps ----

  @Test
  void stepsAddsTheStepLevelTableAndJson() throws Exception {
    // The policy answers every step with "<think></think>7": exact where the expert wrote "7".
    Path sevens =
        Files.write(dir.resolve("sevens.bin"), TinyPolicies.thinkingThenWriting("7", 256));
    Path steps =
        Files.writeString(
            dir.resolve("steps.jsonl"),
            """
            {"id": "a", "question": "3 + 4", "steps": ["7"], "answer": "7"}
            {"id": "b", "question": "2 × 5 - 3", "steps": ["2 × 5 = 10 → 10 - 3", "7"], "answer": 7}
            """);
    Path json = dir.resolve("steps.json");

    CommandRun run =
        eval(
            sevens,
            steps,
            "--steps",
            "--k",
            "2",
            "--temperature",
            "0.05",
            "--threads",
            "2",
            "--json",
            json.toString());

    assertThat(run.exitCode()).as(run.err()).isZero();
    List<String> lines = List.of(run.out().split("\\R"));
    assertThat(lines)
        .contains(
            "step level: 3 steps of 2 problems, each prompted with the expert's earlier steps");
    assertThat(
            lines.stream()
                .filter(l -> l.startsWith("all "))
                .findFirst()
                .orElseThrow()
                .split("\\s+"))
        .containsExactly("all", "3", "100.0%", "66.7%", "0.667", "100.0%", "66.7%", "0.667");
    assertThat(
            lines.stream().filter(l -> l.startsWith("1 ")).findFirst().orElseThrow().split("\\s+"))
        .containsExactly("1", "2", "100.0%", "50.0%", "0.500", "100.0%", "50.0%", "0.500");
    assertThat(
            lines.stream().filter(l -> l.startsWith("2 ")).findFirst().orElseThrow().split("\\s+"))
        .containsExactly("2", "1", "100.0%", "100.0%", "1.000", "100.0%", "100.0%", "1.000");

    JsonNode report = new ObjectMapper().readTree(json.toFile());
    assertThat(report.path("greedy_accuracy").asDouble()).isEqualTo(1.0);
    JsonNode stepLevel = report.path("steps");
    assertThat(stepLevel.path("problems").asInt()).isEqualTo(2);
    assertThat(stepLevel.path("steps").asInt()).isEqualTo(3);
    assertThat(stepLevel.path("context_window").asInt()).isEqualTo(-1);
    assertThat(stepLevel.path("autojunk").asBoolean()).isFalse(); // the default since issue 10
    assertThat(stepLevel.path("well_formed_rate").asDouble()).isEqualTo(1.0);
    assertThat(stepLevel.path("exact_rate").asDouble()).isCloseTo(2 / 3.0, within(1e-12));
    assertThat(stepLevel.path("mean_reward").asDouble()).isCloseTo(2 / 3.0, within(1e-12));
    JsonNode byIndex = stepLevel.path("by_index");
    assertThat(byIndex).hasSize(2);
    assertThat(byIndex.get(0).path("index").asInt()).isEqualTo(1);
    assertThat(byIndex.get(0).path("steps").asInt()).isEqualTo(2);
    assertThat(byIndex.get(0).path("well_formed_rate").asDouble()).isEqualTo(1.0);
    assertThat(byIndex.get(0).path("exact_rate").asDouble()).isEqualTo(0.5);
    assertThat(byIndex.get(0).path("mean_reward").asDouble()).isEqualTo(0.5);
    assertThat(byIndex.get(1).path("index").asInt()).isEqualTo(2);
    assertThat(byIndex.get(1).path("steps").asInt()).isEqualTo(1);
    assertThat(byIndex.get(1).path("exact_rate").asDouble()).isEqualTo(1.0);
    JsonNode sampled = stepLevel.path("sampled");
    assertThat(sampled.path("k").asInt()).isEqualTo(2);
    assertThat(sampled.path("temperature").asDouble()).isCloseTo(0.05, within(1e-6));
    assertThat(sampled.path("samples").asInt()).isEqualTo(6);
    assertThat(sampled.path("exact_rate").asDouble()).isCloseTo(2 / 3.0, within(1e-12));
    assertThat(sampled.path("well_formed_rate").asDouble()).isEqualTo(1.0);
    assertThat(sampled.path("mean_reward").asDouble()).isCloseTo(2 / 3.0, within(1e-12));
    assertThat(sampled.path("by_index")).hasSize(2);
    assertThat(sampled.path("by_index").get(0).path("steps").asInt()).isEqualTo(2);
    assertThat(sampled.path("by_index").get(0).path("samples").asInt()).isEqualTo(4);
    assertThat(sampled.path("by_index").get(0).path("exact_rate").asDouble()).isEqualTo(0.5);
    JsonNode perStep = stepLevel.path("per_step");
    assertThat(perStep).hasSize(3);
    assertThat(perStep.get(1).path("id").asText()).isEqualTo("b");
    assertThat(perStep.get(1).path("index").asInt()).isEqualTo(1);
    assertThat(perStep.get(1).path("expert").asText()).isEqualTo("2 × 5 = 10 → 10 - 3");
    assertThat(perStep.get(1).path("greedy_response").asText()).isEqualTo("<think></think>7");
    assertThat(perStep.get(1).path("greedy_exact").asBoolean()).isFalse();
    assertThat(perStep.get(2).path("sampled_exact").asInt()).isEqualTo(2);
  }

  @Test
  void withoutStepsThereIsNoStepLevel() throws Exception {
    Path json = dir.resolve("report.json");
    CommandRun run = eval(weights, data, "--k", "0", "--json", json.toString());
    assertThat(run.exitCode()).as(run.err()).isZero();
    assertThat(run.out()).doesNotContain("step level");
    assertThat(new ObjectMapper().readTree(json.toFile()).has("steps")).isFalse();
  }

  @Test
  void stepsWithKZeroAndAWindowHasNoSampledFigures() throws Exception {
    Path json = dir.resolve("report.json");
    CommandRun run =
        eval(
            weights,
            data,
            "--steps",
            "--k",
            "0",
            "--context-window",
            "1",
            "--json",
            json.toString());
    assertThat(run.exitCode()).as(run.err()).isZero();
    assertThat(run.out())
        .contains(
            "step level: 3 steps of 2 problems, each prompted with the expert's last 1 earlier step(s)");
    JsonNode steps = new ObjectMapper().readTree(json.toFile()).path("steps");
    assertThat(steps.path("context_window").asInt()).isEqualTo(1);
    assertThat(steps.path("sampled").isNull()).isTrue();
    // A random policy writes no <think>: every step malformed, -1.
    assertThat(steps.path("well_formed_rate").asDouble()).isEqualTo(0.0);
    assertThat(steps.path("mean_reward").asDouble()).isEqualTo(-1.0);
  }

  @Test
  void stepsOnProblemsWithoutStepsIsNamed() throws Exception {
    Path noSteps =
        Files.writeString(
            dir.resolve("answers.jsonl"),
            "{\"id\": \"x\", \"question\": \"3 + 4\", \"answer\": \"7\"}\n");
    CommandRun run = eval(weights, noSteps, "--steps");
    assertThat(run.exitCode()).isEqualTo(1);
    assertThat(run.err())
        .contains("srl eval: --data " + noSteps + " holds a problem without expert steps (")
        .contains("line 1: field 'steps'")
        .contains("step-level evaluation (--steps) needs the expert's steps of every problem");
    assertThat(run.out()).isEmpty();
  }

  @Test
  void aNegativeContextWindowIsRejected() {
    CommandRun run = eval(weights, data, "--context-window", "-1");
    assertThat(run.exitCode()).isEqualTo(1);
    assertThat(run.err())
        .contains("srl eval: --context-window must be >= 0 (0 for all), but was -1");
  }

  @Test
  void helpSaysWhatStepsDoes() {
    CommandRun run = CommandRun.of("eval", "--help");
    assertThat(run.exitCode()).isZero();
    String help = run.out().replaceAll("\\s+", " ");
    assertThat(help)
        .contains("--steps")
        .contains("every step of every problem prompted with the expert's earlier steps")
        .contains("exact action %")
        .contains("--context-window=N");
  }

  /** Random weights of the small model stamped with a policy version. */
  private static byte[] versioned(long version) {
    return WeightsCodec.encode(
        TinyPolicies.SMALL,
        ByteTokenizer.ID,
        version,
        ModelWeights.initial(TinyPolicies.SMALL, version));
  }
}
