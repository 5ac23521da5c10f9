package dev.srlstream.actor;

import static org.assertj.core.api.Assertions.assertThat;

import dev.srlstream.infra.kafka.TopicProvisioner;
import dev.srlstream.schemas.SampleRecords;
import dev.srlstream.schemas.Topics;
import dev.srlstream.schemas.avro.TrainingGroup;
import dev.srlstream.schemas.serde.AvroSerde;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The synchronous gate's count of kept groups, on the embedded broker. */
class KeptGroupsIT {
  private static final String TOPIC = "kept.training-groups";
  private static KafkaFixture kafka;

  @BeforeAll
  static void start() {
    kafka = KafkaFixture.start();
    try (Admin admin = kafka.admin()) {
      TopicProvisioner.provision(
          admin, List.of(KafkaFixture.renamed(Topics.TRAINING_GROUPS, TOPIC)));
    }
  }

  @AfterAll
  static void stop() {
    if (kafka != null) {
      kafka.close();
    }
  }

  @Test
  void countsThePolicysCommittedGroupsAsOfAMomentNotOffsets() throws Exception {
    AvroSerde<TrainingGroup> serde = new AvroSerde<>(TrainingGroup.class, kafka.registry);
    Properties props = new Properties();
    props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
    props.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, "kept-groups-it");
    try (KafkaProducer<String, byte[]> producer =
        new KafkaProducer<>(props, new StringSerializer(), new ByteArraySerializer())) {
      producer.initTransactions();
      // As the scorer writes them: a transaction per commit, each with its commit marker.
      transaction(producer, serde, true, "p", "p", "p");
      transaction(producer, serde, false, "p"); // aborted: never kept
      transaction(producer, serde, true, "other", "p");
    }
    long sent = System.nanoTime();

    Properties consumerProps = new Properties();
    consumerProps.put("bootstrap.servers", kafka.bootstrapServers());
    consumerProps.put("isolation.level", "read_committed");
    AtomicLong counted = new AtomicLong(-1);
    try (KeptGroups kept =
        new KeptGroups(
            new KafkaConsumer<>(
                consumerProps, new ByteArrayDeserializer(), new ByteArrayDeserializer()),
            TOPIC,
            "p",
            serde,
            Duration.ofMillis(20),
            "it")) {
      kept.subscribe(
          (n, asOf) -> {
            if (asOf - sent > 0) {
              counted.set(n);
            }
          });
      kept.start();
      Waits.until("a count begun after the groups were committed", () -> counted.get() >= 0);
    }

    assertThat(counted.get()).isEqualTo(4);
    // The offsets say more: every transaction's marker takes one.
    try (Admin admin = kafka.admin()) {
      Map<TopicPartition, OffsetSpec> ends = new HashMap<>();
      for (int p = 0; p < Topics.TRAINING_GROUPS.partitions(); p++) {
        ends.put(new TopicPartition(TOPIC, p), OffsetSpec.latest());
      }
      long offsets =
          admin.listOffsets(ends).all().get().values().stream().mapToLong(o -> o.offset()).sum();
      assertThat(offsets).isGreaterThan(4 + 1 + 1);
    }
  }

  private static void transaction(
      KafkaProducer<String, byte[]> producer,
      AvroSerde<TrainingGroup> serde,
      boolean commit,
      String... policies) {
    producer.beginTransaction();
    int i = 0;
    for (String policy : policies) {
      TrainingGroup group =
          TrainingGroup.newBuilder(SampleRecords.trainingGroup())
              .setGroupId("g-" + policy + "-" + System.nanoTime() + "-" + i++)
              .setPolicyName(policy)
              .build();
      producer.send(new ProducerRecord<>(TOPIC, group.getGroupId(), serde.serialize(TOPIC, group)));
    }
    if (commit) {
      producer.commitTransaction();
    } else {
      producer.abortTransaction();
    }
  }
}
