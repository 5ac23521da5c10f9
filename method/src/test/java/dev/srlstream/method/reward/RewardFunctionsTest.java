package dev.srlstream.method.reward;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.srlstream.method.format.ResponseParser;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class RewardFunctionsTest {

  private static final String EXPERT_STEP = "Subtract 7 from both sides: 3x = 12.";

  @Nested
  class StepSimilarity {

    private final RewardFunction reward = new StepSimilarityReward(false);

    @Test
    void rewardsTheActionBySimilarityToTheExpertStep() {
      Reward r =
          reward.score("<think>hmm</think>Subtract 7 from both sides: 3x = 21.", EXPERT_STEP);
      // CPython: SequenceMatcher(None, "Subtract 7 from both sides: 3x = 21.", EXPERT_STEP).ratio()
      assertThat(r.reward()).isEqualTo(0.9722222222222222);
      assertThat(r.similarity()).isEqualTo(0.9722222222222222);
      assertThat(r.formatOk()).isTrue();
      assertThat(r.reason()).isNull();
    }

    /**
     * The alignment names the action's bytes that the expert step shares. Reference, CPython 3:
     * {@code get_matching_blocks()} of the two actions is (0,0,10), (11,11,4), (16,16,4): every
     * character but the two wrong digits; the action starts at byte 18 of the response ("÷" and "→"
     * and "×" are 2, 3 and 2 bytes in UTF-8).
     */
    @Test
    void theAlignmentMarksTheActionBytesTheExpertShares() {
      Reward r = reward.score("<think>hmm</think>56 ÷ 2 = 27 → 27 × 3", "56 ÷ 2 = 28 → 28 × 3");
      assertThat(r.reward()).isEqualTo(0.9);
      assertThat(r.alignment())
          .isEqualTo(new ActionAlignment(42, 18, 42, new int[] {18, 29, 30, 36, 37, 42}));
      assertThat(r.alignment().matchedBytes()).isEqualTo(42 - 18 - 2);
    }

    @Test
    void theAlignmentFindsAnActionInsideSolutionTagsAndWhitespace() {
      Reward r = reward.score("<think>1 + 1</think> <solution> 1 + 1 = 3 </solution>", "1 + 1 = 2");
      // The action "1 + 1 = 3" is at bytes 32..41; all but its last character match.
      assertThat(r.alignment()).isEqualTo(new ActionAlignment(53, 32, 41, new int[] {32, 40}));
    }

    @Test
    void theAlignmentCountsBytesAsUtf8DoesForEveryKindOfCharacter() {
      // 1-, 2-, 3- and 4-byte characters and an unpaired surrogate (encoded as one '?').
      String action = "a é → \uD83D\uDE00 \uD800 z";
      String response = "<think></think>" + action;
      Reward r = reward.score(response, action);
      int start = "<think></think>".length();
      int total = response.getBytes(java.nio.charset.StandardCharsets.UTF_8).length;
      assertThat(r.alignment())
          .isEqualTo(new ActionAlignment(total, start, total, new int[] {start, total}));
    }

    @Test
    void aMalformedResponseHasNoAlignment() {
      assertThat(reward.score("no think", EXPERT_STEP).alignment()).isNull();
    }

    @Test
    void anExactActionScoresOne() {
      assertThat(
              reward
                  .score("<think>x</think><solution> " + EXPERT_STEP + "\n</solution>", EXPERT_STEP)
                  .reward())
          .isEqualTo(1.0);
    }

    @ParameterizedTest
    @ValueSource(
        strings = {
          "Subtract 7 from both sides: 3x = 12.",
          "<think>a</think>",
          "<think>a</think><solution>x",
          "<think>a</think>x<think>b</think>y"
        })
    void malformedResponsesScoreMinusOneWithTheirReason(String response) {
      Reward r = reward.score(response, EXPERT_STEP);
      assertThat(r.reward()).isEqualTo(-1.0);
      assertThat(r.similarity()).isNull();
      assertThat(r.formatOk()).isFalse();
      assertThat(r.reason()).isEqualTo(ResponseParser.parseStep(response).reason());
    }

    @Test
    void theMonologueIsNeverScored() {
      Random random = new Random(21);
      List<String> actions =
          List.of(EXPERT_STEP, "3x = 12", "x = 4", "Add 7 to both sides", "rm -rf /tmp/x");
      List<String> thoughts =
          List.of(
              "",
              EXPERT_STEP,
              EXPERT_STEP.repeat(30),
              "completely unrelated \uD83D\uDE00 thoughts",
              "<solution>" + EXPERT_STEP + "</solution>");
      for (String action : actions) {
        double expected = reward.score("<think>t</think>" + action, EXPERT_STEP).reward();
        for (String thought : thoughts) {
          String noise = Integer.toString(random.nextInt());
          assertThat(
                  reward
                      .score("<think>" + thought + noise + "</think>" + action, EXPERT_STEP)
                      .reward())
              .as("action %s, thought %s", action, thought)
              .isEqualTo(expected);
        }
      }
    }

    @Test
    void autojunkIsASetting() {
      String expert = "yaaaa" + "b".repeat(200);
      assertThat(new StepSimilarityReward(true).score("<think></think>xaaaa", expert).reward())
          .isEqualTo(0.0);
      assertThat(new StepSimilarityReward(false).score("<think></think>xaaaa", expert).reward())
          .isEqualTo(0.0380952380952381);
      assertThat(new StepSimilarityReward(true).config())
          .isEqualTo("step-similarity;autojunk=true");
      assertThat(new StepSimilarityReward(false).config())
          .isEqualTo("step-similarity;autojunk=false");
    }
  }

  @Nested
  class WholeSolution {

    private final RewardFunction reward = new WholeSolutionSimilarityReward(false);
    private final String expertSolution = "x + 7 = 19\nx = 12\n\\boxed{12}";

    @Test
    void comparesTheWholeSolutionWithThinkBlocksRemoved() {
      String response =
          "<think>start</think>x + 7 = 19\n<think>now subtract</think>x = 12\n\\boxed{12}";
      assertThat(reward.score(response, expertSolution)).isEqualTo(Reward.ofSimilarity(1.0));
      Reward partial = reward.score("<think>t</think>x = 12", expertSolution);
      assertThat(partial.reward())
          .isEqualTo(SequenceSimilarity.ratio("x = 12", expertSolution, false))
          .isBetween(0.0, 1.0);
    }

    @Test
    void thinkingNeverScores() {
      double plain = reward.score("x = 12", expertSolution).reward();
      assertThat(
              reward.score("<think>" + expertSolution + "</think>x = 12", expertSolution).reward())
          .isEqualTo(plain);
    }

    @Test
    void malformedScoresMinusOne() {
      assertThat(reward.score("<think>never closed", expertSolution))
          .isEqualTo(Reward.malformed(ResponseParser.MISSING_THINK_CLOSE));
      assertThat(reward.config()).isEqualTo("whole-solution-similarity;autojunk=false");
    }
  }

  @Nested
  class Outcome {

    private final RewardFunction reward = new OutcomeReward();

    @Test
    void oneForTheRightAnswerZeroOtherwise() {
      assertThat(reward.score("<think>t</think>So $x = \\boxed{32.0}$.", "32"))
          .isEqualTo(Reward.ofOutcome(true));
      assertThat(reward.score("<think>t</think>So $x = \\boxed{31}$.", "32"))
          .isEqualTo(new Reward(0.0, null, true, null));
    }

    @Test
    void anAnswerInsideTheThinkingDoesNotCount() {
      assertThat(reward.score("<think>\\boxed{32}</think>I give up", "32").reward()).isEqualTo(0.0);
    }

    @Test
    void malformedScoresMinusOne() {
      assertThat(reward.score("<think>\\boxed{32}", "32"))
          .isEqualTo(Reward.malformed(ResponseParser.MISSING_THINK_CLOSE));
    }

    @Test
    void usesTheGivenVerifierAndNamesItInTheConfig() {
      RewardFunction exact = new OutcomeReward("exact", String::equals);
      assertThat(exact.score("<think></think>32", "32").reward()).isEqualTo(1.0);
      assertThat(exact.score("<think></think>32.0", "32").reward()).isEqualTo(0.0);
      assertThat(exact.config()).isEqualTo("outcome;verifier=exact");
      assertThat(reward.config()).isEqualTo("outcome;verifier=boxed");
      assertThatThrownBy(() -> new OutcomeReward("a;b", String::equals))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("verifierName must be");
    }
  }

  @Nested
  class BoxedVerifier {

    private final BoxedAnswerVerifier verifier = new BoxedAnswerVerifier();

    @ParameterizedTest
    @CsvSource(
        delimiter = '|',
        textBlock =
            """
            so the result is \\boxed{\\frac{1}{2}} and not \\boxed{3}      | 3
            first \\boxed{\\frac{1}{2}} then \\boxed{\\frac{a}{b}}         | \\frac{a}{b}
            the last one is unbalanced: \\boxed{7} and \\boxed{8           | 7
            3x = 12 so x = 4                                              | 4
            x = 4\\nThe answer: 5                                          | 5
            The Answer:\\n  42                                             | 42
            first line\\nlast line                                         | last line
            """)
    void extractsTheStatedAnswer(String solution, String answer) {
      assertThat(BoxedAnswerVerifier.extractAnswer(solution.replace("\\n", "\n"))).contains(answer);
    }

    @Test
    void aBlankSolutionStatesNothing() {
      assertThat(BoxedAnswerVerifier.extractAnswer(" \n ")).isEmpty();
      assertThat(verifier.isCorrect(" ", "")).isFalse();
    }

    @ParameterizedTest
    @CsvSource(
        delimiter = '|',
        textBlock =
            """
            \\boxed{32}        | 32           | true
            \\boxed{32.0}      | 32           | true
            \\boxed{ 32.00 }   | 32.           | true
            x = $32$.          | 32           | true
            \\boxed{0.50}      | .5           | true
            \\boxed{1e3}       | 1000         | true
            \\boxed{-3}        | -3.0         | true
            \\boxed{x + 1}     | x+1          | true
            \\boxed{32}        | \\boxed{32.0} | true
            \\boxed{33}        | 32           | false
            \\boxed{1/2}       | 0.5          | false
            \\boxed{x+1}       | x+2          | false
            \\boxed{32a}       | 32           | false
            """)
    void comparesNormalisedAnswers(String solution, String reference, boolean correct) {
      assertThat(verifier.isCorrect(solution, reference)).isEqualTo(correct);
    }
  }

  /**
   * A whole solution as the actors write RLVR and HOLISTIC rollouts of the arithmetic data: one
   * step per line, each {@code <think>title</think>action}, the last action the last operation.
   */
  @Nested
  class ArithmeticWholeSolution {

    private static final String RESPONSE =
        "<think>left to right: add 3 and 4</think>3 + 4 = 7 → 7 × 2\n"
            + "<think>one operation left: multiply 7 by 2</think>7 × 2 = 14";
    private static final String ACTIONS = "3 + 4 = 7 → 7 × 2\n7 × 2 = 14";

    private final BoxedAnswerVerifier verifier = new BoxedAnswerVerifier();

    @Test
    void theOutcomeRewardReadsTheResultOfTheLastStep() {
      RewardFunction outcome = new OutcomeReward();
      assertThat(outcome.score(RESPONSE, "14")).isEqualTo(Reward.ofOutcome(true));
      assertThat(outcome.score(RESPONSE, "15")).isEqualTo(Reward.ofOutcome(false));
      assertThat(outcome.score(RESPONSE, "15").reward()).isEqualTo(0.0);
    }

    @Test
    void theHolisticRewardComparesTheActionsJoinedByNewlinesWithTheExpertSolution() {
      RewardFunction holistic = new WholeSolutionSimilarityReward(false);
      assertThat(ResponseParser.parseWhole(RESPONSE).action()).isEqualTo(ACTIONS);
      assertThat(holistic.score(RESPONSE, ACTIONS)).isEqualTo(Reward.ofSimilarity(1.0));
      // Text the expert wrote and the rollout did not lowers the reward below 1.
      String expert = ACTIONS + "\n\\boxed{14}";
      assertThat(holistic.score(RESPONSE, expert).reward())
          .isEqualTo(SequenceSimilarity.ratio(ACTIONS, expert, false))
          .isBetween(0.8, 1.0);
    }

    @ParameterizedTest
    @CsvSource(
        delimiter = '|',
        textBlock =
            """
            3 + 4 = 7 → 7 × 2\\n7 × 2 = \\boxed{14}       | 14  | true
            3 + 4 = 7 → 7 × 2\\n\\boxed{14}               | 14  | true
            3 + 4 = 7 → 7 × 2\\n\\boxed{15}               | 14  | false
            3 + 4 = 7 → 7 × 2\\n7 × 2 = 14                 | 14  | true
            3 + 4 = 7 → 7 × 2\\n7 × 2 = 14.                | 14  | true
            3 + 4 = 7 → 7 × 2\\n7 × 2 = 14                 | 7   | false
            8 - 5 = 3 → 3 - 5\\n3 - 5 = -2                 | -2  | true
            8 − 5 = 3 → 3 − 5\\n3 − 5 = −2                 | -2  | true
            3 - 5 = -2                                     | −2  | true
            \\boxed{−2}                                   | -2  | true
            3 - 5 = -2                                     | 2   | false
            3 + 4 = 7 → 7 × 2                              | 14  | false
            3 + 4 = 7 → 7 × 2                              | 2   | false
            I do not know                                  | 14  | false
            """)
    void readsTheAnswerOfAStepWiseSolution(String solution, String reference, boolean correct) {
      assertThat(verifier.isCorrect(solution.replace("\\n", "\n"), reference)).isEqualTo(correct);
    }
  }

  @Test
  void rewardsAreConsistent() {
    assertThatThrownBy(() -> new Reward(-1.0, null, true, null))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new Reward(0.5, 0.5, false, "x"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new Reward(Double.NaN, null, true, null))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
