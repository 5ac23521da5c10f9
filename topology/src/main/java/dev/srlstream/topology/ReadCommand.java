package dev.srlstream.topology;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.srlstream.topology.replay.TopicReader;
import java.io.PrintWriter;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Predicate;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code srl read}: any topic's records as JSON lines, decoded through the registry. */
@Command(
    name = "read",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = {
      "Print a topic's records as JSON lines: topic, partition, offset, timestamp, key, schema id"
          + " and the value decoded with the schema it was written with (from the registry, the"
          + " Confluent wire format). A value that cannot be decoded is printed as base64 with the"
          + " reason. Reads committed records only (read_committed), joins no consumer group and"
          + " commits nothing. A dead letter's original record is decoded too, as original (or"
          + " original_error and original_base64 when its bytes cannot be).",
      "Without --follow it stops at the end each partition had when it started. Records of"
          + " different partitions interleave; each partition's are in offset order."
    })
final class ReadCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Mixin ClusterOptions cluster;

  @Parameters(paramLabel = "TOPIC", description = "The topic, e.g. srl.step-rewards.")
  String topic;

  @ArgGroup(exclusive = true)
  From from;

  /** Where to start: one of them (default: the beginning). */
  static final class From {
    @Option(names = "--from-beginning", description = "From every partition's first record.")
    boolean beginning;

    @Option(
        names = "--from-offset",
        paramLabel = "P:O",
        description = "From offset O of partition P (that partition only).")
    String offset;

    @Option(
        names = "--from-time",
        paramLabel = "TIME",
        description =
            "From the first record at or after TIME (ISO-8601, e.g. 2026-12-04T01:00:00Z).")
    String time;

    @Option(
        names = "--last",
        paramLabel = "N",
        description = "The last N records of each partition.")
    Long last;
  }

  @Option(
      names = "--until-time",
      paramLabel = "TIME",
      description = "Stop each partition at its first record after TIME (ISO-8601).")
  String until;

  @Option(names = "--key", paramLabel = "K", description = "Only records with key K.")
  String key;

  @Option(
      names = "--where",
      paramLabel = "FIELD=VALUE",
      description =
          "Only records whose value's FIELD (a top-level field, or a path like a.b) is VALUE;"
              + " repeatable, all must hold.")
  List<String> where = List.of();

  @Option(
      names = "--limit",
      defaultValue = "0",
      paramLabel = "N",
      description = "Stop after N records (0: no limit; default: ${DEFAULT-VALUE}).")
  long limit;

  @Option(names = "--follow", description = "Keep reading new records until Ctrl-C.")
  boolean follow;

  @Override
  public Integer call() throws Exception {
    TopicReader.Start start = start();
    Instant untilTime = until == null ? null : Instants.parse(until, "--until-time");
    if (limit < 0) {
      throw new IllegalArgumentException("--limit must be >= 0 (0 for none), but was " + limit);
    }
    Predicate<ObjectNode> filter = filter();
    Map<String, Object> props = new HashMap<>(cluster.kafkaConfig());
    props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.bootstrapServers);
    props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    AtomicBoolean stopped = new AtomicBoolean();
    Thread hook = new Thread(() -> stopped.set(true), "srl-read-stop");
    Runtime.getRuntime().addShutdownHook(hook);
    try (KafkaConsumer<byte[], byte[]> consumer =
        new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
      new TopicReader(
              consumer,
              cluster.registry(),
              note -> {
                err.println("srl read: " + note);
                err.flush();
              },
              Set.of())
          .read(
              topic,
              start,
              untilTime,
              follow,
              limit,
              filter,
              line -> {
                out.println(line);
                out.flush();
              },
              stopped::get);
    } finally {
      try {
        Runtime.getRuntime().removeShutdownHook(hook);
      } catch (IllegalStateException shuttingDown) {
        // Ctrl-C: the JVM is already stopping.
      }
    }
    return 0;
  }

  private TopicReader.Start start() {
    if (from == null || from.beginning) {
      return new TopicReader.Start.Beginning();
    }
    if (from.offset != null) {
      String[] parts = from.offset.split(":", 2);
      try {
        int partition = Integer.parseInt(parts[0]);
        long offset = Long.parseLong(parts[1]);
        if (partition < 0 || offset < 0) {
          throw new NumberFormatException();
        }
        return new TopicReader.Start.AtOffset(partition, offset);
      } catch (NumberFormatException | ArrayIndexOutOfBoundsException e) {
        throw new IllegalArgumentException(
            "--from-offset must be PARTITION:OFFSET (two whole numbers >= 0), but was "
                + from.offset);
      }
    }
    if (from.time != null) {
      return new TopicReader.Start.AtTime(Instants.parse(from.time, "--from-time"));
    }
    if (from.last < 1) {
      throw new IllegalArgumentException("--last must be >= 1, but was " + from.last);
    }
    return new TopicReader.Start.Last(from.last);
  }

  private Predicate<ObjectNode> filter() {
    Predicate<ObjectNode> filter = line -> key == null || key.equals(line.path("key").asText(null));
    for (String condition : where) {
      int eq = condition.indexOf('=');
      if (eq < 1) {
        throw new IllegalArgumentException("--where must be FIELD=VALUE, but was " + condition);
      }
      String pointer = "/" + condition.substring(0, eq).replace('.', '/');
      String value = condition.substring(eq + 1);
      filter =
          filter.and(
              line -> {
                JsonNode field = line.path("value").at(pointer);
                return !field.isMissingNode() && value.equals(field.asText());
              });
    }
    return filter;
  }
}
