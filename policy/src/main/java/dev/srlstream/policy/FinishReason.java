package dev.srlstream.policy;

/** Why the sampling of a response stopped. */
public enum FinishReason {
  /** The stop token was sampled (it is the last token of the response). */
  STOP,
  /** The response reached {@link SamplingParams#maxNewTokens()}. */
  MAX_TOKENS,
  /** Prompt and response filled the model's context. */
  CONTEXT_FULL
}
