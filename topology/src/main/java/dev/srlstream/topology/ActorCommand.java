package dev.srlstream.topology;

import dev.srlstream.actor.ActorConfig;
import dev.srlstream.actor.ActorService;
import dev.srlstream.actor.ActorTopics;
import dev.srlstream.policy.ModelConfig;
import dev.srlstream.policy.PromptSettings;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code srl actor}: one or more actors, against any cluster. */
@Command(
    name = "actor",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = {
      "Run actors until Ctrl-C or SIGTERM: take tasks from srl.tasks (one consumer group shared by"
          + " every actor process, so more processes share the work), sample G rollouts per task"
          + " with the current policy, and stream one rollout step per rollout to"
          + " srl.rollout-steps. A task's offset is committed only after its steps are"
          + " acknowledged, so a crashed actor's tasks are redone by another.",
      "Follows srl.policy-versions of --policy, swapping weights between groups, and pauses while"
          + " more than --max-staleness versions behind, and while --max-downstream-backlog groups'"
          + " worth of work waits for the scorer and the learner. On SIGTERM in-flight groups finish and"
          + " their offsets are committed. /health and /metrics on 127.0.0.1 with --metrics-port."
    })
final class ActorCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Mixin ClusterOptions cluster;

  @Option(
      names = "--policy",
      defaultValue = ActorConfig.DEFAULT_POLICY_NAME,
      paramLabel = "NAME",
      description =
          "Policy to sample for: the actors follow its versions and take only the tasks that name"
              + " it (others are skipped and counted) (default: ${DEFAULT-VALUE}, as srl learner"
              + " and srl scorer).")
  String policy;

  @Option(
      names = "--actor-id",
      paramLabel = "ID",
      description =
          "A stable id for this process (its instances are ID-0, ID-1, ...): they join the group as"
              + " static members, so the process restarted with the same id gets its partitions"
              + " back at once instead of after the 10 s session timeout. Never give two running"
              + " processes the same id (default: actor-<host>-<pid>, dynamic members).")
  String actorId;

  @Option(
      names = "--count",
      defaultValue = "1",
      paramLabel = "N",
      description =
          "Actor instances in this process, each with its own consumer and TF session"
              + " (default: ${DEFAULT-VALUE}).")
  int count;

  @Option(
      names = "--group-id",
      paramLabel = "ID",
      description =
          "Consumer group of the fleet; each policy's fleet needs its own (default: "
              + ActorConfig.DEFAULT_GROUP_ID
              + " for the policy "
              + ActorConfig.DEFAULT_POLICY_NAME
              + ", "
              + ActorConfig.DEFAULT_GROUP_ID
              + "-<policy> for any other).")
  String groupId;

  @Option(
      names = "--max-groups-in-flight",
      defaultValue = "2",
      paramLabel = "N",
      description = "Groups sampling or awaiting acks per instance (default: ${DEFAULT-VALUE}).")
  int maxGroupsInFlight;

  @Option(
      names = "--max-staleness",
      defaultValue = "1",
      paramLabel = "N",
      description =
          "Pause when more than N versions behind the newest (default: ${DEFAULT-VALUE}).")
  int maxStaleness;

  @Option(
      names = "--max-downstream-backlog",
      defaultValue = "" + ActorConfig.DEFAULT_MAX_DOWNSTREAM_BACKLOG,
      paramLabel = "N",
      description =
          "Pause while N groups' worth of work waits downstream: rollouts the scorer and training"
              + " groups the learner have not committed past (measured every second from their"
              + " committed offsets), so a fleet faster than them, or whose scorer or learner is"
              + " down, makes no work that goes stale before it is trained. Must be above the"
              + " learner's --batch-groups. 0: off (default: ${DEFAULT-VALUE}).")
  int maxDownstreamBacklog;

  @Option(
      names = {"--base-policy", "--model"},
      paramLabel = "MODEL",
      description =
          "The model to start from when the policy has no version yet; a Hugging Face policy's"
              + " actors need its directory (hf:DIR) for its tokenizer. "
              + ModelOption.HELP)
  String basePolicy;

  @Option(
      names = "--model-config",
      paramLabel = "FILE",
      description =
          "Architecture of fresh weights when there is neither a version nor"
              + " --base-policy (default: the built-in model).")
  Path modelConfig;

  @Option(
      names = "--init-seed",
      defaultValue = "0",
      paramLabel = "N",
      description = "Seed of fresh weights (default: ${DEFAULT-VALUE}).")
  long initSeed;

  @Option(
      names = "--metrics-port",
      defaultValue = "-1",
      paramLabel = "PORT",
      description = "Serve /health and /metrics on 127.0.0.1:PORT (0: a free port; default: off).")
  int metricsPort;

  @Option(
      names = "--context-window",
      paramLabel = "N",
      description =
          "Own earlier actions a whole-solution (RLVR, HOLISTIC) step's prompt shows, newest kept;"
              + " 0 for all (default: the window --base-policy was trained with, as its file"
              + " records it; all without one). SRL tasks carry their own prompts.")
  Integer contextWindow;

  @Override
  public Integer call() throws Exception {
    ActorConfig.Builder config =
        ActorConfig.builder()
            .policyName(policy)
            .groupId(groupId)
            .instances(count)
            .actorId(actorId)
            .staticMembership(actorId != null)
            .maxGroupsInFlight(maxGroupsInFlight)
            .maxStaleness(maxStaleness)
            .maxDownstreamBacklog(maxDownstreamBacklog)
            .initSeed(initSeed);
    byte[] base = basePolicy == null ? null : ModelOption.weights(basePolicy, "--base-policy");
    if (base != null) {
      config.basePolicy(baseFile(base));
    }
    if (basePolicy != null || contextWindow != null) {
      // Whole-solution rollouts (RLVR, HOLISTIC) prompt with the actor's own earlier actions:
      // in the window the policy was trained with unless overridden. SRL tasks carry their own.
      config.solutionContextWindow(
          basePolicy != null
              ? PolicyFiles.contextWindow(
                  contextWindow, base, "srl actor", spec.commandLine().getErr())
              : contextWindow == 0 ? PromptSettings.ALL_STEPS : contextWindow);
    }
    if (modelConfig != null) {
      CliFiles.requireInputFile(modelConfig, "--model-config");
      config.model(ModelConfig.fromJson(Files.readString(modelConfig)));
    }
    ActorConfig actorConfig = config.build();
    ActorService actors =
        ActorService.start(
            new ActorService.Settings(
                cluster.bootstrapServers,
                cluster.schemaRegistry,
                actorConfig,
                ActorTopics.LIVE,
                metricsPort,
                cluster.kafkaConfig(),
                cluster.registryAccess()),
            ProcessMeters.registry());
    actors.closeOnShutdown();
    spec.commandLine()
        .getErr()
        .println(
            "srl actor: "
                + count
                + " actor(s) in group "
                + actorConfig.groupId()
                + " sampling for policy "
                + policy
                + (metricsPort < 0 ? "" : "; health and metrics at " + actors.url()));
    spec.commandLine().getErr().flush();
    try {
      actors.done().get(); // completes when the actors stop: by SIGTERM, or a fatal error
    } catch (ExecutionException e) {
      throw new IllegalStateException("the actors stopped: " + SrlCommand.rootMessage(e), e);
    }
    return 0;
  }

  /**
   * The weights file the actors start from: {@code --base-policy}'s own file, or for {@code hf:DIR}
   * the model's weights written once to a temporary file (deleted when the process exits).
   */
  private Path baseFile(byte[] base) throws IOException {
    if (!ModelOption.isHf(basePolicy)) {
      Path file = Path.of(basePolicy);
      return Files.isRegularFile(file) ? file : writeTemporary(base);
    }
    return writeTemporary(base);
  }

  private static Path writeTemporary(byte[] base) throws IOException {
    Path file = Files.createTempFile("srl-actor-base-", ".bin");
    file.toFile().deleteOnExit();
    Files.write(file, base);
    return file;
  }
}
