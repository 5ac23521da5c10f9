package dev.srlstream.infra.kafka;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.srlstream.schemas.Topics;
import dev.srlstream.schemas.WarmupRecords;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigResource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** One embedded broker for the whole class, with the catalogue provisioned. */
class EmbeddedKafkaBrokerIT {

  private static EmbeddedKafkaBroker broker;
  private static Admin admin;

  @BeforeAll
  static void startBroker() {
    broker = EmbeddedKafkaBroker.start(BrokerConfig.ephemeral());
    admin = TestClients.admin(broker);
    TopicProvisioner.provision(admin, Topics.ALL);
  }

  @AfterAll
  static void stopBroker() {
    if (admin != null) {
      admin.close();
    }
    if (broker != null) {
      broker.close();
    }
  }

  @Test
  void bootstrapServersAndClusterNodeAreOnLoopback() throws Exception {
    assertThat(broker.bootstrapServers()).isEqualTo("127.0.0.1:" + broker.port());
    assertThat(broker.port()).isPositive().isNotEqualTo(broker.controllerPort());

    List<Node> nodes = new ArrayList<>(admin.describeCluster().nodes().get());
    assertThat(nodes).hasSize(1);
    assertThat(nodes.get(0).host()).isEqualTo("127.0.0.1");
    assertThat(nodes.get(0).port()).isEqualTo(broker.port());
  }

  @Test
  void configuredListenersAreOnLoopbackOnly() throws Exception {
    ConfigResource node = new ConfigResource(ConfigResource.Type.BROKER, "1");
    Config config = admin.describeConfigs(List.of(node)).all().get().get(node);

    assertThat(config.get("listeners").value())
        .isEqualTo(
            "PLAINTEXT://127.0.0.1:"
                + broker.port()
                + ",CONTROLLER://127.0.0.1:"
                + broker.controllerPort());
    assertThat(config.get("advertised.listeners").value())
        .isEqualTo("PLAINTEXT://127.0.0.1:" + broker.port());
  }

  /** What the kernel says is listening: Linux's /proc/net/tcp{,6} (these machines run Linux). */
  @Test
  void boundSocketsAreOnLoopbackOnly() throws Exception {
    assertThat(listeningAddresses(broker.port())).containsExactly("127.0.0.1");
    assertThat(listeningAddresses(broker.controllerPort())).containsExactly("127.0.0.1");
  }

  @Test
  void aSecondBrokerOnTheSamePortFailsFastNamingThePort() {
    BrokerConfig clash = BrokerConfig.ephemeral().withPorts(broker.port(), 0);

    assertThatThrownBy(() -> EmbeddedKafkaBroker.start(clash))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("Kafka broker port " + broker.port() + " on 127.0.0.1 is already in use");
  }

