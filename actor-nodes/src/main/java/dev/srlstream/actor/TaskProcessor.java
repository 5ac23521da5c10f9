package dev.srlstream.actor;

import dev.srlstream.schemas.DeadLetters;
import dev.srlstream.schemas.PolicyNames;
import dev.srlstream.schemas.WarmupRecords;
import dev.srlstream.schemas.avro.DeadLetter;
import dev.srlstream.schemas.avro.RolloutStep;
import dev.srlstream.schemas.avro.StepTask;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.SerializationException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Processes one task record on an actor's sampling thread: decodes it, samples its group (or builds
 * its dead letter), sends the records, and reports once every one of them is acknowledged.
 */
final class TaskProcessor {
  private static final Logger log = LoggerFactory.getLogger(TaskProcessor.class);

  /** The service name on dead letters. */
  static final String SERVICE = "actor-nodes";

  /** What processing a task produced. */
  enum Kind {
    /** A group of rollout steps. */
    ROLLOUTS,
    /** A dead letter. */
    DEAD_LETTER,
    /** Nothing: a warm-up record. */
    SKIPPED,
    /** Nothing: a task of another policy, which that policy's own fleet samples. */
    FOREIGN
  }

  /**
   * @param kind what was produced
   * @param deadLetterReason the reason, for a dead letter
   * @param rollouts rollout steps sent
   * @param responseTokens response tokens of those steps
   * @param version the policy version the group was sampled with (-1 if none)
   */
  record Outcome(
      Kind kind,
      DeadLetterReason deadLetterReason,
      int rollouts,
      long responseTokens,
      long version) {}

  private final String policyName;
  private final ActorTopics topics;
  private final ActorSerdes serdes;
  private final RolloutGenerator generator;
  private final RecordSender sender;
  private final LongSupplier clock;

  private final AtomicBoolean foreignLogged = new AtomicBoolean();

  /**
   * @param policyName the policy this actor samples for: tasks naming another are skipped
   */
  TaskProcessor(
      String policyName,
      ActorTopics topics,
      ActorSerdes serdes,
      RolloutGenerator generator,
      RecordSender sender,
      LongSupplier clock) {
    this.policyName = policyName;
    this.topics = topics;
    this.serdes = serdes;
    this.generator = generator;
    this.sender = sender;
    this.clock = clock;
  }

  /**
   * Processes one task record and sends what it produced. Returns once the records are handed to
   * the producer; {@code delivered} is then called exactly once, on a producer thread, with null
   * when every record is acknowledged by the broker or with the first send error.
   *
   * @throws RuntimeException on a failure that is not the task's fault (the policy failed, the
   *     registry is unreachable); nothing of the task has been sent then
   */
  Outcome process(
      ConsumerRecord<byte[], byte[]> record,
      PolicyHandle policy,
      String actorId,
      Consumer<Throwable> delivered) {
    if (WarmupRecords.isWarmup(record.headers())) {
      delivered.accept(null);
      return new Outcome(Kind.SKIPPED, null, 0, 0, -1);
    }
    StepTask task;
    try {
      task = serdes.tasks().deserialize(record.topic(), record.value());
      if (task == null) {
        throw new SerializationException(
            "record on topic " + record.topic() + " has no value: a task must have one");
      }
    } catch (SerializationException e) {
      return deadLetter(record, null, DeadLetterReason.UNDECODABLE, e.getMessage(), delivered);
    }
    if (!PolicyNames.belongsTo(task.getPolicyName(), policyName)) {
      // Another policy's fleet (its own consumer group) samples it; checking it is its job too.
      if (foreignLogged.compareAndSet(false, true)) {
        log.info(
            "skipping tasks of other policies (first: {} at {}-{}@{}); this fleet samples for {}."
                + " They are counted in srl_actor_tasks_foreign_total.",
            PolicyNames.of(task.getPolicyName()),
            record.topic(),
            record.partition(),
            record.offset(),
            policyName);
      }
      delivered.accept(null);
      return new Outcome(Kind.FOREIGN, null, 0, 0, -1);
    }
    RolloutGenerator.Group group;
    try {
      TaskChecks.checkKey(
          record.key() == null ? null : new String(record.key(), StandardCharsets.UTF_8), task);
      group = generator.generate(task, policy, actorId);
    } catch (InvalidTaskException e) {
      return deadLetter(
          record, task.getTaskId(), DeadLetterReason.INVALID_FIELD, e.getMessage(), delivered);
    }
    List<ProducerRecord<String, byte[]>> out = new ArrayList<>(group.steps().size());
    for (RolloutStep step : group.steps()) {
      out.add(
          new ProducerRecord<>(
              topics.rolloutSteps(),
              step.getInstanceId(),
              serdes.rollouts().serialize(topics.rolloutSteps(), step)));
    }
    send(out, delivered);
    return new Outcome(
        Kind.ROLLOUTS, null, group.steps().size(), group.responseTokens(), group.version());
  }

  private Outcome deadLetter(
      ConsumerRecord<byte[], byte[]> record,
      String taskId,
      DeadLetterReason reason,
      String message,
      Consumer<Throwable> delivered) {
    log.warn(
        "task at {}-{}@{} goes to the dead letters ({}): {}",
        record.topic(),
        record.partition(),
        record.offset(),
        reason,
        message);
    DeadLetter letter =
        DeadLetters.of(
            SERVICE,
            reason.name(),
            message,
            new DeadLetters.Source(
                record.topic(), record.partition(), record.offset(), record.timestamp()),
            taskId,
            record.key(),
            record.value(),
            clock.getAsLong());
    send(
        List.of(
            new ProducerRecord<>(
                topics.deadLetters(),
                record.topic(),
                serdes.deadLetters().serialize(topics.deadLetters(), letter))),
        delivered);
    return new Outcome(Kind.DEAD_LETTER, reason, 0, 0, -1);
  }

  /** Sends the records; {@code delivered} runs once, when all are acknowledged or one failed. */
  private void send(List<ProducerRecord<String, byte[]>> records, Consumer<Throwable> delivered) {
    AtomicInteger remaining = new AtomicInteger(records.size());
    AtomicReference<Throwable> failure = new AtomicReference<>();
    for (ProducerRecord<String, byte[]> r : records) {
      try {
        sender.send(
            r,
            (metadata, error) -> {
              if (error != null && failure.compareAndSet(null, error)) {
                delivered.accept(error);
              } else if (remaining.decrementAndGet() == 0 && failure.get() == null) {
                delivered.accept(null);
              }
            });
      } catch (RuntimeException e) {
        // send() itself failed (the producer is closed, the record is too large): report once.
        if (failure.compareAndSet(null, e)) {
          delivered.accept(e);
        }
        return;
      }
    }
  }
}
