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
import java.util.Optional;
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
   * @param clientConfig further client settings (security), as the learner's own clients have
   */
  static Optional<PolicyVersion> latest(
      String bootstrapServers,
      Map<String, Object> clientConfig,
      String policyName,
      AvroSerde<PolicyVersion> serde) {
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
      PolicyVersion latest = null;
      while (consumer.position(partition) < end) {
        for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(500))) {
          if (record.value() == null
              || WarmupRecords.isWarmup(record.headers())
              || record.key() == null
              || !policyName.equals(new String(record.key(), StandardCharsets.UTF_8))) {
            continue;
          }
          PolicyVersion v = serde.deserialize(record.topic(), record.value());
          if (latest == null || v.getVersion() >= latest.getVersion()) {
            latest = v;
          }
        }
      }
      return Optional.ofNullable(latest);
    }
  }
}
