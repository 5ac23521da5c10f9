package dev.srlstream.actor;

import dev.srlstream.infra.kafka.BrokerConfig;
import dev.srlstream.infra.kafka.EmbeddedKafkaBroker;
import dev.srlstream.infra.kafka.TopicProvisioner;
import dev.srlstream.infra.registry.RegistryConfig;
import dev.srlstream.infra.registry.SchemaRegistryServer;
import dev.srlstream.policy.ByteTokenizer;
import dev.srlstream.policy.ModelConfig;
import dev.srlstream.schemas.TopicSpec;
import dev.srlstream.schemas.Topics;
import dev.srlstream.schemas.avro.RolloutStep;
import dev.srlstream.schemas.avro.StepTask;
import dev.srlstream.schemas.avro.TrainingMode;
import dev.srlstream.schemas.registry.SchemaRegistryClient;
import dev.srlstream.schemas.serde.AvroSerde;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/** The embedded broker and registry of an integration test, with helpers to feed and read. */
final class KafkaFixture implements AutoCloseable {
  /** Small enough that a group of 4 x 48 tokens samples in tens of milliseconds. */
  static final ModelConfig TINY =
      new ModelConfig(ByteTokenizer.VOCAB_SIZE, 16, 1, 2, 256, 32, true);

  static final int GROUP_SIZE = 4;

  final EmbeddedKafkaBroker broker;
  final SchemaRegistryServer registryServer;
  final SchemaRegistryClient registry;

  private KafkaFixture(EmbeddedKafkaBroker broker, SchemaRegistryServer registryServer) {
    this.broker = broker;
    this.registryServer = registryServer;
    this.registry = new SchemaRegistryClient(registryServer.url());
  }

  static KafkaFixture start() {
    EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start(BrokerConfig.ephemeral());
    try {
      return new KafkaFixture(
          broker, SchemaRegistryServer.start(RegistryConfig.kafka(broker.bootstrapServers(), 0)));
    } catch (RuntimeException e) {
      broker.close();
      throw e;
    }
  }

  String bootstrapServers() {
    return broker.bootstrapServers();
  }

  String registryUrl() {
    return registryServer.url();
  }

  @Override
  public void close() {
    registryServer.close();
    broker.close();
  }

  /** The catalogue's actor topics under a prefix of their own, created on the broker. */
  ActorTopics topics(String prefix) {
    ActorTopics topics =
        new ActorTopics(
            prefix + ".tasks",
            prefix + ".rollouts",
            prefix + ".versions",
            prefix + ".dead-letters");
    try (Admin admin = admin()) {
      TopicProvisioner.provision(
          admin,
          List.of(
              renamed(Topics.TASKS, topics.tasks()),
              renamed(Topics.ROLLOUT_STEPS, topics.rolloutSteps()),
              renamed(Topics.POLICY_VERSIONS, topics.policyVersions()),
              renamed(Topics.DEAD_LETTERS, topics.deadLetters())));
    }
    return topics;
  }

  static <V extends SpecificRecord> TopicSpec<V> renamed(TopicSpec<V> t, String name) {
    return new TopicSpec<>(
        name,
        t.valueType(),
        t.keyField(),
        t.partitions(),
        t.cleanupPolicy(),
        t.retention(),
        t.maxMessageBytes());
  }

  Admin admin() {
    return Admin.create(Map.of("bootstrap.servers", broker.bootstrapServers()));
  }

  /**
   * SRL task {@code task-<i>} of instance {@code inst-<i>}, G = {@link #GROUP_SIZE}, for policy
   * {@code it} (the one the ITs' actors sample for).
   */
  static StepTask task(int i, int maxNewTokens) {
    return StepTask.newBuilder()
        .setTaskId("task-" + i)
        .setInstanceId("inst-" + i)
        .setProblemId("problem-" + i)
        .setMode(TrainingMode.SRL)
        .setStepIndex(1)
        .setTotalSteps(3)
        .setQuestion("Compute " + i + " + 4 × 5")
        .setContextSteps(List.of("4 × 5 = 20"))
        .setHint(null)
        .setGroupSize(GROUP_SIZE)
        .setTemperature(1.0f)
        .setMaxNewTokens(maxNewTokens)
        .setSeed(i)
        .setCreatedAt(Instant.now())
        .setPolicyName("it")
        .build();
  }

  static List<StepTask> tasks(int from, int count, int maxNewTokens) {
    List<StepTask> tasks = new ArrayList<>();
    for (int i = from; i < from + count; i++) {
      tasks.add(task(i, maxNewTokens));
    }
    return tasks;
  }

  void produceTasks(String topic, List<StepTask> tasks) {
    AvroSerde<StepTask> serde = new AvroSerde<>(StepTask.class, registry);
    try (KafkaProducer<String, byte[]> producer = producer()) {
      for (StepTask t : tasks) {
        producer.send(new ProducerRecord<>(topic, t.getInstanceId(), serde.serialize(topic, t)));
      }
      producer.flush();
    }
  }

