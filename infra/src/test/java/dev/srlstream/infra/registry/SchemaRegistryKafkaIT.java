package dev.srlstream.infra.registry;

import static dev.srlstream.infra.registry.TestSchemas.TASK_ADDS_SCORE_NO_DEFAULT;
import static dev.srlstream.infra.registry.TestSchemas.TASK_V1;
import static dev.srlstream.infra.registry.TestSchemas.TASK_V2_WITH_DEFAULT;
import static dev.srlstream.infra.registry.TestSchemas.field;
import static dev.srlstream.infra.registry.TestSchemas.record;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.databind.node.TextNode;
import dev.srlstream.infra.kafka.BrokerConfig;
import dev.srlstream.infra.kafka.EmbeddedKafkaBroker;
import dev.srlstream.infra.kafka.TopicProvisioner;
import dev.srlstream.schemas.WarmupRecords;
import dev.srlstream.schemas.registry.CompatibilityLevel;
import dev.srlstream.schemas.registry.RegisteredSchema;
import dev.srlstream.schemas.registry.RegistryException;
import dev.srlstream.schemas.registry.SchemaRegistryClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.avro.Schema;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The registry on a real broker: schemas live in the compacted _schemas topic. */
class SchemaRegistryKafkaIT {

  private static EmbeddedKafkaBroker broker;

  @BeforeAll
  static void startBroker() {
    broker = EmbeddedKafkaBroker.start(BrokerConfig.ephemeral());
  }

  @AfterAll
  static void stopBroker() {
    if (broker != null) {
      broker.close();
    }
  }

  private static RegistryConfig config(String topic) {
    return new RegistryConfig(broker.bootstrapServers(), 0, CompatibilityLevel.BACKWARD, topic);
  }

