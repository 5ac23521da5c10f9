package dev.srlstream.infra.kafka;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.srlstream.schemas.TopicSpec;
import dev.srlstream.schemas.TopicSpec.CleanupPolicy;
import dev.srlstream.schemas.Topics;
import dev.srlstream.schemas.WarmupRecords;
import dev.srlstream.schemas.avro.StepTask;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigResource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/** One embedded broker for the whole class; {@link #created} is the first provisioning's result. */
class TopicProvisionerIT {

  private static EmbeddedKafkaBroker broker;
  private static Admin admin;
  private static List<String> created;

  @BeforeAll
  static void startBrokerAndProvision() {
    broker = EmbeddedKafkaBroker.start(BrokerConfig.ephemeral());
    admin = TestClients.admin(broker);
    created = TopicProvisioner.provision(admin, Topics.ALL);
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
  void createsEveryCatalogueTopicInCatalogueOrder() {
    assertThat(created)
        .containsExactlyElementsOf(Topics.ALL.stream().map(TopicSpec::name).toList());
  }

  @Test
  void topicsHaveTheCataloguePartitionsAndConfig() throws Exception {
    List<String> names = Topics.ALL.stream().map(TopicSpec::name).toList();
    Map<String, TopicDescription> descriptions = admin.describeTopics(names).allTopicNames().get();
    List<ConfigResource> resources =
        names.stream().map(n -> new ConfigResource(ConfigResource.Type.TOPIC, n)).toList();
    Map<ConfigResource, Config> configs = admin.describeConfigs(resources).all().get();

    for (TopicSpec<?> spec : Topics.ALL) {
      assertThat(descriptions.get(spec.name()).partitions())
          .as(spec.name())
          .hasSize(spec.partitions());
      descriptions
          .get(spec.name())
          .partitions()
          .forEach(p -> assertThat(p.replicas()).as(spec.name()).hasSize(1));
      Config config = configs.get(new ConfigResource(ConfigResource.Type.TOPIC, spec.name()));
      assertThat(config.get("cleanup.policy").value())
          .as(spec.name())
          .isEqualTo(spec.cleanupPolicy().configValue());
      assertThat(config.get("max.message.bytes").value())
          .as(spec.name())
          .isEqualTo(Integer.toString(spec.maxMessageBytes()));
      assertThat(config.get("retention.ms").value())
          .as(spec.name())
          .isEqualTo(spec.topicConfig().get("retention.ms"));
      assertThat(config.get(spec.retentionConfig()).value())
          .as(spec.name())
          .isEqualTo(spec.topicConfig().get(spec.retentionConfig()));
    }
    assertThat(
            configs
                .get(resources.get(names.indexOf(Topics.POLICY_VERSIONS.name())))
                .get("max.message.bytes")
                .value())
        .isEqualTo(Integer.toString(64 * 1024 * 1024));
  }

  @Test
  void provisioningAgainCreatesNothingAndWritesNoSecondWarmup() throws Exception {
    TopicPartition compacted = new TopicPartition(Topics.POLICY_VERSIONS.name(), 0);
    long endBefore = offsets(List.of(compacted), OffsetSpec.latest()).get(compacted);

    assertThat(TopicProvisioner.provision(admin, Topics.ALL)).isEmpty();
    assertThat(TopicProvisioner.provision(admin, Topics.ALL, (short) 1, Map.of())).isEmpty();

    assertThat(offsets(List.of(compacted), OffsetSpec.latest()).get(compacted))
        .isEqualTo(endBefore);
  }

  @Test
  void deletePolicyTopicsStartAfterTheWarmupRecords() throws Exception {
    for (TopicSpec<?> spec : Topics.ALL) {
      if (spec.cleanupPolicy() != CleanupPolicy.DELETE) {
        continue;
      }
      List<TopicPartition> partitions = TestClients.partitions(spec.name(), spec.partitions());
      // Exactly two warm-up records per partition were written (offsets 0 and 1) and deleted.
      assertThat(offsets(partitions, OffsetSpec.earliest()).values())
          .as(spec.name())
          .containsOnly(2L);
    }
  }

  @Test
  void consumersOfADeletePolicyTopicNeverSeeTheWarmup() throws Exception {
    String topic = Topics.DEAD_LETTERS.name();
    try (Producer<String, byte[]> producer = TestClients.producer(broker, Map.of())) {
      producer.send(new ProducerRecord<>(topic, "srl.tasks", "poison".getBytes(UTF_8))).get();
    }

    try (Consumer<String, byte[]> consumer = TestClients.consumer(broker, Map.of())) {
      List<ConsumerRecord<String, byte[]>> records =
          TestClients.readAll(consumer, TestClients.partitions(topic, 1));

      assertThat(records).hasSize(1);
      assertThat(records.get(0).key()).isEqualTo("srl.tasks");
      assertThat(WarmupRecords.isWarmup(records.get(0).headers())).isFalse();
    }
  }

  @Test
  void compactedTopicsKeepTwoMarkedWarmupTombstonesInEveryPartition() {
    TopicSpec<?> spec = Topics.EXPERT_STEPS;
    try (Consumer<String, byte[]> consumer = TestClients.consumer(broker, Map.of())) {
      List<ConsumerRecord<String, byte[]>> records =
          TestClients.readAll(consumer, TestClients.partitions(spec.name(), spec.partitions()));

      assertThat(records).hasSize(2 * spec.partitions());
      for (int p = 0; p < spec.partitions(); p++) {
        int partition = p;
        assertThat(records.stream().filter(r -> r.partition() == partition))
            .extracting(ConsumerRecord::offset)
            .containsExactly(0L, 1L);
      }
      for (ConsumerRecord<String, byte[]> r : records) {
        assertThat(r.key()).isEqualTo(WarmupRecords.KEY);
        assertThat(r.value()).isNull();
        assertThat(WarmupRecords.isWarmup(r.headers())).isTrue();
      }
    }
  }

  @Test
  void theWarmupWritesEveryPartitionsFirstIndexEntry() throws Exception {
    // An offset-index entry is 4 bytes of offset relative to the segment's base offset and 4 of
    // file position; a preallocated index holds zeros until its first entry. The padded first
    // warm-up record takes the partition past index.interval.bytes, so the second one's append
    // writes the entry (relative offset 1, at the position after the first record's batch).
    for (TopicSpec<?> spec : List.of(Topics.ROLLOUT_STEPS, Topics.EXPERT_STEPS)) {
      for (int p = 0; p < spec.partitions(); p++) {
        Path index =
            broker.dataDir().resolve(spec.name() + "-" + p).resolve("00000000000000000000.index");
        ByteBuffer firstEntry = ByteBuffer.wrap(Files.readAllBytes(index), 0, 8);

        assertThat(firstEntry.getInt()).as(index.toString()).isEqualTo(1);
        assertThat(firstEntry.getInt())
            .as(index.toString())
            .isGreaterThan(TopicProvisioner.WARMUP_PADDING_BYTES);
      }
    }
  }

  @Test
  void ensureCompactedTopicCreatesAOnePartitionCompactedTopicOnce() throws Exception {
    String name = "_schemas";

    assertThat(TopicProvisioner.ensureCompactedTopic(admin, name)).isTrue();
    assertThat(TopicProvisioner.ensureCompactedTopic(admin, name)).isFalse();

    assertThat(admin.describeTopics(List.of(name)).allTopicNames().get().get(name).partitions())
        .hasSize(1);
    ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, name);
    assertThat(
            admin
                .describeConfigs(List.of(resource))
                .all()
                .get()
                .get(resource)
                .get("cleanup.policy")
                .value())
        .isEqualTo("compact");
    try (Consumer<String, byte[]> consumer = TestClients.consumer(broker, Map.of())) {
      List<ConsumerRecord<String, byte[]>> records =
          TestClients.readAll(consumer, TestClients.partitions(name, 1));
      assertThat(records).hasSize(2);
      assertThat(records).allSatisfy(r -> assertThat(WarmupRecords.isWarmup(r.headers())).isTrue());
    }
  }

