package dev.srlstream.topology;

import dev.srlstream.infra.kafka.TopicProvisioner;
import dev.srlstream.schemas.TopicSpec;
import dev.srlstream.schemas.Topics;
import java.io.PrintWriter;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.AlterConfigOp.OpType;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.common.config.ConfigResource;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code srl topics}: the topic catalogue, and creating its topics on a cluster. */
@Command(
    name = "topics",
    mixinStandardHelpOptions = true,
    description = "List the topic catalogue, or create its topics on a cluster.",
    subcommands = {TopicsCommand.Create.class, TopicsCommand.ListTopics.class})
final class TopicsCommand implements Runnable {
  @Spec CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  @Command(
      name = "create",
      mixinStandardHelpOptions = true,
      description = {
        "Create every topic of the catalogue that does not exist yet (existing topics are left"
            + " as they are), then write and hide one warm-up record per new partition"
            + " (a workaround for KAFKA-15591, which can lose the first records produced to a new"
            + " topic).",
        "--retention sets how long a topic's records stay readable for replay, on new topics and"
            + " existing ones alike: on a delete topic its retention.ms; on a compacted topic"
            + " (srl.expert-steps, srl.policy-versions), where the newest record of each key is"
            + " kept forever, how long a replaced one is kept (min.compaction.lag.ms).",
        "Prints one line per topic: created or exists, and the retention set."
      })
  static final class Create implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin KafkaOptions kafka;

    @Option(
        names = "--partitions",
        paramLabel = "N",
        description =
            "Partitions of each data topic (default: the catalogue's, "
                + Topics.DATA_PARTITIONS
                + "). srl.policy-versions and srl.dead-letters keep theirs.")
    Integer partitions;

    @Option(
        names = "--replication-factor",
        defaultValue = "1",
        paramLabel = "N",
        description = "Replication factor of new topics (default: ${DEFAULT-VALUE}).")
    short replicationFactor;

    @Option(
        names = "--retention",
        paramLabel = "TOPIC=DURATION",
        description =
            "How long TOPIC's records stay readable for replay: an ISO-8601 duration (P30D, PT12H)"
                + " or 'forever' (on a compact topic also 'none': a replaced record is not kept);"
                + " repeatable (default: the catalogue's, srl topics list).")
    List<String> retention = List.of();

