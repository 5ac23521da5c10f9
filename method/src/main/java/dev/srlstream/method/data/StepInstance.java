package dev.srlstream.method.data;

import dev.srlstream.schemas.PolicyNames;
import dev.srlstream.schemas.avro.ExpertStep;
import dev.srlstream.schemas.avro.StepTask;
import dev.srlstream.schemas.avro.TrainingMode;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * One training instance cut from an expert solution: what the policy sees (question, context,
 * optional hint) and what it is compared with (target, answer).
 *
 * <p>In SRL mode the target is the expert action of step {@code k} and the context the expert steps
 * before it; in the whole-solution modes (RLVR, HOLISTIC, SFT) {@code k} is 0, the context is empty
 * and the target is {@link ExpertSolution#solutionText()}.
 *
 * @param instanceId stable id, see {@link InstanceExpander#instanceId}
 * @param problemId the id of the expert solution
 * @param mode how the instance is trained and scored
 * @param stepIndex k, the 0-based index of the target step (0 for whole-solution modes)
 * @param totalSteps N, the number of steps of the expert solution
 * @param question the problem statement
 * @param contextSteps the expert steps given as context, oldest first, each as {@link
 *     Step#contextText()}: steps 0..k-1, or only the last few of them when the expander has a
 *     context window
 * @param target the expert action of step k, or the whole solution text
 * @param targetTitle the title of step k when it has one (whatever the hint setting), else null
 * @param hint the text shown to the policy as a hint (the title of step k), or null
 * @param answer the reference final answer, or null
 * @param source the data set the solution came from
 * @param split the split of the problem
 */
public record StepInstance(
    String instanceId,
    String problemId,
    TrainingMode mode,
    int stepIndex,
    int totalSteps,
    String question,
    List<String> contextSteps,
    String target,
    String targetTitle,
    String hint,
    String answer,
    String source,
    Split split) {

  public StepInstance {
    Texts.requireNonBlank(instanceId, "instanceId");
    Texts.requireNonBlank(problemId, "problemId of " + instanceId);
    Objects.requireNonNull(mode, "mode");
    if (totalSteps < 1) {
      throw new IllegalArgumentException(
          "totalSteps of " + instanceId + " must be >= 1, but was " + totalSteps);
    }
    if (stepIndex < 0 || stepIndex >= totalSteps) {
      throw new IllegalArgumentException(
          "stepIndex of "
              + instanceId
              + " must be in 0.."
              + (totalSteps - 1)
              + ", but was "
              + stepIndex);
    }
    Texts.requireNonBlank(question, "question of " + instanceId);
    contextSteps = List.copyOf(contextSteps);
    if (mode != TrainingMode.SRL && (stepIndex != 0 || !contextSteps.isEmpty())) {
      throw new IllegalArgumentException(
          "a "
              + mode
              + " instance must have stepIndex 0 and no context steps, but "
              + instanceId
              + " has stepIndex "
              + stepIndex
              + " and "
              + contextSteps.size()
              + " context steps");
    }
    Texts.requireNonBlank(target, "target of " + instanceId);
    Texts.requireNonBlank(source, "source of " + instanceId);
    Objects.requireNonNull(split, "split");
  }

  /**
   * The expert side of this instance, for the compacted topic {@code srl.expert-steps}: everything
   * a scorer, an SFT learner or a replay needs.
   *
   * @param createdAt when the record is produced
   */
  public ExpertStep toExpertStep(Instant createdAt) {
    return ExpertStep.newBuilder()
        .setInstanceId(instanceId)
        .setProblemId(problemId)
        .setMode(mode)
        .setStepIndex(stepIndex)
        .setTotalSteps(totalSteps)
        .setQuestion(question)
        .setContextSteps(contextSteps)
        .setTargetStep(target)
        .setTargetTitle(targetTitle)
        .setFinalAnswer(answer)
        .setSource(source)
        .setSplit(split.wireName())
        .setCreatedAt(Objects.requireNonNull(createdAt, "createdAt"))
        .build();
  }

  /**
   * A request to roll this instance out, for the topic {@code srl.tasks}. It carries the prompt
   * side only: an actor never sees the target.
   *
   * @param taskId unique per dispatch (the same instance is dispatched again in a later epoch)
   * @param policyName the policy to sample it for: only that policy's actors take it
   * @param settings group size, temperature and token budget
   * @param seed the sampling seed of the group
   * @param createdAt when the record is produced
   */
  public StepTask toStepTask(
      String taskId, String policyName, TaskSettings settings, long seed, Instant createdAt) {
    Texts.requireNonBlank(taskId, "taskId");
    PolicyNames.requireValid("policyName", policyName);
    return StepTask.newBuilder()
        .setTaskId(taskId)
        .setInstanceId(instanceId)
        .setProblemId(problemId)
        .setMode(mode)
        .setStepIndex(stepIndex)
        .setTotalSteps(totalSteps)
        .setQuestion(question)
        .setContextSteps(contextSteps)
        .setHint(hint)
        .setGroupSize(settings.groupSize())
        .setTemperature(settings.temperature())
        .setMaxNewTokens(settings.maxNewTokens())
        .setSeed(seed)
        .setCreatedAt(Objects.requireNonNull(createdAt, "createdAt"))
        .setPolicyName(policyName)
        .build();
  }
}
