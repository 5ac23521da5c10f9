package dev.srlstream.topology;

import dev.srlstream.schemas.PolicyNames;
import dev.srlstream.scorer.PartialGroupPolicy;
import dev.srlstream.scorer.ScorerConfig;
import dev.srlstream.scorer.ScorerService;
import dev.srlstream.scorer.ScorerTopics;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code srl scorer}: the scorer service, alone, against any cluster. */
@Command(
    name = "scorer",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = {
      "Run the scorer (Kafka Streams, exactly_once_v2) until Ctrl-C or SIGTERM: reward every"
          + " rollout step by its similarity to the expert step, assemble groups of G, compute"
          + " GRPO advantages, keep groups whose reward std exceeds epsilon, and dead-letter bad"
          + " records with their reason.",
      "Several processes with the same --application-id share the partitions. A status line goes"
          + " to stderr every 10 s; --metrics-port serves /metrics and /health on 127.0.0.1.",
      "To replay recorded steps with other settings, give a new --application-id and other output"
          + " topics (they must exist): nothing is written to the live topics unless named."
    })
final class ScorerCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Mixin ClusterOptions cluster;

  @Option(
      names = "--policy",
      defaultValue = PolicyNames.DEFAULT,
      paramLabel = "NAME",
      description =
          "Policy whose rollouts to reward; rollouts of other policies are skipped and counted"
              + " (default: ${DEFAULT-VALUE}, as srl actor and srl learner).")
  String policy;

  @Option(
      names = "--application-id",
      paramLabel = "ID",
      description =
          "Kafka Streams application id: instances with the same id share the work; each"
              + " policy's scorer needs its own (default: "
              + ScorerService.DEFAULT_APPLICATION_ID
              + " for the policy "
              + PolicyNames.DEFAULT
              + ", "
              + ScorerService.DEFAULT_APPLICATION_ID
              + "-<policy> for any other).")
  String applicationId;

  @Option(
      names = "--instance-id",
      paramLabel = "ID",
      description =
          "A stable id for this process: its stream threads join as static members (ID-1, ID-2,"
              + " ...), so the scorer restarted with the same id and state directory gets its tasks"
              + " back at once instead of after the 10 s session timeout. Never give two running"
              + " processes the same id (default: none, dynamic members).")
  String instanceId;

  @Option(
      names = "--state-dir",
      paramLabel = "DIR",
      description =
          "Local state directory (default: .srl/scorer-state under the current directory).")
  Path stateDir;

  @Option(
      names = "--threads",
      defaultValue = "1",
      paramLabel = "N",
      description = "Stream threads (default: ${DEFAULT-VALUE}).")
  int threads;

  @Mixin AutojunkOption autojunk;

  @Option(
      names = "--epsilon",
      defaultValue = "0.001",
      paramLabel = "E",
      description =
          "Dynamic sampling: keep a group only if the std of its rewards exceeds E"
              + " (default: ${DEFAULT-VALUE}).")
  double epsilon;

  @Option(
      names = "--group-timeout",
      defaultValue = "PT60S",
      paramLabel = "DURATION",
      description =
          "How long an incomplete group waits for its stragglers (default: ${DEFAULT-VALUE}).")
  Duration groupTimeout;

  @Option(
      names = "--partial-groups",
      defaultValue = "EMIT",
      paramLabel = "EMIT|DROP",
      description =
          "What to do with a group incomplete after the timeout (default: ${DEFAULT-VALUE}).")
  PartialGroupPolicy partialGroups;

  @Option(
      names = "--unknown-instance-grace",
      defaultValue = "PT30S",
      paramLabel = "DURATION",
      description =
          "How long a rollout step waits for a late expert step (default: ${DEFAULT-VALUE}).")
  Duration unknownInstanceGrace;

  @Option(
      names = "--max-response-chars",
      defaultValue = "16384",
      paramLabel = "N",
      description = "Longer responses are dead-lettered (default: ${DEFAULT-VALUE}).")
  int maxResponseChars;

  @Option(
      names = "--rollout-topic",
      defaultValue = "srl.rollout-steps",
      paramLabel = "TOPIC",
      description = "Input rollout steps (default: ${DEFAULT-VALUE}).")
  String rolloutTopic;

  @Option(
      names = "--expert-topic",
      defaultValue = "srl.expert-steps",
      paramLabel = "TOPIC",
      description = "Input expert steps (default: ${DEFAULT-VALUE}).")
  String expertTopic;

  @Option(
      names = "--rewards-topic",
      defaultValue = "srl.step-rewards",
      paramLabel = "TOPIC",
      description = "Output step rewards (default: ${DEFAULT-VALUE}).")
  String rewardsTopic;

  @Option(
      names = "--groups-topic",
      defaultValue = "srl.training-groups",
      paramLabel = "TOPIC",
      description = "Output training groups (default: ${DEFAULT-VALUE}).")
  String groupsTopic;

  @Option(
      names = "--dead-letters-topic",
      defaultValue = "srl.dead-letters",
      paramLabel = "TOPIC",
      description = "Output dead letters (default: ${DEFAULT-VALUE}).")
  String deadLettersTopic;

  @Option(
      names = "--metrics-port",
      paramLabel = "PORT",
      description =
          "Serve /metrics (Prometheus) and /health on 127.0.0.1:PORT (0: a free port;"
              + " default: off).")
  Integer metricsPort;

  @Override
  public Integer call() throws Exception {
    PolicyNames.requireValid("--policy", policy);
    if (applicationId == null) {
      applicationId = ScorerService.defaultApplicationId(policy);
    }
    ScorerConfig config =
        new ScorerConfig(
            policy,
            autojunk.autojunk,
            epsilon,
            groupTimeout,
            partialGroups,
            unknownInstanceGrace,
            ScorerConfig.DEFAULTS.duplicateRetention(),
            maxResponseChars,
            ScorerConfig.DEFAULTS.punctuateInterval(),
            ScorerConfig.DEFAULT_SIMILARITY_REWARD);
    ScorerTopics topics =
        new ScorerTopics(rolloutTopic, expertTopic, rewardsTopic, groupsTopic, deadLettersTopic);
    ScorerService.Settings settings =
        new ScorerService.Settings(
            cluster.bootstrapServers,
            cluster.schemaRegistry,
            applicationId,
            stateDir == null ? Path.of(".srl", "scorer-state") : stateDir,
            threads,
            config,
            topics,
            clientConfig(cluster.kafkaConfig(), instanceId),
            cluster.registryAccess());
    PrometheusMeterRegistry registry = ProcessMeters.registry();
    ScorerService scorer = ScorerService.start(settings, Duration.ofSeconds(120), registry);
    MetricsHttpServer metrics =
        metricsPort == null ? null : MetricsHttpServer.start(metricsPort, registry, scorer::health);
    var err = spec.commandLine().getErr();
    err.println(
        "srl scorer: running as "
            + applicationId
            + " for policy "
            + policy
            + " on "
            + cluster.bootstrapServers
            + (metrics == null ? "" : "; metrics at " + metrics.url() + "/metrics"));
    err.flush();
    ScheduledExecutorService status = Executors.newSingleThreadScheduledExecutor();
    status.scheduleAtFixedRate(
        () -> {
          err.println("srl scorer: " + scorer.state() + " " + scorer.counters().snapshot());
          err.flush();
        },
        10,
        10,
        TimeUnit.SECONDS);
    UntilStopped.await(
        "scorer",
        err,
        () -> {
          status.shutdownNow();
          if (metrics != null) {
            metrics.close();
          }
          scorer.close();
        });
    return 0;
  }

  /** The client settings of --kafka-config, and the static member id of --instance-id. */
  private static Map<String, String> clientConfig(Map<String, String> kafka, String instanceId) {
    Map<String, String> config = new java.util.HashMap<>(kafka);
    if (instanceId != null) {
      config.put(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG, instanceId);
    }
    return config;
  }
}
