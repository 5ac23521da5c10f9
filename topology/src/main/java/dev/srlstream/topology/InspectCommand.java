package dev.srlstream.topology;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.srlstream.scorer.ScorerConfig;
import dev.srlstream.topology.inspect.InspectText;
import dev.srlstream.topology.inspect.RunInspector;
import java.io.PrintWriter;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.Function;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code srl inspect}: one group's or one instance's life, gathered from the topics. */
@Command(
    name = "inspect",
    mixinStandardHelpOptions = true,
    description = {
      "Follow one group's or one instance's life through the topics: the task, the expert step,"
          + " every rollout with its reward, the group's advantages and the scorer's decision, the"
          + " policy version that trained it, and the dead letters of its records."
    },
    subcommands = {InspectCommand.Group.class, InspectCommand.Instance.class})
final class InspectCommand implements Runnable {
  @Spec CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  /** What both subcommands take: the cluster, where to search from, the output. */
  abstract static class Inspect implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Mixin ClusterOptions cluster;

    @Option(
        names = "--from-time",
        paramLabel = "TIME",
        description =
            "Search only records at or after TIME (ISO-8601, e.g. 2026-12-04T01:00:00Z; default:"
                + " from the beginning). The compacted topics (expert steps, policy versions) are"
                + " read whole.")
    String fromTime;

    @Option(names = "--json", description = "Print one JSON document instead of the text.")
    boolean json;

    @Option(
        names = "--epsilon",
        paramLabel = "E",
        description =
            "The scorer's dynamic-sampling epsilon, to explain a group missing from"
                + " srl.training-groups (default: the scorer's, ${DEFAULT-VALUE}).")
    double epsilon = ScorerConfig.DEFAULTS.dynamicSamplingEpsilon();

    /** Gathers the document with the inspector, and prints it as JSON or as text. */
    int inspect(Function<RunInspector, ObjectNode> gather, Function<ObjectNode, String> text)
        throws Exception {
      Instant from = fromTime == null ? null : Instants.parse(fromTime, "--from-time");
      if (!(epsilon >= 0) || Double.isInfinite(epsilon)) {
        throw new IllegalArgumentException(
            "--epsilon must be a finite number >= 0, but was " + epsilon);
      }
      Map<String, Object> props = new HashMap<>(cluster.kafkaConfig());
      props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.bootstrapServers);
      props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
      props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
      // Many short reads to each topic's end: do not wait out the broker's default 500 ms for
      // more data when a fetch finds little.
      props.putIfAbsent(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, 50);
      ObjectNode doc;
      try (KafkaConsumer<byte[], byte[]> consumer =
          new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
        doc = gather.apply(new RunInspector(consumer, cluster.registry(), from, epsilon));
      }
      PrintWriter out = spec.commandLine().getOut();
      if (json) {
        out.println(new ObjectMapper().writerWithDefaultPrettyPrinter().writeValueAsString(doc));
      } else {
        out.print(text.apply(doc));
      }
      out.flush();
      return 0;
    }
  }

  /** {@code srl inspect group GROUP_ID}. */
  @Command(
      name = "group",
      mixinStandardHelpOptions = true,
      sortOptions = false,
      description = {
        "One group's life: the task (srl.tasks), the expert step (srl.expert-steps), every"
            + " rollout (srl.rollout-steps: version, actor, response, action) with its reward,"
            + " similarity and reason (srl.step-rewards), the group's advantages and whether the"
            + " scorer kept it, kept it partial, or filtered it (srl.training-groups; a group"
            + " missing there is explained from its rewards, marked inferred), the policy version"
            + " that trained it (exact when versions record their batch, else a lower bound,"
            + " said so), and the dead letters of its records.",
        "Reads committed records only, joins no consumer group, and reads of a keyed topic only"
            + " the partition the id hashes to."
      })
  static final class Group extends Inspect {
    @Parameters(
        paramLabel = "GROUP_ID",
        description =
            "The group, TASK_ID/v<VERSION> (list them: srl read srl.training-groups, or srl read"
                + " srl.rollout-steps --where instance_id=INSTANCE_ID).")
    String groupId;

    @Override
    public Integer call() throws Exception {
      return inspect(inspector -> inspector.group(groupId), InspectText::group);
    }
  }

  /** {@code srl inspect instance INSTANCE_ID}. */
  @Command(
      name = "instance",
      mixinStandardHelpOptions = true,
      sortOptions = false,
      description = {
        "One instance's life: its expert step, its tasks, and every group sampled of it, one"
            + " line each (version, rollouts rewarded, mean reward, the scorer's decision, the"
            + " learner's).",
        "Reads committed records only and joins no consumer group."
      })
  static final class Instance extends Inspect {
    @Parameters(
        paramLabel = "INSTANCE_ID",
        description =
            "The instance (list them: srl read srl.expert-steps, or srl read srl.rollout-steps"
                + " --where problem_id=PROBLEM_ID).")
    String instanceId;

    @Override
    public Integer call() throws Exception {
      return inspect(inspector -> inspector.instance(instanceId), InspectText::instance);
    }
  }
}
