package dev.srlstream.topology.replay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.srlstream.schemas.SampleRecords;
import dev.srlstream.schemas.avro.StepReward;
import dev.srlstream.schemas.avro.TrainingMode;
import dev.srlstream.scorer.SimilarityReward;
import java.util.List;
import org.junit.jupiter.api.Test;

class RecordedSettingsTest {

  private static StepReward reward(TrainingMode mode, String config) {
    StepReward r = SampleRecords.stepReward();
    r.setMode(mode);
    r.setRewardConfig(config);
    return r;
  }

  @Test
  void readsAutojunkAndTheSimilarityRewardOfEachMode() {
    RecordedSettings s =
        RecordedSettings.of(
            List.of(
                reward(TrainingMode.SRL, "step-similarity;autojunk=true"),
                reward(TrainingMode.HOLISTIC, "whole-solution-similarity;autojunk=true"),
                reward(TrainingMode.RLVR, "outcome;verifier=boxed")));

    assertThat(s.autojunk()).contains(true);
    assertThat(s.similarityReward()).isEqualTo(SimilarityReward.BY_MODE);
    assertThat(s.configs())
        .containsExactly(
            "outcome;verifier=boxed",
            "step-similarity;autojunk=true",
            "whole-solution-similarity;autojunk=true");
  }

  @Test
  void aModeScoredByTheOtherSimilarityNamesTheOverride() {
    assertThat(
            RecordedSettings.of(
                    List.of(reward(TrainingMode.SRL, "whole-solution-similarity;autojunk=false")))
                .similarityReward())
        .isEqualTo(SimilarityReward.HOLISTIC);
    assertThat(
            RecordedSettings.of(
                    List.of(reward(TrainingMode.HOLISTIC, "step-similarity;autojunk=false")))
                .similarityReward())
        .isEqualTo(SimilarityReward.STEP);
  }

  @Test
  void nothingRecordedMeansNoAutojunkAndEachByItsMode() {
    RecordedSettings s =
        RecordedSettings.of(List.of(reward(TrainingMode.RLVR, "outcome;verifier=boxed")));

    assertThat(s.autojunk()).isEmpty();
    assertThat(s.similarityReward()).isEqualTo(SimilarityReward.BY_MODE);
  }

  @Test
  void mixedSettingsNameTheOptionThatSettlesThem() {
    assertThatThrownBy(
            () ->
                RecordedSettings.of(
                    List.of(
                        reward(TrainingMode.SRL, "step-similarity;autojunk=true"),
                        reward(TrainingMode.SRL, "step-similarity;autojunk=false"))))
        .hasMessageContaining("mix autojunk=true and autojunk=false")
        .hasMessageContaining("give --autojunk true|false");
    assertThatThrownBy(
            () ->
                RecordedSettings.of(
                    List.of(
                        reward(TrainingMode.SRL, "step-similarity;autojunk=false"),
                        reward(TrainingMode.SRL, "whole-solution-similarity;autojunk=false"))))
        .hasMessageContaining("SRL rollouts mix")
        .hasMessageContaining("give --mode-reward holistic|step");
    assertThatThrownBy(
            () ->
                RecordedSettings.of(
                    List.of(
                        reward(TrainingMode.SRL, "whole-solution-similarity;autojunk=false"),
                        reward(TrainingMode.HOLISTIC, "step-similarity;autojunk=false"))))
        .hasMessageContaining("which no scorer setting does");
  }
}
