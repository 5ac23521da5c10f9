package dev.srlstream.scorer.bench;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Reads every partition of a topic from the beginning on its own thread (assigned, no consumer
 * group) and notes when a given number of records has arrived. It goes on reading after that, so
 * {@link #count()} also shows records beyond the expected ones (a duplicate would show there).
 */
final class TopicReader implements AutoCloseable {
  private final String topic;
  private final long expected;
  private final Consumer<ConsumerRecord<byte[], byte[]>> onRecord;
  private final KafkaConsumer<byte[], byte[]> consumer;
  private final Thread thread;
  private final CountDownLatch ready = new CountDownLatch(1);
  private final CountDownLatch reached = new CountDownLatch(1);
  private final AtomicLong count = new AtomicLong();
  private volatile long reachedAtNanos;
  private volatile boolean stopped;
  private volatile Throwable failure;

  /**
   * @param readCommitted {@code isolation.level=read_committed} (the scorer writes in transactions)
   * @param onRecord called on the reader thread for each record, as it arrives
   */
  TopicReader(
      String bootstrapServers,
      String topic,
      boolean readCommitted,
      long expected,
      Consumer<ConsumerRecord<byte[], byte[]>> onRecord) {
    this.topic = topic;
    this.expected = expected;
    this.onRecord = onRecord;
    this.consumer =
        new KafkaConsumer<>(
            Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                bootstrapServers,
                ConsumerConfig.ISOLATION_LEVEL_CONFIG,
                readCommitted ? "read_committed" : "read_uncommitted",
                ConsumerConfig.CLIENT_ID_CONFIG,
                "bench-reader-" + topic),
            new ByteArrayDeserializer(),
            new ByteArrayDeserializer());
    this.thread = new Thread(this::run, "bench-reader-" + topic);
    thread.setDaemon(true);
    thread.start();
  }

  /** Waits until the reader is assigned and positioned, so starting it costs no timed time. */
  TopicReader awaitReady() throws InterruptedException {
    if (!ready.await(30, TimeUnit.SECONDS)) {
      throw new IllegalStateException("the reader of " + topic + " did not get ready in 30 s");
    }
    rethrow();
    return this;
  }

  /**
   * Waits until {@code expected} records have arrived and returns the {@link System#nanoTime()} of
   * the arrival of the last of them, or -1 after the timeout.
   */
  long awaitExpected(Duration timeout) throws InterruptedException {
    boolean ok = reached.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
    rethrow();
    return ok ? reachedAtNanos : -1;
  }

  /** Records read so far. */
  long count() {
    return count.get();
  }

  private void run() {
    try {
      List<TopicPartition> partitions =
          consumer.partitionsFor(topic, Duration.ofSeconds(30)).stream()
              .map(p -> new TopicPartition(topic, p.partition()))
              .toList();
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      partitions.forEach(consumer::position); // resolves the offsets now, not in the timed part
      ready.countDown();
      while (!stopped) {
        for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(100))) {
          onRecord.accept(record);
          if (count.incrementAndGet() == expected) {
            reachedAtNanos = System.nanoTime();
            reached.countDown();
          }
        }
      }
    } catch (org.apache.kafka.common.errors.WakeupException e) {
      // close() woke the poll up
    } catch (Throwable t) {
      failure = t;
      ready.countDown();
      reached.countDown();
    } finally {
      consumer.close(Duration.ofSeconds(5));
    }
  }

  private void rethrow() {
    if (failure != null) {
      throw new IllegalStateException("the reader of " + topic + " failed: " + failure, failure);
    }
  }

  @Override
  public void close() throws InterruptedException {
    stopped = true;
    consumer.wakeup();
    thread.join(10_000);
  }
}
