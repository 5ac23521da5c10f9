package dev.srlstream.actor;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.MockConsumer;
import org.apache.kafka.clients.consumer.internals.AutoOffsetResetStrategy;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

/** The task consumer's heartbeat, on Kafka's {@link MockConsumer}. */
class KafkaTaskSourceTest {

  private static final TopicPartition PARTITION = new TopicPartition("srl.tasks", 0);

  /**
   * A consumer thread held inside a callback stops polling: its time since the last poll grows past
   * however long it is held, which is what the actor's health reads as stuck.
   */
  @Test
  void aConsumerHeldInACallbackStopsPolling() throws Exception {
    MockConsumer<byte[], byte[]> consumer =
        new MockConsumer<>(AutoOffsetResetStrategy.EARLIEST.name());
    consumer.updateBeginningOffsets(Map.of(PARTITION, 0L));
    consumer.schedulePollTask(
        () -> {
          consumer.rebalance(List.of(PARTITION));
          consumer.addRecord(
              new ConsumerRecord<>(PARTITION.topic(), 0, 0L, new byte[0], new byte[0]));
        });
    KafkaTaskSource source =
        new KafkaTaskSource(consumer, PARTITION.topic(), "test-tasks", Duration.ofMillis(10));
    // Long enough that a heartbeat never updated after construction would read as old.
    Thread.sleep(400);
    AtomicReference<Duration> atEntry = new AtomicReference<>();
    CountDownLatch inCallback = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    source.start(
        new TaskSource.Listener() {
          @Override
          public void onAssigned(Collection<TopicPartition> partitions) {}

          @Override
          public Map<TopicPartition, Long> onRevoked(Collection<TopicPartition> partitions) {
            return Map.of();
          }

          @Override
          public void onLost(Collection<TopicPartition> partitions) {}

          @Override
          public void onRecords(List<ConsumerRecord<byte[], byte[]>> records) {
            atEntry.set(source.sinceLastPoll());
            inCallback.countDown();
            try {
              release.await();
            } catch (InterruptedException e) {
              Thread.currentThread().interrupt();
            }
          }

          @Override
          public void onFailure(Throwable error) {}
        });
    assertThat(inCallback.await(30, TimeUnit.SECONDS)).as("the record was delivered").isTrue();

    Thread.sleep(300);

    // The poll that delivered the record had just returned (the heartbeat moves with polls)...
    assertThat(atEntry.get()).isLessThan(Duration.ofMillis(400));
    // ...and none has returned since: the thread is held, at least 300 ms now.
    assertThat(source.sinceLastPoll()).isGreaterThanOrEqualTo(Duration.ofMillis(300));
    release.countDown();
    source.close(Map.of()).toCompletableFuture().get(30, TimeUnit.SECONDS);
  }
}