  @Test
  void anExistingTopicWithOtherPartitionsIsReportedNotChanged() throws Exception {
    String name = "it.partition-mismatch";
    admin.createTopics(List.of(new NewTopic(name, 2, (short) 1))).all().get();
    TopicSpec<StepTask> wanted =
        new TopicSpec<>(
            name,
            StepTask.class,
            "instance_id",
            3,
            CleanupPolicy.DELETE,
            Duration.ofHours(1),
            TopicSpec.DEFAULT_MAX_MESSAGE_BYTES);
    Logger logger = (Logger) LoggerFactory.getLogger(TopicProvisioner.class);
    ListAppender<ILoggingEvent> appender = new ListAppender<>();
    appender.start();
    logger.addAppender(appender);
    try {
      assertThat(TopicProvisioner.provision(admin, List.of(wanted))).isEmpty();
    } finally {
      logger.detachAppender(appender);
    }

    assertThat(admin.describeTopics(List.of(name)).allTopicNames().get().get(name).partitions())
        .hasSize(2);
    assertThat(appender.list)
        .filteredOn(e -> e.getLevel() == Level.WARN)
        .extracting(ILoggingEvent::getFormattedMessage)
        .containsExactly(
            "Topic it.partition-mismatch exists with 2 partitions, but the catalogue asks for 3;"
                + " left unchanged");
  }

