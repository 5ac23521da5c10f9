package dev.srlstream.topology.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.srlstream.method.data.ExpertSolution;
import dev.srlstream.method.data.InstanceExpander;
import dev.srlstream.method.data.Split;
import dev.srlstream.method.data.Step;
import dev.srlstream.method.data.StepInstance;
import dev.srlstream.method.data.TaskSettings;
import dev.srlstream.schemas.Topics;
import dev.srlstream.schemas.avro.ExpertStep;
import dev.srlstream.schemas.avro.StepTask;
import dev.srlstream.schemas.avro.TrainingMode;
import dev.srlstream.schemas.serde.AvroSerde;
import dev.srlstream.schemas.serde.InMemorySchemaRegistry;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

class TaskFeederTest {
  private static final String RUN = "run-7";
  private static final TaskSettings SETTINGS = new TaskSettings(4, 0.8f, 32);

  private final InMemorySchemaRegistry registry = new InMemorySchemaRegistry();
  private final AvroSerde<ExpertStep> expertSerde =
      AvroSerde.forTopic(Topics.EXPERT_STEPS, registry);
  private final AvroSerde<StepTask> taskSerde = AvroSerde.forTopic(Topics.TASKS, registry);
  private final MockProducer<String, byte[]> producer =
      new MockProducer<>(true, null, new StringSerializer(), new ByteArraySerializer());

  /** Problems p0..p(n-1) of 1..3 steps. */
  private static List<ExpertSolution> problems(int n) {
    List<ExpertSolution> problems = new ArrayList<>();
    for (int p = 0; p < n; p++) {
      List<Step> steps = new ArrayList<>();
      for (int s = 0; s <= p % 3; s++) {
        steps.add(Step.of("step " + s + " of p" + p));
      }
      problems.add(new ExpertSolution("p" + p, "question " + p, steps, "1", "test"));
    }
    return problems;
  }

  private static List<StepInstance> instances(TrainingMode mode, List<ExpertSolution> problems) {
    return new InstanceExpander(InstanceExpander.Config.defaults().withMode(mode))
        .expandAll(problems, Split.TRAIN);
  }

  private TaskFeeder feeder(Map<TrainingMode, List<StepInstance>> instances) {
    return new TaskFeeder(producer, expertSerde, taskSerde, instances, SETTINGS, 5, RUN);
  }

  private List<StepTask> tasksSent() {
    List<StepTask> tasks = new ArrayList<>();
    for (ProducerRecord<String, byte[]> record : producer.history()) {
      if (record.topic().equals(Topics.TASKS.name())) {
        StepTask task = taskSerde.deserialize(record.topic(), record.value());
        assertThat(record.key()).isEqualTo(task.getInstanceId().toString());
        tasks.add(task);
      }
    }
    return tasks;
  }

  @Test
  void publishesTheExpertStepOfEveryInstanceOfEveryMode() {
    List<ExpertSolution> problems = problems(4); // 1 + 2 + 3 + 1 = 7 SRL steps
    Map<TrainingMode, List<StepInstance>> instances = new EnumMap<>(TrainingMode.class);
    instances.put(TrainingMode.SRL, instances(TrainingMode.SRL, problems));
    instances.put(TrainingMode.RLVR, instances(TrainingMode.RLVR, problems));

    long count = feeder(instances).publishExpertSteps();

    assertThat(count).isEqualTo(7 + 4);
    assertThat(producer.history()).hasSize(11);
    assertThat(producer.flushed()).isTrue();
    Set<String> published = new HashSet<>();
    for (ProducerRecord<String, byte[]> record : producer.history()) {
      assertThat(record.topic()).isEqualTo(Topics.EXPERT_STEPS.name());
      ExpertStep step = expertSerde.deserialize(record.topic(), record.value());
      assertThat(step.getInstanceId().toString()).isEqualTo(record.key());
      published.add(record.key());
    }
    Set<String> expected = new HashSet<>();
    instances.values().forEach(list -> list.forEach(i -> expected.add(i.instanceId())));
    assertThat(published).isEqualTo(expected).hasSize(11);
  }

  @Test
  void topUpKeepsAtMostTheWindowInFlight() {
    TaskFeeder feeder = feeder(Map.of(TrainingMode.SRL, instances(TrainingMode.SRL, problems(3))));

    assertThat(feeder.topUp(TrainingMode.SRL, 0, 4)).isEqualTo(4);
    assertThat(feeder.sent()).isEqualTo(4);
    assertThat(producer.flushed()).isTrue();
    // full: nothing is sent
    producer.clear();
    assertThat(feeder.topUp(TrainingMode.SRL, 0, 4)).isZero();
    assertThat(feeder.topUp(TrainingMode.SRL, 0, 3)).isZero();
    assertThat(producer.history()).isEmpty();
    // 3 done: 3 more
    assertThat(feeder.topUp(TrainingMode.SRL, 3, 4)).isEqualTo(3);
    assertThat(feeder.sent()).isEqualTo(7);
    assertThat(feeder.sent() - 3).isEqualTo(4);
    // a larger window
    assertThat(feeder.topUp(TrainingMode.SRL, 3, 6)).isEqualTo(2);
    assertThat(tasksSent()).hasSize(5);
  }

