package dev.srlstream.policy.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.srlstream.method.data.ExpertSolution;
import dev.srlstream.method.data.InstanceExpander;
import dev.srlstream.method.data.Split;
import dev.srlstream.method.data.Step;
import dev.srlstream.method.data.StepInstance;
import dev.srlstream.method.format.StepPrompt;
import dev.srlstream.method.reward.Reward;
import dev.srlstream.method.reward.StepSimilarityReward;
import dev.srlstream.policy.TinyPolicies;
import java.util.List;
import org.junit.jupiter.api.Test;

class StepEvaluatorTest {

  private static final StepEvaluator.Outcome MALFORMED =
      new StepEvaluator.Outcome(false, false, -1);
  private static final StepEvaluator.Outcome EXACT = new StepEvaluator.Outcome(true, true, 1.0);

  private static Evaluator.Settings settings(int k, int threads) {
    return new Evaluator.Settings(k, 1.0f, 8, 1, threads);
  }

  // ---- one response, as the scorer scores it ----

  @Test
  void responsesAreScoredByTheScorersRewardAndParser() {
    String expert = "3 + 4 = 7";
    List<String> responses =
        List.of(
            "<think>add</think>3 + 4 = 7",
            " <think></think>\n<solution> 3 + 4 = 7 </solution>\n",
            "<think>add</think>3 + 4 = 8",
            "3 + 4 = 7",
            "<think>a<think>b</think>3 + 4 = 7",
            "<think>add</think>",
            "<think>never closed 3 + 4 = 7",
            "");
    for (boolean autojunk : new boolean[] {true, false}) {
      StepEvaluator evaluator = new StepEvaluator(settings(0, 1), autojunk);
      StepSimilarityReward scorer = new StepSimilarityReward(autojunk);
      for (String response : responses) {
        Reward reward = scorer.score(response, expert);
        StepEvaluator.Outcome outcome = evaluator.score(response, expert);
        assertThat(outcome.wellFormed()).as(response).isEqualTo(reward.formatOk());
        assertThat(outcome.reward()).as(response).isEqualTo(reward.reward());
      }
      assertThat(responses.stream().map(r -> evaluator.score(r, expert)).toList())
          .extracting(StepEvaluator.Outcome::exact)
          .containsExactly(true, true, false, false, false, false, false, false);
      // Malformed: not well-formed, -1 exactly as the scorer gives it.
      for (String malformed : responses.subList(3, responses.size())) {
        assertThat(evaluator.score(malformed, expert)).as(malformed).isEqualTo(MALFORMED);
      }
    }
  }

  @Test
  void aLongExactActionIsExactWithAutojunkToo() {
    // 200+ characters: autojunk treats popular characters as junk in the expert step.
    String expert = "(12 + 34) × 5 = 46 × 5 = 230 → 230 - 17 = 213 → ".repeat(5).strip();
    assertThat(expert.length()).isGreaterThanOrEqualTo(200);
    StepEvaluator evaluator = new StepEvaluator(settings(0, 1), true);

    assertThat(evaluator.score("<think>x</think>" + expert, expert)).isEqualTo(EXACT);
    StepEvaluator.Outcome close = evaluator.score("<think>x</think>" + expert + "!", expert);
    assertThat(close.wellFormed()).isTrue();
    assertThat(close.exact()).isFalse();
    assertThat(close.reward()).isLessThan(1.0);
  }

