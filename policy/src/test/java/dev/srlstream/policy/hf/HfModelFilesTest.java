package dev.srlstream.policy.hf;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.srlstream.policy.ModelConfig;
import dev.srlstream.policy.ModelFamily;
import dev.srlstream.policy.PositionEncoding;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** What a Hugging Face directory must hold, and the errors when it does not. */
class HfModelFilesTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path dir;

  @Test
  void readsTheArchitectureOfEachModelType() throws IOException {
    {
      HfModel qwen = HfModel.load(HfReference.directory("qwen2-tiny"));
      assertThat(qwen.config())
          .isEqualTo(
              new ModelConfig(
                  320,
                  64,
                  2,
                  4,
                  256,
                  96,
                  true,
                  PositionEncoding.ROPE,
                  ModelFamily.QWEN2,
                  2,
                  1e6,
                  1e-6));
      assertThat(qwen.tokenizer().chatTemplate()).isPresent();
    }
    {
      HfModel gpt2 = HfModel.load(HfReference.directory("gpt2-tiny"));
      assertThat(gpt2.config())
          .isEqualTo(new ModelConfig(320, 64, 2, 4, 256, 256, true, PositionEncoding.LEARNED));
      assertThat(gpt2.tokenizer().chatTemplate()).isEmpty();
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"qwen2-tiny", "qwen2-tiny-untied", "gpt2-tiny"})
  void writingTheWeightsBackGivesTheCheckpointsTensors(String model) throws IOException {
    Path source = HfReference.directory(model);
    {
      HfModel hf = HfModel.load(source);
      Map<String, HfTensor> original = SafeTensors.readCheckpoint(source).tensors();
      LinkedHashMap<String, HfTensor> written = HfWeights.toHf(hf.config(), hf.weights());

      assertThat(written.keySet()).containsExactlyInAnyOrderElementsOf(original.keySet());
      for (Map.Entry<String, HfTensor> tensor : written.entrySet()) {
        assertThat(tensor.getValue()).isEqualTo(original.get(tensor.getKey()));
      }
      ObjectNode config = HfConfig.write(hf.config(), hf.tokenizer().bos(), hf.tokenizer().eos());
      assertThat(HfConfig.read(config, dir.resolve("config.json"))).isEqualTo(hf.config());
    }
  }

  @Test
  void aMissingDirectoryOrFileIsNamed() throws IOException {
    Path missing = dir.resolve("nope");
    assertThatThrownBy(() -> HfModel.load(missing))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageEndingWith(missing + " does not exist");
    copyModel("qwen2-tiny");
    Files.delete(dir.resolve("config.json"));
    assertThatThrownBy(() -> HfModel.load(dir))
        .hasMessage(dir + " must hold config.json (the model's architecture), but has none");
  }

  @Test
  void anotherModelTypeOrUnsupportedSettingIsRefusedByName() throws IOException {
    copyModel("qwen2-tiny");
    editConfig(c -> c.put("model_type", "llama"));
    assertThatThrownBy(() -> HfModel.load(dir))
        .hasMessage(
            dir.resolve("config.json") + ": model_type must be qwen2 or gpt2, but was llama");
    copyModel("qwen2-tiny");
    editConfig(c -> c.put("use_sliding_window", true));
    assertThatThrownBy(() -> HfModel.load(dir))
        .hasMessage(
            dir.resolve("config.json")
                + ": use_sliding_window true (sliding-window attention) is not supported by this"
                + " build");
    copyModel("qwen2-tiny");
    editConfig(c -> c.remove("hidden_size"));
    assertThatThrownBy(() -> HfModel.load(dir))
        .hasMessage(
            dir.resolve("config.json") + ": hidden_size must be an integer, but was missing");
    copyModel("gpt2-tiny");
    editConfig(c -> c.put("activation_function", "relu"));
    assertThatThrownBy(() -> HfModel.load(dir))
        .hasMessage(
            dir.resolve("config.json")
                + ": activation_function relu is not supported by this build");
  }

  @Test
  void weightsThatDoNotMatchTheConfigAreNamed() throws IOException {
    copyModel("qwen2-tiny");
    editConfig(c -> c.put("intermediate_size", 128));
    assertThatThrownBy(() -> HfModel.load(dir))
        .hasMessage(
            dir
                + ": tensor model.layers.0.mlp.gate_proj.weight must have shape [128, 64] for the"
                + " model config.json describes, but has [96, 64]");
    copyModel("qwen2-tiny");
    editConfig(c -> c.put("num_hidden_layers", 3));
    assertThatThrownBy(() -> HfModel.load(dir))
        .hasMessage(
            dir
                + ": the checkpoint must have tensor model.layers.2.input_layernorm.weight (for"
                + " block2/ln1/gamma of a qwen2 model), but has none");
    copyModel("qwen2-tiny-untied");
    editConfig(c -> c.put("tie_word_embeddings", true));
    // As transformers does: a tied model ignores a saved lm_head.weight.
    {
      HfModel tied = HfModel.load(dir);
      assertThat(tied.config().tiedEmbeddings()).isTrue();
    }
    copyModel("qwen2-tiny");
    editConfig(c -> c.put("num_hidden_layers", 1));
    assertThatThrownBy(() -> HfModel.load(dir))
        .hasMessage(
            dir
                + ": every tensor of the checkpoint must be a weight of the model config.json"
                + " describes, but model.layers.1.input_layernorm.weight is not");
    copyModel("qwen2-tiny");
    editConfig(c -> c.put("vocab_size", 300));
    assertThatThrownBy(() -> HfModel.load(dir))
        .hasMessage(
            dir
                + ": tokenizer.json has 320 tokens, but config.json's vocab_size is 300: the files"
                + " are of different models");
    copyModel("qwen2-tiny");
    editConfig(c -> c.put("vocab_size", 400));
    assertThatThrownBy(() -> HfModel.load(dir))
        .hasMessageContaining("model.embed_tokens.weight must have shape [400, 64]");
  }

  private void copyModel(String model) throws IOException {
    try (Stream<Path> old = Files.list(dir)) {
      for (Path file : old.toList()) {
        Files.delete(file);
      }
    }
    for (String file :
        List.of("config.json", "model.safetensors", "tokenizer.json", "tokenizer_config.json")) {
      Files.copy(HfReference.directory(model).resolve(file), dir.resolve(file));
    }
  }

  private void editConfig(java.util.function.Consumer<ObjectNode> edit) throws IOException {
    ObjectNode config = (ObjectNode) JSON.readTree(dir.resolve("config.json").toFile());
    edit.accept(config);
    JSON.writeValue(dir.resolve("config.json").toFile(), config);
  }
}
