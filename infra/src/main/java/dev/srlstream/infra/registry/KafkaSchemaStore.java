package dev.srlstream.infra.registry;

import dev.srlstream.infra.kafka.TopicProvisioner;
import dev.srlstream.schemas.AdminSettings;
import dev.srlstream.schemas.WarmupRecords;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link SchemaStore} on a compacted Kafka topic ({@code _schemas} by default), in Confluent's
 * record format, so the registry keeps no state of its own and a restarted registry serves the same
 * ids.
 *
 * <p>{@link #open} creates the topic if it is missing (1 partition, {@code cleanup.policy=compact})
 * through the {@link TopicProvisioner}, which also writes a warm-up record against KAFKA-15591.
 * {@link #append} is a synchronous send with {@code acks=all}. {@link #replay} reads the topic from
 * the beginning to its end offset at the time of the call, skipping the warm-up record, tombstones
 * of anything but a config, and records it cannot decode (logged).
 *
 * <p>One registry writes to a topic at a time: there is no leader election between registries.
 */
public final class KafkaSchemaStore implements SchemaStore {

  private static final Logger LOG = LoggerFactory.getLogger(KafkaSchemaStore.class);
  private static final Duration TIMEOUT = Duration.ofSeconds(60);

  private final String bootstrapServers;
  private final Map<String, String> clientConfig;
  private final String topic;
  private final KafkaProducer<byte[], byte[]> producer;

  private KafkaSchemaStore(
      String bootstrapServers, Map<String, String> clientConfig, String topic) {
    this.bootstrapServers = bootstrapServers;
    this.clientConfig = Map.copyOf(clientConfig);
    this.topic = topic;
    Properties props = new Properties();
    props.putAll(this.clientConfig);
    props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    props.put(ProducerConfig.CLIENT_ID_CONFIG, "srl-schema-registry");
    props.put(ProducerConfig.ACKS_CONFIG, "all");
    // Non-idempotent with one request in flight: every write is one synchronous send, so order is
    // kept, and this producer shape is not exposed to KAFKA-15591 (idempotent producers losing
    // records right after a topic is created; see PLATFORM-NOTES.md). A duplicate left by a retry
    // is harmless: applying an entry twice changes nothing.
    props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, false);
    props.put(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, 1);
    props.put(ProducerConfig.LINGER_MS_CONFIG, 0);
    // An HTTP caller waits for the write: fail within half a minute rather than the default two.
    props.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 30_000);
    props.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 15_000);
    props.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 30_000);
    this.producer =
        new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer());
  }

  /**
   * Connects to a cluster and makes sure the topic exists (creating it compacted with one
   * partition). Blocking.
   */
  public static KafkaSchemaStore open(String bootstrapServers, String topic) {
    return open(bootstrapServers, Map.of(), topic);
  }

  /**
   * As {@link #open(String, String)}, with further client settings (security) for every client the
   * store makes.
   */
  public static KafkaSchemaStore open(
      String bootstrapServers, Map<String, String> clientConfig, String topic) {
    Objects.requireNonNull(bootstrapServers, "bootstrapServers");
    Objects.requireNonNull(topic, "topic");
    ensureTopic(bootstrapServers, clientConfig, topic);
    return new KafkaSchemaStore(bootstrapServers, clientConfig, topic);
  }

  /** The topic this store reads and writes. */
  public String topic() {
    return topic;
  }

  @Override
  public List<StoreEntry> replay() {
    Properties props = new Properties();
    props.putAll(clientConfig);
    props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    props.put(ConsumerConfig.CLIENT_ID_CONFIG, "srl-schema-registry-replay");
    props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    try (KafkaConsumer<byte[], byte[]> consumer =
        new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
      long deadline = System.nanoTime() + TIMEOUT.toNanos();
      List<TopicPartition> partitions = partitions(consumer, deadline);
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      Map<TopicPartition, Long> end = consumer.endOffsets(partitions, TIMEOUT);
      List<StoreEntry> entries = new ArrayList<>();
      while (!caughtUp(consumer, end)) {
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException(
              "could not read topic "
                  + topic
                  + " to its end offsets "
                  + end
                  + " within "
                  + TIMEOUT);
        }
        for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(200))) {
          decode(record).ifPresent(entries::add);
        }
      }
      LOG.info("replayed {} entries from {} (end offsets {})", entries.size(), topic, end);
      return entries;
    }
  }

  @Override
  public void append(StoreEntry entry) {
    StoreCodec.Record record = StoreCodec.encode(entry);
    try {
      producer.send(new ProducerRecord<>(topic, 0, record.key(), record.value())).get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while writing to " + topic, e);
    } catch (ExecutionException e) {
      throw new IllegalStateException(
          "could not write to " + topic + ": " + e.getCause().getMessage(), e.getCause());
    }
  }

  @Override
  public void close() {
    producer.close(Duration.ofSeconds(5));
  }

  private Optional<StoreEntry> decode(ConsumerRecord<byte[], byte[]> record) {
    byte[] key = record.key();
    if (key == null
        || WarmupRecords.isWarmup(record.headers())
        || new String(key, StandardCharsets.UTF_8).equals(WarmupRecords.KEY)) {
      return Optional.empty();
    }
    try {
      return StoreCodec.decode(key, record.value());
    } catch (RuntimeException e) {
      LOG.warn(
          "skipping undecodable record at {}-{} offset {}: {}",
          record.topic(),
          record.partition(),
          record.offset(),
          e.getMessage());
      return Optional.empty();
    }
  }

  /**
   * The topic's partition, waiting for it to show in the metadata (a topic created a moment ago may
   * not yet). The log order is the registry's history, so the topic must have one partition.
   */
  private List<TopicPartition> partitions(KafkaConsumer<byte[], byte[]> consumer, long deadline) {
    while (true) {
      List<TopicPartition> partitions =
          consumer.partitionsFor(topic, TIMEOUT).stream()
              .map(p -> new TopicPartition(p.topic(), p.partition()))
              .toList();
      if (partitions.size() == 1) {
        return partitions;
      }
      if (partitions.size() > 1) {
        throw new IllegalStateException(
            "topic " + topic + " must have exactly 1 partition, but has " + partitions.size());
      }
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException(
            "topic "
                + topic
                + " is not in the metadata of "
                + bootstrapServers
                + " after "
                + TIMEOUT);
      }
      sleep(100);
    }
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }

  private static boolean caughtUp(
      KafkaConsumer<byte[], byte[]> consumer, Map<TopicPartition, Long> end) {
    return end.entrySet().stream()
        .allMatch(e -> consumer.position(e.getKey(), TIMEOUT) >= e.getValue());
  }

  /**
   * Creates the topic (compacted, one partition) if it is missing. The provisioner also writes the
   * warm-up record that works around KAFKA-15591 (see PLATFORM-NOTES.md); {@link #replay} skips it.
   */
  private static void ensureTopic(
      String bootstrapServers, Map<String, String> clientConfig, String topic) {
    try (Admin admin = Admin.create(AdminSettings.of(bootstrapServers, clientConfig))) {
      if (TopicProvisioner.ensureCompactedTopic(
          admin, topic, TopicProvisioner.CLUSTER_DEFAULT, Map.copyOf(clientConfig))) {
        LOG.info("created compacted topic {}", topic);
      }
    }
  }
}