  @Test
  void anOutcomeIsConsistent() {
    assertThatThrownBy(() -> new StepEvaluator.Outcome(false, false, 0.0))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new StepEvaluator.Outcome(true, true, 0.9))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new StepEvaluator.Outcome(true, false, -1))
        .isInstanceOf(IllegalArgumentException.class);
  }

  // ---- the figures ----

  @Test
  void reportAggregatesOverallAndByIndex() {
    StepEvaluator.Outcome half = new StepEvaluator.Outcome(true, false, 0.5);
    StepEvaluator.Outcome zero = new StepEvaluator.Outcome(true, false, 0.0);
    List<StepEvaluator.StepScore> scores =
        List.of(
            step("a", 1, EXACT, EXACT, MALFORMED),
            step("a", 2, half, half, zero),
            step("b", 1, MALFORMED, MALFORMED, MALFORMED),
            step("c", 1, half, EXACT, EXACT),
            step("c", 2, EXACT, zero, half),
            step("c", 3, MALFORMED, EXACT, MALFORMED));

    StepEvaluator.Report report = new StepEvaluator(settings(2, 1), false).report(7, 3, scores);

    assertThat(report.version()).isEqualTo(7);
    assertThat(report.k()).isEqualTo(2);
    assertThat(report.problems()).isEqualTo(3);
    assertThat(report.steps()).isEqualTo(6);
    assertThat(report.autojunk()).isFalse();
    assertThat(report.scores()).isEqualTo(scores);
    // greedy, by hand: well-formed 4 of 6; exact 2 of 6; reward (1 + .5 - 1 + .5 + 1 - 1) / 6
    assertRates(report.greedy(), 6, 4 / 6.0, 2 / 6.0, 1 / 6.0);
    // samples, 12: well-formed 8; exact 4; reward (1 - 1 + .5 + 0 - 1 - 1 + 1 + 1 + 0 + .5 + 1 - 1)
    // / 12
    assertRates(report.sampled(), 12, 8 / 12.0, 4 / 12.0, 1 / 12.0);
    assertThat(report.byIndex()).extracting(StepEvaluator.ByIndex::index).containsExactly(1, 2, 3);
    assertThat(report.byIndex()).extracting(StepEvaluator.ByIndex::steps).containsExactly(3, 2, 1);
    // index 1: a, b, c
    assertRates(report.byIndex().get(0).greedy(), 3, 2 / 3.0, 1 / 3.0, 0.5 / 3);
    assertRates(report.byIndex().get(0).sampled(), 6, 3 / 6.0, 3 / 6.0, 0.0);
    // index 2: a, c
    assertRates(report.byIndex().get(1).greedy(), 2, 1.0, 0.5, 0.75);
    assertRates(report.byIndex().get(1).sampled(), 4, 1.0, 0.0, 0.25);
    // index 3: c
    assertRates(report.byIndex().get(2).greedy(), 1, 0.0, 0.0, -1.0);
    assertRates(report.byIndex().get(2).sampled(), 2, 0.5, 0.5, 0.0);
  }

  @Test
  void withKZeroTheSampledFiguresAreNaN() {
    StepEvaluator.Report report =
        new StepEvaluator(settings(0, 1), true)
            .report(0, 1, List.of(step("a", 1, EXACT), step("a", 2, MALFORMED)));

    assertRates(report.greedy(), 2, 0.5, 0.5, 0.0);
    assertThat(report.sampled().responses()).isZero();
    assertThat(report.sampled().exactRate()).isNaN();
    assertThat(report.byIndex().get(1).sampled().meanReward()).isNaN();
  }

  // ---- prompts: exactly the training instances' ----

  @Test
  void promptsAreTheSrlInstancesPromptsForTheSameWindow() {
    ExpertSolution solution =
        new ExpertSolution(
            "p",
            "list the files",
            List.of(
                new Step("look", "ls", "a.txt\nb.txt"),
                new Step(null, "cat a.txt", "hello"),
                Step.of("echo done")),
            null,
            "test");
    for (int window : new int[] {1, 2, Evaluator.Settings.ALL_STEPS}) {
      List<StepInstance> training =
          new InstanceExpander(InstanceExpander.Config.defaults().withContextWindow(window))
              .expand(solution, Split.TRAIN);
      List<StepInstance> evaluated = StepEvaluator.instances(solution, window);
      assertThat(evaluated).hasSize(3);
      for (int i = 0; i < 3; i++) {
        StepInstance t = training.get(i);
        assertThat(StepEvaluator.promptText(evaluated.get(i)))
            .as("window %d step %d", window, i + 1)
            .isEqualTo(StepPrompt.text(t.question(), t.contextSteps(), t.hint()));
        assertThat(evaluated.get(i).target()).isEqualTo(t.target());
      }
    }
    // Written out: the newest step kept, with its observation, on one line; no title hint.
    assertThat(StepEvaluator.promptText(StepEvaluator.instances(solution, 1).get(2)))
        .isEqualTo(
            "Problem: list the files\nStep 1: cat a.txt <observation> hello </observation>\nStep 2:");
    assertThat(StepEvaluator.promptText(StepEvaluator.instances(solution, 2).get(1)))
        .isEqualTo(
            "Problem: list the files\nStep 1: ls <observation> a.txt b.txt </observation>\nStep 2:");
    assertThat(StepEvaluator.promptText(StepEvaluator.instances(solution, 1).get(0)))
        .isEqualTo("Problem: list the files\nStep 1:");
  }

  // ---- evaluating a policy ----

  @Test
  void evaluatesAKnownPolicyExactly() throws Exception {
    // The policy answers every step with "<think></think>7": exact where the expert wrote "7".
    byte[] sevens = TinyPolicies.thinkingThenWriting("7", 256);
    List<ExpertSolution> problems =
        List.of(
            problem("one", List.of("7")),
            problem("two", List.of("2 × 5 = 10", "7")),
            problem("three", List.of("1 + 6 = 7", "7 - 0 = 7", "7")));

    StepEvaluator.Report report =
        new StepEvaluator(new Evaluator.Settings(3, 0.05f, 8, 1, 2), true)
            .evaluate(sevens, problems, done -> {});

    assertThat(report.scores())
        .extracting(s -> s.problemId() + "/" + s.index())
        .containsExactly("one/1", "two/1", "two/2", "three/1", "three/2", "three/3");
    assertThat(report.scores())
        .extracting(StepEvaluator.StepScore::greedyResponse)
        .containsOnly("<think></think>7");
    assertThat(report.scores().get(1).greedy())
        .isEqualTo(new StepEvaluator.Outcome(true, false, 0.0));
    double oneOfNine =
        new StepSimilarityReward(true).score("<think></think>7", "1 + 6 = 7").reward();
    double oneOfTen =
        new StepSimilarityReward(true).score("<think></think>7", "7 - 0 = 7").reward();
    assertThat(oneOfNine).isCloseTo(2 / 10.0, within(1e-12));
    assertRates(report.greedy(), 6, 1.0, 3 / 6.0, (3 + oneOfNine + oneOfTen) / 6);
    // at temperature 0.05 the samples write what greedy writes
    assertRates(report.sampled(), 18, 1.0, 3 / 6.0, (3 + oneOfNine + oneOfTen) / 6);
    assertThat(report.byIndex()).extracting(StepEvaluator.ByIndex::steps).containsExactly(3, 2, 1);
    assertRates(report.byIndex().get(0).greedy(), 3, 1.0, 1 / 3.0, (1 + oneOfNine) / 3);
    assertRates(report.byIndex().get(1).greedy(), 2, 1.0, 1.0 / 2, (1 + oneOfTen) / 2);
    assertRates(report.byIndex().get(2).greedy(), 1, 1.0, 1.0, 1.0);
  }

  @Test
  void aPolicyWithoutThinkTagsIsMalformedEverywhere() throws Exception {
    byte[] bare = TinyPolicies.writing("7", 256);
    StepEvaluator.Report report =
        new StepEvaluator(new Evaluator.Settings(2, 0.05f, 8, 1, 1), true)
            .evaluate(bare, List.of(problem("two", List.of("7", "7"))), done -> {});

    assertThat(report.scores()).extracting(StepEvaluator.StepScore::greedy).containsOnly(MALFORMED);
    assertRates(report.greedy(), 2, 0.0, 0.0, -1.0);
    assertRates(report.sampled(), 4, 0.0, 0.0, -1.0);
  }

  @Test
  void resultsDoNotDependOnTheNumberOfThreads() throws Exception {
    byte[] random = TinyPolicies.random(TinyPolicies.SMALL, 5);
    List<ExpertSolution> problems =
        List.of(
            problem("a", List.of("3 + 4 = 7")),
            problem("b", List.of("2 × 5 = 10", "10 - 1 = 9")),
            problem("c", List.of("1 + 1 = 2", "2 × 3 = 6", "6 - 6 = 0")));
    List<Integer> progress = new java.util.concurrent.CopyOnWriteArrayList<>();

    StepEvaluator.Report one =
        new StepEvaluator(settings(2, 1), true).evaluate(random, problems, done -> {});
    StepEvaluator.Report two =
        new StepEvaluator(settings(2, 2), true).evaluate(random, problems, progress::add);

    assertThat(two).isEqualTo(one);
    assertThat(progress).containsExactlyInAnyOrder(1, 2, 3);
    // The samples are samples: the two of a step are not all the same text.
    assertThat(one.scores())
        .anyMatch(s -> !s.sampleResponses().get(0).equals(s.sampleResponses().get(1)));
  }

  @Test
  void noProblemIsRejected() {
    byte[] random = TinyPolicies.random(TinyPolicies.SMALL, 5);
    assertThatThrownBy(
            () -> new StepEvaluator(settings(0, 1), true).evaluate(random, List.of(), d -> {}))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("no problem to evaluate on");
  }

  private static ExpertSolution problem(String id, List<String> steps) {
    return new ExpertSolution(id, "q " + id, steps.stream().map(Step::of).toList(), "7", "test");
  }

  private static StepEvaluator.StepScore step(
      String id, int index, StepEvaluator.Outcome greedy, StepEvaluator.Outcome... samples) {
    List<String> responses = java.util.Collections.nCopies(samples.length, "r");
    return new StepEvaluator.StepScore(
        id, index, "expert", "greedy", greedy, responses, List.of(samples));
  }

  private static void assertRates(
      StepEvaluator.Rates rates, int responses, double wellFormed, double exact, double reward) {
    assertThat(rates.responses()).isEqualTo(responses);
    assertThat(rates.wellFormedRate()).isCloseTo(wellFormed, within(1e-12));
    assertThat(rates.exactRate()).isCloseTo(exact, within(1e-12));
    assertThat(rates.meanReward()).isCloseTo(reward, within(1e-12));
  }
}
