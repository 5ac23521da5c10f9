package dev.srlstream.method.reward;

import static org.assertj.core.api.Assertions.assertThat;

import dev.srlstream.schemas.SampleRecords;
import dev.srlstream.schemas.avro.ExpertStep;
import dev.srlstream.schemas.avro.TrainingMode;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The rewards of the whole-solution modes on a rollout as the actors write it, step by step. */
class ModeRewardsTest {
  private static final String RESPONSE =
      "<think>left to right: add 3 and 4</think>3 + 4 = 7 → 7 × 2\n"
          + "<think>one operation left: multiply 7 by 2</think>7 × 2 = 14";
  private static final String EXPERT_SOLUTION = "3 + 4 = 7 → 7 × 2\n7 × 2 = 14\n\\boxed{14}";

  private final ModeRewards rewards = new ModeRewards(true);

  private static ExpertStep expert(TrainingMode mode, String answer) {
    ExpertStep e = SampleRecords.expertStep();
    e.setMode(mode);
    e.setStepIndex(0);
    e.setTotalSteps(2);
    e.setQuestion("3 + 4 × 2");
    e.setContextSteps(List.of());
    e.setTargetStep(EXPERT_SOLUTION);
    e.setFinalAnswer(answer);
    return e;
  }

  @Test
  void rlvrScoresTheOutcomeAgainstTheFinalAnswer() {
    assertThat(rewards.score(TrainingMode.RLVR, RESPONSE, expert(TrainingMode.RLVR, "14")))
        .isEqualTo(Reward.ofOutcome(true));
    assertThat(rewards.score(TrainingMode.RLVR, RESPONSE, expert(TrainingMode.RLVR, "15")))
        .isEqualTo(Reward.ofOutcome(false));
  }

  @Test
  void holisticComparesTheActionsJoinedByNewlinesWithTheExpertSolution() {
    Reward r = rewards.score(TrainingMode.HOLISTIC, RESPONSE, expert(TrainingMode.HOLISTIC, "14"));
    assertThat(r.formatOk()).isTrue();
    assertThat(r.reward())
        .isEqualTo(
            SequenceSimilarity.ratio("3 + 4 = 7 → 7 × 2\n7 × 2 = 14", EXPERT_SOLUTION, true));
  }
}
