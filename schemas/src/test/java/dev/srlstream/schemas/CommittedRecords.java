package dev.srlstream.schemas;

import dev.srlstream.schemas.registry.SchemaRegistry;
import dev.srlstream.schemas.serde.AvroSerde;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;

/** For integration tests: every committed record of a catalogue topic, as it is now. */
public final class CommittedRecords {

  private CommittedRecords() {}

  /**
   * The committed values of {@code topic} (tombstones left out), partition by partition, up to the
   * end offsets at the time of the call.
   */
  public static <V extends SpecificRecord> List<V> of(
      String bootstrapServers, SchemaRegistry registry, TopicSpec<V> topic) {
    return records(bootstrapServers, registry, topic).stream().map(ConsumerRecord::value).toList();
  }

  /** The same records with their keys, coordinates and timestamps. */
  public static <V extends SpecificRecord> List<ConsumerRecord<String, V>> records(
      String bootstrapServers, SchemaRegistry registry, TopicSpec<V> topic) {
    List<ConsumerRecord<String, V>> values = new ArrayList<>();
    try (KafkaConsumer<String, V> consumer =
        new KafkaConsumer<>(
            Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                bootstrapServers,
                ConsumerConfig.ISOLATION_LEVEL_CONFIG,
                "read_committed"),
            new StringDeserializer(),
            AvroSerde.forTopic(topic, registry).deserializer())) {
      List<TopicPartition> partitions =
          consumer.partitionsFor(topic.name()).stream()
              .map(p -> new TopicPartition(p.topic(), p.partition()))
              .toList();
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      Map<TopicPartition, Long> ends = consumer.endOffsets(partitions);
      while (partitions.stream().anyMatch(tp -> consumer.position(tp) < ends.get(tp))) {
        consumer
            .poll(Duration.ofMillis(200))
            .forEach(
                r -> {
                  if (r.value() != null) {
                    values.add(r);
                  }
                });
      }
    }
    return values;
  }
}
