package dev.srlstream.topology;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.srlstream.infra.LocalInfrastructure;
import dev.srlstream.schemas.DeadLetters;
import dev.srlstream.schemas.SampleRecords;
import dev.srlstream.schemas.Topics;
import dev.srlstream.schemas.avro.DeadLetter;
import dev.srlstream.schemas.avro.StepReward;
import dev.srlstream.schemas.avro.StepTask;
import dev.srlstream.schemas.registry.SchemaRegistryClient;
import dev.srlstream.schemas.serde.AvroSerde;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** {@code srl read} on the embedded broker and registry. */
class ReadCommandIT {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String TOPIC = Topics.STEP_REWARDS.name();
  private static final String LETTERS = Topics.DEAD_LETTERS.name();
  private static final String TASKS = Topics.TASKS.name();
  private static LocalInfrastructure infra;

  @BeforeAll
  static void start() throws Exception {
    infra = LocalInfrastructure.start(LocalInfrastructure.Config.ephemeral());
    AvroSerde<StepReward> serde =
        AvroSerde.forTopic(
            Topics.STEP_REWARDS, new SchemaRegistryClient(infra.schemaRegistryUrl()));
    Map<String, Object> props = Map.of("bootstrap.servers", infra.bootstrapServers());
    try (KafkaProducer<String, byte[]> producer =
        new KafkaProducer<>(props, new StringSerializer(), new ByteArraySerializer())) {
      for (int i = 0; i < 5; i++) {
        StepReward reward = SampleRecords.stepReward();
        reward.setRolloutId("rollout-" + i);
        producer
            .send(new ProducerRecord<>(TOPIC, 0, "k" + i, serde.serialize(TOPIC, reward)))
            .get(30, TimeUnit.SECONDS);
      }
      producer
          .send(new ProducerRecord<>(TOPIC, 0, "junk", new byte[] {1, 2, 3}))
          .get(30, TimeUnit.SECONDS);
      // Dead letters: one keeps a decodable reward, one bytes that are not in the wire format.
      AvroSerde<DeadLetter> letters =
          AvroSerde.forTopic(
              Topics.DEAD_LETTERS, new SchemaRegistryClient(infra.schemaRegistryUrl()));
      StepReward kept = SampleRecords.stepReward();
      kept.setRolloutId("rollout-dead");
      for (byte[] original : List.of(serde.serialize(TOPIC, kept), new byte[] {0x7b, 0x7d})) {
        DeadLetter letter =
            DeadLetters.of(
                "scorer-stream",
                "INVALID_FIELD",
                "a test letter",
                new DeadLetters.Source(TOPIC, 0, 3, 1L),
                "rollout-dead",
                "k-dead".getBytes(StandardCharsets.UTF_8),
                original,
                2L);
        producer
            .send(
                new ProducerRecord<>(
                    LETTERS, TOPIC, letters.serialize(Topics.DEAD_LETTERS.name(), letter)))
            .get(30, TimeUnit.SECONDS);
      }
      // A record in the wire format whose schema id the registry does not know, then a good one.
      byte[] unknownId = {0, 0, 1, (byte) 0x86, (byte) 0x9f, 2, 4};
      producer.send(new ProducerRecord<>(TASKS, 0, "unknown", unknownId)).get(30, TimeUnit.SECONDS);
      AvroSerde<StepTask> tasks =
          AvroSerde.forTopic(Topics.TASKS, new SchemaRegistryClient(infra.schemaRegistryUrl()));
      producer
          .send(
              new ProducerRecord<>(
                  TASKS, 0, "good", tasks.serialize(TASKS, SampleRecords.stepTask())))
          .get(30, TimeUnit.SECONDS);
    }
  }

  @AfterAll
  static void stop() {
    infra.close();
  }

  /** {@code srl read} of {@code topic} on the test cluster, with {@code options}. */
  private static CommandRun run(String topic, String... options) {
    List<String> args =
        new ArrayList<>(
            List.of(
                "read",
                topic,
                "--bootstrap-servers",
                infra.bootstrapServers(),
                "--schema-registry",
                infra.schemaRegistryUrl()));
    args.addAll(List.of(options));
    return CommandRun.of(args.toArray(String[]::new));
  }

  private static List<JsonNode> read(String... options) throws Exception {
    return readTopic(TOPIC, options);
  }

  private static List<JsonNode> readTopic(String topic, String... options) throws Exception {
    CommandRun run = run(topic, options);
    assertThat(run.exitCode()).as(run.err()).isZero();
    List<JsonNode> lines = new ArrayList<>();
    for (String line : run.out().strip().split("\n")) {
      if (!line.isBlank()) {
        lines.add(JSON.readTree(line));
      }
    }
    return lines;
  }

  @Test
  void readsEveryRecordDecodedThroughTheRegistryAndStopsAtTheEnd() throws Exception {
    List<JsonNode> lines = read();

    assertThat(lines).hasSize(6);
    JsonNode first = lines.get(0);
    assertThat(first.path("partition").asInt()).isZero();
    // Offsets 0 and 1 were the provisioner's warm-up records, deleted at once (see WarmupRecords).
    assertThat(first.path("offset").asLong()).isEqualTo(2L);
    assertThat(first.path("key").asText()).isEqualTo("k0");
    assertThat(first.path("schema_id").asInt()).isPositive();
    assertThat(first.path("value").path("rollout_id").asText()).isEqualTo("rollout-0");
    assertThat(first.path("value").path("reward").isNumber()).isTrue();
    JsonNode junk = lines.get(5);
    assertThat(junk.path("value").isNull()).isTrue();
    assertThat(junk.path("error").asText()).startsWith("not decodable:");
    assertThat(junk.path("value_base64").asText()).isEqualTo("AQID");
  }