  @Test
  void aConsumerGroupReadsAndCommitsWhatAnIdempotentProducerWrote() throws Exception {
    String topic = Topics.ROLLOUT_STEPS.name();
    Set<String> sent = new HashSet<>();
    try (Producer<String, byte[]> producer = TestClients.producer(broker, Map.of())) {
      for (int i = 0; i < 60; i++) {
        String key = "instance-" + i;
        producer.send(new ProducerRecord<>(topic, key, ("step " + i).getBytes(UTF_8))).get();
        sent.add(key);
      }
    }

    Set<String> received = new HashSet<>();
    String group = "it-group";
    try (Consumer<String, byte[]> consumer =
        TestClients.consumer(broker, Map.of(ConsumerConfig.GROUP_ID_CONFIG, group))) {
      consumer.subscribe(List.of(topic));
      long deadline = System.nanoTime() + TestClients.READ_BOUND.toNanos();
      while (received.size() < sent.size() && System.nanoTime() < deadline) {
        for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(200))) {
          received.add(r.key());
        }
      }
      consumer.commitSync();
    }

    assertThat(received).isEqualTo(sent);
    Map<TopicPartition, OffsetAndMetadata> committed =
        admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get();
    Map<TopicPartition, Long> ends = endOffsets(topic, Topics.ROLLOUT_STEPS.partitions());
    assertThat(committed.keySet()).isEqualTo(ends.keySet());
    committed.forEach(
        (tp, offset) -> assertThat(offset.offset()).as("%s", tp).isEqualTo(ends.get(tp)));
  }

  @Test
  void aReadCommittedConsumerSeesCommittedTransactionsOnly() throws Exception {
    String topic = Topics.TRAINING_GROUPS.name();
    Map<String, Object> transactional =
        Map.of(ProducerConfig.TRANSACTIONAL_ID_CONFIG, "it-learner-1");
    try (Producer<String, byte[]> producer = TestClients.producer(broker, transactional)) {
      producer.initTransactions();
      producer.beginTransaction();
      for (int i = 0; i < 3; i++) {
        producer.send(new ProducerRecord<>(topic, "group-" + i, "committed".getBytes(UTF_8)));
      }
      producer.commitTransaction();
      producer.beginTransaction();
      for (int i = 3; i < 5; i++) {
        producer.send(new ProducerRecord<>(topic, "group-" + i, "aborted".getBytes(UTF_8)));
      }
      producer.flush();
      producer.abortTransaction();
    }

    List<TopicPartition> partitions =
        TestClients.partitions(topic, Topics.TRAINING_GROUPS.partitions());
    try (Consumer<String, byte[]> committedOnly =
            TestClients.consumer(
                broker, Map.of(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed"));
        Consumer<String, byte[]> everything =
            TestClients.consumer(
                broker, Map.of(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_uncommitted"))) {
      assertThat(keys(TestClients.readAll(committedOnly, partitions)))
          .containsExactlyInAnyOrder("group-0", "group-1", "group-2");
      // The aborted records did reach the log: only the isolation level hides them.
      assertThat(keys(TestClients.readAll(everything, partitions)))
          .containsExactlyInAnyOrder("group-0", "group-1", "group-2", "group-3", "group-4");
    }
  }

  @Test
  void aPolicyVersionOfNearly64MibRoundTrips() throws Exception {
    String topic = Topics.POLICY_VERSIONS.name();
    byte[] weights = new byte[Topics.POLICY_VERSION_MAX_BYTES - 4096];
    new Random(42).nextBytes(weights);
    Map<String, Object> big =
        Map.of(
            ProducerConfig.MAX_REQUEST_SIZE_CONFIG,
            EmbeddedKafkaBroker.MAX_MESSAGE_BYTES,
            ProducerConfig.BUFFER_MEMORY_CONFIG,
            2L * EmbeddedKafkaBroker.MAX_MESSAGE_BYTES);
    try (Producer<String, byte[]> producer = TestClients.producer(broker, big)) {
      producer.send(new ProducerRecord<>(topic, "policy-a", weights)).get();
    }

    try (Consumer<String, byte[]> consumer = TestClients.consumer(broker, Map.of())) {
      List<ConsumerRecord<String, byte[]>> records =
          TestClients.readAll(consumer, TestClients.partitions(topic, 1)).stream()
              .filter(r -> !WarmupRecords.isWarmup(r.headers()))
              .toList();
      assertThat(records).hasSize(1);
      assertThat(records.get(0).key()).isEqualTo("policy-a");
      assertThat(records.get(0).value()).hasSize(weights.length);
      assertThat(sha256(records.get(0).value())).isEqualTo(sha256(weights));
    }
  }

  private static Map<TopicPartition, Long> endOffsets(String topic, int partitions)
      throws Exception {
    Map<TopicPartition, OffsetSpec> latest =
        TestClients.partitions(topic, partitions).stream()
            .collect(Collectors.toMap(tp -> tp, tp -> OffsetSpec.latest()));
    return admin.listOffsets(latest).all().get().entrySet().stream()
        .collect(Collectors.toMap(Map.Entry::getKey, e -> e.getValue().offset()));
  }

  private static List<String> keys(List<ConsumerRecord<String, byte[]>> records) {
    return records.stream().map(ConsumerRecord::key).toList();
  }

  private static byte[] sha256(byte[] bytes) throws Exception {
    return MessageDigest.getInstance("SHA-256").digest(bytes);
  }

  /** The local addresses of the TCP sockets listening on a port, from the kernel's tables. */
  private static Set<String> listeningAddresses(int port) throws IOException {
    Set<String> addresses = new HashSet<>();
    for (String table : List.of("/proc/net/tcp", "/proc/net/tcp6")) {
      Path file = Path.of(table);
      if (!Files.exists(file)) {
        continue;
      }
      try (Stream<String> lines = Files.lines(file)) {
        for (String line : lines.skip(1).toList()) {
          String[] fields = line.trim().split("\\s+");
          String[] local = fields[1].split(":");
          boolean listening = fields[3].equals("0A");
          if (listening && Integer.parseInt(local[1], 16) == port) {
            addresses.add(decode(local[0]));
          }
        }
      }
    }
    return addresses;
  }

  /** Decodes /proc/net/tcp's address: 32-bit words in host (little-endian) byte order. */
  private static String decode(String hex) throws IOException {
    byte[] bytes = new byte[hex.length() / 2];
    for (int word = 0; word < bytes.length / 4; word++) {
      for (int b = 0; b < 4; b++) {
        int at = (word * 4 + 3 - b) * 2;
        bytes[word * 4 + b] = (byte) Integer.parseInt(hex.substring(at, at + 2), 16);
      }
    }
    // An IPv4-mapped IPv6 address (::ffff:127.0.0.1) comes back as the IPv4 address.
    return InetAddress.getByAddress(bytes).getHostAddress();
  }
}
