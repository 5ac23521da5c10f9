package dev.srlstream.topology;

import static org.assertj.core.api.Assertions.assertThat;

import dev.srlstream.schemas.SampleRecords;
import dev.srlstream.schemas.Topics;
import dev.srlstream.schemas.avro.StepReward;
import dev.srlstream.schemas.registry.SchemaRegistryClient;
import dev.srlstream.schemas.serde.AvroSerde;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code srl infra up} as a user runs it: a separate JVM, read its two address lines, use the
 * broker and the registry, stop it with SIGTERM.
 */
class InfraUpIT {

  @TempDir Path dataDir;

  @Test
  void infraUpServesKafkaAndTheRegistryAndStopsCleanlyOnSigterm() throws Exception {
    Path stderrFile = dataDir.resolve("stderr.txt");
    Process process = startInfraUp(stderrFile);
    try {
      BufferedReader stdout =
          new BufferedReader(
              new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
      String bootstrap = valueOf(stdout.readLine(), "bootstrap.servers=");
      String registryUrl = valueOf(stdout.readLine(), "schema.registry.url=");
      assertThat(bootstrap).matches("127\\.0\\.0\\.1:\\d+");
      assertThat(registryUrl).matches("http://127\\.0\\.0\\.1:\\d+");

      // The catalogue's topics exist.
      try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrap))) {
        Set<String> names = admin.listTopics().names().get(30, TimeUnit.SECONDS);
        Topics.ALL.forEach(t -> assertThat(names).contains(t.name()));
      }

      // An Avro record goes through a real topic with its schema in the registry.
      SchemaRegistryClient registry = new SchemaRegistryClient(registryUrl);
      AvroSerde<StepReward> serde = AvroSerde.forTopic(Topics.STEP_REWARDS, registry);
      StepReward reward = SampleRecords.stepReward();
      try (KafkaProducer<String, StepReward> producer =
          new KafkaProducer<>(
              Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap),
              new StringSerializer(),
              serde.serializer())) {
        producer
            .send(new ProducerRecord<>(Topics.STEP_REWARDS.name(), reward.getGroupId(), reward))
            .get(30, TimeUnit.SECONDS);
      }
      assertThat(registry.latest(Topics.STEP_REWARDS.valueSubject()).schema())
          .isEqualTo(StepReward.getClassSchema());
      assertThat(consumeOne(bootstrap, serde)).isEqualTo(reward);

      process.destroy(); // SIGTERM
      assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("exits after SIGTERM").isTrue();
      String stderr = Files.readString(stderrFile);
      assertThat(stderr)
          .contains("srl infra: ready in", "srl infra: stopping", "srl infra: stopped");
      // Kafka warns while the warm-up waits for new partitions' leaders; errors would be a fault.
      assertThat(stderr).doesNotContain(" ERROR ").doesNotContainPattern("\\n\\tat ");
    } finally {
      process.destroyForcibly();
    }
  }

  private Process startInfraUp(Path stderrFile) throws Exception {
    String classpath =
        System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
    Path javaBin = Path.of(System.getProperty("java.home"), "bin", "java");
    List<String> command = new ArrayList<>();
    command.add(javaBin.toString());
    command.add("-cp");
    command.add(classpath);
    command.add(SrlCommand.class.getName());
    command.addAll(List.of("infra", "up", "--data-dir", dataDir.resolve("kafka").toString()));
    ProcessBuilder builder = new ProcessBuilder(command);
    // stderr goes to a file, so the child never blocks on a full pipe.
    builder.redirectError(stderrFile.toFile());
    return builder.start();
  }

  private static String valueOf(String line, String prefix) {
    assertThat(line).as("a line starting with %s", prefix).isNotNull().startsWith(prefix);
    return line.substring(prefix.length());
  }

  private static StepReward consumeOne(String bootstrap, AvroSerde<StepReward> serde) {
    try (KafkaConsumer<String, StepReward> consumer =
        new KafkaConsumer<>(
            Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ConsumerConfig.GROUP_ID_CONFIG, "infra-up-it",
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest"),
            new StringDeserializer(),
            serde.deserializer())) {
      consumer.subscribe(List.of(Topics.STEP_REWARDS.name()));
      long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
      while (System.nanoTime() < deadline) {
        for (ConsumerRecord<String, StepReward> record : consumer.poll(Duration.ofMillis(500))) {
          return record.value();
        }
      }
      return null;
    }
  }
}
