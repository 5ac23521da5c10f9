package dev.srlstream.topology.train;

import dev.srlstream.learner.Credit;
import dev.srlstream.learner.LearnerConfig;
import dev.srlstream.learner.TrainerConfig;
import dev.srlstream.method.data.ExpertSolution;
import dev.srlstream.method.data.TaskSettings;
import dev.srlstream.policy.ModelConfig;
import dev.srlstream.policy.PromptSettings;
import dev.srlstream.policy.eval.Evaluator;
import dev.srlstream.scorer.ScorerConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * Everything a training run needs, validated. Build one with {@link #builder}: what a run must name
 * is its argument, everything else starts at the named defaults below.
 *
 * @param recipe what to train
 * @param runId the run's name: its policy name, consumer groups and task ids derive from it
 * @param runDir where the run writes its summary, metrics, weights, checkpoints and report
 * @param train the problems to train on
 * @param validation problems for the validation curve, best checkpoint and the srl-rlvr plateau
 *     (may be empty)
 * @param test held-out problems for the base and final evaluation (may be empty)
 * @param evaluateBase whether to evaluate the base policy on {@code test} too (a comparison
 *     evaluates it once for all recipes)
 * @param baseWeights the weights to start from (the weights codec's bytes)
 * @param budget the training time, or null to train until stopped
 * @param maxVersions stop after this many new policy versions; 0 for no limit
 * @param cluster an external cluster and how to reach it, or null to start the embedded one
 * @param tasks group size, temperature and token budget of every task
 * @param autojunk the scorer's difflib autojunk ({@link ScorerConfig#DEFAULT_AUTOJUNK} unless
 *     replicating the paper exactly)
 * @param contextWindow how many earlier steps a step's prompt shows, newest kept ({@link
 *     Evaluator.Settings#ALL_STEPS} for all): the expert steps of SRL instances and SFT examples,
 *     and the policy's own actions in whole-solution rollouts and evaluation alike
 * @param batchGroups groups per policy update
 * @param keepCheckpoints the learner's checkpoints kept, newest first (at least 2): {@code srl
 *     replay learner} starts from one of them
 * @param learningRate the learner's AdamW learning rate (SFT's too)
 * @param warmupUpdates GRPO updates over which the learning rate rises linearly to {@code
 *     learningRate}; 0 for none
 * @param klCoef the weight of the KL penalty to the base policy in GRPO updates; 0 (the paper's)
 *     for none
 * @param credit how the learner spreads a rollout's advantage over its tokens
 * @param sftBatch examples per SFT update
 * @param actors actor instances in this process
 * @param sync the synchronous twin of the recipe: the actors sample one batch ({@code batchGroups}
 *     kept groups) under a version and wait while the learner trains on it; false (the default) for
 *     the asynchronous pipeline, where sampling and training overlap
 * @param taskWindow tasks in flight at most (sent, not yet rewarded)
 * @param seed the seed of task order, sampling and training
 * @param eval how the base and final policies are evaluated
 * @param validationProblems validation problems used per measurement
 * @param validationInterval time between validation measurements
 * @param switchCriterion when srl-rlvr switches to RLVR
 */
public record TrainSettings(
    Recipe recipe,
    String runId,
    Path runDir,
    List<ExpertSolution> train,
    List<ExpertSolution> validation,
    List<ExpertSolution> test,
    boolean evaluateBase,
    byte[] baseWeights,
    ModelConfig model,
    Duration budget,
    long maxVersions,
    ClusterAccess cluster,
    TaskSettings tasks,
    boolean autojunk,
    int contextWindow,
    int batchGroups,
    int keepCheckpoints,
    double learningRate,
    int warmupUpdates,
    double klCoef,
    Credit credit,
    int sftBatch,
    int actors,
    boolean sync,
    int taskWindow,
    long seed,
    Evaluator.Settings eval,
    int validationProblems,
    Duration validationInterval,
    SwitchCriterion switchCriterion) {

  public TrainSettings {
    Objects.requireNonNull(recipe, "recipe");
    if (runId == null || !runId.matches("[a-zA-Z0-9._-]{1,80}")) {
      throw new IllegalArgumentException(
          "run id must be 1-80 letters, digits, '.', '_' or '-', but was " + runId);
    }
    Objects.requireNonNull(runDir, "runDir");
    train = List.copyOf(train);
    validation = List.copyOf(validation);
    test = List.copyOf(test);
    if (train.isEmpty()) {
      throw new IllegalArgumentException("the training data must hold at least one problem");
    }
    Objects.requireNonNull(baseWeights, "baseWeights");
    Objects.requireNonNull(model, "model");
    if (budget != null && (budget.isNegative() || budget.isZero())) {
      throw new IllegalArgumentException("budget must be > 0 or none, but was " + budget);
    }
    if (maxVersions < 0) {
      throw new IllegalArgumentException("maxVersions must be >= 0, but was " + maxVersions);
    }
    Objects.requireNonNull(tasks, "tasks");
    requirePositive("batchGroups", batchGroups);
    if (keepCheckpoints < 2) {
      throw new IllegalArgumentException(
          "keepCheckpoints must be >= 2, but was " + keepCheckpoints);
    }
    if (!(learningRate > 0) || Double.isInfinite(learningRate)) {
      throw new IllegalArgumentException(
          "learningRate must be finite and > 0, but was " + learningRate);
    }
    if (warmupUpdates < 0) {
      throw new IllegalArgumentException("warmupUpdates must be >= 0, but was " + warmupUpdates);
    }
    if (!(klCoef >= 0) || Double.isInfinite(klCoef)) {
      throw new IllegalArgumentException("klCoef must be finite and >= 0, but was " + klCoef);
    }
    Objects.requireNonNull(credit, "credit");
    requirePositive("sftBatch", sftBatch);
    requirePositive("actors", actors);
    if (sync && !recipe.streams()) {
      throw new IllegalArgumentException(
          "sync applies to the streaming recipes, whose actors sample while the learner trains;"
              + " recipe "
              + recipe.cliName()
              + " has none");
    }
    requirePositive("taskWindow", taskWindow);
    requirePositive("contextWindow", contextWindow);
    Objects.requireNonNull(eval, "eval");
    eval = eval.withContextWindow(contextWindow);
    if (validationProblems < 0) {
      throw new IllegalArgumentException(
          "validationProblems must be >= 0, but was " + validationProblems);
    }
    Objects.requireNonNull(validationInterval, "validationInterval");
    Objects.requireNonNull(switchCriterion, "switchCriterion");
  }

  /** SFT's learning rate unless set: the rate that trained the demo's base. */
  public static final double SFT_LEARNING_RATE = 1e-3;

  /** Groups per GRPO update unless set. */
  public static final int DEFAULT_BATCH_GROUPS = 4;

  /** Examples per SFT update unless set. */
  public static final int DEFAULT_SFT_BATCH = 16;

  /** Actor instances in the run's process unless set. */
  public static final int DEFAULT_ACTORS = 1;

  /** Tasks in flight at most unless set. */
  public static final int DEFAULT_TASK_WINDOW = 12;

  /** Validation problems per measurement unless set. */
  public static final int DEFAULT_VALIDATION_PROBLEMS = 60;

  /** Time between validation measurements unless set. */
  public static final Duration DEFAULT_VALIDATION_INTERVAL = Duration.ofSeconds(30);

  /**
   * A builder of a run's settings with every other value at its default: evaluates the base too, no
   * budget or version limit (train until stopped), the embedded cluster, {@link
   * TaskSettings#DEFAULTS}, the scorer's default autojunk, every earlier step shown, {@value
   * #DEFAULT_BATCH_GROUPS} groups per update at {@link TrainerConfig#DEFAULT_LEARNING_RATE} with no
   * warm-up or KL penalty and the paper's credit, SFT batches of {@value #DEFAULT_SFT_BATCH},
   * {@value #DEFAULT_ACTORS} actor, {@value #DEFAULT_TASK_WINDOW} tasks in flight, seed 1, {@link
   * Evaluator.Settings#defaults()}, {@value #DEFAULT_VALIDATION_PROBLEMS} validation problems every
   * 30 s, {@link SwitchCriterion#DEFAULT}; no validation or test problems.
   */
  public static Builder builder(
      Recipe recipe,
      String runId,
      Path runDir,
      List<ExpertSolution> train,
      byte[] baseWeights,
      ModelConfig model) {
    return new Builder(recipe, runId, runDir, train, baseWeights, model);
  }

  /** Collects a run's settings; {@link #build()} validates them. */
  public static final class Builder {
    private final Recipe recipe;
    private final String runId;
    private final Path runDir;
    private final List<ExpertSolution> train;
    private final byte[] baseWeights;
    private final ModelConfig model;
    private List<ExpertSolution> validation = List.of();
    private List<ExpertSolution> test = List.of();
    private boolean evaluateBase = true;
    private Duration budget;
    private long maxVersions;
    private ClusterAccess cluster;
    private TaskSettings tasks = TaskSettings.DEFAULTS;
    private boolean autojunk = ScorerConfig.DEFAULT_AUTOJUNK;
    private int contextWindow = Evaluator.Settings.ALL_STEPS;
    private int batchGroups = DEFAULT_BATCH_GROUPS;
    private int keepCheckpoints = LearnerConfig.DEFAULT_KEEP_CHECKPOINTS;
    private double learningRate = TrainerConfig.DEFAULT_LEARNING_RATE;
    private int warmupUpdates;
    private double klCoef;
    private Credit credit = Credit.SEQUENCE;
    private int sftBatch = DEFAULT_SFT_BATCH;
    private int actors = DEFAULT_ACTORS;
    private boolean sync;
    private int taskWindow = DEFAULT_TASK_WINDOW;
    private long seed = 1;
    private Evaluator.Settings eval = Evaluator.Settings.defaults();
    private int validationProblems = DEFAULT_VALIDATION_PROBLEMS;
    private Duration validationInterval = DEFAULT_VALIDATION_INTERVAL;
    private SwitchCriterion switchCriterion = SwitchCriterion.DEFAULT;

    private Builder(
        Recipe recipe,
        String runId,
        Path runDir,
        List<ExpertSolution> train,
        byte[] baseWeights,
        ModelConfig model) {
      this.recipe = recipe;
      this.runId = runId;
      this.runDir = runDir;
      this.train = train;
      this.baseWeights = baseWeights;
      this.model = model;
    }

    public Builder validation(List<ExpertSolution> value) {
      validation = value;
      return this;
    }

    public Builder test(List<ExpertSolution> value) {
      test = value;
      return this;
    }

    public Builder evaluateBase(boolean value) {
      evaluateBase = value;
      return this;
    }

    /** The training time; null to train until stopped. */
    public Builder budget(Duration value) {
      budget = value;
      return this;
    }

    /** Stop after this many new versions; 0 for no limit. */
    public Builder maxVersions(long value) {
      maxVersions = value;
      return this;
    }

    /** An external cluster; null for the embedded one. */
    public Builder cluster(ClusterAccess value) {
      cluster = value;
      return this;
    }

    public Builder tasks(TaskSettings value) {
      tasks = value;
      return this;
    }

    public Builder autojunk(boolean value) {
      autojunk = value;
      return this;
    }

    public Builder contextWindow(int value) {
      contextWindow = value;
      return this;
    }

    public Builder keepCheckpoints(int value) {
      keepCheckpoints = value;
      return this;
    }

    public Builder batchGroups(int value) {
      batchGroups = value;
      return this;
    }

    public Builder learningRate(double value) {
      learningRate = value;
      return this;
    }

    public Builder warmupUpdates(int value) {
      warmupUpdates = value;
      return this;
    }

    public Builder klCoef(double value) {
      klCoef = value;
      return this;
    }

    public Builder credit(Credit value) {
      credit = value;
      return this;
    }

    public Builder sftBatch(int value) {
      sftBatch = value;
      return this;
    }

    public Builder sync(boolean value) {
      sync = value;
      return this;
    }

    public Builder actors(int value) {
      actors = value;
      return this;
    }

    public Builder taskWindow(int value) {
      taskWindow = value;
      return this;
    }

    public Builder seed(long value) {
      seed = value;
      return this;
    }

    public Builder eval(Evaluator.Settings value) {
      eval = value;
      return this;
    }

    public Builder validationProblems(int value) {
      validationProblems = value;
      return this;
    }

    public Builder validationInterval(Duration value) {
      validationInterval = value;
      return this;
    }

    public Builder switchCriterion(SwitchCriterion value) {
      switchCriterion = value;
      return this;
    }

    /** The settings, validated. */
    public TrainSettings build() {
      return new TrainSettings(
          recipe,
          runId,
          runDir,
          train,
          validation,
          test,
          evaluateBase,
          baseWeights,
          model,
          budget,
          maxVersions,
          cluster,
          tasks,
          autojunk,
          contextWindow,
          batchGroups,
          keepCheckpoints,
          learningRate,
          warmupUpdates,
          klCoef,
          credit,
          sftBatch,
          actors,
          sync,
          taskWindow,
          seed,
          eval,
          validationProblems,
          validationInterval,
          switchCriterion);
    }
  }

  /** A builder starting from these settings, under another run id and directory. */
  public Builder toBuilder(String otherRunId, Path otherRunDir) {
    return new Builder(recipe, otherRunId, otherRunDir, train, baseWeights, model)
        .validation(validation)
        .test(test)
        .evaluateBase(evaluateBase)
        .budget(budget)
        .maxVersions(maxVersions)
        .cluster(cluster)
        .tasks(tasks)
        .autojunk(autojunk)
        .contextWindow(contextWindow)
        .batchGroups(batchGroups)
        .keepCheckpoints(keepCheckpoints)
        .learningRate(learningRate)
        .warmupUpdates(warmupUpdates)
        .klCoef(klCoef)
        .credit(credit)
        .sftBatch(sftBatch)
        .actors(actors)
        .sync(sync)
        .taskWindow(taskWindow)
        .seed(seed)
        .eval(eval)
        .validationProblems(validationProblems)
        .validationInterval(validationInterval)
        .switchCriterion(switchCriterion);
  }

  private static void requirePositive(String name, int value) {
    if (value < 1) {
      throw new IllegalArgumentException(name + " must be >= 1, but was " + value);
    }
  }

  /** The prompt format the run trains with, recorded in every weights file it writes. */
  PromptSettings promptSettings() {
    return new PromptSettings(contextWindow, false);
  }

  /** The settings of the scorer this run starts: the defaults, with this run's autojunk. */
  public ScorerConfig scorerConfig() {
    return ScorerConfig.DEFAULTS.withAutojunk(autojunk);
  }

  boolean embedded() {
    return cluster == null;
  }

  /** The validation problems used per measurement. */
  List<ExpertSolution> validationSample() {
    return validation.subList(0, Math.min(validationProblems, validation.size()));
  }
}