  KafkaProducer<String, byte[]> producer() {
    return new KafkaProducer<>(
        Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers()),
        new StringSerializer(),
        new ByteArraySerializer());
  }

  private KafkaConsumer<byte[], byte[]> rawConsumer() {
    return new KafkaConsumer<>(
        Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers()),
        new ByteArrayDeserializer(),
        new ByteArrayDeserializer());
  }

  private List<TopicPartition> partitions(KafkaConsumer<?, ?> consumer, String topic) {
    return consumer.partitionsFor(topic).stream()
        .map(p -> new TopicPartition(topic, p.partition()))
        .toList();
  }

  /** Every record of a topic now: read from the start to the current end offsets. */
  List<ConsumerRecord<byte[], byte[]>> readToEnd(String topic) {
    Map<TopicPartition, Long> starts;
    Map<TopicPartition, Long> ends;
    try (KafkaConsumer<byte[], byte[]> consumer = rawConsumer()) {
      List<TopicPartition> partitions = partitions(consumer, topic);
      starts = consumer.beginningOffsets(partitions);
      ends = consumer.endOffsets(partitions);
    }
    return readAll(
        topic,
        records -> {
          Map<TopicPartition, Long> next = new HashMap<>();
          records.forEach(
              r -> next.put(new TopicPartition(r.topic(), r.partition()), r.offset() + 1));
          return ends.entrySet().stream()
              .allMatch(e -> next.getOrDefault(e.getKey(), starts.get(e.getKey())) >= e.getValue());
        });
  }

  /** Every record of a topic, read from the start until {@code done} holds (or 90 s). */
  List<ConsumerRecord<byte[], byte[]>> readAll(
      String topic, Predicate<List<ConsumerRecord<byte[], byte[]>>> done) {
    List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();
    try (KafkaConsumer<byte[], byte[]> consumer = rawConsumer()) {
      List<TopicPartition> partitions = partitions(consumer, topic);
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
      while (!done.test(records) && System.nanoTime() < deadline) {
        consumer.poll(Duration.ofMillis(200)).forEach(records::add);
      }
      // A moment more, to see anything beyond what was expected (a duplicate would show here).
      for (int i = 0; i < 3; i++) {
        consumer.poll(Duration.ofMillis(200)).forEach(records::add);
      }
    }
    return records;
  }

  List<RolloutStep> rollouts(String topic, Predicate<List<RolloutStep>> done) {
    AvroSerde<RolloutStep> serde = new AvroSerde<>(RolloutStep.class, registry);
    return decode(readAll(topic, rs -> done.test(decode(rs, serde, topic))), serde, topic);
  }

  static <V extends SpecificRecord> List<V> decode(
      List<ConsumerRecord<byte[], byte[]>> records, AvroSerde<V> serde, String topic) {
    return records.stream()
        .filter(r -> r.value() != null)
        .map(r -> serde.deserialize(topic, r.value()))
        .toList();
  }

  /** The task ids that have a complete group (all G rollout indices) among {@code steps}. */
  static Set<String> completeTasks(List<RolloutStep> steps, Predicate<RolloutStep> which) {
    Map<String, Set<Integer>> indices = new HashMap<>();
    Map<String, String> taskOf = new HashMap<>();
    for (RolloutStep s : steps) {
      if (which.test(s)) {
        indices.computeIfAbsent(s.getGroupId(), g -> new HashSet<>()).add(s.getRolloutIndex());
        taskOf.put(s.getGroupId(), s.getTaskId());
      }
    }
    return indices.entrySet().stream()
        .filter(e -> e.getValue().size() == GROUP_SIZE)
        .map(e -> taskOf.get(e.getKey()))
        .collect(Collectors.toSet());
  }

  /** The group's committed offsets. */
  Map<TopicPartition, Long> committed(String groupId) throws Exception {
    try (Admin admin = admin()) {
      Map<TopicPartition, OffsetAndMetadata> offsets =
          admin.listConsumerGroupOffsets(groupId).partitionsToOffsetAndMetadata().get();
      Map<TopicPartition, Long> out = new HashMap<>();
      offsets.forEach((p, o) -> out.put(p, o == null ? 0L : o.offset()));
      return out;
    }
  }

  /**
   * For every partition of {@code topic}: the group's committed offset, or the log start when the
   * group never committed one (then nothing of it was consumed).
   */
  Map<TopicPartition, Long> committedOrStart(String groupId, String topic) throws Exception {
    Map<TopicPartition, Long> committed = committed(groupId);
    try (KafkaConsumer<byte[], byte[]> consumer = rawConsumer()) {
      Map<TopicPartition, Long> out = new HashMap<>();
      consumer
          .beginningOffsets(partitions(consumer, topic))
          .forEach((p, start) -> out.put(p, committed.getOrDefault(p, start)));
      return out;
    }
  }

  Map<TopicPartition, Long> endOffsets(String topic) {
    try (KafkaConsumer<byte[], byte[]> consumer = rawConsumer()) {
      return consumer.endOffsets(partitions(consumer, topic));
    }
  }
}
