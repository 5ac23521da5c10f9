package dev.srlstream.actor;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.CloseOptions.GroupMembershipOperation;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The task consumer of one actor instance: a plain Kafka consumer subscribed to the task topic in
 * the fleet's group, owned by one platform thread of its own (the Kafka consumer is not
 * thread-safe, and its blocking calls must stay off the Vert.x event loops). The thread loops:
 * apply the queued commands (pause, resume, commits), send pending commits asynchronously, poll,
 * hand the records to the listener and pause until the actor resumes it (so the consumer never
 * races ahead of the actor: at most one poll's worth of tasks waits beyond those in flight).
 * Rebalance callbacks run inside {@code poll} on this thread; a revocation commits what the actor
 * completed on the revoked partitions synchronously before letting them go.
 */
final class KafkaTaskSource implements TaskSource {
  private static final Logger log = LoggerFactory.getLogger(KafkaTaskSource.class);

  private final Consumer<byte[], byte[]> consumer;
  private final String topic;
  private final String name;
  private final Duration pollTimeout;

  /** When the consumer thread last came back from {@code poll} (or started), by nanoTime. */
  private volatile long lastPollNanos = System.nanoTime();

  private final ConcurrentLinkedQueue<java.util.function.Consumer<Loop>> commands =
      new ConcurrentLinkedQueue<>();
  private final CompletableFuture<Void> closed = new CompletableFuture<>();
  private volatile boolean stopping;
  private volatile boolean aborting;
  private Thread thread;

  /**
   * @param consumer a consumer configured with the group, no auto-commit, byte-array deserializers
   * @param name the thread's name
   */
  KafkaTaskSource(
      Consumer<byte[], byte[]> consumer, String topic, String name, Duration pollTimeout) {
    this.consumer = consumer;
    this.topic = topic;
    this.name = name;
    this.pollTimeout = pollTimeout;
  }

  @Override
  public synchronized void start(Listener listener) {
    if (thread != null) {
      throw new IllegalStateException("the task source " + name + " is already started");
    }
    thread = new Thread(() -> new Loop(listener).run(), name);
    thread.setDaemon(true);
    thread.start();
  }

  @Override
  public void pause() {
    commands.add(Loop::pause);
  }

  @Override
  public void resume() {
    commands.add(Loop::resume);
    // A poll on paused partitions blocks for its whole timeout: cut it short, the actor has room.
    consumer.wakeup();
  }

  @Override
  public void commit(Map<TopicPartition, Long> offsets) {
    Map<TopicPartition, Long> copy = Map.copyOf(offsets);
    commands.add(loop -> loop.addCommit(copy));
  }

  @Override
  public CompletionStage<Void> close(Map<TopicPartition, Long> finalOffsets) {
    Map<TopicPartition, Long> copy = Map.copyOf(finalOffsets);
    commands.add(loop -> loop.addCommit(copy));
    stopping = true;
    consumer.wakeup();
    return closedOrNow();
  }

  @Override
  public CompletionStage<Void> abort() {
    aborting = true;
    consumer.wakeup();
    return closedOrNow();
  }

  private synchronized CompletionStage<Void> closedOrNow() {
    if (thread == null) {
      // Never started: nothing joined the group, nothing to commit.
      consumer.close(CloseOptions.timeout(Duration.ZERO));
      closed.complete(null);
    }
    return closed;
  }

  @Override
  public Duration sinceLastPoll() {
    return Duration.ofNanos(System.nanoTime() - lastPollNanos);
  }

  /** The state of the consumer thread; only that thread touches it. */
  private final class Loop implements ConsumerRebalanceListener {
    private final Listener listener;
    private final Map<TopicPartition, Long> toCommit = new HashMap<>();
    private boolean paused;

    Loop(Listener listener) {
      this.listener = listener;
    }

    void run() {
      try {
        consumer.subscribe(List.of(topic), this);
        while (!stopping && !aborting) {
          applyCommands();
          commitAsync();
          ConsumerRecords<byte[], byte[]> records;
          try {
            records = consumer.poll(pollTimeout);
          } catch (WakeupException e) {
            continue;
          } finally {
            lastPollNanos = System.nanoTime();
          }
          if (!records.isEmpty() && !aborting) {
            List<ConsumerRecord<byte[], byte[]>> list = new ArrayList<>(records.count());
            records.forEach(list::add);
            // One batch at a time: fetch no more until the actor, having taken these, asks.
            pause();
            listener.onRecords(list);
          }
        }
        if (aborting) {
          consumer.close(
              CloseOptions.groupMembershipOperation(GroupMembershipOperation.REMAIN_IN_GROUP)
                  .withTimeout(Duration.ZERO));
          log.info("{}: aborted without committing or leaving the group", name);
        } else {
          applyCommands();
          commitSync(new HashMap<>(toCommit));
          toCommit.clear();
          consumer.close(
              CloseOptions.groupMembershipOperation(GroupMembershipOperation.LEAVE_GROUP)
                  .withTimeout(Duration.ofSeconds(30)));
          log.info("{}: committed and left the group", name);
        }
        closed.complete(null);
      } catch (RuntimeException | Error e) {
        log.error("{}: the task consumer failed", name, e);
        try {
          consumer.close(CloseOptions.timeout(Duration.ZERO));
        } catch (RuntimeException suppressed) {
          e.addSuppressed(suppressed);
        }
        closed.completeExceptionally(e);
        if (!aborting) {
          listener.onFailure(e);
        }
      }
    }

    private void applyCommands() {
      java.util.function.Consumer<Loop> command;
      while ((command = commands.poll()) != null) {
        command.accept(this);
      }
    }

    void pause() {
      paused = true;
      consumer.pause(consumer.assignment());
    }

    void resume() {
      paused = false;
      consumer.resume(consumer.assignment());
    }

    void addCommit(Map<TopicPartition, Long> offsets) {
      offsets.forEach((p, o) -> toCommit.merge(p, o, Math::max));
    }

    private void commitAsync() {
      if (toCommit.isEmpty() || aborting) {
        return;
      }
      Map<TopicPartition, OffsetAndMetadata> offsets = metadata(toCommit);
      toCommit.clear();
      consumer.commitAsync(
          offsets,
          (committed, error) -> {
            if (error != null) {
              // Later commits carry higher offsets; at worst the tasks are redone elsewhere.
              log.warn("{}: commit of {} failed: {}", name, offsets, error.toString());
            }
          });
    }

    private void commitSync(Map<TopicPartition, Long> offsets) {
      if (offsets.isEmpty() || aborting) {
        return;
      }
      for (int attempt = 1; ; attempt++) {
        try {
          consumer.commitSync(metadata(offsets), Duration.ofSeconds(30));
          return;
        } catch (WakeupException e) {
          if (attempt == 2) {
            throw e;
          }
          // A wakeup meant for poll() landed here: the commit still has to happen.
        } catch (RuntimeException e) {
          log.warn(
              "{}: commit of {} failed; those tasks will be redone: {}",
              name,
              offsets,
              e.toString());
          return;
        }
      }
    }

    @Override
    public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
      if (partitions.isEmpty() || aborting) {
        return;
      }
      Map<TopicPartition, Long> offsets = new HashMap<>(listener.onRevoked(partitions));
      for (TopicPartition p : partitions) {
        Long pending = toCommit.remove(p);
        if (pending != null) {
          offsets.merge(p, pending, Math::max);
        }
      }
      commitSync(offsets);
      log.info("{}: revoked {}, committed {}", name, partitions, offsets);
    }

    @Override
    public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
      if (paused && !partitions.isEmpty()) {
        consumer.pause(partitions);
      }
      if (!partitions.isEmpty()) {
        log.info("{}: assigned {}", name, partitions);
      }
      listener.onAssigned(partitions);
    }

    @Override
    public void onPartitionsLost(Collection<TopicPartition> partitions) {
      partitions.forEach(toCommit::remove);
      log.warn("{}: lost {} (nothing committed for them)", name, partitions);
      listener.onLost(partitions);
    }
  }

  private static Map<TopicPartition, OffsetAndMetadata> metadata(
      Map<TopicPartition, Long> offsets) {
    Map<TopicPartition, OffsetAndMetadata> out = new HashMap<>();
    offsets.forEach((p, o) -> out.put(p, new OffsetAndMetadata(o)));
    return out;
  }
}
