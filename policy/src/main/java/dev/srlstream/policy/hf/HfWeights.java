package dev.srlstream.policy.hf;

import dev.srlstream.policy.ModelConfig;
import dev.srlstream.policy.ModelFamily;
import dev.srlstream.policy.ModelWeights;
import dev.srlstream.policy.ParameterSpec;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Hugging Face tensor names and layouts to our variables ({@link ParameterSpec#forConfig}), and
 * back.
 *
 * <p>Our matrices are {@code [in, out]}. Qwen2's {@code nn.Linear} weights are {@code [out, in]}
 * and are transposed; GPT-2's {@code Conv1D} weights are already {@code [in, out]}, and its fused
 * {@code c_attn} ({@code [D, 3D]}: queries, keys, values side by side) is split by columns.
 * Embeddings are {@code [vocab, D]} on both sides; an untied Qwen2 {@code lm_head} ({@code [V, D]})
 * is transposed into ours ({@code [D, V]}).
 */
public final class HfWeights {

  /** Buffers some checkpoints carry that are not weights: causal masks and RoPE frequencies. */
  private static final List<String> BUFFER_SUFFIXES =
      List.of(".attn.bias", ".attn.masked_bias", ".rotary_emb.inv_freq");

  private HfWeights() {}

  /** Where one of our variables comes from: a Hugging Face tensor, maybe transposed or sliced. */
  private record Source(String tensor, boolean transpose, int part, int parts) {
    static Source of(String tensor) {
      return new Source(tensor, false, 0, 1);
    }

    static Source transposed(String tensor) {
      return new Source(tensor, true, 0, 1);
    }

    /** Columns {@code part/parts} of a matrix's last axis (or of a vector). */
    static Source columns(String tensor, int part, int parts) {
      return new Source(tensor, false, part, parts);
    }
  }

  /**
   * Our weights from a checkpoint's tensors.
   *
   * @param tensors every tensor of the checkpoint by name (see {@link SafeTensors#readCheckpoint})
   * @param directory for errors
   * @throws IllegalArgumentException naming the tensor, for a missing tensor, a shape that does not
   *     match {@code config}, or a tensor we would silently ignore
   */
  public static ModelWeights fromHf(
      ModelConfig config, Map<String, HfTensor> tensors, Path directory) {
    Map<String, HfTensor> byName = withoutPrefix(config, tensors);
    Set<String> used = new HashSet<>();
    List<ParameterSpec> specs = ParameterSpec.forConfig(config);
    List<float[]> values = new ArrayList<>();
    for (ParameterSpec spec : specs) {
      Source source = source(config, spec.name());
      HfTensor tensor = byName.get(source.tensor());
      if (tensor == null) {
        throw new IllegalArgumentException(
            directory
                + ": the checkpoint must have tensor "
                + source.tensor()
                + " (for "
                + spec.name()
                + " of a "
                + config.family().json()
                + " model), but has none");
      }
      used.add(source.tensor());
      values.add(extract(tensor, source, spec, directory));
    }
    for (String name : byName.keySet()) {
      boolean ignorable =
          BUFFER_SUFFIXES.stream().anyMatch(name::endsWith)
              || (config.tiedEmbeddings() && name.equals("lm_head.weight"));
      if (!used.contains(name) && !ignorable) {
        throw new IllegalArgumentException(
            directory
                + ": every tensor of the checkpoint must be a weight of the model config.json"
                + " describes, but "
                + name
                + " is not");
      }
    }
    return ModelWeights.of(specs, values);
  }

  /**
   * The checkpoint tensors of {@code weights}, named and laid out as {@code transformers} saves.
   */
  public static LinkedHashMap<String, HfTensor> toHf(ModelConfig config, ModelWeights weights) {
    Map<String, List<Integer>> shapes = new LinkedHashMap<>();
    Map<String, float[]> data = new LinkedHashMap<>();
    for (int i = 0; i < weights.count(); i++) {
      ParameterSpec spec = weights.specs().get(i);
      Source source = source(config, spec.name());
      float[] value = weights.values(i);
      int rows = spec.shape().get(0);
      int cols = spec.shape().size() == 2 ? spec.shape().get(1) : 1;
      if (source.transpose()) {
        shapes.put(source.tensor(), List.of(cols, rows));
        data.put(source.tensor(), transpose(value, rows, cols));
      } else if (source.parts() == 1) {
        shapes.put(source.tensor(), spec.shape());
        data.put(source.tensor(), value);
      } else {
        // A slice of a fused tensor: place its columns into the whole.
        int wholeCols = cols * source.parts();
        List<Integer> shape =
            spec.shape().size() == 2 ? List.of(rows, wholeCols) : List.of(rows * source.parts());
        float[] whole = data.computeIfAbsent(source.tensor(), k -> new float[rows * wholeCols]);
        if (spec.shape().size() == 1) {
          System.arraycopy(value, 0, whole, source.part() * rows, rows);
        } else {
          for (int r = 0; r < rows; r++) {
            System.arraycopy(value, r * cols, whole, r * wholeCols + source.part() * cols, cols);
          }
        }
        shapes.put(source.tensor(), shape);
      }
    }
    // GPT2LMHeadModel saves its body under "transformer."; Qwen2's names are already whole.
    String prefix = config.family() == ModelFamily.GPT2 ? "transformer." : "";
    LinkedHashMap<String, HfTensor> tensors = new LinkedHashMap<>();
    for (Map.Entry<String, float[]> entry : data.entrySet()) {
      String name =
          entry.getKey().equals("lm_head.weight") ? entry.getKey() : prefix + entry.getKey();
      tensors.put(name, new HfTensor(name, shapes.get(entry.getKey()), entry.getValue()));
    }
    return tensors;
  }

  /** The source of our variable {@code name} in a checkpoint of {@code config}'s family. */
  private static Source source(ModelConfig config, String name) {
    return config.family() == ModelFamily.QWEN2 ? qwen2(name) : gpt2(name);
  }

  private static Source qwen2(String name) {
    switch (name) {
      case "tok_emb":
        return Source.of("model.embed_tokens.weight");
      case "final_ln/gamma":
        return Source.of("model.norm.weight");
      case "lm_head":
        return Source.transposed("lm_head.weight");
      default:
        break;
    }
    String[] parts = name.split("/", 2); // blockN, rest
    String layer = "model.layers." + parts[0].substring("block".length()) + ".";
    return switch (parts[1]) {
      case "ln1/gamma" -> Source.of(layer + "input_layernorm.weight");
      case "ln2/gamma" -> Source.of(layer + "post_attention_layernorm.weight");
      case "attn/wq" -> Source.transposed(layer + "self_attn.q_proj.weight");
      case "attn/bq" -> Source.of(layer + "self_attn.q_proj.bias");
      case "attn/wk" -> Source.transposed(layer + "self_attn.k_proj.weight");
      case "attn/bk" -> Source.of(layer + "self_attn.k_proj.bias");
      case "attn/wv" -> Source.transposed(layer + "self_attn.v_proj.weight");
      case "attn/bv" -> Source.of(layer + "self_attn.v_proj.bias");
      case "attn/wo" -> Source.transposed(layer + "self_attn.o_proj.weight");
      case "mlp/wgate" -> Source.transposed(layer + "mlp.gate_proj.weight");
      case "mlp/wup" -> Source.transposed(layer + "mlp.up_proj.weight");
      case "mlp/wdown" -> Source.transposed(layer + "mlp.down_proj.weight");
      default -> throw new IllegalStateException("no Qwen2 tensor for " + name);
    };
  }

  private static Source gpt2(String name) {
    switch (name) {
      case "tok_emb":
        return Source.of("wte.weight");
      case "pos_emb":
        return Source.of("wpe.weight");
      case "final_ln/gamma":
        return Source.of("ln_f.weight");
      case "final_ln/beta":
        return Source.of("ln_f.bias");
      case "lm_head":
        return Source.transposed("lm_head.weight");
      default:
        break;
    }
    String[] parts = name.split("/", 2);
    String layer = "h." + parts[0].substring("block".length()) + ".";
    return switch (parts[1]) {
      case "ln1/gamma" -> Source.of(layer + "ln_1.weight");
      case "ln1/beta" -> Source.of(layer + "ln_1.bias");
      case "ln2/gamma" -> Source.of(layer + "ln_2.weight");
      case "ln2/beta" -> Source.of(layer + "ln_2.bias");
      case "attn/wq" -> Source.columns(layer + "attn.c_attn.weight", 0, 3);
      case "attn/wk" -> Source.columns(layer + "attn.c_attn.weight", 1, 3);
      case "attn/wv" -> Source.columns(layer + "attn.c_attn.weight", 2, 3);
      case "attn/bq" -> Source.columns(layer + "attn.c_attn.bias", 0, 3);
      case "attn/bk" -> Source.columns(layer + "attn.c_attn.bias", 1, 3);
      case "attn/bv" -> Source.columns(layer + "attn.c_attn.bias", 2, 3);
      case "attn/wo" -> Source.of(layer + "attn.c_proj.weight");
      case "attn/bo" -> Source.of(layer + "attn.c_proj.bias");
      case "mlp/w1" -> Source.of(layer + "mlp.c_fc.weight");
      case "mlp/b1" -> Source.of(layer + "mlp.c_fc.bias");
      case "mlp/w2" -> Source.of(layer + "mlp.c_proj.weight");
      case "mlp/b2" -> Source.of(layer + "mlp.c_proj.bias");
      default -> throw new IllegalStateException("no GPT-2 tensor for " + name);
    };
  }

  /**
   * GPT-2 checkpoints name their tensors with or without {@code transformer.} ({@code
   * GPT2LMHeadModel} against {@code GPT2Model}): the names without it.
   */
  private static Map<String, HfTensor> withoutPrefix(
      ModelConfig config, Map<String, HfTensor> tensors) {
    if (config.family() != ModelFamily.GPT2) {
      return tensors;
    }
    Map<String, HfTensor> stripped = new LinkedHashMap<>();
    for (Map.Entry<String, HfTensor> entry : tensors.entrySet()) {
      String name = entry.getKey();
      stripped.put(
          name.startsWith("transformer.") ? name.substring("transformer.".length()) : name,
          entry.getValue());
    }
    return stripped;
  }

  private static float[] extract(
      HfTensor tensor, Source source, ParameterSpec spec, Path directory) {
    List<Integer> expected = spec.shape();
    List<Integer> shape = tensor.shape();
    if (source.transpose()) {
      expected = List.of(expected.get(1), expected.get(0));
    } else if (source.parts() > 1) {
      int last = expected.size() - 1;
      List<Integer> whole = new ArrayList<>(expected);
      whole.set(last, expected.get(last) * source.parts());
      expected = whole;
    }
    if (!shape.equals(expected)) {
      throw new IllegalArgumentException(
          directory
              + ": tensor "
              + tensor.name()
              + " must have shape "
              + expected
              + " for the model config.json describes, but has "
              + shape);
    }
    float[] values = tensor.values();
    if (source.transpose()) {
      return transpose(values, shape.get(0), shape.get(1));
    }
    if (source.parts() == 1) {
      return values.clone();
    }
    int rows = shape.size() == 2 ? shape.get(0) : 1;
    int wholeCols = shape.get(shape.size() - 1);
    int cols = wholeCols / source.parts();
    float[] slice = new float[rows * cols];
    for (int r = 0; r < rows; r++) {
      System.arraycopy(values, r * wholeCols + source.part() * cols, slice, r * cols, cols);
    }
    return slice;
  }

  /** {@code [rows, cols]} row-major to {@code [cols, rows]} row-major. */
  private static float[] transpose(float[] values, int rows, int cols) {
    float[] out = new float[values.length];
    for (int r = 0; r < rows; r++) {
      for (int c = 0; c < cols; c++) {
        out[c * rows + r] = values[r * cols + c];
      }
    }
    return out;
  }
}