  @Test
  void everyEpochGoesThroughEveryInstanceInAFreshOrderWithUniqueTaskIds() {
    List<StepInstance> srl = instances(TrainingMode.SRL, problems(6)); // 12 instances
    assertThat(srl).hasSize(12);
    TaskFeeder feeder = feeder(Map.of(TrainingMode.SRL, srl));
    assertThat(feeder.epochsStarted(TrainingMode.SRL)).isZero();

    assertThat(feeder.topUp(TrainingMode.SRL, 0, 30)).isEqualTo(30);

    List<StepTask> tasks = tasksSent();
    assertThat(tasks).hasSize(30);
    assertThat(feeder.epochsStarted(TrainingMode.SRL)).isEqualTo(3);
    Set<String> all = new HashSet<>();
    srl.forEach(i -> all.add(i.instanceId()));
    List<String> epoch0 = instanceIds(tasks.subList(0, 12));
    List<String> epoch1 = instanceIds(tasks.subList(12, 24));
    assertThat(new HashSet<>(epoch0)).isEqualTo(all);
    assertThat(new HashSet<>(epoch1)).isEqualTo(all);
    assertThat(epoch1).isNotEqualTo(epoch0);
    for (int i = 0; i < tasks.size(); i++) {
      StepTask task = tasks.get(i);
      String instance = task.getInstanceId().toString();
      assertThat(task.getTaskId().toString()).isEqualTo(RUN + ":" + instance + "/e" + i / 12);
      assertThat(TaskFeeder.isOfRun(task.getTaskId().toString(), RUN)).isTrue();
      assertThat(task.getMode()).isEqualTo(TrainingMode.SRL);
      assertThat(task.getGroupSize()).isEqualTo(4);
      assertThat(task.getTemperature()).isEqualTo(0.8f);
      assertThat(task.getMaxNewTokens()).isEqualTo(32);
    }
    assertThat(tasks.stream().map(t -> t.getTaskId().toString()).distinct()).hasSize(30);
    assertThat(tasks.stream().map(StepTask::getSeed).distinct()).hasSize(30);
  }

  @Test
  void theOrderIsTheSameForTheSameSeed() {
    List<StepInstance> srl = instances(TrainingMode.SRL, problems(6));
    feeder(Map.of(TrainingMode.SRL, srl)).topUp(TrainingMode.SRL, 0, 12);
    List<String> first = instanceIds(tasksSent());
    producer.clear();

    feeder(Map.of(TrainingMode.SRL, srl)).topUp(TrainingMode.SRL, 0, 12);

    assertThat(instanceIds(tasksSent())).isEqualTo(first);
  }

  @Test
  void modesHaveTheirOwnCursors() {
    List<ExpertSolution> problems = problems(3);
    Map<TrainingMode, List<StepInstance>> instances = new EnumMap<>(TrainingMode.class);
    instances.put(TrainingMode.SRL, instances(TrainingMode.SRL, problems));
    instances.put(TrainingMode.RLVR, instances(TrainingMode.RLVR, problems));
    TaskFeeder feeder = feeder(instances);

    feeder.topUp(TrainingMode.SRL, 0, 2);
    feeder.topUp(TrainingMode.RLVR, 2, 3);

    List<StepTask> tasks = tasksSent();
    assertThat(tasks)
        .extracting(StepTask::getMode)
        .containsExactly(
            TrainingMode.SRL,
            TrainingMode.SRL,
            TrainingMode.RLVR,
            TrainingMode.RLVR,
            TrainingMode.RLVR);
    assertThat(feeder.epochsStarted(TrainingMode.RLVR)).isEqualTo(1);
    assertThat(feeder.epochsStarted(TrainingMode.HOLISTIC)).isZero();
  }

  @Test
  void aModeWithoutInstancesIsRejected() {
    assertThatThrownBy(() -> feeder(Map.of(TrainingMode.RLVR, List.of())))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("no RLVR instance to train on");

    TaskFeeder srlOnly = feeder(Map.of(TrainingMode.SRL, instances(TrainingMode.SRL, problems(1))));
    assertThatThrownBy(() -> srlOnly.topUp(TrainingMode.RLVR, 0, 1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("this run has no RLVR instances");
    assertThat(producer.history()).isEmpty();
  }

  @Test
  void taskIdsTellTheirRun() {
    String id = TaskFeeder.taskId("run-7", "p1/k0/SRL", 2);

    assertThat(id).isEqualTo("run-7:p1/k0/SRL/e2");
    assertThat(TaskFeeder.isOfRun(id, "run-7")).isTrue();
    assertThat(TaskFeeder.isOfRun(id, "run")).isFalse();
    assertThat(TaskFeeder.isOfRun(id, "run-")).isFalse();
    assertThat(TaskFeeder.isOfRun("run-77:p1/k0/SRL/e0", "run-7")).isFalse();
    assertThat(TaskFeeder.isOfRun("p1/k0/SRL", "run-7")).isFalse();
  }

  private static List<String> instanceIds(List<StepTask> tasks) {
    return tasks.stream().map(t -> t.getInstanceId().toString()).toList();
  }
}
