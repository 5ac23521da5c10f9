package dev.srlstream.learner;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.srlstream.policy.ByteTokenizer;
import dev.srlstream.policy.ModelWeights;
import dev.srlstream.policy.SessionThreads;
import dev.srlstream.policy.WeightsCodec;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** What a trainer records of itself for a replay. */
class GrpoTrainerSettingsTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void recordsItsConfigurationPoolsAndTheReferenceItWasGiven() throws Exception {
    TrainerConfig config = TrainerConfig.defaults().toBuilder().klCoef(0.1).seed(3).build();
    LearnerConfig learner = LearnerConfig.defaults("p", Path.of("c"));
    try (GrpoTrainer trainer =
        GrpoTrainer.create(
            TrainerFixtures.TINY, ByteTokenizer.INSTANCE, config, SessionThreads.SINGLE)) {
      JsonNode seeded = JSON.readTree(TrainedBatches.settingsJson(learner, trainer.settings()));
      byte[] other =
          WeightsCodec.encode(
              TrainerFixtures.TINY,
              ByteTokenizer.ID,
              0,
              TrainerFixtures.noisy(TrainerFixtures.TINY, 9, 0.1));
      trainer.setReference(other);
      JsonNode given = JSON.readTree(TrainedBatches.settingsJson(learner, trainer.settings()));

      assertThat(JSON.treeToValue(seeded.path("trainer"), TrainerConfig.class)).isEqualTo(config);
      assertThat(seeded.path("session_threads").path("intra_op").asInt()).isEqualTo(1);
      assertThat(seeded.path("session_threads").path("process_intra_op").isInt()).isTrue();
      assertThat(seeded.path("tokenizer").asText()).isEqualTo(ByteTokenizer.ID);
      // The reference starts as the seed's initial weights, then is what setReference gave.
      assertThat(seeded.path("reference").path("source").asText()).isEqualTo("seed");
      assertThat(seeded.path("reference").path("weights_sha256").asText())
          .isEqualTo(
              WeightsCodec.sha256Hex(
                  WeightsCodec.encode(
                      TrainerFixtures.TINY,
                      ByteTokenizer.ID,
                      0,
                      ModelWeights.initial(TrainerFixtures.TINY, 3))));
      assertThat(given.path("reference").path("source").asText()).isEqualTo("weights");
      assertThat(given.path("reference").path("weights_sha256").asText())
          .isEqualTo(WeightsCodec.sha256Hex(other));
    }
  }

  @Test
  void withoutAKlPenaltyThereIsNoReference() throws Exception {
    try (GrpoTrainer trainer =
        GrpoTrainer.create(
            TrainerFixtures.TINY,
            ByteTokenizer.INSTANCE,
            TrainerConfig.defaults(),
            SessionThreads.SINGLE)) {
      assertThat(trainer.settings()).doesNotContainKey("reference");
      assertThat(trainer.referenceSha256()).isNull();
    }
  }
}
