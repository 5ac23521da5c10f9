package dev.srlstream.actor;

import dev.srlstream.policy.PromptFormat;
import dev.srlstream.policy.SampleResult;
import dev.srlstream.policy.SamplingParams;
import dev.srlstream.policy.Seeds;
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
 * The prompt is {@link PromptFormat#stepPrompt}(question, context steps, hint); the G rollouts are
 * one batched call ({@code sampleGroup}) at the task's temperature, {@code max_new_tokens} and
 * seed, stopping at EOS. Rollout {@code i} draws from {@link SamplingParams#rowSeed}{@code (i)},
 * recorded as its seed.
 *
 * <h2>RLVR and HOLISTIC: a whole solution, step after step, on the actor's own context</h2>
 *
 * A whole solution is written in the same text format as an SRL step (and as SFT and the
 * evaluation): the recorded prompt is {@link PromptFormat#stepPrompt}{@code (question, [], null)},
 * i.e. {@code "Problem: Q\nStep 1:"}. Each rollout is generated in up to {@code N =
 * min(total_steps, maxSolutionSteps)} steps:
 *
 * <ol>
 *   <li>Step 1 is sampled for all G rollouts in one batch on the prompt (as SRL, seeds {@code
 *       rowSeed(i)}).
 *   <li>Step {@code s > 1} of rollout {@code i} is sampled alone on that rollout's own context,
 *       {@link PromptFormat#stepPrompt}{@code (question, [a1 … a(s-1)], null)}, i.e. {@code
 *       "Problem: Q\nStep 1: a1\n…\nStep s:"}, where {@code aj} is the action of its step {@code
 *       j}: the step's response with its {@code <think>} blocks and {@code <solution>} tags
 *       removed, on one line ({@link PromptFormat#action}). This is exactly the prompt of SRL step
 *       {@code s} with the actor's own actions in place of the expert's (with {@link
 *       ActorConfig#solutionContextWindow} only the newest of them, as the SRL instances of that
 *       window show the newest expert steps). Its seed is {@link Seeds#mix}{@code (rowSeed(i), s)},
 *       and {@code max_new_tokens} applies to each step.
 *   <li>A rollout stops early when a step did not end with EOS (it ran out of tokens or context),
 *       its action is empty, it wrote {@code \boxed{...}} (a final answer), or no token of room is
 *       left (see below).
 * </ol>
 *
 * The rollout's {@code response_text} is the steps' response texts joined by newlines (the scorer's
 * whole-solution parser strips the think blocks and reads the last step as the final answer);
 * {@code finish_reason} is the last step's.
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
    String text =
        PromptFormat.stepPrompt(task.getQuestion(), task.getContextSteps(), task.getHint());
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
    Tokenizer tokenizer = policy.tokenizer();
    int context = policy.contextLength();
    String question = task.getQuestion();
    int[] prompt =
        PromptFormat.promptTokens(tokenizer, PromptFormat.stepPrompt(question, List.of(), null));
    TaskChecks.checkPromptFits(prompt.length, context);
    int maxSteps = Math.min(task.getTotalSteps(), limits.maxSolutionSteps());
    long version = policy.version();
    long start = System.nanoTime();

    List<SampleResult> first =
        policy.sampleGroup(prompt, task.getGroupSize(), params(task, tokenizer, task.getSeed()));
    List<SolutionRollout> rollouts = new ArrayList<>(first.size());
    for (SampleResult r : first) {
      SolutionRollout rollout = new SolutionRollout(r.seed());
      rollout.add(prompt, r, tokenizer);
      rollouts.add(rollout);
    }
    for (int step = 2; step <= maxSteps; step++) {
      for (SolutionRollout rollout : rollouts) {
        if (!rollout.continues()) {
          continue;
        }
        int[] own =
            PromptFormat.promptTokens(
                tokenizer,
                PromptFormat.stepPrompt(
                    question, newest(rollout.actions, limits.solutionContextWindow()), null));
        // The record's flat fields (prompt ++ every step's tokens) stay within the context too, so
        // they remain a valid single-context record for readers that predate segments.
        int budget = context - prompt.length - rollout.responseTokens;
        if (budget < 1 || own.length >= context) {
          rollout.stop(FinishReason.CONTEXT_FULL);
          continue;
        }
        SamplingParams params =
            SamplingParams.sampling(
                task.getTemperature(),
                Math.min(task.getMaxNewTokens(), budget),
                tokenizer.eos(),
                Seeds.mix(rollout.seed, step));
        rollout.add(own, policy.sampleGroup(own, 1, params).get(0), tokenizer);
      }
    }

    long millis = (System.nanoTime() - start) / 1_000_000;
    Instant sampledAt = Instant.ofEpochMilli(clock.getAsLong());
    List<RolloutStep> steps = new ArrayList<>(rollouts.size());
    long tokens = 0;
    for (int i = 0; i < rollouts.size(); i++) {
      SolutionRollout r = rollouts.get(i);
      tokens += r.responseTokens;
      steps.add(
          rollout(task, version, i, actorId, r.segments)
              .setResponseText(String.join("\n", r.texts))
              .setFinishReason(r.finish)
              .setSeed(r.seed)
              .setSampledAt(sampledAt)
              .setSamplingMillis(millis)
              .build());
    }
    return new Group(version, steps, tokens);
  }

  /** The newest {@code window} of {@code actions}. */
  private static List<String> newest(List<String> actions, int window) {
    return actions.subList(Math.max(0, actions.size() - window), actions.size());
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

  /** One whole-solution rollout being generated. */
  private static final class SolutionRollout {
    final long seed;
    final List<RolloutSegment> segments = new ArrayList<>();
    int responseTokens;
    final List<String> texts = new ArrayList<>();
    final List<String> actions = new ArrayList<>();
    FinishReason finish = FinishReason.STOP;
    boolean stopped;

    SolutionRollout(long seed) {
      this.seed = seed;
    }

    /** Adds a step sampled after {@code prompt}. */
    void add(int[] prompt, SampleResult step, Tokenizer tokenizer) {
      segments.add(segment(prompt, step));
      responseTokens += step.length();
      String text = PromptFormat.responseText(tokenizer, step.tokens());
      String action = PromptFormat.action(text);
      texts.add(text);
      actions.add(action);
      finish = finishReason(step.finishReason());
      if (step.finishReason() != dev.srlstream.policy.FinishReason.STOP
          || action.isEmpty()
          || action.contains("\\boxed{")) {
        stopped = true;
      }
    }

    boolean continues() {
      return !stopped;
    }

    void stop(FinishReason reason) {
      finish = reason;
      stopped = true;
    }
  }
}
