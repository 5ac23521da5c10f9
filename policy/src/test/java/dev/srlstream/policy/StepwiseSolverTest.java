package dev.srlstream.policy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.srlstream.method.format.StepPrompt;
import dev.srlstream.policy.StepwiseSolver.Settings;
import dev.srlstream.policy.StepwiseSolver.Solution;
import dev.srlstream.policy.StepwiseSolver.Stop;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class StepwiseSolverTest {
  private static final String QUESTION = "3 + 4 × 2";

  private static Policy random;

  @BeforeAll
  static void load() {
    random = Policy.load(TinyPolicies.random(TinyPolicies.SMALL, 7), SessionThreads.SINGLE);
  }

  @AfterAll
  static void close() {
    random.close();
  }

  @Test
  void aPolicyThatAnswersEveryStepWritesExactlyMaxStepsActions() {
    try (Policy policy = load(TinyPolicies.thinkingThenWriting("7", 256))) {
      StepwiseSolver solver = StepwiseSolver.of(policy);
      for (int maxSteps = 1; maxSteps <= 3; maxSteps++) {
        Solution greedy = greedy(solver, QUESTION, maxSteps, 8);
        assertThat(greedy.actions()).hasSize(maxSteps).containsOnly("7");
        assertThat(greedy.responses()).hasSize(maxSteps).containsOnly("<think></think>7");
        assertThat(greedy.stop()).isEqualTo(Stop.STEP_BUDGET);
        assertThat(greedy.stopReason()).isEqualTo("step budget");
        assertThat(greedy.text()).isEqualTo(String.join("\n", greedy.actions()));
      }
    }
  }

  /** Step s is asked with the solution's own actions as the earlier steps, as an SRL step. */
  @Test
  void laterStepsAreAskedOnTheSolutionsOwnActionsInTheWindow() {
    try (Policy policy = load(TinyPolicies.thinkingThenWriting("7", 256))) {
      StepwiseSolver solver = StepwiseSolver.of(policy);
      Solution all = greedy(solver, QUESTION, 3, 8);
      assertThat(texts(all))
          .containsExactly(
              StepPrompt.text(QUESTION, List.of(), null),
              StepPrompt.text(QUESTION, List.of("7"), null),
              StepPrompt.text(QUESTION, List.of("7", "7"), null));
      Solution newest = solver.solve(QUESTION, 3, 1, Settings.greedy(8, 1)).get(0);
      assertThat(texts(newest).get(2)).isEqualTo(StepPrompt.text(QUESTION, List.of("7"), null));
    }
  }

  @Test
  void aStepWithoutEosEndsTheSolution() {
    // ':' -> '<think>' -> '</think>' -> '7' -> '7' -> ...: the response never ends.
    int seven = TinyPolicies.token("7");
    Map<Integer, Integer> next =
        Map.of(
            TinyPolicies.token(":"),
            ByteTokenizer.THINK_OPEN,
            ByteTokenizer.THINK_OPEN,
            ByteTokenizer.THINK_CLOSE,
            ByteTokenizer.THINK_CLOSE,
            seven,
            seven,
            seven);
    try (Policy policy = load(TinyPolicies.bigram(next, 256))) {
      Solution greedy = greedy(StepwiseSolver.of(policy), QUESTION, 3, 5);
      assertThat(greedy.actions()).containsExactly("777");
      assertThat(greedy.stop()).isEqualTo(Stop.NO_EOS);
      assertThat(greedy.stopReason()).isEqualTo("no EOS (MAX_TOKENS)");
    }
  }

  /** The scorer's reading: a response without its think block is malformed, and ends it. */
  @Test
  void aMalformedResponseEndsTheSolutionWithTheParsersReason() {
    try (Policy policy = load(TinyPolicies.writing("7", 256))) {
      Solution greedy = greedy(StepwiseSolver.of(policy), QUESTION, 3, 8);
      assertThat(greedy.responses()).containsExactly("7");
      assertThat(greedy.actions()).containsExactly("");
      assertThat(greedy.stop()).isEqualTo(Stop.MALFORMED);
      assertThat(greedy.stopReason()).isEqualTo("malformed response (missing <think>)");
    }
    try (Policy policy =
        load(TinyPolicies.bigram(Map.of(TinyPolicies.token(":"), ByteTokenizer.EOS), 256))) {
      Solution empty = greedy(StepwiseSolver.of(policy), QUESTION, 3, 8);
      assertThat(empty.stopReason()).isEqualTo("malformed response (missing <think>)");
    }
  }

  @Test
  void aBoxedAnswerEndsTheSolution() {
    try (Policy policy = load(TinyPolicies.thinkingThenWriting("\\boxed{7}", 256))) {
      Solution greedy = greedy(StepwiseSolver.of(policy), QUESTION, 3, 16);
      assertThat(greedy.actions()).containsExactly("\\boxed{7}");
      assertThat(greedy.stop()).isEqualTo(Stop.FINAL_ANSWER);
      assertThat(greedy.stopReason()).isEqualTo("boxed answer");
    }
  }

  @Test
  void aFirstPromptThatFillsTheContextGetsNoStep() {
    try (Policy policy = load(TinyPolicies.thinkingThenWriting("7", 16))) {
      Solution greedy = greedy(StepwiseSolver.of(policy), "1 + 2 + 3 + 4 + 5 + 6", 2, 8);
      assertThat(greedy.steps()).isEmpty();
      assertThat(greedy.stopReason()).isEqualTo("context full");
    }
  }

  /**
   * The first prompt and every response so far stay within the context: a step gets only the room
   * left, and the solution ends when none is.
   */
  @Test
  void theWholeSolutionStaysWithinTheContext() {
    try (Policy policy = load(TinyPolicies.thinkingThenWriting("7", 32))) {
      StepwiseSolver solver = StepwiseSolver.of(policy);
      Solution greedy = greedy(solver, "1 + 2", 10, 8);
      int first = solver.firstPrompt("1 + 2").length;
      int responses = greedy.steps().stream().mapToInt(s -> s.sample().length()).sum();
      assertThat(first + responses).isLessThanOrEqualTo(32);
      assertThat(greedy.stop()).isIn(Stop.CONTEXT_FULL, Stop.NO_EOS);
      assertThat(greedy.steps()).hasSizeLessThan(10);
    }
  }

  @Test
  void greedyOfARandomPolicyIsDeterministicAndKeepsToTheStepBudget() {
    StepwiseSolver solver = StepwiseSolver.of(random);
    Solution greedy = greedy(solver, QUESTION, 2, 6);
    assertThat(greedy.steps()).hasSizeBetween(1, 2);
    assertThat(greedy(solver, QUESTION, 2, 6)).usingRecursiveComparison().isEqualTo(greedy);
  }

  @Test
  void samplesAreDeterministicForASeedAndEachDrawsFromItsOwnStream() {
    StepwiseSolver solver = StepwiseSolver.of(random);
    Settings settings = Settings.sampling(6, Integer.MAX_VALUE, 1.0f, 11);
    List<Solution> first = solver.solve(QUESTION, 2, 5, settings);
    assertThat(first).hasSize(5);
    assertThat(responses(solver.solve(QUESTION, 2, 5, settings))).isEqualTo(responses(first));
    assertThat(responses(solver.solve(QUESTION, 2, 5, Settings.sampling(6, 1 << 30, 1.0f, 12))))
        .isNotEqualTo(responses(first));
    assertThat(first.stream().map(Solution::responses).distinct()).hasSize(5);
    // Solution i's seed is row i of the seed's group, as an SRL group's rollouts.
    SamplingParams params = SamplingParams.sampling(1.0f, 6, ByteTokenizer.EOS, 11);
    for (int i = 0; i < first.size(); i++) {
      assertThat(first.get(i).seed()).isEqualTo(params.rowSeed(i));
    }
  }

  @Test
  void samplesOfAConfidentPolicyAllFollowIt() {
    try (Policy policy = load(TinyPolicies.thinkingThenWriting("7", 256))) {
      List<Solution> samples =
          StepwiseSolver.of(policy)
              .solve(QUESTION, 3, 4, Settings.sampling(8, Integer.MAX_VALUE, 0.05f, 1));
      assertThat(samples)
          .hasSize(4)
          .allSatisfy(s -> assertThat(s.actions()).containsExactly("7", "7", "7"));
    }
  }

  private static Solution greedy(StepwiseSolver solver, String question, int steps, int tokens) {
    return solver.solve(question, steps, 1, Settings.greedy(tokens, Integer.MAX_VALUE)).get(0);
  }

  private static List<String> texts(Solution solution) {
    List<String> texts = new ArrayList<>();
    for (StepwiseSolver.Step step : solution.steps()) {
      int[] prompt = step.prompt();
      texts.add(ByteTokenizer.INSTANCE.decode(Arrays.copyOfRange(prompt, 1, prompt.length)));
    }
    return texts;
  }

  private static List<List<String>> responses(List<Solution> solutions) {
    return solutions.stream().map(Solution::responses).toList();
  }

  private static Policy load(byte[] weights) {
    return Policy.load(weights, SessionThreads.SINGLE);
  }
}
