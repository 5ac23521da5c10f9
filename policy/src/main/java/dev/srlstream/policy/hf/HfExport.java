package dev.srlstream.policy.hf;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.srlstream.policy.ModelConfig;
import dev.srlstream.policy.ModelWeights;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Map;

/**
 * Writes trained weights as a Hugging Face model directory that {@code transformers} loads: {@code
 * config.json}, {@code model.safetensors} (float32), and the tokenizer files of the model the
 * weights were trained from, copied unchanged.
 */
public final class HfExport {

  /** The tokenizer and generation files copied from the source model, where it has them. */
  static final List<String> COPIED =
      List.of(
          "tokenizer.json",
          "tokenizer_config.json",
          "special_tokens_map.json",
          "chat_template.jinja",
          "generation_config.json");

  private HfExport() {}

  /**
   * Writes {@code weights} of architecture {@code config}, trained with {@code source}'s tokenizer,
   * into {@code out} (created if absent; the files named here are replaced).
   *
   * @param tokenizerId the tokenizer the weights were trained with; must be {@code source}'s
   * @throws IllegalArgumentException if {@code source}'s tokenizer is not the weights' one, or the
   *     architecture has no Hugging Face form (see {@link HfConfig#write})
   */
  public static void write(
      ModelConfig config, String tokenizerId, ModelWeights weights, HfModel source, Path out)
      throws IOException {
    if (!source.tokenizer().id().equals(tokenizerId)) {
      throw new IllegalArgumentException(
          "the weights were trained with tokenizer "
              + tokenizerId
              + ", but "
              + source.directory().resolve("tokenizer.json")
              + " is tokenizer "
              + source.tokenizer().id()
              + ": give the directory of the model the policy was trained from");
    }
    ObjectNode json = HfConfig.write(config, source.tokenizer().bos(), source.tokenizer().eos());
    Files.createDirectories(out);
    Path configFile = out.resolve("config.json");
    Files.writeString(configFile, json.toPrettyString() + "\n");
    SafeTensors.write(
        out.resolve(SafeTensors.SINGLE_FILE),
        HfWeights.toHf(config, weights),
        Map.of("format", "pt"));
    for (String name : COPIED) {
      Path file = source.directory().resolve(name);
      if (Files.exists(file)) {
        Files.copy(file, out.resolve(name), StandardCopyOption.REPLACE_EXISTING);
      }
    }
  }
}
