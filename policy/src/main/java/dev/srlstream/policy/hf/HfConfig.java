package dev.srlstream.policy.hf;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.srlstream.policy.ModelConfig;
import dev.srlstream.policy.ModelFamily;
import dev.srlstream.policy.PositionEncoding;
import java.nio.file.Path;
import java.util.List;

/**
 * A Hugging Face {@code config.json} as our {@link ModelConfig}, and back. Two model types are
 * read: {@code qwen2} (Qwen2, Qwen2.5) and {@code gpt2}. Settings that would change the computation
 * and that we do not implement (sliding-window attention, RoPE scaling, another activation) are
 * refused by name rather than ignored.
 */
public final class HfConfig {

  private HfConfig() {}

  /**
   * The architecture {@code config.json} describes.
   *
   * @throws IllegalArgumentException naming the file and the field, for another model type, a
   *     missing field, or a setting we do not implement
   */
  public static ModelConfig read(JsonNode json, Path file) {
    String type = json.path("model_type").asText("");
    return switch (type) {
      case "qwen2" -> qwen2(new Fields(json, file));
      case "gpt2" -> gpt2(new Fields(json, file));
      default ->
          throw new IllegalArgumentException(
              file
                  + ": model_type must be qwen2 or gpt2, but was "
                  + (type.isEmpty() ? "missing" : type));
    };
  }

  private static ModelConfig qwen2(Fields f) {
    f.require("hidden_act", "silu");
    if (f.json.path("use_sliding_window").asBoolean(false)) {
      throw f.unsupported("use_sliding_window", "true (sliding-window attention)");
    }
    JsonNode rope = f.json.has("rope_parameters") ? f.json.path("rope_parameters") : f.json;
    JsonNode scaling = f.json.path("rope_scaling");
    String ropeType = rope.path("rope_type").asText("default");
    if (!ropeType.equals("default") || !(scaling.isMissingNode() || scaling.isNull())) {
      throw f.unsupported("rope_scaling", "set (only plain RoPE is implemented)");
    }
    int heads = f.integer("num_attention_heads");
    int hidden = f.integer("hidden_size");
    if (f.json.has("head_dim") && f.integer("head_dim") * heads != hidden) {
      throw f.unsupported("head_dim", f.integer("head_dim") + " (not hidden_size / heads)");
    }
    return new ModelConfig(
        f.integer("vocab_size"),
        hidden,
        f.integer("num_hidden_layers"),
        heads,
        f.integer("max_position_embeddings"),
        f.integer("intermediate_size"),
        f.json.path("tie_word_embeddings").asBoolean(false),
        PositionEncoding.ROPE,
        ModelFamily.QWEN2,
        f.json.has("num_key_value_heads") ? f.integer("num_key_value_heads") : heads,
        rope.path("rope_theta").asDouble(ModelConfig.DEFAULT_ROPE_THETA),
        f.number("rms_norm_eps"));
  }

  private static ModelConfig gpt2(Fields f) {
    f.require("activation_function", "gelu_new");
    if (f.json.path("scale_attn_by_inverse_layer_idx").asBoolean(false)
        || f.json.path("reorder_and_upcast_attn").asBoolean(false)) {
      throw f.unsupported(
          "scale_attn_by_inverse_layer_idx or reorder_and_upcast_attn", "true (not implemented)");
    }
    int hidden = f.integer("n_embd");
    JsonNode inner = f.json.path("n_inner");
    return new ModelConfig(
        f.integer("vocab_size"),
        hidden,
        f.integer("n_layer"),
        f.integer("n_head"),
        f.integer("n_positions"),
        inner.isInt() ? inner.asInt() : 4 * hidden,
        f.json.path("tie_word_embeddings").asBoolean(true),
        PositionEncoding.LEARNED,
        ModelFamily.GPT2,
        f.integer("n_head"),
        ModelConfig.DEFAULT_ROPE_THETA,
        f.json.has("layer_norm_epsilon")
            ? f.number("layer_norm_epsilon")
            : ModelConfig.DEFAULT_NORM_EPSILON);
  }

  /**
   * The {@code config.json} of {@code config}, as {@code transformers} reads it.
   *
   * @param eosTokenId the stop token, or -1 for none
   * @throws IllegalArgumentException for a configuration no Hugging Face model type matches (the
   *     bundled byte model with ALiBi positions, say)
   */
  public static ObjectNode write(ModelConfig config, int bosTokenId, int eosTokenId) {
    ObjectNode json = HfFiles.JSON.createObjectNode();
    if (config.family() == ModelFamily.QWEN2) {
      json.putArray("architectures").add("Qwen2ForCausalLM");
      json.put("model_type", "qwen2");
      json.put("hidden_act", "silu");
      json.put("hidden_size", config.dModel());
      json.put("intermediate_size", config.ffnWidth());
      json.put("num_hidden_layers", config.layers());
      json.put("num_attention_heads", config.heads());
      json.put("num_key_value_heads", config.kvHeads());
      json.put("max_position_embeddings", config.contextLength());
      json.put("rope_theta", config.ropeTheta());
      json.put("rms_norm_eps", config.normEpsilon());
      json.put("use_sliding_window", false);
      json.put("attention_dropout", 0.0);
    } else if (config.positions() == PositionEncoding.LEARNED) {
      json.putArray("architectures").add("GPT2LMHeadModel");
      json.put("model_type", "gpt2");
      json.put("activation_function", "gelu_new");
      json.put("n_embd", config.dModel());
      json.put("n_inner", config.ffnWidth());
      json.put("n_layer", config.layers());
      json.put("n_head", config.heads());
      json.put("n_positions", config.contextLength());
      json.put("layer_norm_epsilon", config.normEpsilon());
      for (String dropout : List.of("attn_pdrop", "embd_pdrop", "resid_pdrop")) {
        json.put(dropout, 0.0);
      }
    } else {
      throw new IllegalArgumentException(
          "a model must be of the qwen2 family or have learned positions (gpt2) to be written as"
              + " a Hugging Face model, but this one is "
              + config.family().json()
              + " with "
              + config.positions().json()
              + " positions");
    }
    json.put("vocab_size", config.vocabSize());
    json.put("tie_word_embeddings", config.tiedEmbeddings());
    json.put("torch_dtype", "float32");
    if (bosTokenId >= 0) {
      json.put("bos_token_id", bosTokenId);
    }
    if (eosTokenId >= 0) {
      json.put("eos_token_id", eosTokenId);
    }
    return json;
  }

  /** Reading fields with errors that name the file and the field. */
  private record Fields(JsonNode json, Path file) {

    int integer(String name) {
      JsonNode node = json.path(name);
      if (!node.canConvertToInt() || !node.isIntegralNumber()) {
        throw new IllegalArgumentException(
            file + ": " + name + " must be an integer, but was " + describe(node));
      }
      return node.asInt();
    }

    double number(String name) {
      JsonNode node = json.path(name);
      if (!node.isNumber()) {
        throw new IllegalArgumentException(
            file + ": " + name + " must be a number, but was " + describe(node));
      }
      return node.asDouble();
    }

    void require(String name, String expected) {
      String value = json.path(name).asText(expected);
      if (!value.equals(expected)) {
        throw unsupported(name, value);
      }
    }

    IllegalArgumentException unsupported(String name, String value) {
      return new IllegalArgumentException(
          file + ": " + name + " " + value + " is not supported by this build");
    }

    private static String describe(JsonNode node) {
      return node.isMissingNode() ? "missing" : node.toString();
    }
  }
}
