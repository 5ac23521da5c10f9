package dev.srlstream.actor;

import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;

/**
 * An actor instance's view of its task consumer ({@link KafkaTaskSource}: a Kafka consumer in the
 * fleet's group, on a thread of its own). Commands are asynchronous and applied in order; events
 * come to the {@link Listener} on the source's thread.
 *
 * <p>Flow control is by demand: after each delivery of records the source pauses itself, and
 * fetches again only when the actor calls {@link #resume()}, which it does once it has room.
 */
interface TaskSource {

  /** Subscribes and starts delivering to {@code listener}. */
  void start(Listener listener);

  /** Stops fetching from every assigned partition (and from any assigned later) until resumed. */
  void pause();

  /** Fetches again: the actor has room for more tasks. */
  void resume();

  /** Commits these next-offsets (asynchronously; offsets only ever grow per partition). */
  void commit(Map<TopicPartition, Long> offsets);

  /**
   * Graceful end: commits {@code finalOffsets} synchronously, then leaves the group (so the
   * partitions move at once) and closes the consumer.
   */
  CompletionStage<Void> close(Map<TopicPartition, Long> finalOffsets);

  /**
   * A crash, for tests: stops at once, commits nothing more and does not leave the group (the
   * coordinator notices when the session times out, as for a dead process).
   */
  CompletionStage<Void> abort();

  /**
   * How long since the consumer last returned from a poll: a live consumer polls at least every
   * poll timeout, paused or not, so a long gap means its thread is stuck (in a callback, say).
   */
  default Duration sinceLastPoll() {
    return Duration.ZERO;
  }

  /** What the consumer reports; called on the source's thread. */
  interface Listener {
    void onAssigned(Collection<TopicPartition> partitions);

    /**
     * The partitions are being taken away. Blocks until the actor has let go of them and returns
     * the offsets to commit for them now, while they are still ours.
     */
    Map<TopicPartition, Long> onRevoked(Collection<TopicPartition> partitions);

    /** The partitions were lost (fenced): nothing may be committed for them. */
    void onLost(Collection<TopicPartition> partitions);

    /** A batch of records, in offset order per partition; the source is now paused. */
    void onRecords(List<ConsumerRecord<byte[], byte[]>> records);

    /** The consumer failed and stopped. */
    void onFailure(Throwable error);
  }
}
