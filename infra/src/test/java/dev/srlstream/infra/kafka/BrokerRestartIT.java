package dev.srlstream.infra.kafka;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import dev.srlstream.schemas.TopicSpec;
import dev.srlstream.schemas.Topics;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A broker restarted on a kept data directory; the only IT class that starts two brokers. */
class BrokerRestartIT {

  @Test
  void aBrokerRestartedOnAKeptDataDirHasItsTopicsAndRecords(@TempDir Path tmp) throws Exception {
    Path dataDir = tmp.resolve("kafka");
    String topic = Topics.TASKS.name();
    List<String> names = Topics.ALL.stream().map(TopicSpec::name).toList();

    BrokerConfig keep = BrokerConfig.ephemeral().withDataDir(dataDir).withKeepData(true);
    try (EmbeddedKafkaBroker first = EmbeddedKafkaBroker.start(keep);
        Admin admin = TestClients.admin(first);
        Producer<String, byte[]> producer = TestClients.producer(first, Map.of())) {
      assertThat(TopicProvisioner.provision(admin, Topics.ALL)).containsExactlyElementsOf(names);
      for (int i = 0; i < 10; i++) {
        producer.send(new ProducerRecord<>(topic, "task-" + i, ("v" + i).getBytes(UTF_8))).get();
      }
    }
    assertThat(dataDir.resolve("meta.properties")).isRegularFile();

    // The second run deletes the directory on close: it reuses the log, then cleans up.
    BrokerConfig reuseThenDelete = keep.withKeepData(false);
    try (EmbeddedKafkaBroker second = EmbeddedKafkaBroker.start(reuseThenDelete);
        Admin admin = TestClients.admin(second);
        Consumer<String, byte[]> consumer = TestClients.consumer(second, Map.of())) {
      assertThat(second.dataDir()).isEqualTo(dataDir);
      assertThat(admin.listTopics().names().get()).containsAll(names);
      assertThat(TopicProvisioner.provision(admin, Topics.ALL)).isEmpty();

      List<ConsumerRecord<String, byte[]>> records =
          TestClients.readAll(consumer, TestClients.partitions(topic, Topics.TASKS.partitions()));
      assertThat(records)
          .extracting(ConsumerRecord::key)
          .containsExactlyInAnyOrder(
              "task-0", "task-1", "task-2", "task-3", "task-4", "task-5", "task-6", "task-7",
              "task-8", "task-9");
      assertThat(records)
          .allSatisfy(
              r -> assertThat(new String(r.value(), UTF_8)).isEqualTo("v" + r.key().substring(5)));
    }
    assertThat(dataDir).doesNotExist();
  }

  @Test
  void anEphemeralBrokerDeletesItsTemporaryDataDirOnClose() {
    Path dataDir;
    try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start(BrokerConfig.ephemeral())) {
      dataDir = broker.dataDir();
      assertThat(dataDir.resolve("meta.properties")).isRegularFile();
    }
    assertThat(dataDir).doesNotExist();
  }
}
