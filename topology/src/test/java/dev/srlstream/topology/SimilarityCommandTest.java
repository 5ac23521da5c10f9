package dev.srlstream.topology;

import static org.assertj.core.api.Assertions.assertThat;

import dev.srlstream.method.reward.LongStepParaphrase;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SimilarityCommandTest {

  @TempDir Path dir;

  /** 250 characters where 'a' is popular: autojunk changes the ratio of these two. */
  private static final String LONG_B = "ab".repeat(100) + "xyz".repeat(16) + "aa";

  private static final String LONG_A = "ba".repeat(60) + "xyz".repeat(10);

  @Test
  void printsTheRatioOfTwoTexts() {
    CommandRun run = CommandRun.of("similarity", "--a", "abcd", "--b", "abce");
    assertThat(run.exitCode()).isZero();
    assertThat(run.out()).isEqualTo("0.75\n");
  }

  @Test
  void printsRatiosAsPythonRepr() {
    assertThat(CommandRun.of("similarity", "--a", "abc", "--b", "abd").out())
        .isEqualTo("0.6666666666666666\n");
    assertThat(CommandRun.of("similarity", "--a", "", "--b", "").out()).isEqualTo("1.0\n");
    assertThat(CommandRun.of("similarity", "--a", "abc", "--b", "").out()).isEqualTo("0.0\n");
  }

  @Test
  void autojunkIsOffByDefaultAndCanBeTurnedOn() {
    String byDefault = CommandRun.of("similarity", "--a", LONG_A, "--b", LONG_B).out();
    String on =
        CommandRun.of("similarity", "--a", LONG_A, "--b", LONG_B, "--autojunk", "true").out();
    String off =
        CommandRun.of("similarity", "--a", LONG_A, "--b", LONG_B, "--autojunk", "false").out();
    assertThat(byDefault).isEqualTo(off);
    assertThat(off).isNotEqualTo(on);

    // A close paraphrase of a 226-character expert step: CPython's autojunk=False ratio by
    // default, its autojunk=True ratio (CPython's default) only when asked for.
    String action = LongStepParaphrase.ACTION;
    String expert = LongStepParaphrase.EXPERT_STEP;
    assertThat(CommandRun.of("similarity", "--a", action, "--b", expert).out())
        .isEqualTo(LongStepParaphrase.CPYTHON_NO_AUTOJUNK_TEXT + "\n");
    assertThat(
            CommandRun.of("similarity", "--a", action, "--b", expert, "--autojunk", "true").out())
        .isEqualTo(LongStepParaphrase.CPYTHON_AUTOJUNK_TEXT + "\n");
  }

  @Test
  void helpGivesTheAutojunkDefaultAndWhy() {
    CommandRun run = CommandRun.of("similarity", "--help");
    assertThat(run.exitCode()).isZero();
    assertThat(run.out().replaceAll("\\s+", " "))
        .contains("--autojunk=true|false", "Default: false, since", "paper-exact replication");
  }

  @Test
  void scoresAFileOfPairsInInputOrderToStdout() throws Exception {
    Path pairs =
        write(
            "pairs.jsonl",
            "{\"a\": \"abcd\", \"b\": \"abce\", \"id\": 7}",
            "",
            "{\"b\": \"abd\", \"a\": \"abc\"}",
            "{\"a\": \"\", \"b\": \"\"}");
    CommandRun run = CommandRun.of("similarity", "--pairs", pairs.toString());
    assertThat(run.exitCode()).isZero();
    assertThat(run.out())
        .isEqualTo("{\"ratio\": 0.75}\n{\"ratio\": 0.6666666666666666}\n{\"ratio\": 1.0}\n");
    assertThat(run.err()).isEmpty();
  }

  @Test
  void writesToOutWithASummaryAndProgress() throws Exception {
    Path pairs =
        write("pairs.jsonl", "{\"a\": \"abcd\", \"b\": \"abce\"}", "{\"a\": \"x\", \"b\": \"x\"}");
    Path out = dir.resolve("ratios.jsonl");
    Files.writeString(out, "an older result\n");
    CommandRun run =
        CommandRun.of(
            "similarity",
            "--pairs",
            pairs.toString(),
            "--out",
            out.toString(),
            "--progress-every",
            "PT0S");
    assertThat(run.exitCode()).isZero();
    assertThat(Files.readString(out)).isEqualTo("{\"ratio\": 0.75}\n{\"ratio\": 1.0}\n");
    assertThat(run.out()).startsWith("wrote 2 ratios to " + out + " in ");
    // With an interval of zero every pair reports progress.
    assertThat(run.err())
        .contains("srl similarity: 1 pairs scored (input line 1)")
        .contains("srl similarity: 2 pairs scored (input line 2)");
    assertThat(dir.resolve("ratios.jsonl.tmp")).doesNotExist();
  }

  @Test
  void streamsAHundredThousandPairs() throws Exception {
    Path pairs = dir.resolve("many.jsonl");
    List<String> lines = new ArrayList<>();
    for (int i = 0; i < 120_000; i++) {
      lines.add("{\"a\": \"step " + i + "\", \"b\": \"step " + (i % 1000) + "\"}");
    }
    Files.write(pairs, lines, StandardCharsets.UTF_8);
    Path out = dir.resolve("many-ratios.jsonl");
    CommandRun run =
        CommandRun.of("similarity", "--pairs", pairs.toString(), "--out", out.toString());
    assertThat(run.exitCode()).isZero();
    List<String> ratios = Files.readAllLines(out);
    assertThat(ratios).hasSize(120_000);
    assertThat(ratios.get(999)).isEqualTo("{\"ratio\": 1.0}");
    // "step 119999" against "step 999": 8 of 11 + 8 code points match.
    assertThat(ratios.get(119_999)).isEqualTo(SimilarityCommand.line(2.0 * 8 / 19));
    assertThat(run.out()).startsWith("wrote 120000 ratios to ");
  }

  @Test
  void aBadLineStopsTheRunNamingFileLineAndField() throws Exception {
    Path pairs = write("bad.jsonl", "{\"a\": \"x\", \"b\": \"x\"}", "{\"a\": \"x\", \"b\": 3}");
    CommandRun run = CommandRun.of("similarity", "--pairs", pairs.toString());
    assertThat(run.exitCode()).isEqualTo(1);
    assertThat(run.err())
        .isEqualTo("srl similarity: " + pairs + " line 2: field 'b' must be a string, but was 3\n");
    // Stdout is a stream: the pair before the bad line was already printed.
    assertThat(run.out()).isEqualTo("{\"ratio\": 1.0}\n");
  }

  @Test
  void aBadLineLeavesNoOutFile() throws Exception {
    Path pairs = write("bad.jsonl", "{\"a\": \"x\", \"b\": \"x\"}", "{\"a\": \"x\"}");
    Path out = dir.resolve("out.jsonl");
    CommandRun run =
        CommandRun.of("similarity", "--pairs", pairs.toString(), "--out", out.toString());
    assertThat(run.exitCode()).isEqualTo(1);
    assertThat(run.err()).contains(pairs + " line 2: field 'b' must be a string, but was missing");
    assertThat(out).doesNotExist();
    assertThat(dir.resolve("out.jsonl.tmp")).doesNotExist();
  }

  @Test
  void reportsEachKindOfBadLine() throws Exception {
    assertBadPairs("{\"a\": \"x\", \"b\": ", "line 1: not valid JSON");
    assertBadPairs(
        "[\"x\", \"y\"]", "line 1: a record must be a JSON object, but was an array of 2 elements");
    assertBadPairs("{\"b\": \"x\"}", "line 1: field 'a' must be a string, but was missing");
    assertBadPairs(
        "{\"a\": null, \"b\": \"x\"}", "line 1: field 'a' must be a string, but was null");
    assertBadPairs(
        "{\"a\": \"x\", \"b\": [1]}",
        "line 1: field 'b' must be a string, but was an array of 1 elements");
    assertBadPairs(
        "{\"a\": \"x\", \"a\": \"y\", \"b\": \"z\"}",
        "line 1: not valid JSON: Duplicate field 'a'");
  }

  @Test
  void anEmptyOrMissingFileIsAnError() throws Exception {
    Path empty = write("empty.jsonl");
    CommandRun run = CommandRun.of("similarity", "--pairs", empty.toString());
    assertThat(run.exitCode()).isEqualTo(1);
    assertThat(run.err()).contains(empty + ": the file holds no records");
    Path missing = dir.resolve("missing.jsonl");
    run = CommandRun.of("similarity", "--pairs", missing.toString());
    assertThat(run.exitCode()).isEqualTo(1);
    assertThat(run.err())
        .contains("--pairs must be a readable file, but " + missing + " does not exist");
  }

  @Test
  void refusesToWriteOverItsInput() throws Exception {
    Path pairs = write("pairs.jsonl", "{\"a\": \"x\", \"b\": \"y\"}");
    CommandRun run =
        CommandRun.of("similarity", "--pairs", pairs.toString(), "--out", pairs.toString());
    assertThat(run.exitCode()).isEqualTo(1);
    assertThat(run.err()).contains("--out must not be the --pairs file, but both are " + pairs);
    assertThat(Files.readString(pairs)).isEqualTo("{\"a\": \"x\", \"b\": \"y\"}\n");
  }

  @Test
  void refusesANegativeProgressInterval() throws Exception {
    Path pairs = write("pairs.jsonl", "{\"a\": \"x\", \"b\": \"y\"}");
    CommandRun run =
        CommandRun.of(
            "similarity",
            "--pairs",
            pairs.toString(),
            "--out",
            dir.resolve("o.jsonl").toString(),
            "--progress-every",
            "PT-1S");
    assertThat(run.exitCode()).isEqualTo(1);
    assertThat(run.err()).contains("--progress-every must be >= 0, but was PT-1S");
  }

  @Test
  void textsAndPairsAreMutuallyExclusiveAndOneIsRequired() throws Exception {
    Path pairs = write("pairs.jsonl", "{\"a\": \"x\", \"b\": \"y\"}");
    CommandRun both =
        CommandRun.of("similarity", "--a", "x", "--b", "y", "--pairs", pairs.toString());
    assertThat(both.exitCode()).isEqualTo(2);
    assertThat(both.err()).contains("are mutually exclusive");
    CommandRun neither = CommandRun.of("similarity");
    assertThat(neither.exitCode()).isEqualTo(2);
    assertThat(neither.err()).contains("Missing required argument (specify one of these)");
    CommandRun onlyA = CommandRun.of("similarity", "--a", "x");
    assertThat(onlyA.exitCode()).isEqualTo(2);
    assertThat(onlyA.err()).contains("Missing required argument(s): --b=TEXT");
    // --out belongs to --pairs.
    CommandRun outWithoutPairs = CommandRun.of("similarity", "--a", "x", "--b", "y", "--out", "o");
    assertThat(outWithoutPairs.exitCode()).isEqualTo(2);
    assertThat(outWithoutPairs.err()).contains("Missing required argument(s): --pairs=FILE");
  }

  @Test
  void autojunkMustBeTrueOrFalse() {
    CommandRun run = CommandRun.of("similarity", "--a", "x", "--b", "y", "--autojunk", "maybe");
    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.err())
        .contains("Invalid value for option '--autojunk': 'maybe' is not a boolean");
  }

  private void assertBadPairs(String line, String message) throws Exception {
    Path pairs = write("bad.jsonl", line);
    CommandRun run = CommandRun.of("similarity", "--pairs", pairs.toString());
    assertThat(run.exitCode()).as(line).isEqualTo(1);
    assertThat(run.err()).as(line).startsWith("srl similarity: " + pairs + " " + message);
    assertThat(run.out()).as(line).isEmpty();
  }

  private Path write(String name, String... lines) throws Exception {
    Path file = dir.resolve(name);
    Files.writeString(
        file, lines.length == 0 ? "" : String.join("\n", lines) + "\n", StandardCharsets.UTF_8);
    return file;
  }
}
