package dev.srlstream.topology.replay;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class TimestampMergeTest {
  private static final String EXPERTS = "srl.expert-steps";
  private static final String ROLLOUTS = "srl.rollout-steps";
  private static final List<String> PRIORITY = List.of(EXPERTS, ROLLOUTS);

  private static RecordedRecord r(String topic, int partition, long offset, long timestamp) {
    return new RecordedRecord(topic, partition, offset, timestamp, null, null);
  }

  private static List<String> merged(List<List<RecordedRecord>> partitions) {
    return TimestampMerge.merge(partitions, PRIORITY).stream()
        .map(x -> x.topic().substring(4, 5) + x.partition() + "@" + x.offset())
        .toList();
  }

  @Test
  void theSmallestTimestampGoesFirstAcrossTopicsAndPartitions() {
    List<List<RecordedRecord>> partitions =
        List.of(
            List.of(r(ROLLOUTS, 0, 0, 10), r(ROLLOUTS, 0, 1, 30)),
            List.of(r(ROLLOUTS, 1, 0, 20), r(ROLLOUTS, 1, 1, 40)),
            List.of(r(EXPERTS, 0, 5, 5)));

    assertThat(merged(partitions)).containsExactly("e0@5", "r0@0", "r1@0", "r0@1", "r1@1");
  }

  @Test
  void tiesGoByTopicPriorityThenPartition() {
    List<List<RecordedRecord>> partitions =
        List.of(
            List.of(r(ROLLOUTS, 2, 0, 7)),
            List.of(r(ROLLOUTS, 1, 0, 7)),
            List.of(r(EXPERTS, 3, 0, 7)),
            List.of(r("srl.other", 0, 0, 7)));

    // Experts before rollouts (the priority), then the lower partition; an unnamed topic last.
    assertThat(merged(partitions)).containsExactly("e3@0", "r1@0", "r2@0", "o0@0");
  }

  @Test
  void aPartitionKeepsItsOffsetOrderWhenItsTimestampsGoBackwards() {
    List<List<RecordedRecord>> partitions =
        List.of(
            List.of(r(ROLLOUTS, 0, 0, 50), r(ROLLOUTS, 0, 1, 10)), List.of(r(ROLLOUTS, 1, 0, 20)));

    // Offset 1 of partition 0 (timestamp 10) cannot overtake offset 0 (timestamp 50).
    assertThat(merged(partitions)).containsExactly("r1@0", "r0@0", "r0@1");
  }

  @Test
  void theSameInputAlwaysGivesTheSameOrder() {
    List<List<RecordedRecord>> partitions =
        List.of(
            List.of(r(ROLLOUTS, 0, 0, 1), r(ROLLOUTS, 0, 1, 1)),
            List.of(r(ROLLOUTS, 1, 0, 1)),
            List.of(),
            List.of(r(EXPERTS, 0, 0, 1)));

    List<String> first = merged(partitions);
    assertThat(merged(List.of(partitions.get(3), partitions.get(1), partitions.get(0))))
        .isEqualTo(first);
    assertThat(first).containsExactly("e0@0", "r0@0", "r0@1", "r1@0");
  }
}
