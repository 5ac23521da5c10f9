package dev.srlstream.method.data;

import dev.srlstream.schemas.avro.TrainingMode;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Cuts expert solutions into training instances.
 *
 * <p>SRL: one instance per target step k; the prompt is the question plus the expert steps before k
 * (all of them, or the last {@link Config#contextWindow()}), optionally with the title of step k as
 * a hint; the target is the action of step k. RLVR, HOLISTIC and SFT: one instance per problem
 * whose target is the whole solution.
 *
 * <p>Instance ids depend on the problem id, k and the mode only, never on the position of a
 * solution in a file or on the time, so re-importing the same data writes the same keys to the
 * compacted {@code srl.expert-steps} topic. The other settings (hint, window) are not in the id:
 * one data set is fed with one configuration.
 */
public final class InstanceExpander {

  /** Which steps of a solution become SRL targets. */
  public enum Targets {
    /** Every step 0..N-1: N instances for N steps (the default). */
    ALL,
    /**
     * Steps 1..N-1 (0-based): N-1 instances for N steps, the paper's construction. The paper builds
     * N-1 "partial trajectories", the non-empty proper prefixes {@code y_1..y_k} for k = 1..N-1,
     * each asking for the step that follows; so the first step is never a target, every prompt
     * holds at least one expert step, and the last step (often the one with the final answer) is a
     * target. A one-step solution yields no instance.
     */
    ALL_BUT_FIRST
  }

  /**
   * How solutions are expanded.
   *
   * @param mode the training mode of the instances
   * @param targets which steps become SRL targets (ignored by the whole-solution modes)
   * @param titleHint whether the title of the target step is given to the policy as a hint (SRL
   *     only; steps without a title get no hint)
   * @param contextWindow how many of the expert steps before k are given as context, newest kept;
   *     {@link #ALL_EARLIER_STEPS} for all of them (math), {@link #AGENT_CONTEXT_WINDOW} (2) for
   *     agent trajectories as in the paper, where each context step carries its observation
   */
  public record Config(TrainingMode mode, Targets targets, boolean titleHint, int contextWindow) {

    /** A context window that keeps every earlier step. */
    public static final int ALL_EARLIER_STEPS = Integer.MAX_VALUE;

    /**
     * The paper's context for software-engineering trajectories: the last two action/observation
     * pairs.
     */
    public static final int AGENT_CONTEXT_WINDOW = 2;

    public Config {
      Objects.requireNonNull(mode, "mode must be one of SRL, RLVR, HOLISTIC, SFT, but was null");
      Objects.requireNonNull(targets, "targets must be ALL or ALL_BUT_FIRST, but was null");
      if (contextWindow < 0) {
        throw new IllegalArgumentException(
            "contextWindow must be >= 0 (or ALL_EARLIER_STEPS), but was " + contextWindow);
      }
    }

    /** SRL, every step a target, no hint, every earlier step in the context. */
    public static Config defaults() {
      return new Config(TrainingMode.SRL, Targets.ALL, false, ALL_EARLIER_STEPS);
    }

    /** SRL on agent trajectories: every tool call a target, the last two steps as context. */
    public static Config forAgentTrajectories() {
      return defaults().withContextWindow(AGENT_CONTEXT_WINDOW);
    }

    public Config withMode(TrainingMode newMode) {
      return new Config(newMode, targets, titleHint, contextWindow);
    }

    public Config withTargets(Targets newTargets) {
      return new Config(mode, newTargets, titleHint, contextWindow);
    }

    public Config withTitleHint(boolean newTitleHint) {
      return new Config(mode, targets, newTitleHint, contextWindow);
    }

    public Config withContextWindow(int newContextWindow) {
      return new Config(mode, targets, titleHint, newContextWindow);
    }
  }

  private final Config config;

  public InstanceExpander(Config config) {
    this.config = Objects.requireNonNull(config, "config");
  }

  public Config config() {
    return config;
  }

  /** The stable id of the instance of a problem, target step k and mode: {@code id/k2/SRL}. */
  public static String instanceId(String problemId, int stepIndex, TrainingMode mode) {
    return problemId + "/k" + stepIndex + "/" + mode;
  }

  /** The instances of one solution, in step order. */
  public List<StepInstance> expand(ExpertSolution solution, Split split) {
    Objects.requireNonNull(solution, "solution");
    Objects.requireNonNull(split, "split");
    if (config.mode() != TrainingMode.SRL) {
      return List.of(wholeSolution(solution, split));
    }
    int first = config.targets() == Targets.ALL ? 0 : 1;
    List<StepInstance> instances = new ArrayList<>();
    for (int k = first; k < solution.steps().size(); k++) {
      instances.add(stepInstance(solution, k, split));
    }
    return instances;
  }

  /** The instances of many solutions, all in one split, in order. */
  public List<StepInstance> expandAll(List<ExpertSolution> solutions, Split split) {
    List<StepInstance> instances = new ArrayList<>();
    for (ExpertSolution solution : solutions) {
      instances.addAll(expand(solution, split));
    }
    return instances;
  }

  private StepInstance stepInstance(ExpertSolution solution, int k, Split split) {
    List<Step> steps = solution.steps();
    // Subtract in long: contextWindow may be ALL_EARLIER_STEPS (Integer.MAX_VALUE).
    int from = (int) Math.max(0L, (long) k - config.contextWindow());
    List<String> context = steps.subList(from, k).stream().map(Step::contextText).toList();
    Step target = steps.get(k);
    return new StepInstance(
        instanceId(solution.id(), k, TrainingMode.SRL),
        solution.id(),
        TrainingMode.SRL,
        k,
        steps.size(),
        solution.question(),
        context,
        target.action(),
        target.title(),
        config.titleHint() ? target.title() : null,
        solution.answer(),
        solution.source(),
        split);
  }

  private StepInstance wholeSolution(ExpertSolution solution, Split split) {
    return new StepInstance(
        instanceId(solution.id(), 0, config.mode()),
        solution.id(),
        config.mode(),
        0,
        solution.steps().size(),
        solution.question(),
        List.of(),
        solution.solutionText(),
        null,
        null,
        solution.answer(),
        solution.source(),
        split);
  }
}
