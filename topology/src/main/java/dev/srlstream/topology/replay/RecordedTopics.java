package dev.srlstream.topology.replay;

import dev.srlstream.schemas.WarmupRecords;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.LongConsumer;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;

/**
 * Reads recorded records of topics as bytes, partition by partition, for a replay. Assigns the
 * partitions itself (no consumer group, nothing committed) and stops at the end each partition had
 * when the read began. The provisioner's warm-up records are skipped. (The seek by time is the same
 * as {@code TopicReader}'s, which reads decoded JSON lines instead of bytes.)
 */
public final class RecordedTopics {

  private final Consumer<byte[], byte[]> consumer;

  /**
   * @param consumer a consumer with byte-array deserializers, read_committed, no group needed
   */
  public RecordedTopics(Consumer<byte[], byte[]> consumer) {
    this.consumer = consumer;
  }

  /**
   * A topic's partitions, in partition order.
   *
   * @throws IllegalArgumentException if the topic does not exist
   */
  public List<TopicPartition> partitions(String topic) {
    List<PartitionInfo> infos = consumer.partitionsFor(topic, Duration.ofSeconds(30));
    if (infos == null || infos.isEmpty()) {
      throw new IllegalArgumentException("topic " + topic + " does not exist");
    }
    List<TopicPartition> partitions = new ArrayList<>();
    for (PartitionInfo info : infos) {
      partitions.add(new TopicPartition(topic, info.partition()));
    }
    partitions.sort((a, b) -> Integer.compare(a.partition(), b.partition()));
    return partitions;
  }

  /** Each partition's first offset. */
  public Map<TopicPartition, Long> beginnings(List<TopicPartition> partitions) {
    return consumer.beginningOffsets(partitions);
  }

  /** Each partition's end offset (read_committed: its last stable offset). */
  public Map<TopicPartition, Long> ends(List<TopicPartition> partitions) {
    return consumer.endOffsets(partitions);
  }

  /** Each partition's offset of its first record at or after {@code time}, or its end if none. */
  public Map<TopicPartition, Long> offsetsAt(List<TopicPartition> partitions, Instant time) {
    Map<TopicPartition, Long> found = TimeOffsets.firstAtOrAfter(consumer, partitions, time, null);
    Map<TopicPartition, Long> ends = consumer.endOffsets(partitions);
    Map<TopicPartition, Long> offsets = new LinkedHashMap<>();
    for (TopicPartition p : partitions) {
      offsets.put(p, found.getOrDefault(p, ends.get(p)));
    }
    return offsets;
  }

  /** The timestamp of a topic's first record (over all partitions), if it has one. */
  public Optional<Instant> firstTimestamp(String topic) {
    return TimeOffsets.earliest(consumer, partitions(topic));
  }

  /**
   * Reads each partition of {@code starts} from its start offset to the end it has now, stopping a
   * partition at its first record after {@code until} (null: no bound), as {@code srl read
   * --until-time} does.
   *
   * @param progress told how many records were read so far, now and then
   * @return each partition's records in offset order (every partition of {@code starts}, empty if
   *     it had none)
   */
  public Map<TopicPartition, List<RecordedRecord>> read(
      Map<TopicPartition, Long> starts, Instant until, LongConsumer progress) {
    Map<TopicPartition, List<RecordedRecord>> records = new LinkedHashMap<>();
    starts.keySet().forEach(p -> records.put(p, new ArrayList<>()));
    List<TopicPartition> partitions = new ArrayList<>(starts.keySet());
    consumer.assign(partitions);
    Map<TopicPartition, Long> ends = new HashMap<>(consumer.endOffsets(partitions));
    for (TopicPartition p : partitions) {
      consumer.seek(p, starts.get(p));
    }
    long read = 0;
    long untilMillis = until == null ? Long.MAX_VALUE : until.toEpochMilli();
    while (ends.entrySet().stream().anyMatch(e -> consumer.position(e.getKey()) < e.getValue())) {
      for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
        TopicPartition p = new TopicPartition(r.topic(), r.partition());
        if (!ends.containsKey(p) || r.offset() >= ends.get(p)) {
          continue; // past where the read stops (a paused partition's fetched records)
        }
        if (r.timestamp() > untilMillis) {
          consumer.pause(List.of(p));
          ends.remove(p);
          continue;
        }
        if (WarmupRecords.isWarmup(r.headers())) {
          continue;
        }
        records
            .get(p)
            .add(
                new RecordedRecord(
                    r.topic(),
                    r.partition(),
                    r.offset(),
                    r.timestamp(),
                    r.key(),
                    r.value(),
                    r.headers()));
        if (++read % 10_000 == 0) {
          progress.accept(read);
        }
      }
    }
    consumer.unsubscribe();
    return records;
  }
}
