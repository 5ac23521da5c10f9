package dev.srlstream.topology;

import dev.srlstream.infra.kafka.TopicProvisioner;
import dev.srlstream.schemas.TopicSpec;
import dev.srlstream.schemas.Topics;
import java.io.PrintWriter;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
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
        "Prints one line per topic: created or exists."
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

    @Override
    public Integer call() throws Exception {
      if (partitions != null && partitions < 1) {
        throw new IllegalArgumentException("--partitions must be >= 1, but was " + partitions);
      }
      if (replicationFactor < 1) {
        throw new IllegalArgumentException(
            "--replication-factor must be >= 1, but was " + replicationFactor);
      }
      List<TopicSpec<?>> topics =
          partitions == null ? Topics.ALL : Topics.withDataPartitions(partitions);
      PrintWriter out = spec.commandLine().getOut();
      try (Admin admin = Admin.create(kafka.adminProperties())) {
        awaitCluster(admin, kafka);
        List<String> created =
            TopicProvisioner.provision(
                admin, topics, replicationFactor, Map.copyOf(kafka.clientConfig()));
        for (TopicSpec<?> topic : topics) {
          out.printf(
              "%-22s %s%n",
              topic.name(),
              created.contains(topic.name())
                  ? "created (" + topic.partitions() + " partitions)"
                  : "exists");
        }
      }
      out.flush();
      return 0;
    }
  }

  @Command(
      name = "list",
      mixinStandardHelpOptions = true,
      description =
          "Print the topic catalogue: name, key, value type, partitions, cleanup, retention.")
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
            topic.retention() == null ? "forever" : topic.retention().toDays() + " days");
      }
      out.flush();
      return 0;
    }
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
