package dev.srlstream.learner;

import dev.srlstream.schemas.Topics;
import dev.srlstream.schemas.WarmupRecords;
import dev.srlstream.schemas.avro.PolicyVersion;
import dev.srlstream.schemas.serde.AvroSerde;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/** Reads the last committed version of a policy from {@code srl.policy-versions}. */
final class PolicyVersions {
  private PolicyVersions() {}

  /**
   * The latest committed version of a policy: reads the (single-partition, compacted) topic from
   * the start to its end with {@code read_committed}, so an aborted version is never seen.
   */
  static Optional<PolicyVersion> latest(
      String bootstrapServers, String policyName, AvroSerde<PolicyVersion> serde) {
    return latest(bootstrapServers, Map.of(), policyName, serde);
  }

  /**
   * Every committed version of a policy still on the topic, by version (the newest record of a
   * version if it was published twice). A compacted topic keeps only the newest record of each key
   * once the cleaner has run, so older versions may be gone.
   *
   * @param clientConfig further client settings (security)
   */
  static NavigableMap<Long, PolicyVersion> all(
      String bootstrapServers,
      Map<String, Object> clientConfig,
      String policyName,
      AvroSerde<PolicyVersion> serde) {
    NavigableMap<Long, PolicyVersion> versions = new TreeMap<>();
    read(bootstrapServers, clientConfig, policyName, serde, v -> versions.put(v.getVersion(), v));
    return versions;
  }

  /**
   * @param clientConfig further client settings (security), as the learner's own clients have
   */
  static Optional<PolicyVersion> latest(
      String bootstrapServers,
      Map<String, Object> clientConfig,
      String policyName,
      AvroSerde<PolicyVersion> serde) {
    PolicyVersion[] latest = new PolicyVersion[1];
    read(
        bootstrapServers,
        clientConfig,
        policyName,
        serde,
        v -> {
          if (latest[0] == null || v.getVersion() >= latest[0].getVersion()) {
            latest[0] = v;
          }
        });
    return Optional.ofNullable(latest[0]);
  }

  private static void read(
      String bootstrapServers,
      Map<String, Object> clientConfig,
      String policyName,
      AvroSerde<PolicyVersion> serde,
      Consumer<PolicyVersion> sink) {
    TopicPartition partition = new TopicPartition(Topics.POLICY_VERSIONS.name(), 0);
    Map<String, Object> config = new HashMap<>(clientConfig);
    config.remove(ConsumerConfig.GROUP_ID_CONFIG); // assigned, not subscribed: no group
    config.remove(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG);
    config.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    try (KafkaConsumer<byte[], byte[]> consumer =
        new KafkaConsumer<>(config, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
      consumer.assign(List.of(partition));
      consumer.seekToBeginning(List.of(partition));
      // With read_committed, the end offset is the last stable offset: everything before it is
      // decided, so reading up to it sees every committed version.
      long end = consumer.endOffsets(List.of(partition)).get(partition);
      while (consumer.position(partition) < end) {
        for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(500))) {
          if (record.value() == null
              || WarmupRecords.isWarmup(record.headers())
              || record.key() == null
              || !policyName.equals(new String(record.key(), StandardCharsets.UTF_8))) {
            continue;
          }
          sink.accept(serde.deserialize(record.topic(), record.value()));
        }
      }
    }
  }
}
