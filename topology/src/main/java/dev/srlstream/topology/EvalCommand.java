package dev.srlstream.topology;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.srlstream.method.data.ExpertSolution;
import dev.srlstream.method.data.JsonlSolutionReader;
import dev.srlstream.method.data.MalformedDataException;
import dev.srlstream.policy.eval.Evaluator;
import dev.srlstream.policy.eval.StepEvaluator;
import dev.srlstream.topology.eval.EvalReports;
import dev.srlstream.topology.eval.StepReports;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.function.IntConsumer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
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
          + " JSON with --json.",
      "With --steps, also evaluates every step on its own, as SRL trains it: each step is"
          + " prompted with the expert's earlier steps (--context-window) and its greedy response"
          + " and k samples are scored by the scorer's reward: well-formed rate, exact-action rate"
          + " and mean reward, overall and by step index."
    })
final class EvalCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(
      names = {"--checkpoint", "--model"},
      required = true,
      paramLabel = "MODEL",
      description = "The policy to evaluate: " + ModelOption.HELP)
  String checkpoint;

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
      names = "--context-window",
      paramLabel = "N",
      description =
          "Earlier steps a step's prompt shows, newest kept: the policy's own actions end to end,"
              + " the expert's with --steps; 0 for all (default: the window the weights were"
              + " trained with, as their file records it; all if it records none). A window other"
              + " than the weights' own is used, with a warning naming both.")
  Integer contextWindow;

  @Option(
      names = "--steps",
      description =
          "Also evaluate step by step: every step of every problem prompted with the expert's"
              + " earlier steps, as an SRL training instance; the greedy response and the k"
              + " samples scored by the scorer's step reward (--autojunk): well-formed %%, exact"
              + " action %% and mean reward, overall and by step index (a second table; 'steps'"
              + " in --json).")
  boolean steps;

  @Mixin AutojunkOption autojunk;

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
    if (contextWindow != null && contextWindow < 0) {
      throw new IllegalArgumentException(
          "--context-window must be >= 0 (0 for all), but was " + contextWindow);
    }
    if (json != null) {
      CliFiles.requireOutputFile(json, "--json");
    }
    byte[] weights = ModelOption.weights(checkpoint, "--checkpoint");
    int window = PolicyFiles.contextWindow(contextWindow, weights, "srl eval", err);
    Evaluator.Settings defaults = Evaluator.Settings.defaults();
    Evaluator.Settings settings =
        new Evaluator.Settings(
            k,
            temperature,
            maxNewTokens,
            seed,
            threads == null ? defaults.threads() : threads,
            window);
    List<ExpertSolution> problems;
    try {
      problems = readProblems(data, "--data", limit);
    } catch (MalformedDataException e) {
      if (steps && "steps".equals(e.field())) {
        throw new IllegalArgumentException(
            "--data "
                + data
                + " holds a problem without expert steps ("
                + e.getMessage()
                + "); step-level evaluation (--steps) needs the expert's steps of every problem",
            e);
      }
      throw e;
    }
    err.printf("srl eval: %d problems from %s, k = %d%n", problems.size(), data, k);
    err.flush();
    Evaluator.Report report =
        Evaluator.evaluate(weights, problems, settings, progress(err, "problems", problems));
    StepEvaluator.Report stepReport = null;
    if (steps) {
      err.printf("srl eval: step level, every step of the %d problems%n", problems.size());
      err.flush();
      stepReport =
          new StepEvaluator(settings, autojunk.autojunk)
              .evaluate(weights, problems, progress(err, "problems' steps", problems));
    }
    out.print(EvalReports.table(report));
    if (stepReport != null) {
      out.println();
      out.print(StepReports.table(stepReport));
    }
    if (json != null) {
      ObjectNode node = EvalReports.detailed(report);
      if (stepReport != null) {
        node.set("steps", StepReports.detailed(stepReport));
      }
      Files.writeString(
          json, new ObjectMapper().writerWithDefaultPrettyPrinter().writeValueAsString(node));
      out.println("report: " + json.toAbsolutePath());
    }
    out.flush();
    return 0;
  }

  /** Prints "srl eval: 3/10 problems" about ten times in all. */
  private static IntConsumer progress(PrintWriter err, String what, List<ExpertSolution> problems) {
    int every = Math.max(1, problems.size() / 10);
    return done -> {
      if (done % every == 0 || done == problems.size()) {
        synchronized (err) {
          err.printf("srl eval: %d/%d %s%n", done, problems.size(), what);
          err.flush();
        }
      }
    };
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
