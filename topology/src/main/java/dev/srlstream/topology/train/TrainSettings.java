package dev.srlstream.topology.train;

import dev.srlstream.learner.Credit;
import dev.srlstream.method.data.ExpertSolution;
import dev.srlstream.method.data.TaskSettings;
import dev.srlstream.policy.ModelConfig;
import dev.srlstream.policy.PromptSettings;
import dev.srlstream.scorer.ScorerConfig;
import dev.srlstream.topology.eval.Evaluator;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * Everything a training run needs, validated.
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
 * @param learningRate the learner's AdamW learning rate (SFT's too)
 * @param warmupUpdates GRPO updates over which the learning rate rises linearly to {@code
 *     learningRate}; 0 for none
 * @param klCoef the weight of the KL penalty to the base policy in GRPO updates; 0 (the paper's)
 *     for none
 * @param credit how the learner spreads a rollout's advantage over its tokens
 * @param sftBatch examples per SFT update
 * @param actors actor instances in this process
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
    double learningRate,
    int warmupUpdates,
    double klCoef,
    Credit credit,
    int sftBatch,
    int actors,
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
