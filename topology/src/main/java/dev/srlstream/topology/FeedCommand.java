package dev.srlstream.topology;

import dev.srlstream.method.data.ExpertSolution;
import dev.srlstream.method.data.InstanceExpander;
import dev.srlstream.method.data.JsonlSolutionReader;
import dev.srlstream.method.data.ReadResult;
import dev.srlstream.method.data.Split;
import dev.srlstream.method.data.StepInstance;
import dev.srlstream.method.data.TaskSettings;
import dev.srlstream.schemas.PolicyNames;
import dev.srlstream.schemas.Topics;
import dev.srlstream.schemas.avro.ExpertStep;
import dev.srlstream.schemas.avro.StepTask;
import dev.srlstream.schemas.avro.TrainingMode;
import dev.srlstream.schemas.registry.SchemaRegistryClient;
import dev.srlstream.schemas.serde.AvroSerde;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code srl feed}: expert data into the topics, as expert steps and tasks. */
@Command(
    name = "feed",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = {
      "Expand a JSONL data file into step-wise instances and produce, for each, its expert step to"
          + " srl.expert-steps (keyed by instance id, so feeding again replaces it) and --epochs"
          + " tasks to srl.tasks (task id feed-<millis>:<instance>/e<epoch>, new with every feed, so"
          + " feeding again trains again; G rollouts each). Prints how many of each it produced."
    })
final class FeedCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Mixin ClusterOptions cluster;

  @Option(
      names = "--data",
      required = true,
      paramLabel = "FILE",
      description = "Expert solutions in our JSONL.")
  Path data;

  @Option(
      names = "--mode",
      defaultValue = "SRL",
      paramLabel = "SRL|RLVR|HOLISTIC",
      description = "Training mode of the instances (default: ${DEFAULT-VALUE}).")
  TrainingMode mode;

  @Option(names = "--hint", description = "Give the title of the target step as a hint.")
  boolean hint;

  @Option(
      names = "--group-size",
      defaultValue = "8",
      paramLabel = "G",
      description = "Rollouts per task (default: ${DEFAULT-VALUE}).")
  int groupSize;

  @Option(
      names = "--temperature",
      defaultValue = "1.0",
      paramLabel = "T",
      description = "Sampling temperature (default: ${DEFAULT-VALUE}).")
  float temperature;

  @Option(
      names = "--max-new-tokens",
      defaultValue = "96",
      paramLabel = "N",
      description = "Tokens a rollout may sample (default: ${DEFAULT-VALUE}).")
  int maxNewTokens;

  @Option(
      names = "--epochs",
      defaultValue = "1",
      paramLabel = "N",
      description = "Tasks per instance (default: ${DEFAULT-VALUE}).")
  int epochs;

  @Option(
      names = "--policy",
      defaultValue = PolicyNames.DEFAULT,
      paramLabel = "NAME",
      description =
          "Policy to train on the tasks: only its actors sample them (a srl train run's policy is"
              + " its run id) (default: ${DEFAULT-VALUE}).")
  String policy;

  @Option(
      names = "--seed",
      defaultValue = "1",
      paramLabel = "N",
      description = "Base of the tasks' sampling seeds (default: ${DEFAULT-VALUE}).")
  long seed;

  @Option(
      names = "--context-window",
      defaultValue = "0",
      paramLabel = "N",
      description =
          "Steps before the target that a task's prompt shows, newest kept; 0 for all. Give the"
              + " running training's own (its start-up line says it) (default: ${DEFAULT-VALUE}).")
  int contextWindow;

  @Override
  public Integer call() throws Exception {
    if (mode == TrainingMode.SFT) {
      throw new IllegalArgumentException(
          "--mode must be SRL, RLVR or HOLISTIC (SFT has no rollouts; use srl sft), but was SFT");
    }
    if (contextWindow < 0) {
      throw new IllegalArgumentException(
          "--context-window must be >= 0 (0 for all steps), but was " + contextWindow);
    }
    if (epochs < 1) {
      throw new IllegalArgumentException("--epochs must be >= 1, but was " + epochs);
    }
    PolicyNames.requireValid("--policy", policy);
    TaskSettings settings = new TaskSettings(groupSize, temperature, maxNewTokens);
    CliFiles.requireInputFile(data, "--data");
    ReadResult read = new JsonlSolutionReader().read(data);
    InstanceExpander expander =
        new InstanceExpander(
            InstanceExpander.Config.defaults()
                .withMode(mode)
                .withTitleHint(hint)
                .withContextWindow(
                    contextWindow == 0
                        ? InstanceExpander.Config.ALL_EARLIER_STEPS
                        : contextWindow));
    SchemaRegistryClient registry = cluster.registry();
    AvroSerde<ExpertStep> expertSerde = AvroSerde.forTopic(Topics.EXPERT_STEPS, registry);
    AvroSerde<StepTask> taskSerde = AvroSerde.forTopic(Topics.TASKS, registry);
    Instant now = Instant.now();
    long experts = 0;
    long tasks = 0;
    Map<String, Object> producerConfig = new HashMap<>(cluster.kafkaConfig());
    producerConfig.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.bootstrapServers);
    producerConfig.put(ProducerConfig.ACKS_CONFIG, "all");
    producerConfig.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 30_000);
    try (KafkaProducer<String, byte[]> producer =
        new KafkaProducer<>(producerConfig, new StringSerializer(), new ByteArraySerializer())) {
      // Expert steps first, so the scorer knows an instance before its rollouts come.
      List<StepInstance> instances = new ArrayList<>();
      for (ExpertSolution solution : read.solutions()) {
        instances.addAll(expander.expand(solution, Split.TRAIN));
      }
      for (StepInstance instance : instances) {
        producer.send(
            new ProducerRecord<>(
                Topics.EXPERT_STEPS.name(),
                instance.instanceId(),
                expertSerde.serialize(Topics.EXPERT_STEPS.name(), instance.toExpertStep(now))));
        experts++;
      }
      producer.flush();
      // Task ids are unique per dispatch (the scorer trains at most one group per task id), so
      // each feed has its own prefix.
      String feedId = "feed-" + now.toEpochMilli();
      for (int epoch = 0; epoch < epochs; epoch++) {
        for (StepInstance instance : instances) {
          String taskId = feedId + ":" + instance.instanceId() + "/e" + epoch;
          StepTask task =
              instance.toStepTask(taskId, policy, settings, seed * 1_000_003L + tasks, now);
          producer.send(
              new ProducerRecord<>(
                  Topics.TASKS.name(),
                  instance.instanceId(),
                  taskSerde.serialize(Topics.TASKS.name(), task)));
          tasks++;
        }
      }
      producer.flush();
    }
    PrintWriter out = spec.commandLine().getOut();
    out.printf(
        "srl feed: %d expert steps to %s, %d tasks of policy %s to %s (%s)%n",
        experts, Topics.EXPERT_STEPS.name(), tasks, policy, Topics.TASKS.name(), read.summary());
    out.flush();
    return 0;
  }
}
