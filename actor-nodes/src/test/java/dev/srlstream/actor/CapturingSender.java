package dev.srlstream.actor;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import org.apache.kafka.clients.producer.Callback;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;

/**
 * A producer stand-in: keeps every record sent and acknowledges it at once ({@code autoAck}) or
 * when the test says, in any order. Records how many tasks had unacknowledged records at each send.
 */
final class CapturingSender implements RecordSender {
  private record Sent(ProducerRecord<String, byte[]> record, Callback callback, boolean[] acked) {}

  private final List<Sent> sent = new ArrayList<>();
  private volatile boolean autoAck;
  private RuntimeException failWith;
  private int maxUnackedKeys;

  CapturingSender(boolean autoAck) {
    this.autoAck = autoAck;
  }

  synchronized void autoAck(boolean value) {
    autoAck = value;
  }

  /** The next records sent fail with {@code error} (delivered through their callbacks). */
  synchronized void failWith(RuntimeException error) {
    failWith = error;
  }

  @Override
  public void send(ProducerRecord<String, byte[]> record, Callback callback) {
    Sent s;
    RuntimeException error;
    synchronized (this) {
      s = new Sent(record, callback, new boolean[1]);
      sent.add(s);
      maxUnackedKeys =
          Math.max(
              maxUnackedKeys,
              (int)
                  sent.stream()
                      .filter(x -> !x.acked[0])
                      .map(x -> x.record.key())
                      .distinct()
                      .count());
      error = failWith;
      if (!autoAck && error == null) {
        return;
      }
      s.acked[0] = true;
    }
    complete(s, error);
  }

  /** Acknowledges every unacknowledged record matching {@code which}; returns how many. */
  int ack(Predicate<ProducerRecord<String, byte[]>> which) {
    List<Sent> toAck = new ArrayList<>();
    synchronized (this) {
      for (Sent s : sent) {
        if (!s.acked[0] && which.test(s.record)) {
          s.acked[0] = true;
          toAck.add(s);
        }
      }
    }
    toAck.forEach(s -> complete(s, null));
    return toAck.size();
  }

  /** Fails every unacknowledged record matching {@code which} with {@code error}. */
  int fail(Predicate<ProducerRecord<String, byte[]>> which, RuntimeException error) {
    List<Sent> toFail = new ArrayList<>();
    synchronized (this) {
      for (Sent s : sent) {
        if (!s.acked[0] && which.test(s.record)) {
          s.acked[0] = true;
          toFail.add(s);
        }
      }
    }
    toFail.forEach(s -> complete(s, error));
    return toFail.size();
  }

  int ackKey(String key) {
    return ack(r -> key.equals(r.key()));
  }

  private static void complete(Sent s, RuntimeException error) {
    s.callback.onCompletion(
        error == null
            ? new RecordMetadata(new TopicPartition(s.record.topic(), 0), 0, 0, 0, 0, 0)
            : null,
        error);
  }

  synchronized List<ProducerRecord<String, byte[]>> records() {
    return sent.stream().map(Sent::record).toList();
  }

  synchronized List<ProducerRecord<String, byte[]>> records(String topic) {
    return sent.stream().map(Sent::record).filter(r -> r.topic().equals(topic)).toList();
  }

  /**
   * The most distinct keys (tasks, as each test task has its own instance id) ever unacknowledged.
   */
  synchronized int maxUnackedKeys() {
    return maxUnackedKeys;
  }
}
