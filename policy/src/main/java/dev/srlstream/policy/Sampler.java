package dev.srlstream.policy;

import java.util.List;

/**
 * Samples responses to a prompt from the policy.
 *
 * <p>Deterministic: the same weights, prompt, row count and params give the same tokens. Row {@code
 * i} draws its random numbers from {@link SamplingParams#rowSeed(int)}; its logits come from a
 * batched computation, so a row sampled alone may differ from the same row in a batch in the last
 * bits of a log-prob (and, very rarely, in a token).
 */
public interface Sampler {

  /**
   * Samples {@code rows} responses to {@code prompt} in one batch (a GRPO group).
   *
   * @param prompt token ids, at least one (a BOS) and at most the context length
   * @throws IllegalArgumentException if the prompt is empty, longer than the context, or has a
   *     token outside the vocabulary, or {@code rows} is not positive
   */
  List<SampleResult> sample(int[] prompt, int rows, SamplingParams params);

  /** Samples one response: row 0 of a group of one. */
  default SampleResult sample(int[] prompt, SamplingParams params) {
    return sample(prompt, 1, params).get(0);
  }
}
