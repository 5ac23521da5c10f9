package dev.srlstream.topology;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.srlstream.learner.LearnerConfig;
import dev.srlstream.learner.TrainerConfig;
import dev.srlstream.method.data.ExpertSolution;
import dev.srlstream.method.data.InstanceExpander;
import dev.srlstream.method.data.Split;
import dev.srlstream.method.data.StepInstance;
import dev.srlstream.method.data.TaskSettings;
import dev.srlstream.method.format.StepPrompt;
import dev.srlstream.policy.ModelConfig;
import dev.srlstream.policy.Policy;
import dev.srlstream.policy.PromptFormat;
import dev.srlstream.policy.Tokenizer;
import dev.srlstream.policy.WeightsCodec;
import dev.srlstream.policy.eval.Evaluator;
import dev.srlstream.topology.train.ClusterAccess;
import dev.srlstream.topology.train.Recipe;
import dev.srlstream.topology.train.SwitchCriterion;
import dev.srlstream.topology.train.TrainRun;
import dev.srlstream.topology.train.TrainSettings;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code srl train}: one training run by a recipe, evaluated, with its record and report. */
@Command(
    name = "train",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = {
      "Train a policy by a recipe and evaluate it. sft trains in this process; rlvr, srl,"
          + " srl-rlvr and holistic run the scorer, the learner and the actors on Kafka: the"
          + " embedded broker and registry (started here, data in the run directory), or an"
          + " external cluster given by --bootstrap-servers and --schema-registry.",
      "The run directory gets summary.json (base and final held-out accuracy, reward curve,"
          + " validation curve), metrics.jsonl (one line per status tick), base.bin, final.bin,"
          + " best-validation.bin, the learner's checkpoints, report.html and logs/srl.log; the"
          + " last line printed names it. Creating the file STOP in the run directory (touch"
          + " <run dir>/STOP) ends training at once and finishes the run: final evaluation,"
          + " summary, report. Ctrl-C stops training and keeps what the run wrote, without the"
          + " final evaluation.",
      RunLog.CONSOLE_HELP
    })
