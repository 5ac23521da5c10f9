package dev.srlstream.topology.replay;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.srlstream.schemas.Topics;
import dev.srlstream.schemas.WarmupRecords;
import dev.srlstream.schemas.registry.SchemaRegistry;
import dev.srlstream.schemas.serde.WireFormat;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BooleanSupplier;
import java.util.function.IntPredicate;
import java.util.function.Predicate;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.utils.Utils;

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

  /** The full name of the dead letters' record type, whose original bytes are decoded too. */
  static final String DEAD_LETTER_TYPE = "dev.srlstream.schemas.avro.DeadLetter";

  /** Records read back from a partition's end to find its last record's time. */
  private static final int TAIL_WINDOW = 32;

  private final Consumer<byte[], byte[]> consumer;
  private final java.util.function.Consumer<String> notes;
  private final WireDecoder decoder;

  /**
   * @param consumer a consumer with byte-array deserializers, read_committed, no group needed
   */
  public TopicReader(Consumer<byte[], byte[]> consumer, SchemaRegistry registry) {
    this(consumer, registry, note -> {}, Set.of());
  }

  /**
   * @param consumer a consumer with byte-array deserializers, read_committed, no group needed
   * @param notes where notes for the user go (e.g. that a start time is before the earliest record)
   * @param omitted top-level fields left out of every decoded value (e.g. a policy version's {@code
   *     weights}); Avro skips their bytes without decoding them
   */
  public TopicReader(
      Consumer<byte[], byte[]> consumer,
      SchemaRegistry registry,
      java.util.function.Consumer<String> notes,
      Set<String> omitted) {
    this.consumer = consumer;
    this.notes = notes;
    this.decoder = new WireDecoder(registry, omitted);
  }

  /** The partition Kafka's default partitioner puts {@code key} in (murmur2 of its UTF-8). */
  public static int partitionOf(String key, int partitions) {
    return Utils.toPositive(Utils.murmur2(key.getBytes(StandardCharsets.UTF_8))) % partitions;
  }

  /** How many partitions {@code topic} has; fails like a read when it does not exist. */
  public int partitionCount(String topic) {
    return infos(topic).size();
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
    return read(topic, p -> true, start, until, follow, limit, filter, sink, stop);
  }

  /**
   * As {@link #read(String, Start, Instant, boolean, long, Predicate, java.util.function.Consumer,
   * BooleanSupplier)}, reading only the partitions {@code partitionsRead} accepts (e.g. the one a
   * key hashes to).
   */
  public long read(
      String topic,
      IntPredicate partitionsRead,
      Start start,
      Instant until,
      boolean follow,
      long limit,
      Predicate<ObjectNode> filter,
      java.util.function.Consumer<ObjectNode> sink,
      BooleanSupplier stop) {
    List<TopicPartition> partitions = new ArrayList<>(partitions(topic, start));
    partitions.removeIf(p -> !partitionsRead.test(p.partition()));
    if (partitions.isEmpty()) {
      return 0;
    }
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

  private List<PartitionInfo> infos(String topic) {
    List<PartitionInfo> infos = consumer.partitionsFor(topic, Duration.ofSeconds(30));
    if (infos == null || infos.isEmpty()) {
      throw new IllegalArgumentException(
          "topic " + topic + " does not exist; " + readableTopics() + " (srl read TOPIC)");
    }
    return infos;
  }

  /** The srl.* topics of the cluster, or the catalogue's when there are none, as a phrase. */
  private String readableTopics() {
    List<String> existing =
        consumer.listTopics(Duration.ofSeconds(30)).keySet().stream()
            .filter(t -> t.startsWith("srl."))
            .sorted()
            .toList();
    if (existing.isEmpty()) {
      return "this cluster has no srl.* topics yet (the catalogue's: "
          + String.join(", ", Topics.ALL.stream().map(t -> t.name()).toList())
          + ")";
    }
    return "the srl.* topics on this cluster are: " + String.join(", ", existing);
  }

  private List<TopicPartition> partitions(String topic, Start start) {
    List<PartitionInfo> infos = infos(topic);
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
      TopicPartition p = partitions.get(0);
      long earliest = consumer.beginningOffsets(List.of(p)).get(p);
      long end = consumer.endOffsets(List.of(p)).get(p);
      if (at.offset() < earliest || at.offset() > end) {
        throw new IllegalArgumentException(
            "--from-offset "
                + at.partition()
                + ":"
                + at.offset()
                + " is out of range: "
                + (end > earliest
                    ? "partition "
                        + p.partition()
                        + " of "
                        + p.topic()
                        + " holds offsets "
                        + earliest
                        + ".."
                        + (end - 1)
                        + " (earliest..latest; "
                        + end
                        + " is the next to be written)"
                    : "partition "
                        + p.partition()
                        + " of "
                        + p.topic()
                        + " holds no records ("
                        + end
                        + " is the next offset to be written)"));
      }
      consumer.seek(p, at.offset());
    } else if (start instanceof Start.AtTime at) {
      seekToTime(partitions, at.time());
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

  /**
   * Seeks every partition to its first record at or after {@code time}, and notes when that is
   * before the earliest record still kept (reading starts there) or after the last one.
   */
  private void seekToTime(List<TopicPartition> partitions, Instant time) {
    Map<TopicPartition, Long> found = TimeOffsets.firstAtOrAfter(consumer, partitions, time, null);
    Map<TopicPartition, Long> begins = consumer.beginningOffsets(partitions);
    Map<TopicPartition, Long> ends = consumer.endOffsets(partitions);
    for (TopicPartition p : partitions) {
      consumer.seek(p, found.getOrDefault(p, ends.get(p)));
    }
    String topic = partitions.get(0).topic();
    if (found.isEmpty()) {
      Instant last = lastRecordTime(partitions, begins, ends);
      notes.accept(
          "nothing in "
              + topic
              + " is at or after "
              + time
              + (last == null ? ": it holds no records" : "; its last record is at " + last));
      return;
    }
    Instant earliest = TimeOffsets.earliest(consumer, partitions).orElse(null);
    if (earliest != null && earliest.isAfter(time)) {
      notes.accept(
          "--from-time "
              + time
              + " is before the earliest record still in "
              + topic
              + " (at "
              + earliest
              + "): reading from there");
    }
  }

  /**
   * The newest timestamp among the last records of the partitions, or null if they hold none. Reads
   * a few records back from each end (the last offsets can be transaction markers).
   */
  private Instant lastRecordTime(
      List<TopicPartition> partitions,
      Map<TopicPartition, Long> begins,
      Map<TopicPartition, Long> ends) {
    long newest = Long.MIN_VALUE;
    List<TopicPartition> assigned = new ArrayList<>(consumer.assignment());
    for (TopicPartition p : partitions) {
      long begin = begins.get(p);
      long end = ends.get(p);
      if (end <= begin) {
        continue;
      }
      consumer.assign(List.of(p));
      consumer.seek(p, Math.max(begin, end - TAIL_WINDOW));
      long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
      while (consumer.position(p) < end && System.nanoTime() < deadline) {
        for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
          if (!WarmupRecords.isWarmup(r.headers())) {
            newest = Math.max(newest, r.timestamp());
          }
        }
      }
    }
    consumer.assign(assigned);
    for (TopicPartition p : assigned) {
      consumer.seek(p, ends.get(p));
    }
    return newest == Long.MIN_VALUE ? null : Instant.ofEpochMilli(newest);
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
    int schemaId;
    JsonNode decoded;
    try {
      schemaId = WireFormat.schemaId(value, record.topic());
      line.put("schema_id", schemaId);
      decoded = decoder.decode(schemaId, value);
      line.set("value", decoded);
    } catch (RuntimeException e) {
      line.putNull("value");
      line.put("error", "not decodable: " + e.getMessage());
      line.put("value_base64", Base64.getEncoder().encodeToString(value));
      return line;
    }
    if (DEAD_LETTER_TYPE.equals(decoder.typeName(schemaId))) {
      addOriginal(line, decoded);
    }
    return line;
  }

  /**
   * A dead letter's original record, decoded through the registry as {@code original} (with {@code
   * original_key} as text), or {@code original_error} and {@code original_base64} when its bytes
   * cannot be decoded.
   */
  private void addOriginal(ObjectNode line, JsonNode letter) {
    JsonNode key = letter.path("original_key");
    if (key.isTextual()) {
      line.put(
          "original_key",
          new String(Base64.getDecoder().decode(key.asText()), StandardCharsets.UTF_8));
    }
    JsonNode original = letter.path("original_value");
    if (!original.isTextual()) {
      return; // the letter kept no bytes
    }
    byte[] bytes = Base64.getDecoder().decode(original.asText());
    String sourceTopic = letter.path("source_topic").asText("?");
    try {
      int originalSchema = WireFormat.schemaId(bytes, sourceTopic);
      line.put("original_schema_id", originalSchema);
      line.set("original", decoder.decode(originalSchema, bytes));
    } catch (RuntimeException e) {
      line.put("original_error", "not decodable: " + e.getMessage());
      line.put("original_base64", original.asText());
    }
  }
}
