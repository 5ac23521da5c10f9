package dev.srlstream.policy.eval;

import dev.srlstream.method.data.ExpertSolution;
import dev.srlstream.method.reward.BoxedAnswerVerifier;
import dev.srlstream.policy.Seeds;
import dev.srlstream.policy.StepwiseSolver;
import java.util.List;
import java.util.function.IntConsumer;

/**
 * Held-out evaluation: each problem is solved end to end by the policy on its own context ({@link
 * StepwiseSolver}), in as many steps as the expert solution has, and the actions are checked
 * against the reference answer by the same verifier as the RLVR outcome reward.
 *
 * <ul>
 *   <li><b>greedy accuracy</b>: the share of problems the greedy solution gets right;
 *   <li><b>avg@k</b>: the mean over problems of the share of k samples at the temperature that get
 *       it right;
 *   <li><b>pass@k</b>: the share of problems at least one of the k samples gets right.
 * </ul>
 *
 * Problems are shared among {@code threads} workers, each with its own copy of the policy; the
 * results do not depend on the number of workers.
 */
public final class Evaluator {

  /**
   * How to evaluate.
   *
   * @param k samples per problem for avg@k and pass@k; 0 evaluates greedy accuracy only
   * @param temperature the sampling temperature of the k samples
   * @param maxNewTokens tokens a step may sample
   * @param seed the seed of the samples
   * @param threads parallel workers, each with its own policy
   * @param contextWindow how many of the policy's own earlier actions a step's prompt shows, newest
   *     kept ({@link #ALL_STEPS} for all): the same window the policy was trained with
   */
  public record Settings(
      int k, float temperature, int maxNewTokens, long seed, int threads, int contextWindow) {

    /** A context window that keeps every earlier action. */
    public static final int ALL_STEPS = Integer.MAX_VALUE;

    public Settings(int k, float temperature, int maxNewTokens, long seed, int threads) {
      this(k, temperature, maxNewTokens, seed, threads, ALL_STEPS);
    }

    public Settings {
      if (contextWindow < 1) {
        throw new IllegalArgumentException("contextWindow must be >= 1, but was " + contextWindow);
      }
      if (k < 0) {
        throw new IllegalArgumentException("k must be >= 0, but was " + k);
      }
      if (!(temperature > 0f && temperature <= 100f)) {
        throw new IllegalArgumentException(
            "temperature must be in (0, 100], but was " + temperature);
      }
      if (maxNewTokens < 1) {
        throw new IllegalArgumentException("maxNewTokens must be >= 1, but was " + maxNewTokens);
      }
      if (threads < 1) {
        throw new IllegalArgumentException("threads must be >= 1, but was " + threads);
      }
    }

    /** k = 8 at temperature 1.0, 128 tokens a step, seed 1, one worker per core (up to 4). */
    public static Settings defaults() {
      return new Settings(8, 1.0f, 128, 1, Math.min(4, Runtime.getRuntime().availableProcessors()));
    }

    public Settings withK(int newK) {
      return new Settings(newK, temperature, maxNewTokens, seed, threads, contextWindow);
    }

    public Settings withTemperature(float newTemperature) {
      return new Settings(k, newTemperature, maxNewTokens, seed, threads, contextWindow);
    }

    public Settings withMaxNewTokens(int newMaxNewTokens) {
      return new Settings(k, temperature, newMaxNewTokens, seed, threads, contextWindow);
    }

    public Settings withSeed(long newSeed) {
      return new Settings(k, temperature, maxNewTokens, newSeed, threads, contextWindow);
    }

    public Settings withThreads(int newThreads) {
      return new Settings(k, temperature, maxNewTokens, seed, newThreads, contextWindow);
    }

    public Settings withContextWindow(int newContextWindow) {
      return new Settings(k, temperature, maxNewTokens, seed, threads, newContextWindow);
    }
  }

  /** One problem's outcome. */
  public record ProblemScore(
      String problemId,
      String answer,
      boolean greedyCorrect,
      int correctSamples,
      String greedySolution,
      String greedyStop) {}

  /** The scores of a policy on a set of problems. */
  public record Report(
      long version,
      int k,
      int problems,
      double greedyAccuracy,
      double avgAtK,
      double passAtK,
      List<ProblemScore> scores) {
    public Report {
      scores = List.copyOf(scores);
    }
  }

  private static final BoxedAnswerVerifier VERIFIER = new BoxedAnswerVerifier();

  private Evaluator() {}

  /**
   * Evaluates the policy of {@code weights} (the weights codec's bytes) on {@code problems}.
   *
   * @param progress called with the number of problems done after each one (from any worker)
   * @throws IllegalArgumentException if no problem is given or one has no reference answer
   */
  public static Report evaluate(
      byte[] weights, List<ExpertSolution> problems, Settings settings, IntConsumer progress)
      throws InterruptedException {
    if (problems.isEmpty()) {
      throw new IllegalArgumentException("no problem to evaluate on");
    }
    for (ExpertSolution problem : problems) {
      if (problem.answer() == null) {
        throw new IllegalArgumentException(
            "problem " + problem.id() + " has no reference answer to evaluate against");
      }
    }
    ProblemScore[] scores = new ProblemScore[problems.size()];
    long version =
        ProblemWorkers.run(
            weights,
            problems.size(),
            settings.threads(),
            (policy, i) ->
                scores[i] = score(StepwiseSolver.of(policy), problems.get(i), i, settings),
            progress);
    return report(version, settings.k(), List.of(scores));
  }

  private static ProblemScore score(
      StepwiseSolver solver, ExpertSolution problem, int index, Settings settings) {
    int maxSteps = problem.steps().size();
    StepwiseSolver.Solution greedy =
        solver
            .solve(
                problem.question(),
                maxSteps,
                1,
                StepwiseSolver.Settings.greedy(settings.maxNewTokens(), settings.contextWindow()))
            .get(0);
    int correct = 0;
    if (settings.k() > 0) {
      StepwiseSolver.Settings sampling =
          StepwiseSolver.Settings.sampling(
              settings.maxNewTokens(),
              settings.contextWindow(),
              settings.temperature(),
              Seeds.mix(settings.seed(), index));
      for (StepwiseSolver.Solution sample :
          solver.solve(problem.question(), maxSteps, settings.k(), sampling)) {
        correct += isCorrect(sample, problem) ? 1 : 0;
      }
    }
    return new ProblemScore(
        problem.id(),
        problem.answer(),
        isCorrect(greedy, problem),
        correct,
        greedy.text(),
        greedy.stopReason());
  }

  static boolean isCorrect(StepwiseSolver.Solution solution, ExpertSolution problem) {
    return !solution.steps().isEmpty() && VERIFIER.isCorrect(solution.text(), problem.answer());
  }

  /** The report of per-problem scores: greedy accuracy, avg@k and pass@k over them. */
  public static Report report(long version, int k, List<ProblemScore> scores) {
    int n = scores.size();
    double greedy = scores.stream().filter(ProblemScore::greedyCorrect).count() / (double) n;
    double avg =
        k == 0
            ? Double.NaN
            : scores.stream().mapToDouble(s -> s.correctSamples() / (double) k).sum() / n;
    double pass =
        k == 0
            ? Double.NaN
            : scores.stream().filter(s -> s.correctSamples() > 0).count() / (double) n;
    return new Report(version, k, n, greedy, avg, pass, scores);
  }
}
