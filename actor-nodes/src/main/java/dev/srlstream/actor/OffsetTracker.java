package dev.srlstream.actor;

import java.util.ArrayDeque;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.apache.kafka.common.TopicPartition;

/**
 * Which task offsets may be committed: per partition owned, the tasks taken in fetch order and
 * which of them are complete (all their steps, or their dead letter, acknowledged by the broker).
 *
 * <p><b>Why no task is lost.</b> A committed offset {@code c} tells the group "every task before
 * {@code c} is done". The tracker only ever offers {@code c = o + 1} where {@code o} is the last of
 * an unbroken run of completed tasks from the start of this ownership of the partition; a task
 * completed out of order (a later one acknowledged first) waits until every earlier one is
 * complete. So whatever happens next (a crash, a rebalance), every task at or after the committed
 * offset is either unfinished or finished but not yet committed, and the next owner of the
 * partition starts from the committed offset and redoes it: at least once, never lost. A redone
 * task may produce its steps twice; their rollout ids ({@code task_id/v<version>/<i>}) make the
 * duplicates detectable downstream.
 *
 * <p><b>Ownership.</b> Each assignment of a partition starts a new {@link Track}; a task remembers
 * the track it was taken under. When the partition is revoked or lost, its track is dropped, so a
 * task of an earlier ownership that completes later is not committed: the partition's new owner
 * (possibly this actor again, from the committed offset) redoes it instead.
 *
 * <p>Not thread-safe: an actor uses it from its event loop only.
 */
final class OffsetTracker {

  /** One ownership of one partition: its taken tasks in offset order. */
  static final class Track {
    private final TopicPartition partition;
    private final ArrayDeque<Ticket> taken = new ArrayDeque<>();
    private long completedUpTo = -1; // next offset after the unbroken completed run; -1: none yet
    private long committed = -1; // the last offset handed out for committing; -1: none

    private Track(TopicPartition partition) {
      this.partition = partition;
    }

    /** The offset to commit, if it moved beyond the last one handed out. */
    private Optional<Long> uncommitted() {
      return completedUpTo > committed ? Optional.of(completedUpTo) : Optional.empty();
    }
  }

  /** A task taken from a partition under one ownership. */
  static final class Ticket {
    private final Track track;
    private final long offset;
    private boolean done;

    private Ticket(Track track, long offset) {
      this.track = track;
      this.offset = offset;
    }

    TopicPartition partition() {
      return track.partition;
    }

    long offset() {
      return offset;
    }
  }

  private final Map<TopicPartition, Track> tracks = new HashMap<>();

  /** Starts a new ownership of each partition (replacing any earlier one). */
  void assign(Collection<TopicPartition> partitions) {
    for (TopicPartition p : partitions) {
      tracks.put(p, new Track(p));
    }
  }

  /**
   * Ends the ownership of each partition and returns, for those with completed tasks not yet
   * committed, the offset to commit now (while the partition is still ours).
   */
  Map<TopicPartition, Long> revoke(Collection<TopicPartition> partitions) {
    Map<TopicPartition, Long> commit = new HashMap<>();
    for (TopicPartition p : partitions) {
      Track track = tracks.remove(p);
      if (track != null) {
        track.uncommitted().ifPresent(offset -> commit.put(p, offset));
      }
    }
    return commit;
  }

  /** Ends the ownership of each partition without committing (it is no longer ours to commit). */
  void lose(Collection<TopicPartition> partitions) {
    partitions.forEach(tracks::remove);
  }

  /** The partitions owned. */
  Set<TopicPartition> owned() {
    return Set.copyOf(tracks.keySet());
  }

  /**
   * Takes the task at {@code offset} of {@code partition}; offsets of one partition must be taken
   * in increasing order (the order the consumer returns them).
   *
   * @return its ticket, or empty if the partition is not owned
   */
  Optional<Ticket> take(TopicPartition partition, long offset) {
    Track track = tracks.get(partition);
    if (track == null) {
      return Optional.empty();
    }
    Ticket last = track.taken.peekLast();
    long floor = last != null ? last.offset : track.completedUpTo - 1;
    if (offset <= floor) {
      throw new IllegalArgumentException(
          "offsets of "
              + partition
              + " must be taken in increasing order, but "
              + offset
              + " came after "
              + floor);
    }
    Ticket ticket = new Ticket(track, offset);
    track.taken.addLast(ticket);
    return Optional.of(ticket);
  }

  /**
   * Marks a task complete.
   *
   * @return the offset to commit for its partition, if its ownership is current and the unbroken
   *     completed run moved beyond the last offset handed out
   */
  Optional<Long> complete(Ticket ticket) {
    if (ticket.done) {
      throw new IllegalStateException(
          "task at " + ticket.partition() + "@" + ticket.offset + " completed twice");
    }
    ticket.done = true;
    Track track = ticket.track;
    if (tracks.get(track.partition) != track) {
      return Optional.empty(); // taken under an ownership that has ended: not ours to commit
    }
    while (!track.taken.isEmpty() && track.taken.peekFirst().done) {
      track.completedUpTo = track.taken.pollFirst().offset + 1;
    }
    Optional<Long> commit = track.uncommitted();
    commit.ifPresent(offset -> track.committed = offset);
    return commit;
  }

  /** For every owned partition, the offset to commit if it moved beyond the last one handed out. */
  Map<TopicPartition, Long> uncommitted() {
    Map<TopicPartition, Long> commit = new HashMap<>();
    tracks.forEach((p, track) -> track.uncommitted().ifPresent(offset -> commit.put(p, offset)));
    return commit;
  }
}
