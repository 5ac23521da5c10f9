package dev.srlstream.policy;

/**
 * How to sample a response.
 *
 * @param temperature the logits are divided by it before the softmax; ignored when greedy
 * @param maxNewTokens the most tokens to generate
 * @param stopTokenId generation of a row ends after it samples this token (kept as its last token);
 *     {@link #NO_STOP} for none
 * @param greedy always take the most likely token (the lowest id among equals)
 * @param seed row {@code i} of a group draws from {@link #rowSeed(int)}, derived from this seed and
 *     {@code i}
 */
public record SamplingParams(
    float temperature, int maxNewTokens, int stopTokenId, boolean greedy, long seed) {

  /** {@link #stopTokenId()} meaning that no token stops generation. */
  public static final int NO_STOP = -1;

  /** The largest temperature accepted: beyond it sampling is indistinguishable from uniform. */
  public static final float MAX_TEMPERATURE = 100f;

  public SamplingParams {
    if (!(temperature > 0f && temperature <= MAX_TEMPERATURE)) {
      throw new IllegalArgumentException(
          "temperature must be in (0, " + MAX_TEMPERATURE + "], but was " + temperature);
    }
    if (maxNewTokens < 1) {
      throw new IllegalArgumentException(
          "maxNewTokens must be at least 1, but was " + maxNewTokens);
    }
    if (stopTokenId < NO_STOP) {
      throw new IllegalArgumentException(
          "stopTokenId must be a token id or " + NO_STOP + " (none), but was " + stopTokenId);
    }
  }

  /** Sampling at {@code temperature}. */
  public static SamplingParams sampling(
      float temperature, int maxNewTokens, int stopTokenId, long seed) {
    return new SamplingParams(temperature, maxNewTokens, stopTokenId, false, seed);
  }

  /** Greedy decoding (the seed is irrelevant; the temperature is 1 for the recorded log-probs). */
  public static SamplingParams greedy(int maxNewTokens, int stopTokenId) {
    return new SamplingParams(1f, maxNewTokens, stopTokenId, true, 0L);
  }

  /**
   * The seed of row {@code row} of a group: the group's rows are independent streams. It lies in
   * [0, 2^53): it is recorded on every rollout step ({@code RolloutStep.seed}), and clients that
   * read Avro longs as doubles (JavaScript's avsc) read such a value exactly, where a full 64-bit
   * one made them refuse every record.
   */
  public long rowSeed(int row) {
    return Seeds.mix(seed, row) >>> (Long.SIZE - 53);
  }
}