final class TrainCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(
      names = "--recipe",
      defaultValue = "srl",
      paramLabel = "NAME",
      description = "sft, rlvr, srl, srl-rlvr or holistic (default: ${DEFAULT-VALUE}).")
  String recipe;

  @Option(
      names = "--data",
      required = true,
      paramLabel = "FILE",
      description = "Expert solutions to train on, in our JSONL (srl data generate / import).")
  Path data;

  @Option(
      names = "--validation",
      paramLabel = "FILE",
      description =
          "Problems for the validation curve, the best checkpoint and the srl-rlvr plateau.")
  Path validation;

  @Option(
      names = "--test",
      paramLabel = "FILE",
      description = "Held-out problems for the base and final evaluation.")
  Path test;

  @Option(
      names = {"--base", "--model"},
      paramLabel = "MODEL",
      description =
          "The policy to start from (default: fresh weights of --model-config): "
              + ModelOption.HELP)
  String base;

  @Option(
      names = "--model-config",
      paramLabel = "FILE",
      description = "Model configuration JSON (default: --base's, else the built-in model).")
  Path modelConfig;

  @Option(
      names = "--minutes",
      defaultValue = "5",
      paramLabel = "M",
      description = "Training time; 0 trains until stopped (default: ${DEFAULT-VALUE}).")
  double minutes;

  @Option(
      names = "--max-versions",
      paramLabel = "N",
      description =
          "Stop after N new policy versions (SFT: N x 25 updates) as well (default: no limit).")
  Long maxVersions;

  @Option(
      names = "--run-dir",
      paramLabel = "DIR",
      description = "Where the run goes; must not exist or be empty (default: runs/<run id>).")
  Path runDir;

  @Option(
      names = "--bootstrap-servers",
      paramLabel = "HOST:PORT[,...]",
      description = "An external Kafka cluster (default: start the embedded one).")
  String bootstrapServers;

  @Option(
      names = "--schema-registry",
      paramLabel = "URL",
      description = "The external cluster's schema registry.")
  String schemaRegistry;

  @Option(
      names = "--kafka-config",
      paramLabel = "FILE",
      description =
          "Kafka client properties of the external cluster (security.protocol, sasl.*, ssl.*),"
              + " for every client of the run (default: none, plaintext).")
  Path kafkaConfig;

  @Option(
      names = "--schema-registry-config",
      paramLabel = "FILE",
      description =
          "The external registry's client properties, in Confluent's names"
              + " (basic.auth.user.info, schema.registry.ssl.truststore.*) (default: none).")
  Path schemaRegistryConfig;

  @Option(
      names = "--group-size",
      defaultValue = "8",
      paramLabel = "G",
      description = "Rollouts per task (default: ${DEFAULT-VALUE}).")
  int groupSize;

  @Option(
      names = "--temperature",
      defaultValue = "1.0",
      paramLabel = "T",
      description = "Sampling temperature of the rollouts (default: ${DEFAULT-VALUE}).")
  float temperature;

  @Option(
      names = "--max-new-tokens",
      defaultValue = "128",
      paramLabel = "N",
      description = "Tokens a step may sample (default: ${DEFAULT-VALUE}).")
  int maxNewTokens;

  @Mixin AutojunkOption autojunk;

  @Option(
      names = "--context-window",
      paramLabel = "N",
      description =
          "Steps before the current one that a prompt shows, newest kept, in training and"
              + " evaluation alike; 0 for all (default: the window --base was trained with, as"
              + " its file records it; all if it records none or there is no --base). Every"
              + " weights file the run writes records the window.")
  Integer contextWindow;

  @Option(
      names = "--batch-groups",
      defaultValue = "" + TrainSettings.DEFAULT_BATCH_GROUPS,
      paramLabel = "N",
      description = "Groups per policy update (default: ${DEFAULT-VALUE}).")
  int batchGroups;

  @Option(
      names = "--keep-checkpoints",
      defaultValue = "" + LearnerConfig.DEFAULT_KEEP_CHECKPOINTS,
      paramLabel = "N",
      description =
          "The learner's checkpoints to keep, newest first, at least 2 (in <run dir>/checkpoints);"
              + " srl replay learner starts from one of them, so keep more to replay further back"
              + " (each is about 4x the weights; default: ${DEFAULT-VALUE}).")
  int keepCheckpoints;

  @Option(
      names = "--learning-rate",
      paramLabel = "LR",
      description =
          "AdamW learning rate (default: "
              + TrainerConfig.DEFAULT_LEARNING_RATE
              + "; "
              + TrainSettings.SFT_LEARNING_RATE
              + " for sft).")
  Double learningRate;

  @Option(
      names = "--kl",
      defaultValue = "0",
      paramLabel = "COEF",
      description =
          "Weight of a KL penalty to the base policy in the GRPO updates (k3 estimator); 0, the"
              + " paper's setting, for none (default: ${DEFAULT-VALUE}).")
  double kl;

  @Mixin CreditOption credit;

  @Mixin WarmupOption warmup;

  @Option(
      names = "--sft-batch",
      defaultValue = "" + TrainSettings.DEFAULT_SFT_BATCH,
      paramLabel = "N",
      description = "Examples per SFT update (default: ${DEFAULT-VALUE}).")
  int sftBatch;

  @Option(
      names = "--actors",
      defaultValue = "" + TrainSettings.DEFAULT_ACTORS,
      paramLabel = "N",
      description = "Actor instances in this process (default: ${DEFAULT-VALUE}).")
  int actors;

  @Option(
      names = "--sync",
      description =
          "The recipe's synchronous twin, for comparison with the default asynchronous pipeline:"
              + " the actors sample one batch (--batch-groups kept groups) under a policy version,"
              + " then wait while the learner trains on it and publishes the next; same services"
              + " and topics, no overlap. The summary's \"pipeline\" object says how each side"
              + " spent the time. For one process's actors on a cluster of its own run"
              + " (--actors may be more than 1); not for sft.")
  boolean sync;

  @Option(
      names = "--task-window",
      defaultValue = "" + TrainSettings.DEFAULT_TASK_WINDOW,
      paramLabel = "N",
      description = "Tasks in flight at most (default: ${DEFAULT-VALUE}).")
  int taskWindow;

  @Option(
      names = "--seed",
      defaultValue = "1",
      paramLabel = "N",
      description = "Seed of task order, sampling and training (default: ${DEFAULT-VALUE}).")
  long seed;

  @Option(
      names = "--k",
      defaultValue = "4",
      paramLabel = "K",
      description = "Samples per test problem for avg@k and pass@k (default: ${DEFAULT-VALUE}).")
  int k;

  @Option(
      names = "--test-problems",
      defaultValue = "200",
      paramLabel = "N",
      description = "Use the first N test problems (default: ${DEFAULT-VALUE}).")
  int testProblems;

  @Option(
      names = "--validation-problems",
      defaultValue = "" + TrainSettings.DEFAULT_VALIDATION_PROBLEMS,
      paramLabel = "N",
      description = "Validation problems per measurement (default: ${DEFAULT-VALUE}).")
  int validationProblems;

  @Option(
      names = "--validation-every",
      defaultValue = "30",
      paramLabel = "SECONDS",
      description = "Time between validation measurements (default: ${DEFAULT-VALUE}).")
  int validationEverySeconds;

  @Option(
      names = "--switch-at",
      defaultValue = "0.5",
      paramLabel = "FRACTION",
      description =
          "srl-rlvr: switch to RLVR once this share of the budget has passed (default:"
              + " ${DEFAULT-VALUE}).")
  double switchAt;

  @Option(
      names = "--switch-plateau",
      defaultValue = "3",
      paramLabel = "N",
      description =
          "srl-rlvr: or earlier, when N validations in a row did not beat the best (default:"
              + " ${DEFAULT-VALUE}).")
  int switchPlateau;

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    TrainSettings settings = settings();
    ObjectNode summary = runAndReport(settings, spec.commandLine().getErr(), out, s -> {});
    return summary.path("status").asText().startsWith("failed") ? 1 : 0;
  }

  /** The run's settings, every option checked in the user's terms before anything starts. */
  TrainSettings settings() throws Exception {
    Recipe parsed = Recipe.of(recipe);
    requireValidNumbers();
    List<ExpertSolution> train = EvalCommand.readSolutions(data, "--data");
    List<ExpertSolution> validationSet =
        validation == null ? List.of() : EvalCommand.readProblems(validation, "--validation", null);
    List<ExpertSolution> testSet =
        test == null ? List.of() : EvalCommand.readProblems(test, "--test", testProblems);
    StartingPolicy start = startingPolicy();
    int window = contextWindow(start.weights());
    requirePromptsFit(
        train, window, maxNewTokens, start.model(), WeightsCodec.tokenizer(start.weights()));
    String runId = DemoOptions.newRunId(parsed.cliName());
    Path dir = runDir != null ? runDir : Path.of("runs", runId);
    requireEmptyOrAbsent(dir);
    Evaluator.Settings eval = Evaluator.Settings.defaults().withK(k).withSeed(seed);
    return TrainSettings.builder(
            parsed, runId, dir.toAbsolutePath(), train, start.weights(), start.model())
        .validation(validationSet)
        .test(testSet)
        .budget(minutes == 0 ? null : Duration.ofMillis(Math.round(minutes * 60_000)))
        .maxVersions(maxVersions == null ? 0 : maxVersions)
        .cluster(externalCluster())
        .tasks(new TaskSettings(groupSize, temperature, maxNewTokens))
        .autojunk(autojunk.autojunk)
        .contextWindow(window)
        .batchGroups(batchGroups)
        .keepCheckpoints(keepCheckpoints)
        .learningRate(
            learningRate != null
                ? learningRate
                : parsed == Recipe.SFT
                    ? TrainSettings.SFT_LEARNING_RATE
                    : TrainerConfig.DEFAULT_LEARNING_RATE)
        .warmupUpdates(warmup.updates())
        .klCoef(kl)
        .credit(credit.credit)
        .sftBatch(sftBatch)
        .actors(actors)
        .sync(sync)
        .taskWindow(taskWindow)
        .seed(seed)
        .eval(eval.withTemperature(1.0f).withMaxNewTokens(maxNewTokens))
        .validationProblems(validationProblems)
        .validationInterval(Duration.ofSeconds(validationEverySeconds))
        .switchCriterion(new SwitchCriterion(switchAt, switchPlateau))
        .build();
  }

  /** Checks the numeric options that need no file: the budget, the window, the KL and the rest. */
  private void requireValidNumbers() {
    if (!(minutes >= 0) || Double.isInfinite(minutes)) {
      throw new IllegalArgumentException(
          "--minutes must be >= 0 (0 trains until stopped), but was " + minutes);
    }
    if (maxVersions != null && maxVersions < 1) {
      // A budget of zero steps trains nothing: refused rather than run as an evaluation.
      throw new IllegalArgumentException(
          "--max-versions must be >= 1 (leave it out for no limit), but was " + maxVersions);
    }
    if (contextWindow != null && contextWindow < 0) {
      throw new IllegalArgumentException(
          "--context-window must be >= 0 (0 for all), but was " + contextWindow);
    }
    if (keepCheckpoints < 2) {
      throw new IllegalArgumentException(
          "--keep-checkpoints must be >= 2, but was " + keepCheckpoints);
    }
    if (!(kl >= 0) || Double.isInfinite(kl)) {
      throw new IllegalArgumentException("--kl must be finite and >= 0, but was " + kl);
    }
    if (testProblems < 1) {
      throw new IllegalArgumentException("--test-problems must be >= 1, but was " + testProblems);
    }
    if (validationEverySeconds < 1) {
      throw new IllegalArgumentException(
          "--validation-every must be >= 1 second, but was " + validationEverySeconds);
    }
  }

  /** The weights a run starts from and their model. */
  private record StartingPolicy(byte[] weights, ModelConfig model) {}

  /**
   * The policy of --base, which must be of --model-config's architecture if both are given; else
   * fresh weights of --model-config, or of the built-in model, initialised from the seed.
   */
  private StartingPolicy startingPolicy() throws Exception {
    ModelConfig model =
        modelConfig == null
            ? null
            : ModelConfig.fromJson(
                Files.readString(CliFiles.requireInputFile(modelConfig, "--model-config")));
    if (base != null) {
      byte[] weights = ModelOption.weights(base, "--base");
      ModelConfig based = WeightsCodec.decode(weights).config();
      if (model != null && !model.equals(based)) {
        throw new IllegalArgumentException(
            "--base "
                + base
                + " is a policy of another architecture: "
                + based.toJson()
                + ", but this run's model is "
                + model.toJson());
      }
      return new StartingPolicy(weights, based);
    }
    ModelConfig fresh = model == null ? ModelConfig.DEFAULT : model;
    try (Policy policy = Policy.initialize(fresh, seed)) {
      return new StartingPolicy(policy.exportWeights(), fresh);
    }
  }

  /**
   * The run's context window: with --base, as {@link PolicyFiles#contextWindow} chooses it (and
   * says why); without, --context-window, all steps when it is absent or 0.
   */
  private int contextWindow(byte[] weights) {
    return base != null
        ? PolicyFiles.contextWindow(
            contextWindow, weights, "srl train", spec.commandLine().getErr())
        : contextWindow == null || contextWindow == 0
            ? Evaluator.Settings.ALL_STEPS
            : contextWindow;
  }

  /**
   * Runs, stopping cleanly on Ctrl-C or SIGTERM, writes the report, and prints the run directory as
   * the last line.
   */
  static ObjectNode runAndReport(
      TrainSettings settings, PrintWriter log, PrintWriter out, Consumer<ObjectNode> outcome)
      throws Exception {
    // The first line printed names the log (unless the demo opened it already).
    try (RunLog ignored = RunLog.open(settings.runDir(), "srl train", log)) {
      return runAndReportLogged(settings, log, out, outcome);
    }
  }

  private static ObjectNode runAndReportLogged(
      TrainSettings settings, PrintWriter log, PrintWriter out, Consumer<ObjectNode> outcome)
      throws Exception {
    TrainRun run = new TrainRun(settings, log);
    CountDownLatch finished = new CountDownLatch(1);
    Thread hook =
        new Thread(
            () -> {
              run.requestStop("interrupted by a signal");
              try {
                finished.await(180, TimeUnit.SECONDS);
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
            },
            "srl-train-shutdown");
    Runtime.getRuntime().addShutdownHook(hook);
    ObjectNode summary;
    try {
      summary = run.run();
      RunReports.write(settings.runDir(), log);
      outcome.accept(summary);
    } catch (Exception | Error e) {
      // The console gets the one-line reason; the log keeps the stack trace.
      LoggerFactory.getLogger(TrainCommand.class).info("the run failed", e);
      RunReports.write(settings.runDir(), log);
      throw e;
    } finally {
      out.println("run directory: " + settings.runDir());
      out.flush();
      finished.countDown();
      try {
        Runtime.getRuntime().removeShutdownHook(hook);
      } catch (IllegalStateException e) {
        // shutting down already: the hook is running
      }
    }
    return summary;
  }

  /**
   * Refuses a model whose context cannot hold the longest SRL step prompt of the training data (in
   * the run's window) plus a response of {@code maxNewTokens}: every such task would fail in the
   * actors, one dead letter at a time.
   */
  static void requirePromptsFit(
      List<ExpertSolution> train,
      int window,
      int maxNewTokens,
      ModelConfig model,
      Tokenizer tokenizer) {
    InstanceExpander expander =
        new InstanceExpander(InstanceExpander.Config.defaults().withContextWindow(window));
    int longest = 0;
    String where = null;
    for (ExpertSolution solution : train) {
      for (StepInstance instance : expander.expand(solution, Split.TRAIN)) {
        int length =
            PromptFormat.promptTokens(
                    tokenizer,
                    StepPrompt.text(instance.question(), instance.contextSteps(), instance.hint()))
                .length;
        if (length > longest) {
          longest = length;
          where = instance.instanceId();
        }
      }
    }
    if (longest + maxNewTokens > model.contextLength()) {
      throw new IllegalArgumentException(
          "the model's context_length must hold the longest step prompt of --data ("
              + longest
              + " tokens, "
              + where
              + ") plus --max-new-tokens "
              + maxNewTokens
              + " = "
              + (longest + maxNewTokens)
              + " tokens, but was "
              + model.contextLength()
              + ": use a larger context_length, a smaller --context-window or fewer"
              + " --max-new-tokens");
    }
  }

  static void requireEmptyOrAbsent(Path dir) throws Exception {
    if (Files.isRegularFile(dir)) {
      throw new IllegalArgumentException("--run-dir " + dir + " is a file");
    }
    if (Files.isDirectory(dir)) {
      try (Stream<Path> entries = Files.list(dir)) {
        if (entries.findAny().isPresent()) {
          throw new IllegalArgumentException(
              "--run-dir " + dir + " is not empty; choose a new directory for the run");
        }
      }
    }
  }

  /** The external cluster of --bootstrap-servers and --schema-registry, or null: the embedded. */
  private ClusterAccess externalCluster() {
    if ((bootstrapServers == null) != (schemaRegistry == null)) {
      throw new IllegalArgumentException(
          "--bootstrap-servers and --schema-registry go together (an external cluster), but only"
              + " one was given");
    }
    if (bootstrapServers == null) {
      if (kafkaConfig != null || schemaRegistryConfig != null) {
        throw new IllegalArgumentException(
            "--kafka-config and --schema-registry-config are for an external cluster: give"
                + " --bootstrap-servers and --schema-registry too");
      }
      return null;
    }
    return new ClusterAccess(
        bootstrapServers,
        schemaRegistry,
        ClusterOptions.kafkaConfig(kafkaConfig, "--kafka-config"),
        ClusterOptions.registryAccess(schemaRegistryConfig));
  }
}
