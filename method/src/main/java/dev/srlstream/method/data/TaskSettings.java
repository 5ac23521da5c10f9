package dev.srlstream.method.data;

/**
 * How an actor rolls out a task: the group size G, the sampling temperature and the response
 * budget. Copied into every {@link dev.srlstream.schemas.avro.StepTask}.
 *
 * @param groupSize G, the rollouts sampled per task under one policy version, at least 1
 * @param temperature the sampling temperature, finite and > 0
 * @param maxNewTokens the response budget in tokens, at least 1
 */
public record TaskSettings(int groupSize, float temperature, int maxNewTokens) {

  /** The paper's settings: G = 8 at temperature 1.0; 256 new tokens. */
  public static final TaskSettings DEFAULTS = new TaskSettings(8, 1.0f, 256);

  public TaskSettings {
    if (groupSize < 1) {
      throw new IllegalArgumentException("groupSize must be >= 1, but was " + groupSize);
    }
    if (!(temperature > 0) || Float.isInfinite(temperature)) {
      throw new IllegalArgumentException(
          "temperature must be finite and > 0, but was " + temperature);
    }
    if (maxNewTokens < 1) {
      throw new IllegalArgumentException("maxNewTokens must be >= 1, but was " + maxNewTokens);
    }
  }
}
