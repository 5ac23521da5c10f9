package dev.srlstream.policy;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/** Tiny models that build and run in milliseconds. */
final class TestModels {

  private TestModels() {}

  /** The byte vocabulary, d_model 16, 2 layers, 2 heads, context 64: about 11 k parameters. */
  static final ModelConfig SMALL =
      new ModelConfig(ByteTokenizer.VOCAB_SIZE, 16, 2, 2, 64, 32, true);

  /** A model small enough to check by finite differences. */
  static ModelConfig tiny(boolean tied) {
    return new ModelConfig(11, 8, 2, 2, 8, 12, tied);
  }

  /** {@link #tiny(boolean)} with the given position encoding. */
  static ModelConfig tiny(boolean tied, PositionEncoding positions) {
    return tiny(tied).withPositions(positions);
  }

  /**
   * A Qwen2-family model as small: grouped-query attention with 2 query heads sharing 1 key/value
   * head, RMSNorm, SwiGLU, rotary positions.
   */
  static ModelConfig tinyQwen2(boolean tied) {
    return new ModelConfig(
        11, 8, 2, 2, 8, 12, tied, PositionEncoding.ROPE, ModelFamily.QWEN2, 1, 1e4, 1e-6);
  }

  /**
   * Initial weights plus normal noise of std {@code noise} on every value, biases and norm
   * parameters included, so no gradient is zero by symmetry and logits are far from uniform.
   */
  static ModelWeights noisy(ModelConfig config, long seed, double noise) {
    ModelWeights initial = ModelWeights.initial(config, seed);
    Random random = new Random(seed ^ 0x5DEECE66DL);
    List<float[]> values = new ArrayList<>();
    for (int i = 0; i < initial.count(); i++) {
      float[] value = initial.values(i);
      for (int j = 0; j < value.length; j++) {
        value[j] += (float) (random.nextGaussian() * noise);
      }
      values.add(value);
    }
    return ModelWeights.of(initial.specs(), values);
  }

  /** {@code weights} with one value changed. */
  static ModelWeights with(ModelWeights weights, int variable, int index, float value) {
    List<float[]> values = weights.toList();
    values.get(variable)[index] = value;
    return ModelWeights.of(weights.specs(), values);
  }

  /** {@code weights} plus {@code scale * direction} on one variable. */
  static ModelWeights shifted(ModelWeights weights, int variable, float[] direction, double scale) {
    List<float[]> values = weights.toList();
    float[] value = values.get(variable);
    for (int j = 0; j < value.length; j++) {
      value[j] = (float) (value[j] + scale * direction[j]);
    }
    return ModelWeights.of(weights.specs(), values);
  }
}
