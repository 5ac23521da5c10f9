package dev.srlstream.actor;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;

/** A task source driven by the test: it plays the consumer thread and records the commands. */
final class FakeTaskSource implements TaskSource {
  private final List<Map<TopicPartition, Long>> commits =
      Collections.synchronizedList(new ArrayList<>());
  private volatile Listener listener;
  private volatile boolean paused;
  private volatile Map<TopicPartition, Long> finalCommit;
  private volatile boolean aborted;

  @Override
  public void start(Listener l) {
    listener = l;
  }

  boolean started() {
    return listener != null;
  }

  @Override
  public void pause() {
    paused = true;
  }

  @Override
  public void resume() {
    paused = false;
  }

  @Override
  public void commit(Map<TopicPartition, Long> offsets) {
    commits.add(Map.copyOf(offsets));
  }

  @Override
  public CompletionStage<Void> close(Map<TopicPartition, Long> finalOffsets) {
    finalCommit = Map.copyOf(finalOffsets);
    return CompletableFuture.completedFuture(null);
  }

  @Override
  public CompletionStage<Void> abort() {
    aborted = true;
    return CompletableFuture.completedFuture(null);
  }

  boolean paused() {
    return paused;
  }

  List<Map<TopicPartition, Long>> commits() {
    synchronized (commits) {
      return List.copyOf(commits);
    }
  }

  Map<TopicPartition, Long> finalCommit() {
    return finalCommit;
  }

  boolean aborted() {
    return aborted;
  }

  // ---- playing the consumer thread ----

  void assign(TopicPartition... partitions) {
    listener.onAssigned(List.of(partitions));
  }

  Map<TopicPartition, Long> revoke(TopicPartition... partitions) {
    return listener.onRevoked(List.of(partitions));
  }

  /** Delivers records and, as the real source does, pauses until the actor resumes it. */
  void deliver(List<ConsumerRecord<byte[], byte[]>> records) {
    paused = true;
    listener.onRecords(records);
  }
}
