package dev.srlstream.topology;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.srlstream.learner.LearnerReplay;
import dev.srlstream.policy.SessionThreads;
import dev.srlstream.schemas.PolicyNames;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code srl replay learner}: re-derive recorded policy versions from a checkpoint. */
@Command(
    name = "learner",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = {
      "Re-derive recorded policy versions from a checkpoint: restore checkpoint N (weights and"
          + " optimiser state), read exactly the training groups versions N+1..M recorded in"
          + " their trained_batch (by partition and offset from the groups topic), re-run the"
          + " same updates with the recorded learner settings in this process, and compare each"
          + " version's weights SHA-256 with the one on srl.policy-versions.",
      "Writes nothing: no topic, no consumer group, no checkpoint. Exit code 0 when every"
          + " version is identical, 3 when one differs (the first that differs is where the run"
          + " left the recorded path), 1 on an error."
    },
    exitCodeListHeading = "Exit codes:%n",
    exitCodeList = {"0:every version identical", "1:an error", "3:a version differs"})
final class ReplayLearnerCommand implements Callable<Integer> {

  /** The exit code when a replayed version differs from the recorded one. */
  static final int DIFFERS = 3;

  private static final ObjectMapper JSON = new ObjectMapper();

  @Spec CommandSpec spec;

  @Mixin ClusterOptions cluster;

  @Option(
      names = "--checkpoint-dir",
      required = true,
      paramLabel = "DIR",
      description =
          "The learner's checkpoint store (srl train: <run dir>/checkpoints; srl learner:"
              + " --checkpoint-dir, default .srl/checkpoints/<policy>).")
  Path checkpointDir;

  @ArgGroup(exclusive = true, multiplicity = "1")
  From from;

  /** The checkpoint to start from: by version, or by the time its version was published. */
  static final class From {
    @Option(
        names = "--from-version",
        paramLabel = "N",
        description = "The checkpoint to start from; versions N+1.. are re-derived.")
    Long version;

    @Option(
        names = "--from-time",
        paramLabel = "TIME",
        description =
            "Start from the newest kept checkpoint of a version published at or before TIME"
                + " (ISO-8601, e.g. 2026-12-04T01:00:00Z).")
    String time;
  }

  @Option(
      names = "--to-version",
      paramLabel = "M",
      description = "The last version to re-derive (default: the newest recorded).")
  Long toVersion;

  @Option(
      names = "--policy",
      defaultValue = PolicyNames.DEFAULT,
      paramLabel = "NAME",
      description =
          "The policy whose versions to replay (srl train: the run id; default:"
              + " ${DEFAULT-VALUE}).")
  String policy;

  @Option(
      names = "--reference",
      paramLabel = "MODEL",
      description =
          "The KL reference policy's weights, for a learner that trained with --kl > 0 from"
              + " other weights than its seed's (srl train: the run's base.bin). "
              + ModelOption.HELP)
  String reference;

  @Option(
      names = "--session-threads",
      paramLabel = "INTRAxINTER",
      description =
          "TensorFlow session thread pools to replay on, e.g. 1x1 (default: the recorded ones;"
              + " 0 lets TensorFlow choose). TensorFlow sizes its intra-op pool by the first"
              + " session of a process.")
  String sessionThreads;

  @Option(
      names = "--json",
      description = "Print one JSON document (the plan, every version, the summary) instead.")
  boolean json;

