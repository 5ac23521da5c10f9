package dev.srlstream.scorer;

import java.util.Collection;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.streams.processor.TaskId;

/**
 * Opens the scorer's window-store segments before its first rollout.
 *
 * <p>A window store keeps its records in one RocksDB instance per time segment and creates a
 * segment at the first write into it. In a fresh scorer, the first rollouts of each task would
 * create a segment in each of the two window stores (seen rollouts, task ledger): a RocksDB create
 * with its fsyncs, 34-115 ms each on the stream thread beside a busy broker, while rollouts wait.
 * The warm-up writes a tombstone into each window store of each task at {@link #timestamp()} as the
 * task is initialised, so the segment is there when rollouts come.
 *
 * <p><b>Why it changes nothing else.</b> A write moves the store's stream time up to its timestamp,
 * and a window store forgets records older than stream time minus the retention. The warm-up's
 * timestamp is the wall-clock time the scorer started at, and it warms only if no record still to
 * come on its inputs is older than that minus the retention ({@link #nothingOlderToCome}). Records
 * that come later are stamped by the actors' producers as they send them, after that start. So the
 * first rollout would have moved stream time at least as far, and every later decision is the same
 * as without the warm-up; the warm-up only opens the segment earlier. A scorer that would read
 * older records (a backlog older than the retention) is not warmed.
 */
final class SegmentWarmup {
  /** No warm-up: replays, tests, and scorers with old records still to come. */
  static final SegmentWarmup NONE = new SegmentWarmup(-1);

  /**
   * The key of the warm-up's tombstones. A tombstone deletes and stores nothing, so it can hide no
   * rollout or task id; none is empty anyway.
   */
  static final String KEY = "";

  private final long timestamp;
  private final Set<TaskId> warmed = ConcurrentHashMap.newKeySet();

  private SegmentWarmup(long timestamp) {
    this.timestamp = timestamp;
  }

  /** A warm-up at this wall-clock time (ms since the epoch). */
  static SegmentWarmup at(long timestamp) {
    if (timestamp < 0) {
      throw new IllegalArgumentException("timestamp must be >= 0, but was " + timestamp);
    }
    return new SegmentWarmup(timestamp);
  }

  boolean enabled() {
    return timestamp >= 0;
  }

  long timestamp() {
    return timestamp;
  }

  /** Called by a task's processor once it has written its warm-up tombstones. */
  void warmed(TaskId task) {
    warmed.add(task);
  }

  /** Whether every one of these tasks has warmed its stores (always, with no warm-up). */
  boolean covers(Collection<TaskId> tasks) {
    return !enabled() || warmed.containsAll(tasks);
  }

  /**
   * Whether no record still to come on these partitions is older than a cut-off time: each
   * partition's records from {@code start} up to {@code end} must begin at or after the first
   * offset whose timestamp is at least the cut-off ({@code firstAtCutoff}, the broker's answer to a
   * list-offsets by timestamp; absent or -1 when no record is that young). Records are taken to be
   * in time order within a partition, as the broker's time index does.
   *
   * @param start where the scorer will start reading each partition
   * @param end each partition's end offset
   * @param firstAtCutoff each partition's first offset with a timestamp at or after the cut-off
   */
  static boolean nothingOlderToCome(
      Map<TopicPartition, Long> start,
      Map<TopicPartition, Long> end,
      Map<TopicPartition, Long> firstAtCutoff) {
    for (Map.Entry<TopicPartition, Long> e : end.entrySet()) {
      long from = start.getOrDefault(e.getKey(), 0L);
      long young = firstAtCutoff.getOrDefault(e.getKey(), -1L);
      long firstYoung = young < 0 ? e.getValue() : Math.min(young, e.getValue());
      if (from < firstYoung) {
        return false;
      }
    }
    return true;
  }
}
