package dev.srlstream.learner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.srlstream.infra.LocalInfrastructure;
import dev.srlstream.method.format.StepPrompt;
import dev.srlstream.policy.ByteTokenizer;
import dev.srlstream.policy.ModelConfig;
import dev.srlstream.policy.Policy;
import dev.srlstream.policy.PromptFormat;
import dev.srlstream.policy.WeightsCodec;
import dev.srlstream.schemas.SampleRecords;
import dev.srlstream.schemas.Topics;
import dev.srlstream.schemas.avro.GroupRollout;
import dev.srlstream.schemas.avro.PolicyVersion;
import dev.srlstream.schemas.avro.TrainingGroup;
import dev.srlstream.schemas.registry.SchemaRegistryClient;
import dev.srlstream.schemas.serde.AvroSerde;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The learner with the real TF Java trainer on a real broker: it consumes training groups and
 * publishes versions whose weights an actor's {@link Policy} loads; a checkpoint of another model
 * is refused naming its directory.
 */
class LearnerGrpoIT {
  private static final ModelConfig TINY =
      new ModelConfig(ByteTokenizer.VOCAB_SIZE, 16, 1, 2, 128, 32, true);
  private static LocalInfrastructure infra;
  private static SchemaRegistryClient registry;

  @TempDir Path checkpoints;

  @BeforeAll
  static void startInfrastructure() {
    // Broker, the catalogue's topics and a registry on it: what `srl infra up` runs.
    infra = LocalInfrastructure.start(LocalInfrastructure.Config.ephemeral());
    registry = new SchemaRegistryClient(infra.schemaRegistryUrl());
  }

  @AfterAll
  static void stopInfrastructure() {
    infra.close();
  }

  @Test
  void publishesVersionsAnActorCanLoadAndRefusesAnotherModelsCheckpoint() throws Exception {
    produceGroups(6);
    LearnerConfig config =
        LearnerConfig.defaults("grpo-it", checkpoints)
            .withBatchGroups(2)
            .withStaleness(4, StalenessPolicy.DROP);
    LearnerService.Settings settings =
        new LearnerService.Settings(
            infra.bootstrapServers(), config, Topics.TRAINING_GROUPS.name(), Map.of());
    TrainerConfig trainerConfig = TrainerConfig.defaults().toBuilder().learningRate(1e-3).build();
    try (GrpoTrainer trainer = GrpoTrainer.create(TINY, trainerConfig);
        LearnerService learner = LearnerService.start(settings, trainer, registry)) {
      long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
      learner.run(() -> learner.version() < 3 && System.nanoTime() < deadline);
      assertThat(learner.version()).isEqualTo(3);
      assertThat(learner.counters().groupsTrained()).isEqualTo(6);
      assertThat(learner.counters().lastMetrics())
          .containsKeys("loss", "entropy", "clip_fraction", "approx_kl", "grad_norm");
    }

    PolicyVersion v3 =
        PolicyVersions.latest(
                infra.bootstrapServers(),
                "grpo-it",
                AvroSerde.forTopic(Topics.POLICY_VERSIONS, registry))
            .orElseThrow();
    assertThat(v3.getVersion()).isEqualTo(3);
    assertThat(v3.getGroupsTrained()).isEqualTo(6);
    assertThat(ModelConfig.fromJson(v3.getArchitecture())).isEqualTo(TINY);
    byte[] weights = new byte[v3.getWeights().remaining()];
    v3.getWeights().duplicate().get(weights);
    assertThat(WeightsCodec.sha256Hex(weights)).isEqualTo(v3.getWeightsSha256());
    try (Policy actorSide = Policy.load(weights)) {
      assertThat(actorSide.version()).isEqualTo(3);
    }

    ModelConfig other = new ModelConfig(ByteTokenizer.VOCAB_SIZE, 24, 1, 2, 128, 32, true);
    try (GrpoTrainer wrong = GrpoTrainer.create(other, trainerConfig)) {
      assertThatThrownBy(() -> LearnerService.start(settings, wrong, registry).close())
          .hasMessageContaining("checkpoint " + checkpoints.resolve("version-000000000003"))
          .hasMessageContaining("cannot be loaded");
    }
  }

  private static void produceGroups(int count) throws Exception {
    ByteTokenizer tokenizer = ByteTokenizer.INSTANCE;
    Random random = new Random(7);
    AvroSerde<TrainingGroup> serde = AvroSerde.forTopic(Topics.TRAINING_GROUPS, registry);
    try (KafkaProducer<String, TrainingGroup> producer =
        new KafkaProducer<>(
            Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, infra.bootstrapServers()),
            new StringSerializer(),
            serde.serializer())) {
      for (int g = 0; g < count; g++) {
        int[] prompt =
            PromptFormat.promptTokens(
                tokenizer, StepPrompt.text(g + " + 3 × 4", List.of("3 × 4 = 12"), null));
        List<GroupRollout> rollouts = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
          int[] response =
              PromptFormat.targetTokens(
                  tokenizer, "<think>add</think>" + g + " + 12 = " + (g + 12 + i));
          List<Integer> ids = new ArrayList<>();
          List<Float> logprobs = new ArrayList<>();
          for (int id : response) {
            ids.add(id);
            logprobs.add((float) (-5.5 + random.nextGaussian() * 0.1));
          }
          rollouts.add(
              GroupRollout.newBuilder()
                  .setRolloutId("g" + g + "/r" + i)
                  .setRolloutIndex(i)
                  .setActorId("it")
                  .setResponseTokenIds(ids)
                  .setBehaviourLogprobs(logprobs)
                  .setReward(i == 0 ? 1.0 : 0.5)
                  .setAdvantage(i == 0 ? 1.7 : -0.6)
                  .setFormatOk(true)
                  .build());
        }
        TrainingGroup group = SampleRecords.trainingGroup();
        group.setGroupId("grpo-it-" + g);
        group.setPolicyName("grpo-it");
        group.setPolicyVersion(0);
        List<Integer> promptIds = new ArrayList<>();
        for (int id : prompt) {
          promptIds.add(id);
        }
        group.setPromptTokenIds(promptIds);
        group.setRollouts(rollouts);
        producer.send(
            new ProducerRecord<>(Topics.TRAINING_GROUPS.name(), group.getGroupId(), group));
      }
      producer.flush();
    }
  }
}