  @Override
  public Integer call() throws Exception {
    byte[] referenceWeights =
        reference == null ? null : ModelOption.weights(reference, "--reference");
    long fromVersion = from.version != null ? from.version : checkpointAt(from.time);
    LearnerReplay.Request request =
        new LearnerReplay.Request(
            cluster.bootstrapServers,
            new HashMap<>(cluster.kafkaConfig()),
            policy,
            checkpointDir,
            fromVersion,
            toVersion,
            referenceWeights,
            threads(sessionThreads));
    PrintWriter out = spec.commandLine().getOut();
    ObjectNode document = JSON.createObjectNode();
    ArrayNode versions = JSON.createArrayNode();
    List<LearnerReplay.Outcome> outcomes =
        LearnerReplay.run(
            request,
            cluster.registry(),
            new LearnerReplay.Listener() {
              @Override
              public void planned(LearnerReplay.Plan plan) {
                if (json) {
                  document.put("policy", policy);
                  document.put("checkpoint", plan.checkpoint().toString());
                  document.put("from_version", plan.from());
                  document.put("to_version", plan.to());
                  document.put("groups_topic", plan.groupsTopic());
                  document.put("expected", LearnerReplay.EXPECTED);
                  plan.caveats().forEach(document.putArray("caveats")::add);
                  return;
                }
                out.printf(
                    "srl replay learner: policy %s, checkpoint %d (%s), versions %d..%d, groups"
                        + " from %s%n",
                    policy,
                    plan.from(),
                    plan.checkpoint(),
                    plan.from() + 1,
                    plan.to(),
                    plan.groupsTopic());
                out.println("expected: " + LearnerReplay.EXPECTED);
                plan.caveats().forEach(c -> out.println("cannot replay exactly: " + c));
                out.flush();
              }

              @Override
              public void replayed(LearnerReplay.Outcome outcome) {
                if (json) {
                  ObjectNode v = versions.addObject();
                  v.put("version", outcome.version());
                  v.put("identical", outcome.identical());
                  v.put("max_abs_diff", outcome.maxAbsDiff());
                  v.put("recorded_sha256", outcome.recordedSha256());
                  v.put("replayed_sha256", outcome.replayedSha256());
                  v.put("groups", outcome.groups());
                  v.put("dropped", outcome.dropped());
                  v.put("recorded_loss", outcome.recordedLoss());
                  v.put("replayed_loss", outcome.replayedLoss());
                  outcome.recordedMetrics().forEach(v.putObject("recorded_metrics")::put);
                  outcome.replayedMetrics().forEach(v.putObject("replayed_metrics")::put);
                  return;
                }
                out.println(line(outcome));
                out.flush();
              }
            });
    long identical = outcomes.stream().filter(LearnerReplay.Outcome::identical).count();
    String summary = summary(outcomes, identical);
    if (json) {
      document.set("versions", versions);
      document.put("identical", identical);
      document.put("differ", outcomes.size() - identical);
      document.put("summary", summary);
      out.println(document.toPrettyString());
    } else {
      out.println(summary);
    }
    out.flush();
    return identical == outcomes.size() ? 0 : DIFFERS;
  }

  /** {@code INTRAxINTER} as session threads, or null. */
  static SessionThreads threads(String value) {
    if (value == null) {
      return null;
    }
    String[] parts = value.split("x", -1);
    try {
      if (parts.length == 2) {
        return new SessionThreads(Integer.parseInt(parts[0]), Integer.parseInt(parts[1]));
      }
    } catch (IllegalArgumentException e) {
      // falls through to the message below
    }
    throw new IllegalArgumentException(
        "--session-threads must be INTRAxINTER (two whole numbers in 0..1024, e.g. 1x1), but was "
            + value);
  }

  /** {@code version 13: identical} or {@code version 14: differs, max |Δw| = ...}. */
  static String line(LearnerReplay.Outcome outcome) {
    if (outcome.identical()) {
      return "version " + outcome.version() + ": identical";
    }
    return String.format(
        Locale.ROOT,
        "version %d: differs, max |Δw| = %.3e (loss recorded %.6g, replayed %.6g)",
        outcome.version(),
        outcome.maxAbsDiff(),
        outcome.recordedLoss(),
        outcome.replayedLoss());
  }

  private static String summary(List<LearnerReplay.Outcome> outcomes, long identical) {
    if (identical == outcomes.size()) {
      return String.format(
          Locale.ROOT,
          "replayed %d version%s: all %d identical to the recorded weights",
          outcomes.size(),
          outcomes.size() == 1 ? "" : "s",
          identical);
    }
    LearnerReplay.Outcome first =
        outcomes.stream().filter(o -> !o.identical()).findFirst().orElseThrow();
    double largest =
        outcomes.stream().mapToDouble(LearnerReplay.Outcome::maxAbsDiff).max().orElse(0);
    return String.format(
        Locale.ROOT,
        "replayed %d version%s: %d identical, %d differ (first: version %d; largest max |Δw| ="
            + " %.3e)",
        outcomes.size(),
        outcomes.size() == 1 ? "" : "s",
        identical,
        outcomes.size() - identical,
        first.version(),
        largest);
  }

  /** The checkpoint {@code --from-time} names, said on stderr. */
  private long checkpointAt(String time) {
    PolicyNames.requireValid("--policy", policy);
    long version =
        LearnerReplay.checkpointAt(
            cluster.bootstrapServers,
            new HashMap<>(cluster.kafkaConfig()),
            policy,
            checkpointDir,
            cluster.registry(),
            Instants.parse(time, "--from-time"));
    spec.commandLine()
        .getErr()
        .printf("srl replay learner: --from-time %s: from checkpoint %d%n", time, version);
    spec.commandLine().getErr().flush();
    return version;
  }
}
