package dev.srlstream.topology.replay;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.PriorityQueue;

/**
 * Merges the records of several partitions (of one or more topics) into the one sequence a replay
 * feeds to a topology, as a stream task picks its next record: the partition whose next record has
 * the smallest timestamp goes first.
 *
 * <p>The rule, total and stable:
 *
 * <ol>
 *   <li>each partition's records keep their offset order, even where a timestamp goes backwards (a
 *       producer's clock, or a record produced with an explicit timestamp): a partition is a queue
 *       and only its head competes;
 *   <li>between heads, the smaller timestamp goes first;
 *   <li>on equal timestamps, the topic named earlier in {@code topicPriority} goes first (a replay
 *       of the scorer names the expert steps first, so an expert step and a rollout step of the
 *       same millisecond find the expert already stored; the reward is the same either way, the
 *       rollout just does not wait);
 *   <li>then the lower partition number, so the same recorded input always gives the same order.
 * </ol>
 */
public final class TimestampMerge {

  private TimestampMerge() {}

  /**
   * The records of {@code partitions} (each one partition's records in offset order) in the merge
   * order above.
   *
   * @param topicPriority topics in their tie-break order; a topic not named comes after those
   *     named, by name
   */
  public static List<RecordedRecord> merge(
      Collection<List<RecordedRecord>> partitions, List<String> topicPriority) {
    Comparator<RecordedRecord> order =
        Comparator.comparingLong(RecordedRecord::timestamp)
            .thenComparingInt(r -> rank(topicPriority, r.topic()))
            .thenComparing(RecordedRecord::topic)
            .thenComparingInt(RecordedRecord::partition);
    PriorityQueue<Cursor> heads = new PriorityQueue<>((a, b) -> order.compare(a.head(), b.head()));
    int total = 0;
    for (List<RecordedRecord> partition : partitions) {
      total += partition.size();
      if (!partition.isEmpty()) {
        heads.add(new Cursor(partition));
      }
    }
    List<RecordedRecord> merged = new ArrayList<>(total);
    while (!heads.isEmpty()) {
      Cursor next = heads.poll();
      merged.add(next.head());
      if (next.advance()) {
        heads.add(next);
      }
    }
    return merged;
  }

  private static int rank(List<String> topicPriority, String topic) {
    int index = topicPriority.indexOf(topic);
    return index < 0 ? topicPriority.size() : index;
  }

  /** A partition's records and the position of its head. */
  private static final class Cursor {
    private final List<RecordedRecord> records;
    private int position;

    Cursor(List<RecordedRecord> records) {
      this.records = records;
    }

    RecordedRecord head() {
      return records.get(position);
    }

    boolean advance() {
      return ++position < records.size();
    }
  }
}
