package dev.srlstream.infra;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import dev.srlstream.schemas.SampleRecords;
import dev.srlstream.schemas.TopicSpec;
import dev.srlstream.schemas.Topics;
import dev.srlstream.schemas.registry.SchemaRegistryClient;
import dev.srlstream.schemas.serde.AvroSerde;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

/**
 * {@code srl infra up --brokers 3}: three KRaft nodes (brokers and controllers) on 127.0.0.1, every
 * catalogue topic on three replicas with two in sync; with one node stopped, acknowledged writes go
 * on, nothing acknowledged is lost, and the registry still serves and registers schemas.
 */
class ThreeBrokerClusterIT {

  @Test
  void threeNodesKeepEveryTopicOnThreeReplicasAndWorkOnWithOneStopped() throws Exception {
    try (LocalInfrastructure infra =
        LocalInfrastructure.start(LocalInfrastructure.Config.ephemeral().withBrokers(3))) {
      String bootstrap = infra.bootstrapServers();
      assertThat(bootstrap.split(",")).hasSize(3).allMatch(b -> b.startsWith("127.0.0.1:"));
      try (Admin admin =
          Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
        assertThat(admin.describeCluster().nodes().get()).hasSize(3);
        List<String> names = Topics.ALL.stream().map(TopicSpec::name).toList();
        Map<String, TopicDescription> topics = admin.describeTopics(names).allTopicNames().get();
        assertThat(topics.values())
            .allSatisfy(
                t ->
                    assertThat(t.partitions())
                        .allSatisfy(p -> assertThat(p.replicas()).hasSize(3)));
        List<ConfigResource> resources =
            names.stream().map(n -> new ConfigResource(ConfigResource.Type.TOPIC, n)).toList();
        Map<ConfigResource, Config> configs = admin.describeConfigs(resources).all().get();
        assertThat(configs.values())
            .allSatisfy(c -> assertThat(c.get("min.insync.replicas").value()).isEqualTo("2"));
      }

      String topic = Topics.TASKS.name();
      List<String> sent = new ArrayList<>();
      SchemaRegistryClient registry = new SchemaRegistryClient(infra.schemaRegistryUrl());
      try (KafkaProducer<String, byte[]> producer = producer(bootstrap)) {
        send(producer, topic, "before-", sent);
        infra.brokers().get(1).close(); // node 2
        send(producer, topic, "after-", sent);
      }
      // The registry keeps its schemas on the cluster too: it still registers one.
      byte[] encoded =
          AvroSerde.forTopic(Topics.DEAD_LETTERS, registry)
              .serialize(Topics.DEAD_LETTERS.name(), SampleRecords.deadLetter());
      assertThat(encoded[0]).isZero(); // the Confluent wire format's magic byte

      Set<String> read = readAll(bootstrap, topic);
      assertThat(read).containsExactlyInAnyOrderElementsOf(sent);
    }
  }

  private static void send(
      KafkaProducer<String, byte[]> producer, String topic, String prefix, List<String> sent)
      throws Exception {
    for (int i = 0; i < 50; i++) {
      String key = prefix + i;
      // acks=all: acknowledged once two of the three replicas have it.
      producer.send(new ProducerRecord<>(topic, key, key.getBytes(UTF_8))).get();
      sent.add(key);
    }
  }

  private static KafkaProducer<String, byte[]> producer(String bootstrap) {
    return new KafkaProducer<>(
        Map.of(
            ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
            bootstrap,
            ProducerConfig.ACKS_CONFIG,
            "all",
            ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG,
            true),
        new StringSerializer(),
        new ByteArraySerializer());
  }

  /** Every key on the topic, read past the warm-up records to the end. */
  private static Set<String> readAll(String bootstrap, String topic) {
    Set<String> keys = new HashSet<>();
    try (KafkaConsumer<String, byte[]> consumer =
        new KafkaConsumer<>(
            Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                bootstrap,
                ConsumerConfig.ISOLATION_LEVEL_CONFIG,
                "read_committed"),
            new StringDeserializer(),
            new ByteArrayDeserializer())) {
      List<TopicPartition> partitions =
          consumer.partitionsFor(topic).stream()
              .map(p -> new TopicPartition(topic, p.partition()))
              .toList();
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      Map<TopicPartition, Long> ends = consumer.endOffsets(partitions);
      long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
      while (partitions.stream().anyMatch(p -> consumer.position(p) < ends.get(p))
          && System.nanoTime() < deadline) {
        consumer
            .poll(Duration.ofMillis(200))
            .forEach(
                r -> {
                  if (r.key() != null
                      && (r.key().startsWith("before-") || r.key().startsWith("after-"))) {
                    keys.add(r.key());
                  }
                });
      }
    }
    return keys;
  }
}
