package dev.srlstream.scorer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.streams.processor.TaskId;
import org.junit.jupiter.api.Test;

class SegmentWarmupTest {
  private static final TopicPartition P0 = new TopicPartition("rollouts", 0);
  private static final TopicPartition P1 = new TopicPartition("rollouts", 1);

  @Test
  void nothingIsOlderToComeWhenEveryPartitionIsReadToItsEnd() {
    // No record at or after the cut-off at all (-1), but none still to read either.
    assertThat(
            SegmentWarmup.nothingOlderToCome(
                Map.of(P0, 7L, P1, 3L), Map.of(P0, 7L, P1, 3L), Map.of(P0, -1L, P1, 2L)))
        .isTrue();
  }

  @Test
  void recordsStillToComeMustAllBeAtOrAfterTheCutoff() {
    Map<TopicPartition, Long> end = Map.of(P0, 10L, P1, 10L);
    // P1's records from offset 4 on are young enough, and reading starts there: fine.
    assertThat(
            SegmentWarmup.nothingOlderToCome(Map.of(P0, 10L, P1, 4L), end, Map.of(P0, 8L, P1, 4L)))
        .isTrue();
    // Reading P1 starts at 3, one record before the young ones.
    assertThat(
            SegmentWarmup.nothingOlderToCome(Map.of(P0, 10L, P1, 3L), end, Map.of(P0, 8L, P1, 4L)))
        .isFalse();
    // No record of P1 is young enough, and some are still to read.
    assertThat(
            SegmentWarmup.nothingOlderToCome(Map.of(P0, 10L, P1, 9L), end, Map.of(P0, 8L, P1, -1L)))
        .isFalse();
  }

  @Test
  void aPartitionWithNoStartIsReadFromOffsetZero() {
    assertThat(SegmentWarmup.nothingOlderToCome(Map.of(), Map.of(P0, 2L), Map.of(P0, 1L)))
        .isFalse();
    assertThat(SegmentWarmup.nothingOlderToCome(Map.of(), Map.of(P0, 2L), Map.of(P0, 0L))).isTrue();
  }

  @Test
  void aWarmupCoversTheTasksThatWarmedAndNoWarmupCoversAll() {
    SegmentWarmup warmup = SegmentWarmup.at(5_000);
    TaskId a = new TaskId(0, 0);
    TaskId b = new TaskId(0, 1);
    assertThat(warmup.covers(List.of(a))).isFalse();
    warmup.warmed(a);
    assertThat(warmup.covers(List.of(a))).isTrue();
    assertThat(warmup.covers(List.of(a, b))).isFalse();
    assertThat(SegmentWarmup.NONE.covers(List.of(a, b))).isTrue();
    assertThat(SegmentWarmup.NONE.enabled()).isFalse();
    assertThatThrownBy(() -> SegmentWarmup.at(-1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("timestamp must be >= 0, but was -1");
  }
}
