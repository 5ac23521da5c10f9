package dev.srlstream.actor;

import dev.srlstream.method.format.StepPrompt;
import dev.srlstream.policy.PromptFormat;
import dev.srlstream.policy.SampleResult;
import dev.srlstream.policy.SamplingParams;
import dev.srlstream.policy.StepwiseSolver;
import dev.srlstream.policy.Tokenizer;
import dev.srlstream.schemas.PolicyNames;
import dev.srlstream.schemas.RolloutSegments;
import dev.srlstream.schemas.avro.FinishReason;
import dev.srlstream.schemas.avro.RolloutSegment;
import dev.srlstream.schemas.avro.RolloutStep;
import dev.srlstream.schemas.avro.StepTask;
import dev.srlstream.schemas.avro.TrainingMode;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.LongSupplier;

/**
 * Turns one task into its group of {@link RolloutStep}s with the policy. Runs on an actor's
 * sampling thread, where nothing else touches the policy, so the whole group, however many calls to
 * the sampler it takes, is sampled under one policy version.
 *
 * <h2>SRL</h2>
 *
 * The prompt is {@link StepPrompt#text}(question, context steps, hint); the G rollouts are one
 * batched call ({@code sampleGroup}) at the task's temperature, {@code max_new_tokens} and seed,
 * stopping at EOS. Rollout {@code i} draws from {@link SamplingParams#rowSeed}{@code (i)}, recorded
 * as its seed.
 *
 * <h2>RLVR and HOLISTIC: a whole solution, step after step, on the actor's own context</h2>
 *
 * A whole solution is written in the same text format as an SRL step (and as SFT and the
 * evaluation), by the loop the evaluation runs too ({@link StepwiseSolver}): the recorded prompt is
 * {@link StepPrompt#text}{@code (question, [], null)}, i.e. {@code "Problem: Q\nStep 1:"}; step 1
 * of the G rollouts is one batch (as SRL, rollout {@code i} seeded {@code rowSeed(i)}, recorded as
 * its seed); step {@code s > 1} is asked on the rollout's own actions, the newest {@link
 * ActorConfig#solutionContextWindow} of them, exactly the prompt of SRL step {@code s} with the
 * actor's actions in place of the expert's, and rollouts asked the same are sampled together. A
 * rollout has at most {@code min(total_steps, maxSolutionSteps)} steps and stops early at a step
 * without EOS, a malformed one, a {@code \boxed{...}} answer, or when no token of room is left.
 * {@code max_new_tokens} applies to each step.
 *
 * <p>The rollout's {@code response_text} is the steps' response texts joined by newlines (the
 * scorer's whole-solution parser strips the think blocks and reads the last step as the final
 * answer); {@code finish_reason} is the last step's, or {@code CONTEXT_FULL} when no room was left
 * for another step.
 *
 * <h2>Segments: every token with the context it was sampled in</h2>
 *
 * Every rollout records its {@code segments} ({@link RolloutSegment}): one per call to the sampler
 * that wrote it, each the exact prompt tokens of that call, the tokens sampled (each step with its
 * EOS) and their log-probs at the sampling temperature. An SRL rollout is one segment; a whole
 * solution is one per step, step {@code s > 1} with its own prompt {@code "…\nStep 1: a1\n…\nStep
 * s:"}. The learner scores each segment as {@code prompt_s ++ response_s}, so with unchanged
 * weights it recomputes exactly the behaviour log-probs, and the ratio {@code pi_theta /
 * pi_behaviour} is exact for every token of every recipe. The flat fields summarise the segments
 * ({@link RolloutSegments#flat}): {@code prompt_token_ids} is step 1's prompt, {@code
 * response_token_ids} and {@code behaviour_logprobs} are all steps' tokens and log-probs
 * concatenated. Prompt plus concatenated response is still kept within the context length, so the
 * flat fields also stay a valid single-context record for readers that predate segments (which
 * score later steps in the wrong context, as every reader did before segments existed).
 */
final class RolloutGenerator {
  private final ActorConfig limits;
  private final LongSupplier clock;

  /**
   * @param limits the caps on group size, tokens and solution steps
   * @param clock wall-clock millis, for {@code sampled_at}
   */
  RolloutGenerator(ActorConfig limits, LongSupplier clock) {
    this.limits = limits;
    this.clock = clock;
  }

  /** A sampled group. */
  record Group(long version, List<RolloutStep> steps, long responseTokens) {}

  /**
   * Samples the group of {@code task}.
   *
   * @throws InvalidTaskException if the task fails its checks or its prompt does not fit
   */
  Group generate(StepTask task, PolicyHandle policy, String actorId) {
    TaskChecks.check(task, limits);
    return task.getMode() == TrainingMode.SRL
        ? oneStep(task, policy, actorId)
        : wholeSolution(task, policy, actorId);
  }

  private Group oneStep(StepTask task, PolicyHandle policy, String actorId) {
    Tokenizer tokenizer = policy.tokenizer();
    String text = StepPrompt.text(task.getQuestion(), task.getContextSteps(), task.getHint());
    int[] prompt = PromptFormat.promptTokens(tokenizer, text);
    TaskChecks.checkPromptFits(prompt.length, policy.contextLength());
    long version = policy.version();
    long start = System.nanoTime();
    List<SampleResult> results =
        policy.sampleGroup(prompt, task.getGroupSize(), params(task, tokenizer, task.getSeed()));
    long millis = (System.nanoTime() - start) / 1_000_000;
    Instant sampledAt = Instant.ofEpochMilli(clock.getAsLong());
    List<RolloutStep> steps = new ArrayList<>(results.size());
    long tokens = 0;
    for (int i = 0; i < results.size(); i++) {
      SampleResult r = results.get(i);
      tokens += r.length();
      steps.add(
          rollout(task, version, i, actorId, List.of(segment(prompt, r)))
              .setResponseText(PromptFormat.responseText(tokenizer, r.tokens()))
              .setFinishReason(finishReason(r.finishReason()))
              .setSeed(r.seed())
              .setSampledAt(sampledAt)
              .setSamplingMillis(millis)
              .build());
    }
    return new Group(version, steps, tokens);
  }

