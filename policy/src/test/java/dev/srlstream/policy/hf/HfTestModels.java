package dev.srlstream.policy.hf;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The tiny Hugging Face models of this module's test resources, copied into a directory: other
 * modules' tests read them from this module's test jar, where they are not files.
 */
public final class HfTestModels {

  /** The files of a model directory (the chat template only where there is one). */
  private static final List<String> FILES =
      List.of(
          "config.json",
          "model.safetensors",
          "tokenizer.json",
          "tokenizer_config.json",
          "generation_config.json",
          "chat_template.jinja",
          "reference.json");

  private HfTestModels() {}

  /**
   * Copies model {@code name} ({@code qwen2-tiny}, {@code qwen2-tiny-untied}, {@code gpt2-tiny})
   * into {@code dir/name} and returns that directory.
   */
  public static Path copy(String name, Path dir) throws IOException {
    Path target = Files.createDirectories(dir.resolve(name));
    for (String file : FILES) {
      try (InputStream in = HfTestModels.class.getResourceAsStream("/hf/" + name + "/" + file)) {
        if (in != null) {
          Files.copy(in, target.resolve(file));
        }
      }
    }
    if (!Files.exists(target.resolve("config.json"))) {
      throw new IllegalArgumentException("no test model " + name);
    }
    return target;
  }
}
