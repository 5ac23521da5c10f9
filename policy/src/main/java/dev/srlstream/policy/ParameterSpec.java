package dev.srlstream.policy;

import java.util.ArrayList;
import java.util.List;
import org.tensorflow.ndarray.Shape;

/**
 * The name and shape of one trainable variable. {@link #forConfig} fixes the order of all
 * variables: the order of gradients, of weights in the codec and of optimiser slots.
 *
 * @param name a stable logical name such as {@code block0/attn/wq}
 * @param shape the dimensions, each at least 1
 */
public record ParameterSpec(String name, List<Integer> shape) {

  public ParameterSpec {
    shape = List.copyOf(shape);
    if (name.isEmpty()) {
      throw new IllegalArgumentException("name must be non-empty, but was ''");
    }
    if (shape.isEmpty() || shape.stream().anyMatch(d -> d < 1)) {
      throw new IllegalArgumentException(
          "shape of " + name + " must have dimensions of at least 1, but was " + shape);
    }
  }

  static ParameterSpec of(String name, int... dims) {
    List<Integer> shape = new ArrayList<>();
    for (int d : dims) {
      shape.add(d);
    }
    return new ParameterSpec(name, shape);
  }

  /** The number of floats. */
  public int size() {
    long size = 1;
    for (int d : shape) {
      size *= d;
    }
    if (size > Integer.MAX_VALUE) {
      throw new IllegalArgumentException(
          name + " must have at most " + Integer.MAX_VALUE + " elements, but had " + size);
    }
    return (int) size;
  }

  /** The shape as a TensorFlow shape. */
  public Shape tfShape() {
    return Shape.of(shape.stream().mapToLong(Integer::longValue).toArray());
  }

  /**
   * Every variable of a model with this architecture, in the stable order: token and (learned
   * positions only) position embeddings; per block: first norm, attention, second norm, MLP; final
   * norm; the output projection if untied. Matrices are {@code [in, out]}.
   *
   * <ul>
   *   <li>{@link ModelFamily#GPT2}: norms {@code gamma} and {@code beta}; attention {@code wq bq wk
   *       bk wv bv wo bo}; MLP {@code w1 b1 w2 b2}.
   *   <li>{@link ModelFamily#QWEN2}: norms {@code gamma} only; attention {@code wq bq wk bk wv bv
   *       wo} with keys and values {@link ModelConfig#kvDim} wide; MLP {@code wgate wup wdown}.
   * </ul>
   */
  public static List<ParameterSpec> forConfig(ModelConfig config) {
    boolean qwen2 = config.family() == ModelFamily.QWEN2;
    int d = config.dModel();
    int kv = config.kvDim();
    int f = config.ffnWidth();
    List<ParameterSpec> specs = new ArrayList<>();
    specs.add(of("tok_emb", config.vocabSize(), d));
    if (config.positions() == PositionEncoding.LEARNED) {
      specs.add(of("pos_emb", config.contextLength(), d));
    }
    for (int layer = 0; layer < config.layers(); layer++) {
      String block = "block" + layer + "/";
      addNorm(specs, block + "ln1", d, qwen2);
      specs.add(of(block + "attn/wq", d, d));
      specs.add(of(block + "attn/bq", d));
      specs.add(of(block + "attn/wk", d, kv));
      specs.add(of(block + "attn/bk", kv));
      specs.add(of(block + "attn/wv", d, kv));
      specs.add(of(block + "attn/bv", kv));
      specs.add(of(block + "attn/wo", d, d));
      if (!qwen2) {
        specs.add(of(block + "attn/bo", d));
      }
      addNorm(specs, block + "ln2", d, qwen2);
      if (qwen2) {
        specs.add(of(block + "mlp/wgate", d, f));
        specs.add(of(block + "mlp/wup", d, f));
        specs.add(of(block + "mlp/wdown", f, d));
      } else {
        specs.add(of(block + "mlp/w1", d, f));
        specs.add(of(block + "mlp/b1", f));
        specs.add(of(block + "mlp/w2", f, d));
        specs.add(of(block + "mlp/b2", d));
      }
    }
    addNorm(specs, "final_ln", d, qwen2);
    if (!config.tiedEmbeddings()) {
      specs.add(of("lm_head", d, config.vocabSize()));
    }
    return List.copyOf(specs);
  }

  private static void addNorm(List<ParameterSpec> specs, String name, int d, boolean rms) {
    specs.add(of(name + "/gamma", d));
    if (!rms) {
      specs.add(of(name + "/beta", d));
    }
  }
}
