package dev.srlstream.topology.replay;

import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.common.TopicPartition;

/** Offsets by timestamp: where {@code --from-time} starts each partition of a read. */
public final class TimeOffsets {
  private TimeOffsets() {}

  /**
   * The offset of each partition's first record at or after {@code time}; a partition with no such
   * record is left out (reading it from {@code time} on reads nothing).
   *
   * @param timeout how long the broker may take to answer; null: the consumer's default
   */
  public static Map<TopicPartition, Long> firstAtOrAfter(
      Consumer<?, ?> consumer,
      Collection<TopicPartition> partitions,
      Instant time,
      Duration timeout) {
    Map<TopicPartition, Long> query = new HashMap<>();
    partitions.forEach(p -> query.put(p, time.toEpochMilli()));
    Map<TopicPartition, OffsetAndTimestamp> found =
        timeout == null
            ? consumer.offsetsForTimes(query)
            : consumer.offsetsForTimes(query, timeout);
    Map<TopicPartition, Long> offsets = new HashMap<>();
    found.forEach(
        (p, first) -> {
          if (first != null) {
            offsets.put(p, first.offset());
          }
        });
    return offsets;
  }

  /** The timestamp of the earliest record still in {@code partitions}, if they hold any. */
  public static Optional<Instant> earliest(
      Consumer<?, ?> consumer, Collection<TopicPartition> partitions) {
    Map<TopicPartition, Long> fromZero = new HashMap<>();
    partitions.forEach(p -> fromZero.put(p, 0L));
    return consumer.offsetsForTimes(fromZero).values().stream()
        .filter(java.util.Objects::nonNull)
        .map(OffsetAndTimestamp::timestamp)
        .min(Long::compare)
        .map(Instant::ofEpochMilli);
  }
}
