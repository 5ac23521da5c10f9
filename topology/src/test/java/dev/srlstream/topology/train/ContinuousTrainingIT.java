package dev.srlstream.topology.train;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.srlstream.infra.LocalInfrastructure;
import dev.srlstream.method.data.ArithmeticProblem;
import dev.srlstream.method.data.ArithmeticProblems;
import dev.srlstream.method.data.ExpertSolution;
import dev.srlstream.method.data.InstanceExpander;
import dev.srlstream.method.data.JsonlWriter;
import dev.srlstream.method.data.Split;
import dev.srlstream.schemas.ServiceGroups;
import dev.srlstream.schemas.TopicSpec;
import dev.srlstream.schemas.Topics;
import dev.srlstream.schemas.avro.DeadLetter;
import dev.srlstream.schemas.avro.StepReward;
import dev.srlstream.schemas.avro.TrainingMode;
import dev.srlstream.schemas.registry.SchemaRegistryClient;
import dev.srlstream.schemas.serde.AvroSerde;
import dev.srlstream.topology.CommandRun;
import dev.srlstream.topology.SrlCommand;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Continuous online training as a user runs it: {@code srl train --minutes 0} in a JVM of its own
 * trains until stopped; while it runs, {@code srl feed} streams in a second data set the run has
 * never seen, with the command line the run printed; the new instances are rolled out, rewarded and
 * trained on; SIGTERM ends the run, which writes its summary.
 */
class ContinuousTrainingIT {
  private static final String FEED_HINT = "new expert data streams in with: srl ";

  @TempDir Path dir;

  @Test
  void aRunningTrainingTrainsOnAFedDataSetAndWritesItsSummaryOnSigterm() throws Exception {
    try (LocalInfrastructure infra =
        LocalInfrastructure.start(LocalInfrastructure.Config.ephemeral())) {
      ArithmeticProblems.DataSet data = TinyRuns.data();
      Path base = Files.write(dir.resolve("base.bin"), TinyRuns.warmBase(data));
      Path train = write("train.jsonl", TinyRuns.solutions(data, Split.TRAIN));
      Path test = write("test.jsonl", TinyRuns.solutions(data, Split.TEST));
      List<ExpertSolution> fresh = newProblems(data, 6);
      Path fed = write("fed.jsonl", fresh);
      Set<String> fedInstances =
          fresh.stream()
              .flatMap(
                  s ->
                      java.util.stream.IntStream.range(0, s.steps().size())
                          .mapToObj(k -> InstanceExpander.instanceId(s.id(), k, TrainingMode.SRL)))
              .collect(Collectors.toSet());
      Path runDir = dir.resolve("run");
      Path stdout = dir.resolve("stdout.txt");
      Process run =
          srl(
              stdout,
              "train",
              "--recipe",
              "srl",
              "--base",
              base.toString(),
              "--data",
              train.toString(),
              "--test",
              test.toString(),
              "--test-problems",
              "2",
              "--k",
              "1",
              "--minutes",
              "0",
              "--bootstrap-servers",
              infra.bootstrapServers(),
              "--schema-registry",
              infra.schemaRegistryUrl(),
              "--run-dir",
              runDir.toString(),
              "--group-size",
              "4",
              "--batch-groups",
              "1",
              "--max-new-tokens",
              "24",
              "--task-window",
              "4");
      try {
        String hint = awaitLine(stdout, FEED_HINT, run);
        List<String> feed =
            new ArrayList<>(
                Arrays.asList(
                    hint.substring(hint.indexOf(FEED_HINT) + FEED_HINT.length() - "srl ".length())
                        .split(" ")));
        feed.remove(0); // "srl"
        assertThat(feed).first().isEqualTo("feed");
        feed.set(feed.size() - 1, fed.toString()); // the hint's FILE
        String policy = feed.get(feed.indexOf("--policy") + 1);
        CommandRun feeding = CommandRun.of(feed.toArray(String[]::new));
        assertThat(feeding.exitCode()).as(feeding.out() + feeding.err()).isZero();

        // The fed instances are rolled out, rewarded, grouped and consumed by the learner.
        SchemaRegistryClient registry = new SchemaRegistryClient(infra.schemaRegistryUrl());
        awaitTrue(
            () -> trainedOn(infra, registry, policy, fedInstances) > 0,
            "the learner trains on a group of the fed data set",
            run);
        assertThat(
                read(infra, registry, Topics.STEP_REWARDS).stream()
                    .map(ConsumerRecord::value)
                    .filter(r -> fedInstances.contains(r.getInstanceId()))
                    .map(StepReward::getPolicyName))
            .isNotEmpty()
            .containsOnly(policy);

        run.destroy(); // SIGTERM
        assertThat(run.waitFor(3, TimeUnit.MINUTES)).as("exits after SIGTERM").isTrue();
      } finally {
        run.destroyForcibly();
      }
      JsonNode summary = new ObjectMapper().readTree(runDir.resolve("summary.json").toFile());
      assertThat(summary.path("status").asText()).startsWith("stopped: interrupted by a signal");
      assertThat(summary.path("versions").asLong()).isPositive();
      assertThat(summary.path("groups_trained").asLong()).isPositive();
      assertThat(Files.readString(stdout)).contains("run directory: " + runDir);
    }
  }

