package dev.srlstream.actor;

import dev.srlstream.policy.SamplingParams;
import dev.srlstream.schemas.avro.StepTask;
import dev.srlstream.schemas.avro.TrainingMode;

/**
 * The checks a decoded task must pass before it is sampled. Each failure names the field and value
 * ("group_size must be in 1..64, but was 0"); the task then goes to the dead letters as
 * INVALID_FIELD and the actor goes on.
 */
final class TaskChecks {
  private TaskChecks() {}

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
    if (task.getMode() != TrainingMode.SRL && task.getTotalSteps() < 1) {
      throw new InvalidTaskException(
          "total_steps must be >= 1 for a whole-solution "
              + task.getMode()
              + " task, but was "
              + task.getTotalSteps());
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
