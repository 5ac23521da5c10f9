package dev.srlstream.actor;

import dev.srlstream.policy.ModelConfig;
import dev.srlstream.policy.Policy;
import dev.srlstream.policy.SampleResult;
import dev.srlstream.policy.SamplingParams;
import dev.srlstream.policy.SessionThreads;
import dev.srlstream.policy.Tokenizer;
import java.util.List;

/** The TensorFlow policy behind {@link PolicyHandle}. */
final class TfPolicyHandle implements PolicyHandle {
  private final Policy policy;

  private TfPolicyHandle(Policy policy) {
    this.policy = policy;
  }

  /**
   * The policy from {@code weights} (WeightsCodec bytes) or, when null, a fresh one of {@code
   * model} seeded with {@code seed}.
   */
  static TfPolicyHandle create(
      byte[] weights, ModelConfig model, long seed, SessionThreads threads) {
    return new TfPolicyHandle(
        weights != null ? Policy.load(weights, threads) : Policy.initialize(model, seed, threads));
  }

  @Override
  public long version() {
    return policy.version();
  }

  @Override
  public int contextLength() {
    return policy.config().contextLength();
  }

  @Override
  public Tokenizer tokenizer() {
    return policy.tokenizer();
  }

  @Override
  public List<SampleResult> sampleGroup(int[] prompt, int size, SamplingParams params) {
    return policy.sampleGroup(prompt, size, params);
  }

  @Override
  public void swapWeights(byte[] weights) {
    policy.swapWeights(weights);
  }

  @Override
  public String describe() {
    ModelConfig c = policy.config();
    return String.format(
        "policy version %d: d_model %d, %d layer(s), %d head(s), context %d, %,d parameters",
        policy.version(), c.dModel(), c.layers(), c.heads(), c.contextLength(), c.parameterCount());
  }

  @Override
  public void close() {
    policy.close();
  }
}