  /**
   * How many groups of {@code instances} the learner has consumed and not refused: groups on
   * srl.training-groups before the learner's committed offset of their partition, with no dead
   * letter naming their coordinates.
   */
  private static long trainedOn(
      LocalInfrastructure infra,
      SchemaRegistryClient registry,
      String policy,
      Set<String> instances) {
    Map<TopicPartition, OffsetAndMetadata> committed;
    try (Admin admin = Admin.create(Map.of("bootstrap.servers", infra.bootstrapServers()))) {
      committed =
          admin
              .listConsumerGroupOffsets(ServiceGroups.learner(policy))
              .partitionsToOffsetAndMetadata()
              .get(30, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
    Set<String> refused =
        read(infra, registry, Topics.DEAD_LETTERS).stream()
            .map(ConsumerRecord::value)
            .filter(d -> d.getSourceTopic().equals(Topics.TRAINING_GROUPS.name()))
            .map(ContinuousTrainingIT::coordinates)
            .collect(Collectors.toSet());
    return read(infra, registry, Topics.TRAINING_GROUPS).stream()
        .filter(r -> instances.contains(r.value().getInstanceId()))
        .filter(r -> policy.equals(r.value().getPolicyName()))
        .filter(
            r -> {
              OffsetAndMetadata next = committed.get(new TopicPartition(r.topic(), r.partition()));
              return next != null && r.offset() < next.offset();
            })
        .filter(r -> !refused.contains(r.partition() + ":" + r.offset()))
        .count();
  }

  private static String coordinates(DeadLetter letter) {
    return letter.getSourcePartition() + ":" + letter.getSourceOffset();
  }

  /** Problems of another draw than the run's data, none of which the run trains on. */
  private static List<ExpertSolution> newProblems(ArithmeticProblems.DataSet data, int count) {
    Set<String> known =
        Arrays.stream(Split.values())
            .flatMap(s -> data.get(s).stream())
            .map(ArithmeticProblem::id)
            .collect(Collectors.toSet());
    ArithmeticProblems.DataSet other =
        ArithmeticProblems.generate(
            ArithmeticProblems.Config.defaults()
                .withSeed(99)
                .withSteps(1, 2)
                .withNumbers(9, 99)
                .withSizes(30, 4, 4));
    List<ExpertSolution> fresh =
        other.get(Split.TRAIN).stream()
            .filter(p -> !known.contains(p.id()))
            .limit(count)
            .map(ArithmeticProblem::toExpertSolution)
            .toList();
    assertThat(fresh).hasSize(count);
    return fresh;
  }

  private Path write(String name, List<ExpertSolution> solutions) throws Exception {
    Path file = dir.resolve(name);
    JsonlWriter.write(file, solutions);
    return file;
  }

  /** {@code srl ARGS} in a JVM of its own, as a user starts it; its console goes to a file. */
  private static Process srl(Path stdout, String... args) throws Exception {
    String classpath =
        System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(List.of("-Xmx1g", "-cp", classpath, SrlCommand.class.getName()));
    command.addAll(List.of(args));
    ProcessBuilder builder = new ProcessBuilder(command);
    builder.redirectErrorStream(true);
    builder.redirectOutput(stdout.toFile());
    return builder.start();
  }

  private static String awaitLine(Path file, String marker, Process process) throws Exception {
    String[] found = new String[1];
    awaitTrue(
        () -> {
          try {
            found[0] =
                Files.readAllLines(file).stream()
                    .filter(l -> l.contains(marker))
                    .findFirst()
                    .orElse(null);
            return found[0] != null;
          } catch (java.io.IOException e) {
            return false;
          }
        },
        "a line with '" + marker + "' in " + file,
        process);
    return found[0];
  }

  private static void awaitTrue(BooleanSupplier condition, String what, Process process)
      throws Exception {
    long deadline = System.nanoTime() + Duration.ofMinutes(4).toNanos();
    while (System.nanoTime() < deadline) {
      if (condition.getAsBoolean()) {
        return;
      }
      if (!process.isAlive()) {
        throw new AssertionError(what + ": the run ended first, exit " + process.exitValue());
      }
      Thread.sleep(500);
    }
    throw new AssertionError(what + ": not within 4 minutes");
  }

  private static <V extends SpecificRecord> List<ConsumerRecord<String, V>> read(
      LocalInfrastructure infra, SchemaRegistryClient registry, TopicSpec<V> topic) {
    List<ConsumerRecord<String, V>> records = new ArrayList<>();
    try (KafkaConsumer<String, V> consumer =
        new KafkaConsumer<>(
            Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                infra.bootstrapServers(),
                ConsumerConfig.ISOLATION_LEVEL_CONFIG,
                "read_committed"),
            new StringDeserializer(),
            AvroSerde.forTopic(topic, registry).deserializer())) {
      List<TopicPartition> partitions =
          consumer.partitionsFor(topic.name()).stream()
              .map(p -> new TopicPartition(p.topic(), p.partition()))
              .toList();
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      Map<TopicPartition, Long> ends = consumer.endOffsets(partitions);
      while (partitions.stream().anyMatch(tp -> consumer.position(tp) < ends.get(tp))) {
        consumer
            .poll(Duration.ofMillis(200))
            .forEach(
                r -> {
                  if (r.value() != null) {
                    records.add(r);
                  }
                });
      }
    }
    return records;
  }
}
