package dev.srlstream.topology;

import static org.assertj.core.api.Assertions.assertThat;

import dev.srlstream.method.reward.LongStepParaphrase;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RewardCommandTest {

  @TempDir Path dir;

  @Test
  void aWellFormedResponseIsRewardedByTheSimilarityOfItsAction() {
    CommandRun run =
        CommandRun.of(
            "reward",
            "--response",
            "<think>brackets first</think> 12 - 4 = 8 → 3 + 7 × 8",
            "--expert",
            "12 - 4 = 8 → 3 + 7 × 9");
    assertThat(run.exitCode()).isZero();
    // 21 of 22 code points match on each side: 42 / 44.
    assertThat(run.out())
        .isEqualTo(
            "{\"reward\": 0.9545454545454546, \"similarity\": 0.9545454545454546,"
                + " \"format_ok\": true, \"reason\": null}\n");
  }

  @Test
  void theMonologueIsNotScoredAndSolutionTagsAreStripped() {
    CommandRun run =
        CommandRun.of(
            "reward",
            "--response",
            "<think>anything at all</think><solution> ls -la </solution>",
            "--expert",
            "ls -la");
    assertThat(run.out())
        .isEqualTo(
            "{\"reward\": 1.0, \"similarity\": 1.0, \"format_ok\": true, \"reason\": null}\n");
  }

  @Test
  void aMalformedResponseScoresMinusOneWithItsReason() {
    CommandRun run = CommandRun.of("reward", "--response", "12 - 4 = 8", "--expert", "12 - 4 = 8");
    assertThat(run.exitCode()).isZero();
    assertThat(run.out())
        .isEqualTo(
            "{\"reward\": -1.0, \"similarity\": null, \"format_ok\": false,"
                + " \"reason\": \"missing <think>\"}\n");
  }

  @Test
  void autojunkReachesTheSimilarity() {
    String expert = "ab".repeat(100) + "xyz".repeat(16) + "aa";
    String response = "<think></think>" + "ba".repeat(60) + "xyz".repeat(10);
    String byDefault = CommandRun.of("reward", "--response", response, "--expert", expert).out();
    String on =
        CommandRun.of("reward", "--response", response, "--expert", expert, "--autojunk", "true")
            .out();
    String off =
        CommandRun.of("reward", "--response", response, "--expert", expert, "--autojunk", "false")
            .out();
    assertThat(on).isNotEqualTo(off);
    assertThat(byDefault).isEqualTo(off);
    assertThat(off)
        .contains(
            "\"similarity\": "
                + PythonText.floatRepr(
                    dev.srlstream.method.reward.SequenceSimilarity.ratio(
                        "ba".repeat(60) + "xyz".repeat(10), expert, false)));
  }

  /** A close paraphrase of a 226-character expert step: autojunk is off unless asked for. */
  @Test
  void aLongExpertStepIsScoredWithoutAutojunkByDefault() {
    String response = "<think>same steps, other words</think>" + LongStepParaphrase.ACTION;
    String expert = LongStepParaphrase.EXPERT_STEP;
    String off = LongStepParaphrase.CPYTHON_NO_AUTOJUNK_TEXT;
    String on = LongStepParaphrase.CPYTHON_AUTOJUNK_TEXT;
    assertThat(CommandRun.of("reward", "--response", response, "--expert", expert).out())
        .isEqualTo(
            "{\"reward\": "
                + off
                + ", \"similarity\": "
                + off
                + ","
                + " \"format_ok\": true, \"reason\": null}\n");
    assertThat(
            CommandRun.of(
                    "reward", "--response", response, "--expert", expert, "--autojunk", "true")
                .out())
        .isEqualTo(
            "{\"reward\": "
                + on
                + ", \"similarity\": "
                + on
                + ","
                + " \"format_ok\": true, \"reason\": null}\n");
  }

  @Test
  void scoresAFileOfPairsInInputOrder() throws Exception {
    Path pairs =
        write(
            "pairs.jsonl",
            "{\"response\": \"<think>t</think>abcd\", \"expert\": \"abce\"}",
            "{\"response\": \"<think>t</think>\", \"expert\": \"x\"}",
            "{\"response\": \"<think>t\", \"expert\": \"x\"}");
    Path out = dir.resolve("rewards.jsonl");
    CommandRun run = CommandRun.of("reward", "--pairs", pairs.toString(), "--out", out.toString());
    assertThat(run.exitCode()).as(run.err()).isZero();
    assertThat(Files.readAllLines(out))
        .containsExactly(
            "{\"reward\": 0.75, \"similarity\": 0.75, \"format_ok\": true, \"reason\": null}",
            "{\"reward\": -1.0, \"similarity\": null, \"format_ok\": false,"
                + " \"reason\": \"empty action\"}",
            "{\"reward\": -1.0, \"similarity\": null, \"format_ok\": false,"
                + " \"reason\": \"missing </think>\"}");
    assertThat(run.out()).startsWith("wrote 3 rewards to " + out);
    CommandRun toStdout = CommandRun.of("reward", "--pairs", pairs.toString());
    assertThat(toStdout.out()).isEqualTo(Files.readString(out));
  }

  @Test
  void aBadLineStopsTheRun() throws Exception {
    Path pairs =
        write(
            "pairs.jsonl",
            "{\"response\": \"<think>t</think>a\", \"expert\": \"a\"}",
            "{\"response\": \"<think>t</think>a\", \"expert\": 3}");
    Path out = dir.resolve("rewards.jsonl");
    CommandRun run = CommandRun.of("reward", "--pairs", pairs.toString(), "--out", out.toString());
    assertThat(run.exitCode()).isEqualTo(1);
    assertThat(run.err())
        .isEqualTo(
            "srl reward: " + pairs + " line 2: field 'expert' must be a string, but was 3\n");
    assertThat(out).doesNotExist();
    Path noResponse = write("no-response.jsonl", "{\"expert\": \"a\"}");
    run = CommandRun.of("reward", "--pairs", noResponse.toString());
    assertThat(run.err())
        .contains(noResponse + " line 1: field 'response' must be a string, but was missing");
  }

  @Test
  void onePairAndPairsAreMutuallyExclusiveAndOneIsRequired() throws Exception {
    Path pairs = write("pairs.jsonl", "{\"response\": \"x\", \"expert\": \"y\"}");
    CommandRun both =
        CommandRun.of("reward", "--response", "x", "--expert", "y", "--pairs", pairs.toString());
    assertThat(both.exitCode()).isEqualTo(2);
    assertThat(both.err()).contains("are mutually exclusive");
    CommandRun neither = CommandRun.of("reward");
    assertThat(neither.exitCode()).isEqualTo(2);
    assertThat(neither.err()).contains("Missing required argument (specify one of these)");
    CommandRun noExpert = CommandRun.of("reward", "--response", "x");
    assertThat(noExpert.exitCode()).isEqualTo(2);
    assertThat(noExpert.err()).contains("Missing required argument(s): --expert=TEXT");
  }

  private Path write(String name, String... lines) throws Exception {
    Path file = dir.resolve(name);
    Files.writeString(file, String.join("\n", lines) + "\n", StandardCharsets.UTF_8);
    return file;
  }
}
