package dev.srlstream.actor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.srlstream.actor.OffsetTracker.Ticket;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

class OffsetTrackerTest {
  private static final TopicPartition P0 = new TopicPartition("t", 0);
  private static final TopicPartition P1 = new TopicPartition("t", 1);
  private final OffsetTracker tracker = new OffsetTracker();

  private Ticket take(TopicPartition p, long offset) {
    return tracker.take(p, offset).orElseThrow();
  }

  @Test
  void commitsOnlyTheUnbrokenRunOfCompletedTasks() {
    tracker.assign(List.of(P0));
    Ticket a = take(P0, 5);
    Ticket b = take(P0, 6);
    Ticket c = take(P0, 9); // offsets may have gaps (compaction, transaction markers)
    assertThat(tracker.complete(c)).isEmpty();
    assertThat(tracker.complete(b)).isEmpty();
    assertThat(tracker.complete(a)).contains(10L);
    assertThat(tracker.uncommitted()).isEmpty();
  }

  @Test
  void partitionsAreIndependent() {
    tracker.assign(List.of(P0, P1));
    Ticket a = take(P0, 0);
    Ticket b = take(P1, 0);
    assertThat(tracker.complete(b)).contains(1L);
    assertThat(tracker.complete(a)).contains(1L);
  }

  @Test
  void revokingHandsOverWhatWasNotCommittedAndEndsTheOwnership() {
    tracker.assign(List.of(P0));
    Ticket a = take(P0, 0);
    Ticket b = take(P0, 1);
    tracker.complete(a); // handed out: 1
    assertThat(tracker.revoke(List.of(P0))).isEmpty();
    assertThat(tracker.complete(b)).isEmpty(); // completed after the ownership ended
    assertThat(tracker.take(P0, 2)).isEmpty(); // not owned
  }

  @Test
  void aNewOwnershipStartsAfresh() {
    tracker.assign(List.of(P0));
    Ticket old = take(P0, 3);
    tracker.assign(List.of(P0)); // revoked and assigned again: redo from the committed offset
    Ticket again = take(P0, 3);
    assertThat(tracker.complete(old)).isEmpty();
    assertThat(tracker.complete(again)).contains(4L);
  }

  @Test
  void lostPartitionsCommitNothing() {
    tracker.assign(List.of(P0));
    Ticket a = take(P0, 0);
    tracker.lose(List.of(P0));
    assertThat(tracker.complete(a)).isEmpty();
    assertThat(tracker.owned()).isEmpty();
  }

  @Test
  void uncommittedListsOnlyNewProgress() {
    tracker.assign(List.of(P0, P1));
    tracker.complete(take(P0, 0));
    Ticket b = take(P1, 7);
    assertThat(tracker.uncommitted()).isEmpty();
    tracker.complete(b);
    assertThat(tracker.uncommitted()).isEmpty();
    // Every completion hands its offset out at once, so nothing is left for a revocation.
    assertThat(tracker.revoke(List.of(P0, P1))).isEqualTo(Map.of());
  }

  @Test
  void offsetsMustBeTakenInOrderAndCompletedOnce() {
    tracker.assign(List.of(P0));
    Ticket a = take(P0, 4);
    assertThatThrownBy(() -> take(P0, 4))
        .hasMessage("offsets of t-0 must be taken in increasing order, but 4 came after 4");
    tracker.complete(a);
    assertThatThrownBy(() -> tracker.complete(a)).hasMessage("task at t-0@4 completed twice");
    assertThatThrownBy(() -> take(P0, 2))
        .hasMessage("offsets of t-0 must be taken in increasing order, but 2 came after 4");
  }
}