    @Override
    public Integer call() throws Exception {
      Map<String, Optional<Duration>> retentions = retentions(retention);
      if (partitions != null && partitions < 1) {
        throw new IllegalArgumentException("--partitions must be >= 1, but was " + partitions);
      }
      if (replicationFactor < 1) {
        throw new IllegalArgumentException(
            "--replication-factor must be >= 1, but was " + replicationFactor);
      }
      List<TopicSpec<?>> topics =
          (partitions == null ? Topics.ALL : Topics.withDataPartitions(partitions))
              .stream()
                  .<TopicSpec<?>>map(
                      t ->
                          retentions.containsKey(t.name())
                              ? t.withRetention(retentions.get(t.name()).orElse(null))
                              : t)
                  .toList();
      PrintWriter out = spec.commandLine().getOut();
      try (Admin admin = Admin.create(kafka.adminProperties())) {
        awaitCluster(admin, kafka);
        List<String> created =
            TopicProvisioner.provision(
                admin, topics, replicationFactor, Map.copyOf(kafka.clientConfig()));
        for (TopicSpec<?> topic : topics) {
          String line =
              created.contains(topic.name())
                  ? "created (" + topic.partitions() + " partitions)"
                  : "exists";
          if (retentions.containsKey(topic.name())) {
            if (!created.contains(topic.name())) {
              setRetention(admin, topic);
            }
            line += ", " + topic.retentionConfig() + " " + retentionText(topic);
          }
          out.printf("%-22s %s%n", topic.name(), line);
        }
      }
      out.flush();
      return 0;
    }
  }

  @Command(
      name = "list",
      mixinStandardHelpOptions = true,
      description = {
        "Print the topic catalogue: name, key, value type, partitions, cleanup, retention.",
        "RETENTION is how long records stay readable for replay: on a delete topic, how long"
            + " they are kept; on a compact topic, which keeps the newest record of each key"
            + " forever, how long a replaced record is kept (none: compaction may remove it at"
            + " once). srl topics create --retention changes it."
      })
  static final class ListTopics implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Override
    public Integer call() {
      PrintWriter out = spec.commandLine().getOut();
      out.printf(
          "%-22s %-14s %-14s %10s  %-8s %s%n",
          "TOPIC", "KEY", "VALUE", "PARTITIONS", "CLEANUP", "RETENTION");
      for (TopicSpec<?> topic : Topics.ALL) {
        out.printf(
            "%-22s %-14s %-14s %10d  %-8s %s%n",
            topic.name(),
            topic.keyField(),
            topic.valueType().getSimpleName(),
            topic.partitions(),
            topic.cleanupPolicy().configValue(),
            retentionText(topic));
      }
      out.flush();
      return 0;
    }
  }

  /**
   * The {@code --retention} values by topic name: a duration, or empty for forever.
   *
   * @throws IllegalArgumentException naming the value that is not TOPIC=DURATION of a catalogue
   *     topic
   */
  static Map<String, Optional<Duration>> retentions(List<String> values) {
    Map<String, Optional<Duration>> byTopic = new TreeMap<>();
    for (String value : values) {
      int eq = value.indexOf('=');
      String name = eq < 0 ? value : value.substring(0, eq);
      if (eq < 0 || Topics.byName(name).isEmpty()) {
        throw new IllegalArgumentException(
            "--retention must be TOPIC=DURATION for a topic of the catalogue ("
                + String.join(", ", Topics.ALL.stream().map(TopicSpec::name).toList())
                + "), but was "
                + value);
      }
      String text = value.substring(eq + 1);
      if (text.equals("forever")) {
        byTopic.put(name, Optional.empty());
        continue;
      }
      boolean compact =
          Topics.byName(name).get().cleanupPolicy() == TopicSpec.CleanupPolicy.COMPACT;
      if (text.equals("none") && compact) {
        byTopic.put(name, Optional.of(Duration.ZERO)); // a replaced record is not kept
        continue;
      }
      try {
        Duration duration = Duration.parse(text);
        if (duration.isNegative() || duration.isZero()) {
          throw new DateTimeParseException("not positive", text, 0);
        }
        byTopic.put(name, Optional.of(duration));
      } catch (DateTimeParseException e) {
        throw new IllegalArgumentException(
            "--retention of "
                + name
                + " must be a positive ISO-8601 duration (P30D, PT12H) or forever"
                + (compact ? " or none" : "")
                + ", but was "
                + text);
      }
    }
    return byTopic;
  }

  /** Sets an existing topic's retention to its spec's. */
  private static void setRetention(Admin admin, TopicSpec<?> topic) throws Exception {
    ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, topic.name());
    String key = topic.retentionConfig();
    AlterConfigOp set =
        new AlterConfigOp(new ConfigEntry(key, topic.topicConfig().get(key)), OpType.SET);
    admin.incrementalAlterConfigs(Map.of(resource, List.of(set))).all().get(30, TimeUnit.SECONDS);
  }

  /** A topic's retention as {@code srl topics list} shows it. */
  static String retentionText(TopicSpec<?> topic) {
    Duration d = topic.retention();
    if (d == null) {
      return "forever";
    }
    if (d.isZero()) {
      return "none";
    }
    if (d.toMillis() % Duration.ofDays(1).toMillis() != 0) {
      return d.toString();
    }
    return d.toDays() == 1 ? "1 day" : d.toDays() + " days";
  }

  /** Fails with a message naming the servers when the cluster does not answer in time. */
  static void awaitCluster(Admin admin, KafkaOptions kafka) throws Exception {
    try {
      admin.describeCluster().clusterId().get(kafka.timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException | ExecutionException e) {
      throw new IllegalStateException(
          "cannot reach Kafka at "
              + kafka.bootstrapServers
              + " within "
              + kafka.timeout.toSeconds()
              + " s ("
              + SrlCommand.rootMessage(e)
              + ")",
          e);
    }
  }
}
