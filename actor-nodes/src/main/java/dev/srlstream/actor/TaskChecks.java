package dev.srlstream.actor;

import dev.srlstream.policy.SamplingParams;
import dev.srlstream.schemas.avro.StepTask;
import dev.srlstream.schemas.avro.TrainingMode;

/**
 * The checks a decoded task must pass before it is sampled, as strict as the scorer's checks of a
 * rollout: the key is the instance id, every index and size is in range. Each failure names the
 * field and value ("group_size must be in 1..64, but was 0"); the task then goes to the dead
 * letters as INVALID_FIELD and the actor goes on. A task that passes here yields rollouts the
 * scorer accepts, so a bad task costs no sampling.
 */
final class TaskChecks {
  private TaskChecks() {}

  /**
   * @throws InvalidTaskException if the record's key is not the task's instance id (the scorer keys
   *     rollouts and expert steps by it, and partitions must agree)
   */
  static void checkKey(String key, StepTask task) {
    if (!task.getInstanceId().equals(key)) {
      throw new InvalidTaskException(
          "the record key must be the instance_id '"
              + task.getInstanceId()
              + "', but was "
              + (key == null ? "null" : "'" + key + "'"));
    }
  }

  /**
   * @throws InvalidTaskException naming the first bad field
   */
  static void check(StepTask task, ActorConfig limits) {
    if (task.getMode() == TrainingMode.SFT) {
      throw new InvalidTaskException(
          "mode must be SRL, RLVR or HOLISTIC (SFT is trained on expert text and has no"
              + " rollouts), but was SFT");
    }
    if (task.getTaskId().isBlank()) {
      throw new InvalidTaskException(
          "task_id must not be blank, but was '" + task.getTaskId() + "'");
    }
    if (task.getInstanceId().isBlank()) {
      throw new InvalidTaskException(
          "instance_id must not be blank, but was '" + task.getInstanceId() + "'");
    }
    if (task.getProblemId().isBlank()) {
      throw new InvalidTaskException(
          "problem_id must not be blank, but was '" + task.getProblemId() + "'");
    }
    int groupSize = task.getGroupSize();
    if (groupSize < 1 || groupSize > limits.maxGroupSize()) {
      throw new InvalidTaskException(
          "group_size must be in 1.." + limits.maxGroupSize() + ", but was " + groupSize);
    }
    int maxNewTokens = task.getMaxNewTokens();
    if (maxNewTokens < 1 || maxNewTokens > limits.maxNewTokens()) {
      throw new InvalidTaskException(
          "max_new_tokens must be in 1.." + limits.maxNewTokens() + ", but was " + maxNewTokens);
    }
    float temperature = task.getTemperature();
    if (!(temperature > 0f && temperature <= SamplingParams.MAX_TEMPERATURE)) {
      throw new InvalidTaskException(
          "temperature must be in (0, "
              + SamplingParams.MAX_TEMPERATURE
              + "], but was "
              + temperature);
    }
    checkSteps(task);
  }

  /** The step index, the step count and the context steps agree with the mode and each other. */
  private static void checkSteps(StepTask task) {
    int index = task.getStepIndex();
    int total = task.getTotalSteps();
    int context = task.getContextSteps().size();
    boolean srl = task.getMode() == TrainingMode.SRL;
    if (total < 1) {
      throw new InvalidTaskException(
          "total_steps must be >= 1"
              + (srl ? "" : " for a whole-solution " + task.getMode() + " task")
              + ", but was "
              + total);
    }
    if (srl) {
      if (index < 0 || index >= total) {
        throw new InvalidTaskException(
            "step_index must be in 0.."
                + (total - 1)
                + " (total_steps "
                + total
                + "), but was "
                + index);
      }
      if (context > index) {
        throw new InvalidTaskException(
            "context_steps must hold at most step_index = "
                + index
                + " earlier steps, but held "
                + context);
      }
    } else {
      if (index != 0) {
        throw new InvalidTaskException(
            "step_index must be 0 for a whole-solution "
                + task.getMode()
                + " task, but was "
                + index);
      }
      if (context != 0) {
        throw new InvalidTaskException(
            "context_steps must be empty for a whole-solution "
                + task.getMode()
                + " task, but held "
                + context);
      }
    }
  }

  /**
   * @throws InvalidTaskException if the prompt does not fit the model's context
   */
  static void checkPromptFits(int promptTokens, int contextLength) {
    if (promptTokens > contextLength) {
      throw new InvalidTaskException(
          "prompt has " + promptTokens + " tokens, but the context holds " + contextLength);
    }
  }
}
