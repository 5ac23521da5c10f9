package dev.srlstream.topology;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.srlstream.policy.ByteTokenizer;
import dev.srlstream.policy.ModelWeights;
import dev.srlstream.policy.WeightsCodec;
import java.nio.file.Files;
import java.nio.file.Path;
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
    Path sevens = Files.write(dir.resolve("sevens.bin"), TinyPolicies.writing("7", 256));
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

  /** Random weights of the small model stamped with a policy version. */
  private static byte[] versioned(long version) {
    return WeightsCodec.encode(
        TinyPolicies.SMALL,
        ByteTokenizer.ID,
        version,
        ModelWeights.initial(TinyPolicies.SMALL, version));
  }
}