  private Group wholeSolution(StepTask task, PolicyHandle policy, String actorId) {
    StepwiseSolver solver =
        new StepwiseSolver(policy::sampleGroup, policy.tokenizer(), policy.contextLength());
    int firstPrompt = solver.firstPrompt(task.getQuestion()).length;
    TaskChecks.checkPromptFits(firstPrompt, policy.contextLength());
    if (firstPrompt == policy.contextLength()) {
      // A whole solution needs room for its first step; the solver would return no step at all.
      throw new InvalidTaskException(
          "prompt has " + firstPrompt + " tokens and leaves no room for a step in the context");
    }
    int maxSteps = Math.min(task.getTotalSteps(), limits.maxSolutionSteps());
    long version = policy.version();
    long start = System.nanoTime();
    List<StepwiseSolver.Solution> solutions =
        solver.solve(
            task.getQuestion(),
            maxSteps,
            task.getGroupSize(),
            StepwiseSolver.Settings.sampling(
                task.getMaxNewTokens(),
                limits.solutionContextWindow(),
                task.getTemperature(),
                task.getSeed()));
    long millis = (System.nanoTime() - start) / 1_000_000;
    Instant sampledAt = Instant.ofEpochMilli(clock.getAsLong());
    List<RolloutStep> steps = new ArrayList<>(solutions.size());
    long tokens = 0;
    for (int i = 0; i < solutions.size(); i++) {
      StepwiseSolver.Solution solution = solutions.get(i);
      List<RolloutSegment> segments = new ArrayList<>();
      for (StepwiseSolver.Step step : solution.steps()) {
        segments.add(segment(step.prompt(), step.sample()));
        tokens += step.sample().length();
      }
      StepwiseSolver.Step last = solution.steps().get(solution.steps().size() - 1);
      steps.add(
          rollout(task, version, i, actorId, segments)
              .setResponseText(String.join("\n", solution.responses()))
              .setFinishReason(
                  solution.stop() == StepwiseSolver.Stop.CONTEXT_FULL
                      ? FinishReason.CONTEXT_FULL
                      : finishReason(last.sample().finishReason()))
              .setSeed(solution.seed())
              .setSampledAt(sampledAt)
              .setSamplingMillis(millis)
              .build());
    }
    return new Group(version, steps, tokens);
  }

  private static SamplingParams params(StepTask task, Tokenizer tokenizer, long seed) {
    return SamplingParams.sampling(
        task.getTemperature(), task.getMaxNewTokens(), tokenizer.eos(), seed);
  }

  /** The group id of a task sampled under {@code version}: {@code task_id/v<version>}. */
  static String groupId(String taskId, long version) {
    return taskId + "/v" + version;
  }

  /** The rollout id of rollout {@code index}: {@code task_id/v<version>/<index>}. */
  static String rolloutId(String taskId, long version, int index) {
    return groupId(taskId, version) + "/" + index;
  }

  /** The segment of a response sampled after {@code prompt}. */
  private static RolloutSegment segment(int[] prompt, SampleResult sampled) {
    return new RolloutSegment(ints(prompt), ints(sampled.tokens()), floats(sampled.logProbs()));
  }

  /** A rollout of {@code segments}; its flat fields summarise them ({@link RolloutSegments}). */
  private static RolloutStep.Builder rollout(
      StepTask task, long version, int index, String actorId, List<RolloutSegment> segments) {
    RolloutSegments.Flat flat = RolloutSegments.flat(segments);
    return RolloutStep.newBuilder()
        .setRolloutId(rolloutId(task.getTaskId(), version, index))
        .setGroupId(groupId(task.getTaskId(), version))
        .setTaskId(task.getTaskId())
        .setInstanceId(task.getInstanceId())
        .setProblemId(task.getProblemId())
        .setMode(task.getMode())
        .setStepIndex(task.getStepIndex())
        .setRolloutIndex(index)
        .setGroupSize(task.getGroupSize())
        .setPolicyVersion(version)
        .setActorId(actorId)
        .setPromptTokenIds(flat.prompt())
        .setResponseTokenIds(flat.response())
        .setBehaviourLogprobs(flat.behaviour())
        .setSegments(segments)
        .setTemperature(task.getTemperature())
        // The task's policy, named even when the task names none (the default policy's).
        .setPolicyName(PolicyNames.of(task.getPolicyName()));
  }

  static FinishReason finishReason(dev.srlstream.policy.FinishReason reason) {
    return switch (reason) {
      case STOP -> FinishReason.STOP;
      case MAX_TOKENS -> FinishReason.MAX_TOKENS;
      case CONTEXT_FULL -> FinishReason.CONTEXT_FULL;
    };
  }

  private static List<Integer> ints(int[] values) {
    List<Integer> list = new ArrayList<>(values.length);
    for (int v : values) {
      list.add(v);
    }
    return list;
  }

  private static List<Float> floats(float[] values) {
    List<Float> list = new ArrayList<>(values.length);
    for (float v : values) {
      list.add(v);
    }
    return list;
  }
}
