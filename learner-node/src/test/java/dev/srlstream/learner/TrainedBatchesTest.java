package dev.srlstream.learner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.srlstream.policy.SessionThreads;
import dev.srlstream.schemas.avro.PolicyVersion;
import dev.srlstream.schemas.avro.TrainedBatch;
import dev.srlstream.schemas.avro.TrainingGroup;
import dev.srlstream.schemas.avro.TrainingMode;
import dev.srlstream.schemas.serde.AvroSerde;
import dev.srlstream.schemas.serde.InMemorySchemaRegistry;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TrainedBatchesTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  private static WeightedGroup weighted(String id, double weight) {
    TrainingGroup group =
        TrainerFixtures.group(
            id,
            new int[] {1, 2},
            List.of(new TrainerFixtures.Rollout(new int[] {3}, new float[] {-1f}, 1.0)));
    return new WeightedGroup(group, weight, 0);
  }

  @Test
  void recordsTheBatchInTrainingOrderWithItsWeightsAndWhatWasDropped() {
    TrainedBatches batches = new TrainedBatches();
    batches.held(2, 40, "g1");
    batches.dropped(0, 7, "old", "stale: sampled 5 versions behind");
    batches.held(0, 8, "g2");

    TrainedBatch record =
        batches.take(
            "srl.training-groups", List.of(weighted("g1", 1.0), weighted("g2", 0.25)), "{}");

    assertThat(record.getGroupsTopic()).isEqualTo("srl.training-groups");
    assertThat(record.getGroups())
        .extracting(
            g ->
                g.getPartition() + ":" + g.getOffset() + " " + g.getGroupId() + " " + g.getWeight())
        .containsExactly("2:40 g1 1.0", "0:8 g2 0.25");
    assertThat(record.getDropped())
        .extracting(
            d ->
                d.getPartition() + ":" + d.getOffset() + " " + d.getGroupId() + " " + d.getReason())
        .containsExactly("0:7 old stale: sampled 5 versions behind");
    assertThat(record.getLearnerSettings()).isEqualTo("{}");
    // Taken: the next version starts empty.
    assertThat(batches.take("t", List.of(), "{}").getDropped()).isEmpty();
  }

  @Test
  void refusesABatchThatIsNotTheHeldGroupsInOrder() {
    TrainedBatches batches = new TrainedBatches();
    batches.held(0, 1, "a");
    batches.held(0, 2, "b");

    assertThatThrownBy(() -> batches.take("t", List.of(weighted("b", 1), weighted("a", 1)), "{}"))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("group 0 of the batch is b, but a was held");
    assertThatThrownBy(() -> batches.take("t", List.of(weighted("a", 1)), "{}"))
        .hasMessageContaining("the batch has 1 groups, but 2 were held");
  }

  @Test
  void aRollbackForgetsTheHeldAndDroppedGroups() {
    TrainedBatches batches = new TrainedBatches();
    batches.held(0, 1, "a");
    batches.dropped(0, 2, "b", "invalid: x");
    batches.reset();

    TrainedBatch record = batches.take("t", List.of(), "{}");

    assertThat(record.getGroups()).isEmpty();
    assertThat(record.getDropped()).isEmpty();
  }

  @Test
  void theSettingsJsonRebuildsTheTrainerConfigurationAndNamesThePools() throws Exception {
    TrainerConfig config =
        TrainerConfig.defaults().toBuilder()
            .learningRate(1.25e-4)
            .warmupCosine(10, 100, 0.1)
            .klCoef(0.05)
            .credit(Credit.ALIGNED)
            .seed(42)
            .build();
    LearnerConfig learner =
        new LearnerConfig("p", 3, 1, StalenessPolicy.DOWNWEIGHT, Path.of("c"), 2, 0);
    Map<String, Object> trainer =
        Map.of(
            "trainer",
            config,
            "session_threads",
            Map.of(
                "intra_op",
                0,
                "inter_op",
                0,
                "process_intra_op",
                1,
                "process_inter_op",
                1,
                "available_processors",
                8));

    JsonNode json = JSON.readTree(TrainedBatches.settingsJson(learner, trainer));

    assertThat(JSON.treeToValue(json.path("trainer"), TrainerConfig.class)).isEqualTo(config);
    assertThat(json.path("learner").path("batch_groups").asInt()).isEqualTo(3);
    assertThat(json.path("learner").path("max_staleness").asInt()).isEqualTo(1);
    assertThat(json.path("learner").path("staleness_policy").asText()).isEqualTo("DOWNWEIGHT");
    // The replay runs on the pools the process really had (its first session's), not on those
    // the trainer asked for.
    assertThat(LearnerReplay.recordedPools(json)).isEqualTo(new SessionThreads(1, 1));
  }

  @Test
  void tensorFlowsChoiceOfPoolsIsReplayedAsOneThreadPerRecordedProcessor() throws Exception {
    JsonNode settings =
        JSON.readTree(
            "{\"session_threads\":{\"intra_op\":0,\"inter_op\":0,\"process_intra_op\":0,"
                + "\"process_inter_op\":0,\"available_processors\":6}}");
    JsonNode older = JSON.readTree("{\"session_threads\":{\"intra_op\":3,\"inter_op\":2}}");

    assertThat(LearnerReplay.recordedPools(settings)).isEqualTo(new SessionThreads(6, 6));
    assertThat(LearnerReplay.recordedPools(older)).isEqualTo(new SessionThreads(3, 2));
  }

  @Test
  void aPolicyVersionWithATrainedBatchRoundTripsThroughAvro() throws Exception {
    TrainedBatches batches = new TrainedBatches();
    batches.held(1, 5, "g");
    batches.dropped(2, 6, "h", "invalid: token id 999 is outside the vocabulary");
    PolicyVersion version =
        PolicyVersion.newBuilder()
            .setPolicyName("p")
            .setVersion(3)
            .setWeights(ByteBuffer.wrap(new byte[] {1, 2}))
            .setWeightsSha256("ab")
            .setArchitecture("{}")
            .setMode(TrainingMode.SRL)
            .setGroupsTrained(9)
            .setMetrics(Map.of("loss", 0.5))
            .setCreatedAt(Instant.ofEpochMilli(1000))
            .setTrainedBatch(
                batches.take("srl.training-groups", List.of(weighted("g", 0.5)), "{\"a\":1}"))
            .build();
    AvroSerde<PolicyVersion> serde =
        new AvroSerde<>(PolicyVersion.class, new InMemorySchemaRegistry());

    PolicyVersion read =
        serde.deserialize("srl.policy-versions", serde.serialize("srl.policy-versions", version));

    assertThat(read).isEqualTo(version);
    assertThat(read.getTrainedBatch().getGroups().get(0).getWeight()).isEqualTo(0.5);
    assertThat(read.getTrainedBatch().getDropped().get(0).getReason()).startsWith("invalid: ");
  }

  @Test
  void versionsPrintAsRanges() {
    assertThat(LearnerReplay.ranges(List.of(0L, 1L, 2L, 5L, 7L, 8L))).isEqualTo("0..2, 5, 7..8");
    assertThat(LearnerReplay.ranges(List.of(4L))).isEqualTo("4");
    assertThat(LearnerReplay.ranges(List.of())).isEmpty();
  }
}
