package dev.srlstream.topology;

import dev.srlstream.learner.GrpoTrainer;
import dev.srlstream.learner.LearnerConfig;
import dev.srlstream.learner.LearnerService;
import dev.srlstream.learner.StalenessPolicy;
import dev.srlstream.learner.TrainerConfig;
import dev.srlstream.policy.ByteTokenizer;
import dev.srlstream.policy.ModelConfig;
import dev.srlstream.policy.SessionThreads;
import dev.srlstream.policy.Tokenizer;
import dev.srlstream.policy.WeightsCodec;
import dev.srlstream.schemas.PolicyNames;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code srl learner}: the GRPO learner, alone, against any cluster. */
@Command(
    name = "learner",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = {
      "Run the learner until Ctrl-C, SIGTERM or --max-versions: consume scored training groups,"
          + " update the policy once per batch (clipped surrogate with the recorded behaviour"
          + " log-probs, AdamW, gradient-norm clipping), and publish each version to"
          + " srl.policy-versions in one Kafka transaction with the offsets it consumed, after"
          + " writing its checkpoint.",
      "On start it resumes from the last committed version of --policy (its checkpoint, or the"
          + " weights in the version record), or publishes version 0: --base-policy, else weights"
          + " initialised from the seed. One learner runs per policy: a second one fences the first.",
      "A line per version goes to the log; --metrics-port serves /metrics and /health on 127.0.0.1."
    })
