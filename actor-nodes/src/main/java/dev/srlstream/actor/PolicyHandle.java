package dev.srlstream.actor;

import dev.srlstream.policy.SampleResult;
import dev.srlstream.policy.SamplingParams;
import dev.srlstream.policy.Tokenizer;
import java.util.List;

/**
 * What an actor needs of its policy: sample groups, swap in a newer version's weights, and say
 * which version it is. {@link TfPolicyHandle} wraps the TensorFlow {@code Policy}; tests use a
 * fake.
 *
 * <p>Confinement: an actor instance calls its handle only from its own sampling thread (one
 * thread), so a swap can only run between two generations, never inside one.
 */
public interface PolicyHandle extends AutoCloseable {

  /** The version of the weights in use. */
  long version();

  /** The most tokens (prompt plus response) the model sees. */
  int contextLength();

  Tokenizer tokenizer();

  /** Samples {@code size} responses to {@code prompt} in one batch; see {@code Sampler}. */
  List<SampleResult> sampleGroup(int[] prompt, int size, SamplingParams params);

  /**
   * Replaces the weights with those of {@code weights} (WeightsCodec bytes) and adopts their
   * version; on any error the current weights stay.
   *
   * @throws dev.srlstream.policy.InvalidWeightsException if the bytes are invalid or for another
   *     model
   */
  void swapWeights(byte[] weights);

  /** A line for the start-up log: the architecture and where it runs. */
  String describe();

  @Override
  void close();
}
