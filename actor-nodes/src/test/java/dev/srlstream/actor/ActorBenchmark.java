package dev.srlstream.actor;

import dev.srlstream.infra.kafka.BrokerConfig;
import dev.srlstream.infra.kafka.EmbeddedKafkaBroker;
import dev.srlstream.infra.kafka.TopicProvisioner;
import dev.srlstream.infra.registry.RegistryConfig;
import dev.srlstream.infra.registry.SchemaRegistryServer;
import dev.srlstream.policy.ModelConfig;
import dev.srlstream.policy.SessionThreads;
import dev.srlstream.schemas.TopicSpec;
import dev.srlstream.schemas.Topics;
import dev.srlstream.schemas.avro.StepTask;
import dev.srlstream.schemas.avro.TrainingMode;
import dev.srlstream.schemas.registry.SchemaRegistryClient;
import dev.srlstream.schemas.serde.AvroSerde;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Rollouts/s and tokens/s of the actor fleet with the default model ({@link ModelConfig#DEFAULT},
 * fresh weights) on the embedded broker, end to end: tasks on {@code srl.tasks}-like topics, groups
 * sampled, steps produced and acknowledged, offsets committed. Not a test; run by {@code
 * actor-nodes/bench/actors.sh}.
 *
 * <p>Arguments: {@code TASKS GROUP_SIZE MAX_NEW_TOKENS ROUNDS}. Each round runs, in turn: one actor
 * (TensorFlow's default threads), two instances in one process ({@code --count 2}, one TF thread
 * each), and two actor processes (two services in this JVM, one TF thread each; each has its own
 * Vert.x, producer, version feed and consumers, as separate processes would). The first round is a
 * warm-up and is not reported.
 */
public final class ActorBenchmark {

  private record Setup(String name, int services, int instances, SessionThreads threads) {}

  private static final List<Setup> SETUPS =
      List.of(
          new Setup("1 actor (TF default threads)", 1, 1, SessionThreads.TENSORFLOW_DEFAULT),
          new Setup("1 actor (1 TF thread)", 1, 1, SessionThreads.SINGLE),
          new Setup("2 instances, 1 process (1 TF thread each)", 1, 2, SessionThreads.SINGLE),
          new Setup("2 processes (1 TF thread each)", 2, 1, SessionThreads.SINGLE));

  private ActorBenchmark() {}

  public static void main(String[] args) throws Exception {
    int tasks = args.length > 0 ? Integer.parseInt(args[0]) : 48;
    int groupSize = args.length > 1 ? Integer.parseInt(args[1]) : 8;
    int maxNewTokens = args.length > 2 ? Integer.parseInt(args[2]) : 64;
    int rounds = args.length > 3 ? Integer.parseInt(args[3]) : 2;
    System.out.printf(
        "tasks %d, G %d, max_new_tokens %d, model %s (%,d parameters), %d cores%n",
        tasks,
        groupSize,
        maxNewTokens,
        ModelConfig.DEFAULT.toJson(),
        ModelConfig.DEFAULT.parameterCount(),
        Runtime.getRuntime().availableProcessors());
    try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start(BrokerConfig.ephemeral());
        SchemaRegistryServer registry =
            SchemaRegistryServer.start(RegistryConfig.kafka(broker.bootstrapServers(), 0))) {
      int run = 0;
      for (int round = 0; round <= rounds; round++) {
        for (Setup setup : SETUPS) {
          if (round == 0 && setup != SETUPS.get(0)) {
            continue; // one warm-up run is enough for the JIT and TensorFlow
          }
          Result r = run(broker, registry, setup, "bench" + run++, tasks, groupSize, maxNewTokens);
          System.out.printf(
              "%s%-44s %7.1f rollouts/s %8.0f tokens/s  (%d rollouts, %d tokens, %.1f s;"
                  + " sampling busy %.0f%%)%n",
              round == 0 ? "[warm-up] " : "",
              setup.name(),
              r.rollouts / r.seconds,
              r.tokens / r.seconds,
              r.rollouts,
              r.tokens,
              r.seconds,
              100 * r.samplingSeconds / (r.seconds * setup.services() * setup.instances()));
        }
      }
    }
  }

  private record Result(long rollouts, long tokens, double seconds, double samplingSeconds) {}

  private static Result run(
      EmbeddedKafkaBroker broker,
      SchemaRegistryServer registry,
      Setup setup,
      String prefix,
      int taskCount,
      int groupSize,
      int maxNewTokens)
      throws Exception {
    ActorTopics topics =
        new ActorTopics(
            prefix + ".tasks", prefix + ".rollouts", prefix + ".versions", prefix + ".dead");
    try (Admin admin = Admin.create(Map.of("bootstrap.servers", broker.bootstrapServers()))) {
      TopicProvisioner.provision(
          admin,
          List.of(
              renamed(Topics.TASKS, topics.tasks()),
              renamed(Topics.ROLLOUT_STEPS, topics.rolloutSteps()),
              renamed(Topics.POLICY_VERSIONS, topics.policyVersions()),
              renamed(Topics.DEAD_LETTERS, topics.deadLetters())));
    }
    List<ActorService> services = new ArrayList<>();
    try {
      for (int s = 0; s < setup.services(); s++) {
        ActorConfig config =
            ActorConfig.builder()
                .groupId(prefix)
                .actorId(prefix + "-p" + s)
                .instances(setup.instances())
                .sessionThreads(setup.threads())
                .statusInterval(Duration.ofMinutes(10))
                .build();
        services.add(
            ActorService.start(
                new ActorService.Settings(
                    broker.bootstrapServers(), registry.url(), config, topics, -1, Map.of())));
      }
      int instances = setup.services() * setup.instances();
      Waits.until(
          "every instance assigned",
          Duration.ofSeconds(60),
          () ->
              services.stream()
                      .flatMap(s -> s.status().instances().stream())
                      .filter(i -> !i.assigned().isEmpty())
                      .count()
                  == instances);

      long start = System.nanoTime();
      produce(broker, registry, topics.tasks(), taskCount, groupSize, maxNewTokens);
      Waits.until(
          "every task done",
          Duration.ofMinutes(30),
          () -> services.stream().mapToLong(s -> s.metrics().tasksCompleted()).sum() == taskCount);
      double seconds = (System.nanoTime() - start) / 1e9;
      long rollouts = services.stream().mapToLong(s -> s.metrics().rollouts()).sum();
      long tokens = services.stream().mapToLong(s -> s.metrics().responseTokens()).sum();
      double sampling = services.stream().mapToDouble(s -> s.metrics().samplingSeconds()).sum();
      return new Result(rollouts, tokens, seconds, sampling);
    } finally {
      services.forEach(ActorService::close);
    }
  }

  /** SRL tasks shaped like the bundled arithmetic data: a question and a few steps of context. */
  private static void produce(
      EmbeddedKafkaBroker broker,
      SchemaRegistryServer registry,
      String topic,
      int count,
      int groupSize,
      int maxNewTokens) {
    AvroSerde<StepTask> serde =
        new AvroSerde<>(StepTask.class, new SchemaRegistryClient(registry.url()));
    try (KafkaProducer<String, byte[]> producer =
        new KafkaProducer<>(
            Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers()),
            new StringSerializer(),
            new ByteArraySerializer())) {
      for (int i = 0; i < count; i++) {
        List<String> context = new ArrayList<>();
        for (int k = 0; k < i % 4; k++) {
          context.add((3 + k) + " × " + (i % 7 + 2) + " = " + (3 + k) * (i % 7 + 2) + " → 17 - 4");
        }
        StepTask task =
            StepTask.newBuilder()
                .setTaskId("bench-" + i)
                .setInstanceId("bench-" + i + "/k" + context.size() + "/SRL")
                .setProblemId("bench-" + i)
                .setMode(TrainingMode.SRL)
                .setStepIndex(context.size())
                .setTotalSteps(4)
                .setQuestion("(" + i + " + 4) × 5 − 6 ÷ 2 + 17 − 4")
                .setContextSteps(context)
                .setHint(null)
                .setGroupSize(groupSize)
                .setTemperature(1.0f)
                .setMaxNewTokens(maxNewTokens)
                .setSeed(i)
                .setCreatedAt(Instant.now())
                .build();
        producer.send(
            new ProducerRecord<>(topic, task.getInstanceId(), serde.serialize(topic, task)));
      }
      producer.flush();
    }
  }

  private static <V extends SpecificRecord> TopicSpec<V> renamed(TopicSpec<V> t, String name) {
    return new TopicSpec<>(
        name,
        t.valueType(),
        t.keyField(),
        t.partitions(),
        t.cleanupPolicy(),
        t.retention(),
        t.maxMessageBytes());
  }
}