  @Test
  void aReplicationFactorTheClusterCannotMeetFailsClearly() {
    TopicSpec<StepTask> spec = Topics.TASKS.withPartitions(1);
    TopicSpec<StepTask> renamed =
        new TopicSpec<>(
            "it.needs-two-brokers",
            spec.valueType(),
            spec.keyField(),
            1,
            spec.cleanupPolicy(),
            spec.retention(),
            spec.maxMessageBytes());

    assertThatThrownBy(() -> TopicProvisioner.provision(admin, List.of(renamed), (short) 2))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageStartingWith("creating topic it.needs-two-brokers failed");
    assertThatThrownBy(() -> TopicProvisioner.provision(admin, List.of(renamed), (short) 0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("replicationFactor must be >= 1, but was 0");
  }

  @Test
  void rejectsTheSameTopicTwice() {
    assertThatThrownBy(() -> TopicProvisioner.provision(admin, List.of(Topics.TASKS, Topics.TASKS)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("topic names must be unique, but 'srl.tasks' was given twice");
  }

  private static Map<TopicPartition, Long> offsets(List<TopicPartition> partitions, OffsetSpec spec)
      throws Exception {
    Map<TopicPartition, OffsetSpec> request =
        partitions.stream().collect(Collectors.toMap(tp -> tp, tp -> spec));
    return admin.listOffsets(request).all().get().entrySet().stream()
        .collect(Collectors.toMap(Map.Entry::getKey, e -> e.getValue().offset()));
  }

  /**
   * The policy versions stay bounded: every version supersedes the last, and with segments sized
   * for one record, compaction removes the superseded ones (with Kafka's 1 GiB segments they all
   * stayed in the active segment, and the topic only grew).
   */
  @Test
  void policyVersionsAreCompactedToAboutTheNewest() throws Exception {
    String topic = Topics.POLICY_VERSIONS.name();
    TopicPartition partition = new TopicPartition(topic, 0);
    byte[] version = new byte[8 * 1024 * 1024];
    int versions = 20; // 160 MiB: more than two segments
    try (Producer<String, byte[]> producer =
        TestClients.producer(
            broker,
            Map.of(
                "max.request.size",
                Topics.POLICY_VERSION_MAX_BYTES,
                "buffer.memory",
                2L * Topics.POLICY_VERSION_MAX_BYTES))) {
      for (int i = 0; i < versions; i++) {
        version[0] = (byte) i;
        producer.send(new ProducerRecord<>(topic, "policy-a", version)).get();
      }
    }
    long written = (long) versions * version.length;
    long segment = Integer.parseInt(Topics.POLICY_VERSIONS.topicConfig().get("segment.bytes"));
    long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
    long size;
    do {
      Thread.sleep(500);
      size =
          admin
              .describeLogDirs(List.of(EmbeddedKafkaBroker.NODE_ID))
              .allDescriptions()
              .get()
              .get(EmbeddedKafkaBroker.NODE_ID)
              .values()
              .stream()
              .mapToLong(
                  d -> {
                    var info = d.replicaInfos().get(partition);
                    return info == null ? 0 : info.size();
                  })
              .sum();
    } while (size > segment && System.nanoTime() < deadline);
    assertThat(size).as("bytes on disk of %d written", written).isLessThanOrEqualTo(segment);
  }
}
