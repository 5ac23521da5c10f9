package dev.srlstream.learner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.srlstream.infra.LocalInfrastructure;
import dev.srlstream.schemas.SampleRecords;
import dev.srlstream.schemas.Topics;
import dev.srlstream.schemas.avro.DeadLetter;
import dev.srlstream.schemas.avro.PolicyVersion;
import dev.srlstream.schemas.avro.TrainingGroup;
import dev.srlstream.schemas.registry.SchemaRegistryClient;
import dev.srlstream.schemas.serde.AvroSerde;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The learner's exactly-once contract on a real broker: killed at the worst moments and restarted,
 * it trains on every group exactly once. The test trainer's "weights" are the ledger of the group
 * ids it trained on, so the weights of the last committed version show any group trained twice or
 * skipped.
 */
class LearnerExactlyOnceIT {
  private static final int GROUPS = 24;
  private static final int BATCH = 4;
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
  void killedInTrainingAndBetweenCheckpointAndCommitItStillTrainsOnEveryGroupOnce()
      throws Exception {
    String policy = "ledger";
    List<String> sent = produceGroups(policy, "a");
    // Bad records in the stream: an undecodable one and a group with an out-of-vocabulary token.
    try (KafkaProducer<String, byte[]> raw = rawProducer()) {
      raw.send(new ProducerRecord<>(Topics.TRAINING_GROUPS.name(), "x", new byte[] {1, 2, 3}))
          .get();
      TrainingGroup bad = group(policy + "-bad", 0);
      bad.getRollouts().get(0).setResponseTokenIds(List.of(5, 99, 7));
      raw.send(
              new ProducerRecord<>(
                  Topics.TRAINING_GROUPS.name(),
                  bad.getGroupId(),
                  AvroSerde.forTopic(Topics.TRAINING_GROUPS, registry)
                      .serialize(Topics.TRAINING_GROUPS.name(), bad)))
          .get();
    }

    // First life: dies inside the 3rd update.
    runUntilCrash(policy, new LedgerTrainer(LedgerTrainer.CrashPoint.IN_TRAIN, 3));
    // Second life: dies after writing the 2nd new checkpoint, before committing it.
    runUntilCrash(policy, new LedgerTrainer(LedgerTrainer.CrashPoint.AFTER_CHECKPOINT, 2));
    // Third life: runs until every group is trained.
    LedgerTrainer trainer = new LedgerTrainer(LedgerTrainer.CrashPoint.NONE, 0);
    try (LearnerService learner = LearnerService.start(settings(policy, 0), trainer, registry)) {
      long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
      learner.run(() -> learner.version() < GROUPS / BATCH && System.nanoTime() < deadline);
      assertThat(learner.version()).isEqualTo(GROUPS / BATCH);
    }

    PolicyVersion last = lastCommittedVersion(policy);
    assertThat(last.getVersion()).isEqualTo(GROUPS / BATCH);
    assertThat(last.getGroupsTrained()).isEqualTo(GROUPS);
    List<String> ledger = LedgerTrainer.ledgerOf(toBytes(last));
    assertThat(ledger)
        .as("every group trained exactly once")
        .containsExactlyInAnyOrderElementsOf(sent);
    assertThat(deadLetterReasons()).containsExactlyInAnyOrder("UNDECODABLE", "INVALID_FIELD");
  }

  private void runUntilCrash(String policy, LedgerTrainer trainer) {
    try (LearnerService learner = LearnerService.start(settings(policy, 0), trainer, registry)) {
      long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
      assertThatThrownBy(() -> learner.run(() -> System.nanoTime() < deadline))
          .hasMessageContaining("simulated crash");
    }
  }

  private LearnerService.Settings settings(String policy, long maxVersions) {
    return new LearnerService.Settings(
        infra.bootstrapServers(),
        // Every group is from version 0; a staleness limit above the versions made keeps them all.
        new LearnerConfig(policy, BATCH, 100, StalenessPolicy.DROP, checkpoints, 3, maxVersions),
        Topics.TRAINING_GROUPS.name(),
        Map.of());
  }

  private List<String> produceGroups(String policy, String prefix) throws Exception {
    List<String> ids = new ArrayList<>();
    AvroSerde<TrainingGroup> serde = AvroSerde.forTopic(Topics.TRAINING_GROUPS, registry);
    try (KafkaProducer<String, TrainingGroup> producer =
        new KafkaProducer<>(
            Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, infra.bootstrapServers()),
            new StringSerializer(),
            serde.serializer())) {
      for (int i = 0; i < GROUPS; i++) {
        TrainingGroup g = group(policy + "-" + prefix + i, 0);
        producer.send(new ProducerRecord<>(Topics.TRAINING_GROUPS.name(), g.getGroupId(), g));
        ids.add(g.getGroupId());
      }
      producer.flush();
    }
    return ids;
  }

  private static TrainingGroup group(String id, long policyVersion) {
    TrainingGroup g = SampleRecords.trainingGroup();
    g.setGroupId(id);
    g.setPolicyVersion(policyVersion);
    return g;
  }

  private static KafkaProducer<String, byte[]> rawProducer() {
    return new KafkaProducer<>(
        Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, infra.bootstrapServers()),
        new StringSerializer(),
        new ByteArraySerializer());
  }

  private static PolicyVersion lastCommittedVersion(String policy) {
    return PolicyVersions.latest(
            infra.bootstrapServers(), policy, AvroSerde.forTopic(Topics.POLICY_VERSIONS, registry))
        .orElseThrow();
  }

  private static byte[] toBytes(PolicyVersion v) {
    byte[] b = new byte[v.getWeights().remaining()];
    v.getWeights().duplicate().get(b);
    return b;
  }

  private static List<String> deadLetterReasons() {
    AvroSerde<DeadLetter> serde = AvroSerde.forTopic(Topics.DEAD_LETTERS, registry);
    List<String> reasons = new ArrayList<>();
    TopicPartition tp = new TopicPartition(Topics.DEAD_LETTERS.name(), 0);
    try (KafkaConsumer<String, DeadLetter> consumer =
        new KafkaConsumer<>(
            Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                infra.bootstrapServers(),
                ConsumerConfig.ISOLATION_LEVEL_CONFIG,
                "read_committed"),
            new StringDeserializer(),
            serde.deserializer())) {
      consumer.assign(List.of(tp));
      consumer.seekToBeginning(List.of(tp));
      long end = consumer.endOffsets(List.of(tp)).get(tp);
      while (consumer.position(tp) < end) {
        consumer.poll(Duration.ofMillis(200)).forEach(r -> reasons.add(r.value().getReason()));
      }
    }
    return reasons;
  }
}