  @Test
  void startsWhereAskedAndFilters() throws Exception {
    // The records are at offsets 2..7 (offsets 0 and 1 were the deleted warm-up records).
    assertThat(read("--from-offset", "0:5"))
        .extracting(l -> l.path("offset").asLong())
        .containsExactly(5L, 6L, 7L);
    assertThat(read("--last", "2"))
        .extracting(l -> l.path("offset").asLong())
        .containsExactly(6L, 7L);
    assertThat(read("--from-time", "2000-01-01T00:00:00Z")).hasSize(6);
    assertThat(read("--from-time", "2999-01-01T00:00:00Z")).isEmpty();
    assertThat(read("--until-time", "2000-01-01T00:00:00Z")).isEmpty();
    assertThat(read("--key", "k2")).extracting(l -> l.path("offset").asLong()).containsExactly(4L);
    assertThat(read("--where", "rollout_id=rollout-4"))
        .extracting(l -> l.path("key").asText())
        .containsExactly("k4");
    assertThat(read("--limit", "2")).hasSize(2);
  }

  @Test
  void decodesTheOriginalOfEveryDeadLetterItCan() throws Exception {
    List<JsonNode> lines = readTopic(LETTERS);

    assertThat(lines).hasSize(2);
    JsonNode decodable = lines.get(0);
    assertThat(decodable.path("value").path("reason").asText()).isEqualTo("INVALID_FIELD");
    assertThat(decodable.path("original_key").asText()).isEqualTo("k-dead");
    assertThat(decodable.path("original").path("rollout_id").asText()).isEqualTo("rollout-dead");
    assertThat(decodable.path("original").path("reward").asDouble()).isEqualTo(0.75);
    assertThat(decodable.has("original_error")).isFalse();
    JsonNode junk = lines.get(1);
    assertThat(junk.has("original")).isFalse();
    assertThat(junk.path("original_error").asText())
        .startsWith("not decodable:")
        .contains("srl.step-rewards is not in the Confluent Avro wire format: 2 bytes");
    assertThat(junk.path("original_base64").asText()).isEqualTo("e30=");
  }

  @Test
  void aRecordOfAnUnknownSchemaIdIsShownAsBase64AndReadingGoesOn() throws Exception {
    List<JsonNode> lines = readTopic(TASKS);

    assertThat(lines).extracting(l -> l.path("key").asText()).containsExactly("unknown", "good");
    JsonNode unknown = lines.get(0);
    assertThat(unknown.path("value").isNull()).isTrue();
    assertThat(unknown.path("error").asText()).startsWith("not decodable:").contains("99999");
    assertThat(unknown.path("value_base64").asText()).isEqualTo("AAABhp8CBA==");
    assertThat(lines.get(1).path("value").path("task_id").asText()).isEqualTo("task-1");
  }

  @Test
  void timesOutsideTheRecordsAreExplained() throws Exception {
    CommandRun before = run(TOPIC, "--from-time", "2000-01-01T00:00:00Z");
    assertThat(before.exitCode()).as(before.err()).isZero();
    assertThat(before.out().strip().split("\n")).hasSize(6);
    assertThat(before.err())
        .containsPattern(
            "srl read: --from-time 2000-01-01T00:00:00Z is before the earliest record still in"
                + " srl.step-rewards \\(at 20\\d\\d-[^)]+Z\\): reading from there");

    CommandRun after = run(TOPIC, "--from-time", "2999-01-01T00:00:00Z");
    assertThat(after.exitCode()).as(after.err()).isZero();
    assertThat(after.out()).isBlank();
    assertThat(after.err())
        .containsPattern(
            "srl read: nothing in srl.step-rewards is at or after 2999-01-01T00:00:00Z; its last"
                + " record is at 20\\d\\d-\\S+Z");
  }

  @Test
  void badInputFailsClearly() {
    CommandRun noTopic = run("srl.nope");
    assertThat(noTopic.exitCode()).isNotZero();
    assertThat(noTopic.err())
        .contains("topic srl.nope does not exist; the srl.* topics on this cluster are: ")
        .contains(TOPIC)
        .contains(LETTERS);
    CommandRun outOfRange = run(TOPIC, "--from-offset", "0:99");
    assertThat(outOfRange.exitCode()).isNotZero();
    assertThat(outOfRange.err())
        .contains(
            "--from-offset 0:99 is out of range: partition 0 of srl.step-rewards holds offsets"
                + " 2..7 (earliest..latest; 8 is the next to be written)");
    assertThat(run(TOPIC, "--from-offset", "3:0").err())
        .contains(
            "--from-offset 3:0 is out of range: partition 3 of srl.step-rewards holds no records");
    assertThat(run(TOPIC, "--from-offset", "9:0").err())
        .contains("--from-offset partition must be 0..");
    assertThat(run(TOPIC, "--from-time", "yesterday").err())
        .contains(
            "--from-time must be an ISO-8601 instant (e.g. 2026-12-04T01:00:00Z), but was"
                + " yesterday");
    assertThat(run(TOPIC, "--where", "nothing").err())
        .contains("--where must be FIELD=VALUE, but was nothing");
  }
}
