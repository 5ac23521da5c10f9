package dev.srlstream.topology;

import static org.assertj.core.api.Assertions.assertThat;

import dev.srlstream.method.data.ArithmeticProblems;
import dev.srlstream.method.data.ExpertSolution;
import dev.srlstream.method.data.JsonlSolutionReader;
import dev.srlstream.method.data.ReadResult;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class DataGenerateCommandTest {

  @TempDir Path dir;

  @Test
  void theDefaultsAreTheGeneratorsDefaults() {
    DataGenerateCommand command = new DataGenerateCommand();
    new CommandLine(command).parseArgs("--out", dir.toString());
    assertThat(command.config()).isEqualTo(ArithmeticProblems.Config.defaults());
  }

  @Test
  void writesTheThreeSplitsAsReadableJsonl() throws Exception {
    Path out = dir.resolve("arith");
    CommandRun run = generate(out, "--train", "40", "--validation", "7", "--test", "5");
    assertThat(run.exitCode()).as(run.err()).isZero();
    assertThat(run.out().split("\n"))
        .hasSize(3)
        .satisfiesExactly(
            line -> assertThat(line).startsWith(out.resolve("train.jsonl") + ": 40 problems, "),
            line -> assertThat(line).startsWith(out.resolve("validation.jsonl") + ": 7 problems, "),
            line -> assertThat(line).startsWith(out.resolve("test.jsonl") + ": 5 problems, "));
    assertThat(run.out())
        .containsPattern("steps min 1 mean \\d\\.\\d\\d max [1-8] \\(steps:problems 1:\\d+");
    ReadResult train = new JsonlSolutionReader().read(out.resolve("train.jsonl"));
    assertThat(train.solutions()).hasSize(40);
    ExpertSolution first = train.solutions().get(0);
    assertThat(first.id()).startsWith("arith-");
    assertThat(first.source()).isEqualTo(ArithmeticProblems.SOURCE);
    assertThat(first.answer()).isNotNull();
    assertThat(new JsonlSolutionReader().read(out.resolve("test.jsonl")).solutions()).hasSize(5);
  }

  @Test
  void theHistogramCountsEveryProblem() {
    CommandRun run =
        generate(
            dir,
            "--train",
            "30",
            "--validation",
            "0",
            "--test",
            "0",
            "--min-steps",
            "2",
            "--max-steps",
            "3");
    String train = run.out().lines().findFirst().orElseThrow();
    String histogram = train.substring(train.indexOf("steps:problems ") + 15, train.length() - 1);
    int total = 0;
    for (String bucket : histogram.split(" ")) {
      int steps = Integer.parseInt(bucket.split(":")[0]);
      assertThat(steps).isBetween(2, 3);
      total += Integer.parseInt(bucket.split(":")[1]);
    }
    assertThat(total).isEqualTo(30);
  }

  @Test
  void theSameArgumentsGiveByteIdenticalFiles() throws Exception {
    String[] args = {
      "--seed", "7", "--train", "60", "--validation", "10", "--test", "10", "--max-steps", "5"
    };
    assertThat(generate(dir.resolve("one"), args).exitCode()).isZero();
    assertThat(generate(dir.resolve("two"), args).exitCode()).isZero();
    for (String file : new String[] {"train.jsonl", "validation.jsonl", "test.jsonl"}) {
      assertThat(Files.readAllBytes(dir.resolve("two").resolve(file)))
          .as(file)
          .isEqualTo(Files.readAllBytes(dir.resolve("one").resolve(file)));
    }
    args[1] = "8";
    assertThat(generate(dir.resolve("three"), args).exitCode()).isZero();
    assertThat(Files.readAllBytes(dir.resolve("three").resolve("train.jsonl")))
        .isNotEqualTo(Files.readAllBytes(dir.resolve("one").resolve("train.jsonl")));
  }

  @Test
  void refusesToReplaceFilesWithoutForce() throws Exception {
    Files.writeString(dir.resolve("test.jsonl"), "mine\n");
    CommandRun run = generate(dir, "--train", "5", "--validation", "1", "--test", "1");
    assertThat(run.exitCode()).isEqualTo(1);
    assertThat(run.err())
        .isEqualTo(
            "srl data generate: "
                + dir.resolve("test.jsonl")
                + " exists; use --force to replace it\n");
    // Nothing was written: the check comes before any file.
    assertThat(dir.resolve("train.jsonl")).doesNotExist();
    assertThat(Files.readString(dir.resolve("test.jsonl"))).isEqualTo("mine\n");

    run = generate(dir, "--train", "5", "--validation", "1", "--test", "1", "--force");
    assertThat(run.exitCode()).isZero();
    assertThat(new JsonlSolutionReader().read(dir.resolve("test.jsonl")).solutions()).hasSize(1);
  }

  @Test
  void anEmptySplitIsNotWrittenAndAStaleFileIsRemoved() throws Exception {
    assertThat(generate(dir, "--train", "5", "--validation", "1", "--test", "1").exitCode())
        .isZero();
    CommandRun run = generate(dir, "--train", "5", "--validation", "0", "--test", "1", "--force");
    assertThat(run.exitCode()).isZero();
    assertThat(run.out()).contains(dir.resolve("validation.jsonl") + ": 0 problems, not written");
    assertThat(dir.resolve("validation.jsonl")).doesNotExist();
  }

  @Test
  void refusesBadValuesNamingTheOption() {
    assertRefused("--min-steps must be >= 1, but was 0", "--min-steps", "0");
    assertRefused(
        "--max-steps must be >= --min-steps (4), but was 3",
        "--min-steps",
        "4",
        "--max-steps",
        "3");
    assertRefused("--max-steps must be <= 30, but was 31", "--max-steps", "31");
    assertRefused("--train must be >= 0, but was -1", "--train", "-1");
    assertRefused("--validation must be >= 0, but was -5", "--validation", "-5");
    assertRefused("--test must be >= 0, but was -2", "--test", "-2");
    assertRefused(
        "at least one of --train, --validation, --test must be > 0, but all were 0",
        "--train",
        "0",
        "--validation",
        "0",
        "--test",
        "0");
  }

  @Test
  void aSpaceTooSmallForTheSizesFailsWithTheGeneratorsMessage() {
    CommandRun run =
        generate(dir, "--max-steps", "1", "--train", "5000", "--validation", "0", "--test", "0");
    assertThat(run.exitCode()).isEqualTo(1);
    assertThat(run.err()).contains("distinct problems", "allow more steps or ask for fewer");
    assertThat(dir.resolve("train.jsonl")).doesNotExist();
  }

  @Test
  void outMustBeADirectoryAndIsRequired() throws Exception {
    Path file = Files.writeString(dir.resolve("a-file"), "x");
    CommandRun run = generate(file, "--train", "1");
    assertThat(run.exitCode()).isEqualTo(1);
    assertThat(run.err()).contains("--out must be a directory, but " + file + " is a file");
    CommandRun missing = CommandRun.of("data", "generate");
    assertThat(missing.exitCode()).isEqualTo(2);
    assertThat(missing.err()).contains("Missing required option: '--out=DIR'");
    CommandRun notANumber =
        CommandRun.of("data", "generate", "--out", dir.toString(), "--seed", "x");
    assertThat(notANumber.exitCode()).isEqualTo(2);
    assertThat(notANumber.err()).contains("Invalid value for option '--seed'");
  }

  private void assertRefused(String message, String... args) {
    Path out = dir.resolve("refused");
    CommandRun run = generate(out, args);
    assertThat(run.exitCode()).as(message).isEqualTo(1);
    assertThat(run.err()).isEqualTo("srl data generate: " + message + "\n");
    assertThat(out).doesNotExist();
  }

  private static CommandRun generate(Path out, String... args) {
    String[] all = new String[args.length + 4];
    all[0] = "data";
    all[1] = "generate";
    all[2] = "--out";
    all[3] = out.toString();
    System.arraycopy(args, 0, all, 4, args.length);
    return CommandRun.of(all);
  }
}
