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
   * positions only) position embeddings; per block: first norm, attention (q, k, v, output; each
   * weight then bias), second norm, MLP; final norm; the output projection if untied.
   */
  public static List<ParameterSpec> forConfig(ModelConfig config) {
    int d = config.dModel();
    int f = config.ffnWidth();
    List<ParameterSpec> specs = new ArrayList<>();
    specs.add(of("tok_emb", config.vocabSize(), d));
    if (config.positions() == PositionEncoding.LEARNED) {
      specs.add(of("pos_emb", config.contextLength(), d));
    }
    for (int layer = 0; layer < config.layers(); layer++) {
      String block = "block" + layer + "/";
      specs.add(of(block + "ln1/gamma", d));
      specs.add(of(block + "ln1/beta", d));
      for (String proj : List.of("q", "k", "v", "o")) {
        specs.add(of(block + "attn/w" + proj, d, d));
        specs.add(of(block + "attn/b" + proj, d));
      }
      specs.add(of(block + "ln2/gamma", d));
      specs.add(of(block + "ln2/beta", d));
      specs.add(of(block + "mlp/w1", d, f));
      specs.add(of(block + "mlp/b1", f));
      specs.add(of(block + "mlp/w2", f, d));
      specs.add(of(block + "mlp/b2", d));
    }
    specs.add(of("final_ln/gamma", d));
    specs.add(of("final_ln/beta", d));
    if (!config.tiedEmbeddings()) {
      specs.add(of("lm_head", d, config.vocabSize()));
    }
    return List.copyOf(specs);
  }
}
