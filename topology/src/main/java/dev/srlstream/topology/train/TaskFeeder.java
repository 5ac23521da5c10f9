package dev.srlstream.topology.train;

import dev.srlstream.method.data.StepInstance;
import dev.srlstream.method.data.TaskSettings;
import dev.srlstream.schemas.Topics;
import dev.srlstream.schemas.avro.ExpertStep;
import dev.srlstream.schemas.avro.StepTask;
import dev.srlstream.schemas.avro.TrainingMode;
import dev.srlstream.schemas.serde.AvroSerde;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * Feeds a run's tasks to {@code srl.tasks}, a few at a time: it publishes every instance's expert
 * step first (so the scorer knows an instance before its rollouts come), then keeps at most {@code
 * window} tasks in flight (sent, not yet rewarded), going through the instances of the current mode
 * in a fresh shuffled order each epoch. A small window keeps the rollouts close to the current
 * policy version; the actors' own bound on groups in flight does the rest.
 *
 * <p>Task ids are {@code <run id>:<instance>/e<epoch>}: unique within a run, so the scorer's
 * duplicate checks see each task once, and distinct across runs, so a run on a shared cluster can
 * tell its own rewards ({@link #isOfRun}).
 */
final class TaskFeeder {
  private final Producer<String, byte[]> producer;
  private final AvroSerde<ExpertStep> expertSerde;
  private final AvroSerde<StepTask> taskSerde;
  private final Map<TrainingMode, List<StepInstance>> instances;
  private final Map<TrainingMode, Cursor> cursors = new EnumMap<>(TrainingMode.class);
  private final TaskSettings settings;
  private final long seed;
  private final String runId;
  private long sent;
  private volatile Exception deliveryFailure;

  TaskFeeder(
      Producer<String, byte[]> producer,
      AvroSerde<ExpertStep> expertSerde,
      AvroSerde<StepTask> taskSerde,
      Map<TrainingMode, List<StepInstance>> instances,
      TaskSettings settings,
      long seed,
      String runId) {
    this.producer = producer;
    this.expertSerde = expertSerde;
    this.taskSerde = taskSerde;
    this.instances = instances;
    this.settings = settings;
    this.seed = seed;
    this.runId = runId;
    for (Map.Entry<TrainingMode, List<StepInstance>> e : instances.entrySet()) {
      if (e.getValue().isEmpty()) {
        throw new IllegalArgumentException("no " + e.getKey() + " instance to train on");
      }
      cursors.put(e.getKey(), new Cursor(e.getValue(), seed ^ e.getKey().ordinal()));
    }
  }

  /** Publishes the expert step of every instance of every mode and waits for the acks. */
  long publishExpertSteps() {
    Instant now = Instant.now();
    long count = 0;
    for (List<StepInstance> list : instances.values()) {
      for (StepInstance instance : list) {
        producer.send(
            new ProducerRecord<>(
                Topics.EXPERT_STEPS.name(),
                instance.instanceId(),
                expertSerde.serialize(Topics.EXPERT_STEPS.name(), instance.toExpertStep(now))));
        count++;
      }
    }
    producer.flush();
    return count;
  }

  /**
   * Sends tasks of {@code mode} until {@code window} are in flight.
   *
   * @param done tasks finished so far (rewarded, or refused by an actor)
   * @return the tasks sent by this call
   */
  int topUp(TrainingMode mode, long done, int window) {
    Cursor cursor = cursors.get(mode);
    if (cursor == null) {
      throw new IllegalArgumentException("this run has no " + mode + " instances");
    }
    int count = 0;
    Instant now = Instant.now();
    while (sent - done < window) {
      StepInstance instance = cursor.next();
      String taskId = taskId(runId, instance.instanceId(), cursor.epoch);
      StepTask task = instance.toStepTask(taskId, runId, settings, seed * 1_000_003L + sent, now);
      // Not flushed: the run's loop must stay responsive (a flush waits out the delivery timeout
      // when the cluster is gone); a failed delivery is kept and fails the run instead.
      producer.send(
          new ProducerRecord<>(
              Topics.TASKS.name(),
              instance.instanceId(),
              taskSerde.serialize(Topics.TASKS.name(), task)),
          (metadata, error) -> {
            if (error != null && deliveryFailure == null) {
              deliveryFailure = error;
            }
          });
      sent++;
      count++;
    }
    return count;
  }

  static String taskId(String runId, String instanceId, int epoch) {
    return runId + ":" + instanceId + "/e" + epoch;
  }

  /** Whether a task (or group, or rollout) id is one of run {@code runId}'s. */
  static boolean isOfRun(String id, String runId) {
    return id.startsWith(runId + ":");
  }

  /** The first task that could not be delivered, or null. */
  Exception deliveryFailure() {
    return deliveryFailure;
  }

  long sent() {
    return sent;
  }

  /** The epochs started in {@code mode} (1 once its first task is sent). */
  int epochsStarted(TrainingMode mode) {
    Cursor cursor = cursors.get(mode);
    return cursor == null ? 0 : cursor.epoch + 1;
  }

  /** Goes through a list in a new shuffled order each epoch. */
  private static final class Cursor {
    private final List<StepInstance> order;
    private final Random random;
    private int epoch = -1;
    private int position;

    Cursor(List<StepInstance> list, long seed) {
      this.order = new ArrayList<>(list);
      this.random = new Random(seed);
      this.position = order.size();
    }

    StepInstance next() {
      if (position == order.size()) {
        Collections.shuffle(order, random);
        position = 0;
        epoch++;
      }
      return order.get(position++);
    }
  }
}
