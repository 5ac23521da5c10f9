package dev.srlstream.topology;

import dev.srlstream.method.data.ArithmeticProblem;
import dev.srlstream.method.data.ArithmeticProblems;
import dev.srlstream.method.data.JsonlWriter;
import dev.srlstream.method.data.Split;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.IntSummaryStatistics;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code srl data generate}: writes the bundled arithmetic data set ({@link ArithmeticProblems}) as
 * one JSONL file per split. The same arguments always give byte-identical files.
 */
@Command(
    name = "generate",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = {
      "Generate the bundled arithmetic data set as train, validation and test JSONL files.",
      "The problems are integer expressions reduced one operation per step (operands"
          + " 1..--max-operand, every value within ±--max-value), written as train.jsonl, validation.jsonl and test.jsonl"
          + " in DIR. The split of a problem depends on its expression alone, so"
          + " no problem is in two splits, whatever the seeds.",
      "The same arguments give byte-identical files. A split of size 0 is not written.",
      "Prints one line per split: file, problems, steps (min, mean, max, and how many problems"
          + " have each number of steps)."
    })
final class DataGenerateCommand implements Callable<Integer> {

  /** The most steps a generated problem may have (ArithmeticProblems.Config's limit). */
  static final int MAX_STEPS_LIMIT = 30;

  @Spec CommandSpec spec;

  @Option(
      names = "--out",
      required = true,
      paramLabel = "DIR",
      description = "The directory to write the three files in (created if missing).")
  Path out;

  @Option(
      names = "--seed",
      defaultValue = "1",
      paramLabel = "N",
      description = "The seed of the generator (default: ${DEFAULT-VALUE}).")
  long seed;

  @Option(
      names = "--train",
      defaultValue = "10000",
      paramLabel = "N",
      description = "Problems in train (default: ${DEFAULT-VALUE}).")
  int train;

  @Option(
      names = "--validation",
      defaultValue = "500",
      paramLabel = "N",
      description = "Problems in validation (default: ${DEFAULT-VALUE}).")
  int validation;

  @Option(
      names = "--test",
      defaultValue = "500",
      paramLabel = "N",
      description = "Problems in test (default: ${DEFAULT-VALUE}).")
  int test;

  @Option(
      names = "--min-steps",
      defaultValue = "1",
      paramLabel = "N",
      description = "The fewest steps (operations) of a problem (default: ${DEFAULT-VALUE}).")
  int minSteps;

  @Option(
      names = "--max-steps",
      defaultValue = "8",
      paramLabel = "N",
      description =
          "The most steps of a problem, at most "
              + MAX_STEPS_LIMIT
              + "; each draw's number of steps is uniform in min..max, then repeated and"
              + " out-of-range expressions are dropped (default: ${DEFAULT-VALUE}).")
  int maxSteps;

  @Option(
      names = "--max-operand",
      defaultValue = "20",
      paramLabel = "N",
      description = "Operands are drawn from 1..N, N in 2..99 (default: ${DEFAULT-VALUE}).")
  int maxOperand;

  @Option(
      names = "--max-value",
      defaultValue = "999",
      paramLabel = "N",
      description =
          "Every intermediate value lies within ±N, N in max-operand..999999 (default:"
              + " ${DEFAULT-VALUE}).")
  int maxValue;

  @Option(
      names = "--force",
      description = "Replace train.jsonl, validation.jsonl and test.jsonl if they exist.")
  boolean force;

  @Override
  public Integer call() throws IOException {
    ArithmeticProblems.Config config = config();
    if (Files.exists(out) && !Files.isDirectory(out)) {
      throw new IllegalArgumentException("--out must be a directory, but " + out + " is a file");
    }
    // Checked for all three files before generating: a refusal must leave DIR as it was.
    for (Split split : Split.values()) {
      CliFiles.requireAbsentUnlessForced(file(split), force);
    }
    ArithmeticProblems.DataSet data = ArithmeticProblems.generate(config);
    Files.createDirectories(out);
    PrintWriter stdout = spec.commandLine().getOut();
    for (Split split : Split.values()) {
      List<ArithmeticProblem> problems = data.get(split);
      Path file = file(split);
      if (problems.isEmpty()) {
        // An empty JSONL file is not a valid data file, and a stale one must not stay behind.
        Files.deleteIfExists(file);
        stdout.println(file + ": 0 problems, not written");
        continue;
      }
      JsonlWriter.write(file, problems.stream().map(ArithmeticProblem::toExpertSolution).toList());
      stdout.println(file + ": " + problems.size() + " problems, " + steps(problems));
    }
    stdout.flush();
    return 0;
  }

  /** The generator config, after checking each option in the user's terms. */
  ArithmeticProblems.Config config() {
    if (minSteps < 1) {
      throw new IllegalArgumentException("--min-steps must be >= 1, but was " + minSteps);
    }
    if (maxSteps < minSteps) {
      throw new IllegalArgumentException(
          "--max-steps must be >= --min-steps (" + minSteps + "), but was " + maxSteps);
    }
    if (maxSteps > MAX_STEPS_LIMIT) {
      throw new IllegalArgumentException(
          "--max-steps must be <= " + MAX_STEPS_LIMIT + ", but was " + maxSteps);
    }
    requireSize("--train", train);
    requireSize("--validation", validation);
    requireSize("--test", test);
    if ((long) train + validation + test == 0) {
      throw new IllegalArgumentException(
          "at least one of --train, --validation, --test must be > 0, but all were 0");
    }
    return ArithmeticProblems.Config.defaults()
        .withSeed(seed)
        .withSteps(minSteps, maxSteps)
        .withNumbers(maxOperand, maxValue)
        .withSizes(train, validation, test);
  }

  private static void requireSize(String option, int size) {
    if (size < 0) {
      throw new IllegalArgumentException(option + " must be >= 0, but was " + size);
    }
  }

  private Path file(Split split) {
    return out.resolve(split.wireName() + ".jsonl");
  }

  /** "steps 1..8, mean 4.52 (1:70 2:130 ...)": the range, the mean and the histogram. */
  static String steps(List<ArithmeticProblem> problems) {
    IntSummaryStatistics stats =
        problems.stream().mapToInt(ArithmeticProblem::difficulty).summaryStatistics();
    Map<Integer, Long> histogram =
        problems.stream()
            .collect(
                Collectors.groupingBy(
                    ArithmeticProblem::difficulty, TreeMap::new, Collectors.counting()));
    String counts =
        histogram.entrySet().stream()
            .map(e -> e.getKey() + ":" + e.getValue())
            .collect(Collectors.joining(" "));
    return String.format(
        Locale.ROOT,
        "steps min %d mean %.2f max %d (steps:problems %s)",
        stats.getMin(),
        stats.getAverage(),
        stats.getMax(),
        counts);
  }
}
