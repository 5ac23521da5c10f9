package dev.srlstream.learner;

import java.util.List;
import java.util.Map;

/**
 * The model side of the learner: one policy update per batch, and its state for checkpoints and
 * policy versions. The Kafka side ({@link LearnerService}) never sees TensorFlow; the TF Java
 * implementation lives beside it, and unit tests can use a simple one.
 */
public interface Trainer extends AutoCloseable {

  /** Token ids must be below this. */
  int vocabSize();

  /** A prompt plus a response must fit in this many tokens. */
  int contextLength();

  /** The model configuration as JSON, for {@code PolicyVersion.architecture}. */
  String architecture();

  /**
   * Updates the policy once from a batch of scored groups (the clipped surrogate with GRPO
   * advantages, or cross-entropy in SFT mode).
   *
   * @return the update's metrics (loss, entropy, clip_fraction, approx_kl, grad_norm, ...)
   */
  Map<String, Double> train(List<WeightedGroup> batch);

  /** The current weights in the policy's weights codec, stamped with {@code version}. */
  byte[] exportWeights(long version);

  /** The optimiser's state (moments, step), in the trainer's own format. */
  byte[] exportOptimizerState();

  /**
   * Restores weights and optimiser state written by the two exports (from a checkpoint). An empty
   * {@code optimizerState} means a fresh optimiser: the learner restores so from a {@code
   * PolicyVersion} record when the checkpoint is lost.
   */
  void restore(byte[] weights, byte[] optimizerState);

  /**
   * Every setting that affects an update and that a replay needs to rebuild this trainer
   * (serialisable by Jackson: records, maps, strings, numbers); recorded with each version. Empty
   * unless the implementation says otherwise.
   */
  default Map<String, Object> settings() {
    return Map.of();
  }

  @Override
  void close();
}
