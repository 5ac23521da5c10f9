package dev.srlstream.topology;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.srlstream.infra.LocalInfrastructure;
import dev.srlstream.schemas.SampleRecords;
import dev.srlstream.schemas.Topics;
import dev.srlstream.schemas.avro.StepReward;
import dev.srlstream.schemas.registry.SchemaRegistryClient;
import dev.srlstream.schemas.serde.AvroSerde;
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
    CommandRun run = run(TOPIC, options);
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
    // Offset 0 was the provisioner's warm-up record, deleted at once (see WarmupRecords).
    assertThat(first.path("offset").asLong()).isEqualTo(1L);
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
    // The records are at offsets 1..6 (offset 0 was the deleted warm-up record).
    assertThat(read("--from-offset", "0:4"))
        .extracting(l -> l.path("offset").asLong())
        .containsExactly(4L, 5L, 6L);
    assertThat(read("--last", "2"))
        .extracting(l -> l.path("offset").asLong())
        .containsExactly(5L, 6L);
    assertThat(read("--from-time", "2000-01-01T00:00:00Z")).hasSize(6);
    assertThat(read("--from-time", "2999-01-01T00:00:00Z")).isEmpty();
    assertThat(read("--until-time", "2000-01-01T00:00:00Z")).isEmpty();
    assertThat(read("--key", "k2")).extracting(l -> l.path("offset").asLong()).containsExactly(3L);
    assertThat(read("--where", "rollout_id=rollout-4"))
        .extracting(l -> l.path("key").asText())
        .containsExactly("k4");
    assertThat(read("--limit", "2")).hasSize(2);
  }

  @Test
  void badInputFailsClearly() {
    CommandRun noTopic = run("srl.nope");
    assertThat(noTopic.exitCode()).isNotZero();
    assertThat(noTopic.err()).contains("topic srl.nope does not exist");
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
