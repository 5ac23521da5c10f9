package dev.srlstream.policy.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.srlstream.method.data.ExpertSolution;
import dev.srlstream.method.data.Step;
import dev.srlstream.method.format.ResponseParser;
import dev.srlstream.policy.FinishReason;
import dev.srlstream.policy.SampleResult;
import dev.srlstream.policy.StepwiseSolver;
import dev.srlstream.policy.StepwiseSolver.Stop;
import dev.srlstream.policy.TinyPolicies;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class EvaluatorTest {
  private static byte[] randomWeights;

  @BeforeAll
  static void weights() {
    randomWeights = TinyPolicies.random(TinyPolicies.SMALL, 3);
  }

  // ---- the report's numbers ----

  @Test
  void reportComputesGreedyAccuracyAvgAndPassAtK() {
    List<Evaluator.ProblemScore> scores =
        List.of(
            score("a", true, 3),
            score("b", false, 0),
            score("c", true, 4),
            score("d", false, 2),
            score("e", false, 1));

    Evaluator.Report report = Evaluator.report(9, 4, scores);

    // by hand: greedy 2 of 5; avg@4 (3/4 + 0 + 4/4 + 2/4 + 1/4) / 5 = 2.5 / 5; pass@4 4 of 5
    assertThat(report.version()).isEqualTo(9);
    assertThat(report.k()).isEqualTo(4);
    assertThat(report.problems()).isEqualTo(5);
    assertThat(report.greedyAccuracy()).isCloseTo(0.4, within(1e-12));
    assertThat(report.avgAtK()).isCloseTo(0.5, within(1e-12));
    assertThat(report.passAtK()).isCloseTo(0.8, within(1e-12));
    assertThat(report.scores()).isEqualTo(scores);
  }

  @Test
  void reportWithKZeroHasNoAvgOrPass() {
    Evaluator.Report report =
        Evaluator.report(0, 0, List.of(score("a", true, 0), score("b", false, 0)));

    assertThat(report.greedyAccuracy()).isEqualTo(0.5);
    assertThat(report.avgAtK()).isNaN();
    assertThat(report.passAtK()).isNaN();
  }

  // ---- whether a solution is right ----

  @Test
  void aSolutionIsCorrectWhenItsLastOperationGivesTheAnswer() {
    ExpertSolution fourteen = problem("p", "14", 2);
    StepwiseSolver.Solution solution =
        solution(
            Stop.STEP_BUDGET, "<think>x</think>3 + 4 = 7 → 7 × 2", "<think></think>7 × 2 = 14");

    assertThat(Evaluator.isCorrect(solution, fourteen)).isTrue();
    assertThat(Evaluator.isCorrect(solution, problem("p", "15", 2))).isFalse();
  }

  @Test
  void aSolutionThatStoppedEarlyOrIsEmptyIsWrong() {
    ExpertSolution fourteen = problem("p", "14", 2);
    StepwiseSolver.Solution stoppedEarly =
        solution(Stop.NO_EOS, "<think></think>3 + 4 = 7 → 7 × 2");
    StepwiseSolver.Solution empty = solution(Stop.CONTEXT_FULL);

    assertThat(Evaluator.isCorrect(stoppedEarly, fourteen)).isFalse();
    assertThat(Evaluator.isCorrect(empty, fourteen)).isFalse();
  }

  // ---- evaluating a policy ----

  @Test
  void evaluatesAKnownPolicyExactly() throws Exception {
    // The policy writes "7" at every step: right for answer 7, whatever the number of steps.
    byte[] sevens = TinyPolicies.thinkingThenWriting("7", 256);
    List<ExpertSolution> problems =
        List.of(problem("two", "7", 2), problem("eight", "8", 1), problem("three", "7", 3));
    Evaluator.Settings settings = new Evaluator.Settings(3, 0.05f, 8, 1, 2);

    Evaluator.Report report = Evaluator.evaluate(sevens, problems, settings, done -> {});

    assertThat(report.scores())
        .extracting(Evaluator.ProblemScore::problemId)
        .containsExactly("two", "eight", "three");
    assertThat(report.scores())
        .extracting(Evaluator.ProblemScore::greedyCorrect)
        .containsExactly(true, false, true);
    assertThat(report.scores())
        .extracting(Evaluator.ProblemScore::correctSamples)
        .containsExactly(3, 0, 3);
    // as many steps as the expert solution has
    assertThat(report.scores())
        .extracting(Evaluator.ProblemScore::greedySolution)
        .containsExactly("7\n7", "7", "7\n7\n7");
    assertThat(report.scores())
        .extracting(Evaluator.ProblemScore::greedyStop)
        .containsOnly("step budget");
    assertThat(report.greedyAccuracy()).isCloseTo(2 / 3.0, within(1e-12));
    assertThat(report.avgAtK()).isCloseTo(2 / 3.0, within(1e-12));
    assertThat(report.passAtK()).isCloseTo(2 / 3.0, within(1e-12));
    assertThat(report.k()).isEqualTo(3);
    assertThat(report.problems()).isEqualTo(3);
  }

  @Test
  void scoresEveryProblemInOrderTheSameWithOneOrTwoThreadsAndTwice() throws Exception {
    List<ExpertSolution> problems =
        List.of(problem("p1", "7", 1), problem("p2", "-3", 2), problem("p3", "12", 2));
    Evaluator.Settings one = new Evaluator.Settings(2, 1.0f, 6, 5, 1);
    List<Integer> progress = Collections.synchronizedList(new ArrayList<>());

    Evaluator.Report first = Evaluator.evaluate(randomWeights, problems, one, progress::add);
    Evaluator.Report again = Evaluator.evaluate(randomWeights, problems, one, done -> {});
    Evaluator.Report twoThreads =
        Evaluator.evaluate(randomWeights, problems, one.withThreads(2), done -> {});

    assertThat(first.version()).isZero();
    assertThat(first.problems()).isEqualTo(3);
    assertThat(first.scores())
        .extracting(Evaluator.ProblemScore::problemId)
        .containsExactly("p1", "p2", "p3");
    assertThat(first.scores())
        .extracting(Evaluator.ProblemScore::answer)
        .containsExactly("7", "-3", "12");
    assertThat(first.scores())
        .allSatisfy(s -> assertThat(s.correctSamples()).isBetween(0, 2))
        .allSatisfy(s -> assertThat(s.greedyStop()).isNotBlank());
    assertThat(progress).containsExactly(1, 2, 3);
    assertThat(again).isEqualTo(first);
    assertThat(twoThreads).isEqualTo(first);
  }

  @Test
  void rejectsNoProblems() {
    Evaluator.Settings settings = new Evaluator.Settings(1, 1.0f, 4, 1, 1);
    assertThatThrownBy(() -> Evaluator.evaluate(randomWeights, List.of(), settings, d -> {}))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("no problem to evaluate on");
  }

  @Test
  void rejectsAProblemWithoutAnAnswer() {
    Evaluator.Settings settings = new Evaluator.Settings(1, 1.0f, 4, 1, 1);
    List<ExpertSolution> problems = List.of(problem("fine", "3", 1), problem("open", null, 1));
    assertThatThrownBy(() -> Evaluator.evaluate(randomWeights, problems, settings, d -> {}))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("problem open has no reference answer to evaluate against");
  }

  @Test
  void settingsAreValidated() {
    assertThatThrownBy(() -> new Evaluator.Settings(-1, 1.0f, 4, 1, 1))
        .hasMessage("k must be >= 0, but was -1");
    assertThatThrownBy(() -> new Evaluator.Settings(1, 0f, 4, 1, 1))
        .hasMessageContaining("temperature must be in (0, 100]");
    assertThatThrownBy(() -> new Evaluator.Settings(1, 1.0f, 0, 1, 1))
        .hasMessage("maxNewTokens must be >= 1, but was 0");
    assertThatThrownBy(() -> new Evaluator.Settings(1, 1.0f, 4, 1, 0))
        .hasMessage("threads must be >= 1, but was 0");
  }

  private static Evaluator.ProblemScore score(String id, boolean greedy, int correct) {
    return new Evaluator.ProblemScore(id, "1", greedy, correct, "1", "step budget");
  }

  /** A solution of {@code responses}, each sampled after a one-token prompt. */
  private static StepwiseSolver.Solution solution(Stop stop, String... responses) {
    List<StepwiseSolver.Step> steps = new ArrayList<>();
    for (String response : responses) {
      SampleResult sample = new SampleResult(new int[] {2}, new float[] {0f}, FinishReason.STOP, 0);
      steps.add(
          new StepwiseSolver.Step(
              new int[] {1}, sample, response, ResponseParser.parseStep(response)));
    }
    return new StepwiseSolver.Solution(0L, steps, stop);
  }

  /** A problem with {@code steps} expert steps (the solver's step budget). */
  static ExpertSolution problem(String id, String answer, int steps) {
    List<Step> list = new ArrayList<>();
    for (int i = 1; i <= steps; i++) {
      list.add(Step.of("step " + i));
    }
    return new ExpertSolution(id, "question " + id, list, answer, "test");
  }
}
