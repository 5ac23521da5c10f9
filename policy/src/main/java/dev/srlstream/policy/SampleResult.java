package dev.srlstream.policy;

import java.util.Arrays;

/**
 * One sampled response.
 *
 * @param tokens the generated token ids (the stop token included, when it ended the response)
 * @param logProbs per token, the behaviour log-probability: {@code log softmax(logits / T)} of the
 *     chosen token at the sampling temperature T; for greedy decoding, of the argmax at T = 1
 * @param finishReason why generation ended
 * @param seed the seed this row drew from ({@link SamplingParams#rowSeed(int)})
 */
public record SampleResult(int[] tokens, float[] logProbs, FinishReason finishReason, long seed) {

  public SampleResult {
    if (tokens.length != logProbs.length) {
      throw new IllegalArgumentException(
          "logProbs must have one value per token ("
              + tokens.length
              + "), but had "
              + logProbs.length);
    }
    tokens = tokens.clone();
    logProbs = logProbs.clone();
  }

  @Override
  public int[] tokens() {
    return tokens.clone();
  }

  @Override
  public float[] logProbs() {
    return logProbs.clone();
  }

  /** The number of generated tokens. */
  public int length() {
    return tokens.length;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof SampleResult other
        && Arrays.equals(tokens, other.tokens)
        && Arrays.equals(logProbs, other.logProbs)
        && finishReason == other.finishReason
        && seed == other.seed;
  }

  @Override
  public int hashCode() {
    return 31 * (31 * Arrays.hashCode(tokens) + Arrays.hashCode(logProbs))
        + finishReason.hashCode();
  }

  @Override
  public String toString() {
    return "SampleResult[tokens="
        + Arrays.toString(tokens)
        + ", finishReason="
        + finishReason
        + ", seed="
        + seed
        + "]";
  }
}
