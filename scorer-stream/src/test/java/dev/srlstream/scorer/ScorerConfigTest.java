package dev.srlstream.scorer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.srlstream.schemas.avro.TrainingMode;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class ScorerConfigTest {

  /** DESIGN.md, Reward: the default is autojunk=false, not CPython's true. */
  @Test
  void autojunkIsOffByDefaultAndCanBeTurnedOn() {
    assertThat(ScorerConfig.DEFAULT_AUTOJUNK).isFalse();
    assertThat(ScorerConfig.DEFAULTS.autojunk()).isFalse();
    assertThat(ScorerConfig.DEFAULTS.withAutojunk(true).autojunk()).isTrue();
    assertThat(ScorerConfig.DEFAULTS.withAutojunk(true).withAutojunk(false))
        .isEqualTo(ScorerConfig.DEFAULTS);
  }

  @Test
  void badValuesAreRefusedWithTheValue() {
    assertThatThrownBy(() -> ScorerConfig.DEFAULTS.withDynamicSamplingEpsilon(-0.1))
        .hasMessage("dynamicSamplingEpsilon must be a finite number >= 0, but was -0.1");
    assertThatThrownBy(() -> ScorerConfig.DEFAULTS.withDynamicSamplingEpsilon(Double.NaN))
        .hasMessage("dynamicSamplingEpsilon must be a finite number >= 0, but was NaN");
    assertThatThrownBy(
            () -> ScorerConfig.DEFAULTS.withGroupTimeout(Duration.ZERO, PartialGroupPolicy.EMIT))
        .hasMessage("groupTimeout must be a positive duration, but was PT0S");
    assertThatThrownBy(() -> ScorerConfig.DEFAULTS.withUnknownInstanceGrace(null))
        .hasMessage("unknownInstanceGrace must be a positive duration, but was null");
    assertThatThrownBy(() -> ScorerConfig.DEFAULTS.withMaxResponseChars(0))
        .hasMessage("maxResponseChars must be >= 1, but was 0");
    assertThatThrownBy(() -> ScorerConfig.DEFAULTS.withSimilarityReward(null))
        .hasMessage("similarityReward must be BY_MODE, STEP or HOLISTIC, but was null");
  }

  @Test
  void eachModeKeepsItsOwnRewardUnlessTheConfigNamesOne() {
    assertThat(ScorerConfig.DEFAULTS.similarityReward()).isEqualTo(SimilarityReward.BY_MODE);
    assertThat(SimilarityReward.BY_MODE.rewardModeFor(TrainingMode.HOLISTIC))
        .isEqualTo(TrainingMode.HOLISTIC);
    assertThat(SimilarityReward.BY_MODE.rewardModeFor(TrainingMode.SRL))
        .isEqualTo(TrainingMode.SRL);
    assertThat(SimilarityReward.STEP.rewardModeFor(TrainingMode.HOLISTIC))
        .isEqualTo(TrainingMode.SRL);
    assertThat(SimilarityReward.HOLISTIC.rewardModeFor(TrainingMode.SRL))
        .isEqualTo(TrainingMode.HOLISTIC);
    // RLVR is rewarded by its outcome whatever the similarity reward is.
    assertThat(SimilarityReward.HOLISTIC.rewardModeFor(TrainingMode.RLVR))
        .isEqualTo(TrainingMode.RLVR);
    assertThat(SimilarityReward.STEP.rewardModeFor(TrainingMode.RLVR)).isEqualTo(TrainingMode.RLVR);
  }
}
