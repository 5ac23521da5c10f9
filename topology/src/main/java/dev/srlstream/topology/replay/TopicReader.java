package dev.srlstream.topology.replay;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.srlstream.schemas.WarmupRecords;
import dev.srlstream.schemas.registry.SchemaRegistry;
import dev.srlstream.schemas.serde.WireFormat;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import java.util.function.Predicate;
import org.apache.avro.AvroRuntimeException;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;

/**
 * Reads one topic's records as JSON lines, decoded with each record's writer schema from the
 * registry (Confluent wire format). Assigns every partition itself (no consumer group, nothing
 * committed), starts where {@link Start} says and, unless following, stops at the end each
 * partition had when the read began.
 */
public final class TopicReader {

  /** Where the read starts in each partition. */
  public sealed interface Start {
    /** The first record of every partition. */
    record Beginning() implements Start {}

    /** One partition from one offset; the topic's other partitions are not read. */
    record AtOffset(int partition, long offset) implements Start {}

    /** Every partition from its first record at or after {@code time}. */
    record AtTime(Instant time) implements Start {}

    /** The last {@code count} records of every partition. */
    record Last(long count) implements Start {}
  }

  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  private final Consumer<byte[], byte[]> consumer;
  private final SchemaRegistry registry;
  private final Map<Integer, GenericDatumReader<Object>> readers = new HashMap<>();

  /**
   * @param consumer a consumer with byte-array deserializers, read_committed, no group needed
   */
  public TopicReader(Consumer<byte[], byte[]> consumer, SchemaRegistry registry) {
    this.consumer = consumer;
    this.registry = registry;
  }

  /**
   * Reads {@code topic} and gives each record that passes {@code filter} to {@code sink}, until
   * {@code limit} records were given (0: no limit), the end is reached (unless {@code follow}), a
   * record is past {@code until} (null: none), or {@code stop} says so.
   *
   * @return how many records were given to the sink
   * @throws IllegalArgumentException if the topic does not exist or the start names no partition
   */
  public long read(
      String topic,
      Start start,
      Instant until,
      boolean follow,
      long limit,
      Predicate<ObjectNode> filter,
      java.util.function.Consumer<ObjectNode> sink,
      BooleanSupplier stop) {
    List<TopicPartition> partitions = partitions(topic, start);
    consumer.assign(partitions);
    seek(partitions, start);
    Map<TopicPartition, Long> ends = new HashMap<>(consumer.endOffsets(partitions));
    long given = 0;
    while (!stop.getAsBoolean()) {
      if (!follow
          && ends.entrySet().stream()
              .allMatch(e -> consumer.position(e.getKey()) >= e.getValue())) {
        return given;
      }
      for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(200))) {
        if (WarmupRecords.isWarmup(record.headers())) {
          continue; // the provisioner's, not data (a tombstone on compacted topics)
        }
        if (until != null && record.timestamp() > until.toEpochMilli()) {
          consumer.pause(List.of(new TopicPartition(record.topic(), record.partition())));
          ends.remove(new TopicPartition(record.topic(), record.partition()));
          continue;
        }
        ObjectNode line = line(record);
        if (filter.test(line)) {
          sink.accept(line);
          if (++given == limit) {
            return given;
          }
        }
      }
    }
    return given;
  }

  private List<TopicPartition> partitions(String topic, Start start) {
    List<PartitionInfo> infos = consumer.partitionsFor(topic, Duration.ofSeconds(30));
    if (infos == null || infos.isEmpty()) {
      throw new IllegalArgumentException("topic " + topic + " does not exist");
    }
    List<TopicPartition> partitions = new ArrayList<>();
    for (PartitionInfo info : infos) {
      partitions.add(new TopicPartition(topic, info.partition()));
    }
    if (start instanceof Start.AtOffset at) {
      TopicPartition one = new TopicPartition(topic, at.partition());
      if (!partitions.contains(one)) {
        throw new IllegalArgumentException(
            "--from-offset partition must be 0.."
                + (partitions.size() - 1)
                + " of "
                + topic
                + ", but was "
                + at.partition());
      }
      return List.of(one);
    }
    return partitions;
  }

  private void seek(List<TopicPartition> partitions, Start start) {
    if (start instanceof Start.AtOffset at) {
      consumer.seek(partitions.get(0), at.offset());
    } else if (start instanceof Start.AtTime at) {
      Map<TopicPartition, Long> query = new HashMap<>();
      partitions.forEach(p -> query.put(p, at.time().toEpochMilli()));
      Map<TopicPartition, OffsetAndTimestamp> found = consumer.offsetsForTimes(query);
      Map<TopicPartition, Long> ends = consumer.endOffsets(partitions);
      for (TopicPartition p : partitions) {
        OffsetAndTimestamp offset = found.get(p);
        consumer.seek(p, offset == null ? ends.get(p) : offset.offset());
      }
    } else if (start instanceof Start.Last last) {
      Map<TopicPartition, Long> begins = consumer.beginningOffsets(partitions);
      Map<TopicPartition, Long> ends = consumer.endOffsets(partitions);
      for (TopicPartition p : partitions) {
        consumer.seek(p, Math.max(begins.get(p), ends.get(p) - last.count()));
      }
    } else {
      consumer.seekToBeginning(partitions);
    }
  }

  /** One record as a JSON line: coordinates, key, schema id and the decoded value. */
  ObjectNode line(ConsumerRecord<byte[], byte[]> record) {
    ObjectNode line = NODES.objectNode();
    line.put("topic", record.topic());
    line.put("partition", record.partition());
    line.put("offset", record.offset());
    line.put("timestamp", Instant.ofEpochMilli(record.timestamp()).toString());
    line.put("key", record.key() == null ? null : new String(record.key(), StandardCharsets.UTF_8));
    byte[] value = record.value();
    if (value == null) {
      line.putNull("value");
      return line;
    }
    try {
      int schemaId = WireFormat.schemaId(value, record.topic());
      line.put("schema_id", schemaId);
      line.set("value", decode(schemaId, value));
    } catch (RuntimeException e) {
      line.putNull("value");
      line.put("error", "not decodable: " + e.getMessage());
      line.put("value_base64", Base64.getEncoder().encodeToString(value));
    }
    return line;
  }

  private JsonNode decode(int schemaId, byte[] value) {
    GenericDatumReader<Object> reader =
        readers.computeIfAbsent(schemaId, id -> new GenericDatumReader<>(registry.schemaById(id)));
    Schema schema = reader.getSchema();
    BinaryDecoder decoder =
        DecoderFactory.get()
            .binaryDecoder(
                value, WireFormat.HEADER_SIZE, value.length - WireFormat.HEADER_SIZE, null);
    try {
      Object datum = reader.read(null, decoder);
      if (!decoder.isEnd()) {
        throw new IllegalStateException("bytes left over after the record");
      }
      return AvroJson.of(datum, schema);
    } catch (IOException | AvroRuntimeException e) {
      throw new IllegalStateException(e.getMessage(), e);
    }
  }
}
