package dev.srlstream.topology;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.srlstream.topology.data.ExpertSolution;
import dev.srlstream.topology.data.JsonlSolutionReader;
import dev.srlstream.topology.eval.EvalReports;
import dev.srlstream.topology.eval.Evaluator;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code srl eval}: held-out accuracy of a policy, solving each problem on its own context. */
@Command(
    name = "eval",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = {
      "Evaluate a policy on held-out problems: each problem is solved end to end, step after step"
          + " on the policy's own context (as many steps as the expert solution has), and the"
          + " actions are checked against the reference answer.",
      "Reports greedy accuracy, avg@k and pass@k (k samples at --temperature) as a table, and as"
          + " JSON with --json."
    })
final class EvalCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(
      names = "--checkpoint",
      required = true,
      paramLabel = "PATH",
      description =
          "A weights file (srl sft --out, a run's base.bin or final.bin), a learner checkpoint"
              + " directory, or a checkpoint store (its newest version).")
  Path checkpoint;

  @Option(
      names = "--data",
      required = true,
      paramLabel = "FILE",
      description = "Problems with reference answers in our JSONL (e.g. test.jsonl).")
  Path data;

  @Option(
      names = "--k",
      defaultValue = "8",
      paramLabel = "K",
      description = "Samples per problem for avg@k and pass@k; 0 for greedy only (default: 8).")
  int k;

  @Option(
      names = "--temperature",
      defaultValue = "1.0",
      paramLabel = "T",
      description = "Temperature of the k samples (default: ${DEFAULT-VALUE}).")
  float temperature;

  @Option(
      names = "--limit",
      paramLabel = "N",
      description = "Evaluate only the first N problems (default: all).")
  Integer limit;

  @Option(
      names = "--max-new-tokens",
      defaultValue = "128",
      paramLabel = "N",
      description = "Tokens a step may sample (default: ${DEFAULT-VALUE}).")
  int maxNewTokens;

  @Option(
      names = "--seed",
      defaultValue = "1",
      paramLabel = "N",
      description = "Seed of the samples (default: ${DEFAULT-VALUE}).")
  long seed;

  @Option(
      names = "--threads",
      paramLabel = "N",
      description = "Parallel workers, each with its own policy (default: cores, at most 4).")
  Integer threads;

  @Option(
      names = "--json",
      paramLabel = "FILE",
      description = "Also write the report, with every problem's greedy solution, as JSON.")
  Path json;

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    if (limit != null && limit < 1) {
      throw new IllegalArgumentException("--limit must be >= 1, but was " + limit);
    }
    Evaluator.Settings defaults = Evaluator.Settings.defaults();
    Evaluator.Settings settings =
        new Evaluator.Settings(
            k, temperature, maxNewTokens, seed, threads == null ? defaults.threads() : threads);
    if (json != null) {
      CliFiles.requireOutputFile(json, "--json");
    }
    byte[] weights = PolicyFiles.readWeights(checkpoint, "--checkpoint");
    List<ExpertSolution> problems = readProblems(data, "--data", limit);
    err.printf("srl eval: %d problems from %s, k = %d%n", problems.size(), data, k);
    err.flush();
    int every = Math.max(1, problems.size() / 10);
    Evaluator.Report report =
        Evaluator.evaluate(
            weights,
            problems,
            settings,
            done -> {
              if (done % every == 0 || done == problems.size()) {
                synchronized (err) {
                  err.printf("srl eval: %d/%d problems%n", done, problems.size());
                  err.flush();
                }
              }
            });
    out.print(EvalReports.table(report));
    if (json != null) {
      Files.writeString(
          json,
          new ObjectMapper()
              .writerWithDefaultPrettyPrinter()
              .writeValueAsString(EvalReports.detailed(report)));
      out.println("report: " + json.toAbsolutePath());
    }
    out.flush();
    return 0;
  }

  /** The expert solutions of a data file (our JSONL), at least one. */
  static List<ExpertSolution> readSolutions(Path file, String option) throws Exception {
    CliFiles.requireInputFile(file, option);
    List<ExpertSolution> solutions = new JsonlSolutionReader().read(file).solutions();
    if (solutions.isEmpty()) {
      throw new IllegalArgumentException(option + " " + file + " holds no problem");
    }
    return solutions;
  }

  /** The problems of a data file, all with answers, the first {@code limit} when given. */
  static List<ExpertSolution> readProblems(Path file, String option, Integer limit)
      throws Exception {
    List<ExpertSolution> solutions = readSolutions(file, option);
    List<ExpertSolution> withAnswers = solutions.stream().filter(s -> s.answer() != null).toList();
    if (withAnswers.isEmpty()) {
      throw new IllegalArgumentException(
          option + " " + file + " holds no problem with a reference answer to evaluate against");
    }
    return limit == null || limit >= withAnswers.size()
        ? withAnswers
        : withAnswers.subList(0, limit);
  }
}