final class LearnerCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Mixin ClusterOptions cluster;

  @Option(
      names = "--policy",
      defaultValue = PolicyNames.DEFAULT,
      paramLabel = "NAME",
      description =
          "Policy to train: the key of its versions; only training groups that name it are"
              + " trained on, others are skipped and counted (default: ${DEFAULT-VALUE}).")
  String policy;

  @Option(
      names = {"--base-policy", "--model"},
      paramLabel = "MODEL",
      description =
          "The model to publish as version 0 when the policy has no version yet; its"
              + " architecture and tokenizer are the policy's. "
              + ModelOption.HELP)
  String basePolicy;

  @Option(
      names = "--model-config",
      paramLabel = "FILE",
      description =
          "Model configuration JSON when there is no --base-policy (default: the built-in"
              + " 0.56 M-parameter model).")
  Path modelConfig;

  @Option(
      names = "--batch-groups",
      defaultValue = "" + LearnerConfig.DEFAULT_BATCH_GROUPS,
      paramLabel = "B",
      description = "Training groups per update (default: ${DEFAULT-VALUE}).")
  int batchGroups;

  @Option(
      names = "--max-staleness",
      defaultValue = "" + LearnerConfig.DEFAULT_MAX_STALENESS,
      paramLabel = "N",
      description =
          "Groups up to N versions behind the freshest data trained on (the newest sampling"
              + " version among the groups trained so far) train at full weight; a backlog built up"
              + " while the learner or scorer was down is as fresh as it gets (default:"
              + " ${DEFAULT-VALUE}).")
  int maxStaleness;

  @Option(
      names = "--stale-groups",
      defaultValue = "DROP",
      paramLabel = "DROP|DOWNWEIGHT",
      description = "What to do with staler groups (default: ${DEFAULT-VALUE}).")
  StalenessPolicy stalenessPolicy;

  @Option(
      names = "--learning-rate",
      defaultValue = "3e-4",
      paramLabel = "LR",
      description = "AdamW peak learning rate (default: ${DEFAULT-VALUE}).")
  double learningRate;

  @Option(
      names = "--clip",
      defaultValue = "0.2",
      paramLabel = "EPS",
      description = "Ratio clip eps_low = eps_high (default: ${DEFAULT-VALUE}).")
  double clip;

  @Option(
      names = "--kl",
      defaultValue = "0",
      paramLabel = "COEF",
      description =
          "KL coefficient to the initial policy (default: ${DEFAULT-VALUE}, as the paper).")
  double kl;

  @Mixin CreditOption credit;

  @Mixin WarmupOption warmup;

  @Option(
      names = "--checkpoint-dir",
      paramLabel = "DIR",
      description = "Where checkpoints go (default: .srl/checkpoints/<policy>).")
  Path checkpointDir;

  @Option(
      names = "--keep-checkpoints",
      defaultValue = "" + LearnerConfig.DEFAULT_KEEP_CHECKPOINTS,
      paramLabel = "N",
      description =
          "Checkpoints to keep, newest first, at least 2; srl replay learner starts from one of"
              + " them, so keep more to replay further back (each is about 4x the weights;"
              + " default: ${DEFAULT-VALUE}).")
  int keepCheckpoints;

  @Option(
      names = "--max-versions",
      defaultValue = "0",
      paramLabel = "N",
      description = "Stop after publishing N new versions (default: 0, run until stopped).")
  long maxVersions;

  @Option(
      names = "--groups-topic",
      defaultValue = "srl.training-groups",
      paramLabel = "TOPIC",
      description = "Where training groups come from (default: ${DEFAULT-VALUE}).")
  String groupsTopic;

  @Option(
      names = "--metrics-port",
      paramLabel = "PORT",
      description = "Serve /metrics and /health on 127.0.0.1:PORT (0: a free port; default: off).")
  Integer metricsPort;

  @Override
  public Integer call() throws Exception {
    LearnerConfig config =
        LearnerConfig.defaults(
                policy,
                checkpointDir == null ? Path.of(".srl", "checkpoints", policy) : checkpointDir)
            .withBatchGroups(batchGroups)
            .withStaleness(maxStaleness, stalenessPolicy)
            .withMaxVersions(maxVersions)
            .withKeepCheckpoints(keepCheckpoints);
    TrainerConfig trainerConfig =
        TrainerConfig.defaults().toBuilder()
            .learningRate(learningRate)
            .warmupConstant(warmup.updates())
            .clip(clip, clip)
            .klCoef(kl)
            .credit(credit.credit)
            .build();
    byte[] base = basePolicy == null ? null : ModelOption.weights(basePolicy, "--base-policy");
    ModelConfig model =
        base != null
            ? WeightsCodec.decode(base).config()
            : modelConfig != null
                ? ModelConfig.fromJson(new String(readFile(modelConfig, "--model-config")))
                : ModelConfig.DEFAULT;
    PrintWriter err = spec.commandLine().getErr();
    Tokenizer tokenizer = base == null ? ByteTokenizer.INSTANCE : WeightsCodec.tokenizer(base);
    try (GrpoTrainer trainer =
        GrpoTrainer.create(model, tokenizer, trainerConfig, SessionThreads.TENSORFLOW_DEFAULT)) {
      if (base != null) {
        trainer.restore(base, new byte[0]); // used only when the policy has no version yet
      }
      PrometheusMeterRegistry registry = ProcessMeters.registry();
      LearnerService learner =
          LearnerService.start(
              new LearnerService.Settings(
                  cluster.bootstrapServers, config, groupsTopic, Map.copyOf(cluster.kafkaConfig())),
              trainer,
              cluster.registry(),
              registry);
      // /health: ready while the training loop runs, commits and the cluster answers.
      MetricsHttpServer metrics =
          metricsPort == null
              ? null
              : MetricsHttpServer.start(metricsPort, registry, learner::health);
      err.println(
          "srl learner: training policy "
              + policy
              + " from version "
              + learner.version()
              + (metrics == null ? "" : "; metrics at " + metrics.url() + "/metrics"));
      err.flush();
      runUntilStopped(learner, metrics, err);
    }
    return 0;
  }

  /**
   * Runs the training loop, with a status line every 10 s, until --max-versions, Ctrl-C or SIGTERM;
   * then stops the status lines, the metrics server and the learner, in that order.
   */
  private static void runUntilStopped(
      LearnerService learner, MetricsHttpServer metrics, PrintWriter err) {
    ScheduledExecutorService status = statusLines(learner, err);
    // Ctrl-C and SIGTERM: the training loop finishes the update in hand, then stops.
    // (A flag, not an interrupt: an interrupt inside a Kafka call would abort the transaction.)
    CountDownLatch done = new CountDownLatch(1);
    AtomicBoolean running = new AtomicBoolean(true);
    Thread hook =
        new Thread(
            () -> {
              err.println("srl learner: stopping after the current update");
              err.flush();
              running.set(false);
              try {
                done.await(60, TimeUnit.SECONDS);
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
            },
            "srl-learner-shutdown");
    Runtime.getRuntime().addShutdownHook(hook);
    try {
      learner.run(running::get);
    } finally {
      status.shutdownNow();
      if (metrics != null) {
        metrics.close();
      }
      learner.close();
      err.println("srl learner: stopped at version " + learner.version());
      err.flush();
      done.countDown();
    }
  }

  /** Prints the learner's version and counters every 10 s, from 10 s on. */
  private static ScheduledExecutorService statusLines(LearnerService learner, PrintWriter err) {
    ScheduledExecutorService status = Executors.newSingleThreadScheduledExecutor();
    status.scheduleAtFixedRate(
        () -> {
          err.printf(
              "srl learner: version %d, %d groups, %d tokens trained, %d stale dropped, last %s%n",
              learner.version(),
              learner.counters().groupsTrained(),
              learner.counters().tokensTrained(),
              learner.counters().groupsDroppedStale(),
              learner.counters().lastMetrics());
          err.flush();
        },
        10,
        10,
        TimeUnit.SECONDS);
    return status;
  }

  private static byte[] readFile(Path file, String option) {
    try {
      return Files.readAllBytes(file);
    } catch (IOException e) {
      throw new IllegalArgumentException(
          option
              + " must be a readable file, but "
              + file
              + " could not be read: "
              + e.getMessage(),
          e);
    }
  }
}
