package dev.srlstream.topology.eval;

import static org.assertj.core.api.Assertions.assertThat;

import dev.srlstream.policy.ByteTokenizer;
import dev.srlstream.policy.Policy;
import dev.srlstream.policy.SessionThreads;
import dev.srlstream.topology.TinyPolicies;
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
    try (Policy policy = load(TinyPolicies.writing("7", 256))) {
      StepwiseSolver solver = new StepwiseSolver(policy, 8);
      for (int maxSteps = 1; maxSteps <= 3; maxSteps++) {
        StepwiseSolver.Solution greedy = solver.greedy(QUESTION, maxSteps);
        assertThat(greedy.actions()).hasSize(maxSteps).containsOnly("7");
        assertThat(greedy.responses()).hasSize(maxSteps).containsOnly("7");
        assertThat(greedy.stopReason()).isEqualTo("step budget");
        assertThat(greedy.text()).isEqualTo(String.join("\n", greedy.actions()));
      }
    }
  }

  @Test
  void aStepWithoutEosEndsTheSolution() {
    // ':' -> '7' -> '7' -> ...: the response never ends.
    int seven = TinyPolicies.token("7");
    try (Policy policy =
        load(TinyPolicies.bigram(Map.of(TinyPolicies.token(":"), seven, seven, seven), 256))) {
      StepwiseSolver.Solution greedy = new StepwiseSolver(policy, 5).greedy(QUESTION, 3);
      assertThat(greedy.actions()).containsExactly("77777");
      assertThat(greedy.stopReason()).isEqualTo("no EOS (MAX_TOKENS)");
    }
  }

  @Test
  void anEmptyActionEndsTheSolution() {
    try (Policy policy =
        load(TinyPolicies.bigram(Map.of(TinyPolicies.token(":"), ByteTokenizer.EOS), 256))) {
      StepwiseSolver.Solution greedy = new StepwiseSolver(policy, 8).greedy(QUESTION, 3);
      assertThat(greedy.actions()).containsExactly("");
      assertThat(greedy.stopReason()).isEqualTo("empty action");
    }
  }

  @Test
  void aBoxedAnswerEndsTheSolution() {
    try (Policy policy = load(TinyPolicies.writing("\\boxed{7}", 256))) {
      StepwiseSolver.Solution greedy = new StepwiseSolver(policy, 16).greedy(QUESTION, 3);
      assertThat(greedy.actions()).containsExactly("\\boxed{7}");
      assertThat(greedy.stopReason()).isEqualTo("boxed answer");
    }
  }

  @Test
  void aPromptThatFillsTheContextGetsNoAction() {
    try (Policy policy = load(TinyPolicies.writing("7", 16))) {
      StepwiseSolver.Solution greedy =
          new StepwiseSolver(policy, 8).greedy("1 + 2 + 3 + 4 + 5 + 6", 2);
      assertThat(greedy.actions()).isEmpty();
      assertThat(greedy.stopReason()).isEqualTo("context full");
    }
  }

  @Test
  void greedyOfARandomPolicyKeepsToTheStepBudget() {
    StepwiseSolver solver = new StepwiseSolver(random, 6);
    StepwiseSolver.Solution greedy = solver.greedy(QUESTION, 2);
    assertThat(greedy.actions()).hasSizeBetween(1, 2);
    assertThat(greedy.responses()).hasSameSizeAs(greedy.actions());
    assertThat(solver.greedy(QUESTION, 2)).isEqualTo(greedy);
  }

  @Test
  void sampleGivesKSolutionsDeterministicForASeed() {
    StepwiseSolver solver = new StepwiseSolver(random, 6);
    List<StepwiseSolver.Solution> first = solver.sample(QUESTION, 2, 5, 1.0f, 11);
    assertThat(first).hasSize(5);
    assertThat(first).allSatisfy(s -> assertThat(s.actions()).hasSizeBetween(1, 2));
    assertThat(solver.sample(QUESTION, 2, 5, 1.0f, 11)).isEqualTo(first);
    assertThat(solver.sample(QUESTION, 2, 5, 1.0f, 12)).isNotEqualTo(first);
    // the samples differ from one another: each draws from its own stream
    assertThat(first.stream().map(StepwiseSolver.Solution::responses).distinct()).hasSize(5);
  }

  @Test
  void samplesOfAConfidentPolicyAllFollowIt() {
    try (Policy policy = load(TinyPolicies.writing("7", 256))) {
      List<StepwiseSolver.Solution> samples =
          new StepwiseSolver(policy, 8).sample(QUESTION, 3, 4, 0.05f, 1);
      assertThat(samples)
          .hasSize(4)
          .allSatisfy(s -> assertThat(s.actions()).containsExactly("7", "7", "7"));
    }
  }

  private static Policy load(byte[] weights) {
    return Policy.load(weights, SessionThreads.SINGLE);
  }
}
