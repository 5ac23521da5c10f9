package dev.srlstream.topology.replay;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.srlstream.infra.kafka.TopicProvisioner;
import dev.srlstream.schemas.AdminSettings;
import dev.srlstream.schemas.TopicSpec;
import dev.srlstream.schemas.Topics;
import dev.srlstream.schemas.serde.WireFormat;
import dev.srlstream.scorer.ScorerTopics;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Where a re-scoring's records go when asked: JSON lines files ({@code --out}), or topics named
 * {@code <live topic><suffix>} ({@code --into-topics}), never the live topics.
 */
public final class RescoreOutputs {
  private static final ObjectMapper LINES = new ObjectMapper();

  private RescoreOutputs() {}

  /**
   * The replay's output topics, {@code <live topic><suffix>}, checked: a suffix that is empty,
   * makes an invalid name, or names a catalogue topic is refused.
   */
  public static Map<String, String> replayTopics(ScorerTopics live, String suffix) {
    if (suffix == null || suffix.isEmpty()) {
      throw new IllegalArgumentException(
          "--into-topics must be a non-empty suffix, e.g. .replay, but was empty");
    }
    Set<String> catalogue = new HashSet<>();
    Topics.ALL.forEach(t -> catalogue.add(t.name()));
    catalogue.add(Topics.SCHEMAS_TOPIC);
    Map<String, String> names = new LinkedHashMap<>();
    for (String topic : List.of(live.stepRewards(), live.trainingGroups(), live.deadLetters())) {
      String name = topic + suffix;
      if (!name.matches("[a-zA-Z0-9._-]{1,249}")) {
        throw new IllegalArgumentException(
            "--into-topics suffix must make topic names of [a-zA-Z0-9._-] (at most 249), but '"
                + suffix
                + "' makes "
                + name);
      }
      if (catalogue.contains(name)) {
        throw new IllegalArgumentException(
            "--into-topics suffix '"
                + suffix
                + "' would write to the live topic "
                + name
                + "; choose a suffix such as .replay");
      }
      names.put(topic, name);
    }
    return names;
  }

  /**
   * Produces the replay's records to the topics {@link #replayTopics} named, creating those topics
   * (as the live ones, with their partition counts) if missing.
   *
   * @return the topics this call created
   * @throws IllegalStateException before writing anything, if a record uses a schema that only the
   *     replay registered (no reader of the live registry could decode it)
   */
  public static List<String> produce(
      Map<String, String> names,
      Rescorer.Result result,
      ReplayRegistry registry,
      String bootstrapServers,
      Map<String, String> kafkaConfig)
      throws Exception {
    List<Rescorer.Output> all = new ArrayList<>();
    all.addAll(result.rewards());
    all.addAll(result.groups());
    all.addAll(result.deadLetters());
    for (Rescorer.Output o : all) {
      int id = WireFormat.schemaId(o.value(), o.topic());
      if (registry.isLocal(id)) {
        throw new IllegalStateException(
            "the replay's records of "
                + o.topic()
                + " use a schema the registry does not hold under "
                + registry.localSubject(id)
                + " (the replay registered it locally only), so readers of "
                + names.get(o.topic())
                + " could not decode them; use --out DIR instead");
      }
    }
    Map<String, Object> adminConfig = AdminSettings.of(bootstrapServers, kafkaConfig);
    List<TopicSpec<?>> specs = new ArrayList<>();
    List<String> created;
    try (Admin admin = Admin.create(adminConfig)) {
      Map<String, org.apache.kafka.clients.admin.TopicDescription> described =
          admin
              .describeTopics(List.copyOf(names.keySet()))
              .allTopicNames()
              .get(30, TimeUnit.SECONDS);
      for (Map.Entry<String, String> e : names.entrySet()) {
        TopicSpec<?> spec = Topics.byName(e.getKey()).orElseThrow();
        specs.add(renamed(spec, e.getValue(), described.get(e.getKey()).partitions().size()));
      }
      created =
          TopicProvisioner.provision(
              admin, specs, TopicProvisioner.CLUSTER_DEFAULT, new HashMap<>(kafkaConfig));
    }
    Map<String, Object> props = new HashMap<>(kafkaConfig);
    props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    props.put(ProducerConfig.ACKS_CONFIG, "all");
    props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    try (KafkaProducer<byte[], byte[]> producer =
        new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer())) {
      List<java.util.concurrent.Future<?>> sent = new ArrayList<>();
      for (Rescorer.Output o : all) {
        sent.add(
            producer.send(
                new ProducerRecord<>(
                    names.get(o.topic()), null, o.timestamp(), o.key(), o.value())));
      }
      producer.flush();
      for (java.util.concurrent.Future<?> f : sent) {
        f.get(60, TimeUnit.SECONDS);
      }
    }
    return created;
  }

  private static <V extends org.apache.avro.specific.SpecificRecord> TopicSpec<V> renamed(
      TopicSpec<V> spec, String name, int partitions) {
    return new TopicSpec<>(
        name,
        spec.valueType(),
        spec.keyField(),
        partitions,
        spec.cleanupPolicy(),
        spec.retention(),
        spec.maxMessageBytes());
  }

  /**
   * Writes the replay's records to {@code dir} as JSON lines (step-rewards.jsonl,
   * training-groups.jsonl, dead-letters.jsonl) and the diff as diff.json, creating {@code dir}.
   */
  public static void writeFiles(
      Path dir, Rescorer.Result result, ReplayRegistry registry, String diffJson)
      throws IOException {
    Files.createDirectories(dir);
    writeLines(dir.resolve("step-rewards.jsonl"), result.rewards(), registry);
    writeLines(dir.resolve("training-groups.jsonl"), result.groups(), registry);
    writeLines(dir.resolve("dead-letters.jsonl"), result.deadLetters(), registry);
    writeAtomically(dir.resolve("diff.json"), diffJson);
  }

  /** The records as JSON lines, as srl read prints them (without partition and offset). */
  private static void writeLines(Path file, List<Rescorer.Output> records, ReplayRegistry registry)
      throws IOException {
    WireDecoder decoder = new WireDecoder(registry, Set.of());
    StringBuilder text = new StringBuilder();
    for (Rescorer.Output o : records) {
      ObjectNode line = JsonNodeFactory.instance.objectNode();
      line.put("topic", o.topic());
      line.put("timestamp", Instant.ofEpochMilli(o.timestamp()).toString());
      line.put("key", o.key() == null ? null : new String(o.key(), StandardCharsets.UTF_8));
      int id = WireFormat.schemaId(o.value(), o.topic());
      line.put("schema_id", id);
      try {
        line.set("value", decoder.decode(id, o.value()));
      } catch (IllegalStateException e) {
        throw new IOException("cannot decode a replayed record: " + e.getMessage(), e);
      }
      text.append(LINES.writeValueAsString(line)).append('\n');
    }
    writeAtomically(file, text.toString());
  }

  private static void writeAtomically(Path file, String text) throws IOException {
    Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
    Files.writeString(tmp, text, StandardCharsets.UTF_8);
    Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }
}