  @Test
  void aRestartedRegistryServesTheSameIdsVersionsAndLevelsFromTheTopic() throws Exception {
    String topic = "_schemas_restart";
    Schema other = record("Other", field("x", "int"));
    int v1;
    int v2;
    int otherId;
    try (SchemaRegistryServer first = SchemaRegistryServer.start(config(topic))) {
      SchemaRegistryClient client = new SchemaRegistryClient(first.url());
      v1 = client.register("srl.tasks-value", TASK_V1);
      v2 = client.register("srl.tasks-value", TASK_V2_WITH_DEFAULT);
      otherId = client.register("srl.other-value", other);
      assertThat(client.register("srl.copy-value", TASK_V1)).isEqualTo(v1);
      client.setCompatibility("srl.other-value", CompatibilityLevel.NONE);
    }

    try (SchemaRegistryServer second = SchemaRegistryServer.start(config(topic))) {
      SchemaRegistryClient client = new SchemaRegistryClient(second.url());
      assertThat(client.subjects())
          .containsExactly("srl.copy-value", "srl.other-value", "srl.tasks-value");
      assertThat(client.version("srl.tasks-value", "1"))
          .isEqualTo(new RegisteredSchema("srl.tasks-value", 1, v1, TASK_V1));
      assertThat(client.latest("srl.tasks-value"))
          .isEqualTo(new RegisteredSchema("srl.tasks-value", 2, v2, TASK_V2_WITH_DEFAULT));
      assertThat(client.schemaById(otherId)).isEqualTo(other);
      assertThat(client.compatibility("srl.other-value")).isEqualTo(CompatibilityLevel.NONE);
      assertThat(client.register("srl.tasks-value", TASK_V2_WITH_DEFAULT)).isEqualTo(v2);
      assertThat(client.register("srl.new-value", record("New", field("y", "long"))))
          .isEqualTo(Math.max(v2, otherId) + 1);
    }

    try (Admin admin = admin()) {
      TopicDescription description =
          admin.describeTopics(List.of(topic)).allTopicNames().get().get(topic);
      assertThat(description.partitions()).hasSize(1);
      ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, topic);
      Config config = admin.describeConfigs(List.of(resource)).all().get().get(resource);
      assertThat(config.get(TopicConfig.CLEANUP_POLICY_CONFIG).value())
          .isEqualTo(TopicConfig.CLEANUP_POLICY_COMPACT);
    }
    assertThat(readAll(topic))
        .contains(
            Map.entry(
                "{\"keytype\":\"SCHEMA\",\"subject\":\"srl.tasks-value\",\"version\":1,\"magic\":1}",
                "{\"subject\":\"srl.tasks-value\",\"version\":1,\"id\":"
                    + v1
                    + ",\"schema\":"
                    + TextNode.valueOf(TASK_V1.toString())
                    + ",\"deleted\":false}"),
            Map.entry(
                "{\"keytype\":\"CONFIG\",\"subject\":\"srl.other-value\",\"magic\":0}",
                "{\"compatibilityLevel\":\"NONE\"}"));
  }

  @Test
  void anIncompatibleSchemaIsRefusedWith409AndNotStored() throws Exception {
    String topic = "_schemas_conflict";
    try (SchemaRegistryServer server = SchemaRegistryServer.start(config(topic))) {
      SchemaRegistryClient client = new SchemaRegistryClient(server.url());
      client.register("s", TASK_V1);

      RegistryException e =
          catchThrowableOfType(
              RegistryException.class, () -> client.register("s", TASK_ADDS_SCORE_NO_DEFAULT));

      assertThat(e.httpStatus()).isEqualTo(409);
      assertThat(e.getMessage())
          .contains(
              "Schema being registered is incompatible with an earlier schema for subject \"s\"")
          .contains("READER_FIELD_MISSING_DEFAULT_VALUE")
          .contains("'score'");
      assertThat(client.versions("s")).containsExactly(1);
    }
    assertThat(readAll(topic)).hasSize(1);
  }

  @Test
  void recordsInConfluentsFormatWrittenByAnotherRegistryAreServedAndIdsContinue() throws Exception {
    String topic = "_schemas_confluent";
    try (Admin admin = admin()) {
      TopicProvisioner.ensureCompactedTopic(admin, topic);
    }
    // What Confluent's registry writes (its field order, its extra fields, a NOOP record).
    Properties props = new Properties();
    props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
    props.put(ProducerConfig.ACKS_CONFIG, "all");
    try (KafkaProducer<String, String> producer =
        new KafkaProducer<>(props, new StringSerializer(), new StringSerializer())) {
      producer
          .send(new ProducerRecord<>(topic, 0, "{\"keytype\":\"NOOP\",\"magic\":0}", null))
          .get();
      producer
          .send(
              new ProducerRecord<>(
                  topic,
                  0,
                  "{\"keytype\":\"SCHEMA\",\"subject\":\"legacy-value\",\"version\":1,\"magic\":1}",
                  "{\"subject\":\"legacy-value\",\"version\":1,\"id\":41,\"schemaType\":\"AVRO\","
                      + "\"schema\":"
                      + TextNode.valueOf(TASK_V1.toString())
                      + ",\"deleted\":false}"))
          .get();
      producer
          .send(
              new ProducerRecord<>(
                  topic,
                  0,
                  "{\"keytype\":\"CONFIG\",\"subject\":null,\"magic\":0}",
                  "{\"compatibilityLevel\":\"FULL\"}"))
          .get();
    }

    try (SchemaRegistryServer server = SchemaRegistryServer.start(config(topic))) {
      SchemaRegistryClient client = new SchemaRegistryClient(server.url());
      assertThat(client.latest("legacy-value"))
          .isEqualTo(new RegisteredSchema("legacy-value", 1, 41, TASK_V1));
      assertThat(client.compatibility()).isEqualTo(CompatibilityLevel.FULL);
      assertThat(client.register("legacy-value", TASK_V2_WITH_DEFAULT)).isEqualTo(42);
      assertThat(client.register("other-value", TASK_V1)).isEqualTo(41);
    }
  }

  private static Admin admin() {
    Properties props = new Properties();
    props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
    return Admin.create(props);
  }

  /** Every record of the topic with a non-null key and value, as (key, value) text. */
  private static List<Map.Entry<String, String>> readAll(String topic) {
    Properties props = new Properties();
    props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
    props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    List<Map.Entry<String, String>> records = new ArrayList<>();
    try (KafkaConsumer<String, String> consumer =
        new KafkaConsumer<>(props, new StringDeserializer(), new StringDeserializer())) {
      TopicPartition partition = new TopicPartition(topic, 0);
      consumer.assign(List.of(partition));
      consumer.seekToBeginning(List.of(partition));
      long end = consumer.endOffsets(List.of(partition)).get(partition);
      // A bound, not a timing assertion: a broken broker fails the test instead of hanging it.
      long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
      while (consumer.position(partition) < end) {
        assertThat(System.nanoTime()).as("read %s to offset %d", topic, end).isLessThan(deadline);
        for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(200))) {
          if (r.key() != null && r.value() != null && !r.key().equals(WarmupRecords.KEY)) {
            records.add(Map.entry(r.key(), r.value()));
          }
        }
      }
    }
    return records;
  }
}
