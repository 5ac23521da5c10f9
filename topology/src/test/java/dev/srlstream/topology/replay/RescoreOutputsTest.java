package dev.srlstream.topology.replay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.srlstream.scorer.ScorerTopics;
import org.junit.jupiter.api.Test;

class RescoreOutputsTest {

  @Test
  void replayTopicsAreTheOutputTopicsWithTheSuffix() {
    assertThat(RescoreOutputs.replayTopics(ScorerTopics.LIVE, ".replay"))
        .containsEntry("srl.step-rewards", "srl.step-rewards.replay")
        .containsEntry("srl.training-groups", "srl.training-groups.replay")
        .containsEntry("srl.dead-letters", "srl.dead-letters.replay")
        .hasSize(3);
  }

  @Test
  void aSuffixThatIsEmptyInvalidOrNamesALiveTopicIsRefused() {
    assertThatThrownBy(() -> RescoreOutputs.replayTopics(ScorerTopics.LIVE, ""))
        .hasMessage("--into-topics must be a non-empty suffix, e.g. .replay, but was empty");
    assertThatThrownBy(() -> RescoreOutputs.replayTopics(ScorerTopics.LIVE, " x"))
        .hasMessageContaining("--into-topics suffix must make topic names of [a-zA-Z0-9._-]");
    // Scorer topics renamed so that a suffix turns an output into a live topic's name.
    ScorerTopics renamed =
        new ScorerTopics("in.r", "in.e", "srl.step", "srl.training-groups.x", "srl.dead");
    assertThatThrownBy(() -> RescoreOutputs.replayTopics(renamed, "-rewards"))
        .hasMessage(
            "--into-topics suffix '-rewards' would write to the live topic srl.step-rewards;"
                + " choose a suffix such as .replay");
  }
}
