package dev.srlstream.learner;

import static org.assertj.core.api.Assertions.assertThat;

import dev.srlstream.schemas.SampleRecords;
import dev.srlstream.schemas.avro.TrainingGroup;
import java.util.List;
import org.junit.jupiter.api.Test;

class TrainingGroupChecksTest {

  @Test
  void aGoodGroupPasses() {
    assertThat(TrainingGroupChecks.problem(SampleRecords.trainingGroup(), 64, 128)).isEmpty();
  }

  @Test
  void eachBadFieldIsNamed() {
    TrainingGroup outOfVocab = SampleRecords.trainingGroup();
    outOfVocab.getRollouts().get(1).setResponseTokenIds(List.of(5, 64, 7));
    assertThat(TrainingGroupChecks.problem(outOfVocab, 64, 128))
        .contains("rollouts[1].response_token_ids[1] must be a token id in [0, 64), but was 64");

    TrainingGroup negativePrompt = SampleRecords.trainingGroup();
    negativePrompt.setPromptTokenIds(List.of(1, -2));
    assertThat(TrainingGroupChecks.problem(negativePrompt, 64, 128))
        .contains("prompt_token_ids[1] must be a token id in [0, 64), but was -2");

    TrainingGroup noPrompt = SampleRecords.trainingGroup();
    noPrompt.setPromptTokenIds(List.of());
    assertThat(TrainingGroupChecks.problem(noPrompt, 64, 128))
        .contains("prompt_token_ids must have at least 1 token (a BOS), but had 0");

    TrainingGroup mismatched = SampleRecords.trainingGroup();
    mismatched.getRollouts().get(0).setBehaviourLogprobs(List.of(-1f));
    assertThat(TrainingGroupChecks.problem(mismatched, 64, 128))
        .contains(
            "rollouts[0].behaviour_logprobs must have one entry per response token (3), but had 1");

    TrainingGroup nanLogprob = SampleRecords.trainingGroup();
    nanLogprob.getRollouts().get(0).setBehaviourLogprobs(List.of(-1f, Float.NaN, -1f));
    assertThat(TrainingGroupChecks.problem(nanLogprob, 64, 128))
        .contains("rollouts[0].behaviour_logprobs[1] must be finite, but was NaN");

    TrainingGroup infiniteAdvantage = SampleRecords.trainingGroup();
    infiniteAdvantage.getRollouts().get(1).setAdvantage(Double.POSITIVE_INFINITY);
    assertThat(TrainingGroupChecks.problem(infiniteAdvantage, 64, 128))
        .contains("rollouts[1].advantage must be finite, but was Infinity");

    assertThat(TrainingGroupChecks.problem(SampleRecords.trainingGroup(), 64, 6))
        .contains("rollouts[0].prompt plus response must fit the context of 6 tokens, but had 7");

    TrainingGroup empty = SampleRecords.trainingGroup();
    empty.setRollouts(List.of());
    assertThat(TrainingGroupChecks.problem(empty, 64, 128)).contains("rollouts must not be empty");
  }

  @Test
  void everySegmentIsCheckedAsTheRowItBecomes() {
    assertThat(TrainingGroupChecks.problem(SampleRecords.segmentedTrainingGroup(), 64, 9))
        .isEmpty();
    assertThat(TrainingGroupChecks.problem(SampleRecords.segmentedTrainingGroup(), 64, 8))
        .contains(
            "rollouts[0].segments[1].prompt plus response must fit the context of 8 tokens,"
                + " but had 9");

    TrainingGroup outOfVocab = SampleRecords.segmentedTrainingGroup();
    outOfVocab.getRollouts().get(0).getSegments().get(1).setPromptTokenIds(List.of(1, 64));
    assertThat(TrainingGroupChecks.problem(outOfVocab, 64, 128))
        .contains(
            "rollouts[0].segments[1].prompt_token_ids[1] must be a token id in [0, 64), but was 64");

    TrainingGroup noPrompt = SampleRecords.segmentedTrainingGroup();
    noPrompt.getRollouts().get(0).getSegments().get(1).setPromptTokenIds(List.of());
    assertThat(TrainingGroupChecks.problem(noPrompt, 64, 128))
        .contains(
            "rollouts[0].segments[1].prompt_token_ids must have at least 1 token (a BOS), but had 0");

    TrainingGroup disagreeing = SampleRecords.segmentedTrainingGroup();
    disagreeing.getRollouts().get(1).setResponseTokenIds(List.of(7, 3));
    assertThat(TrainingGroupChecks.problem(disagreeing, 64, 128))
        .contains(
            "rollouts[1].response_token_ids must be the segments' response_token_ids"
                + " concatenated, but differs at [1]: 3 instead of 2");
  }
}
