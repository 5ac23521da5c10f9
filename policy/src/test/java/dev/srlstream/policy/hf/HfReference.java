package dev.srlstream.policy.hf;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The tiny Hugging Face models and what {@code transformers} computed with them, from {@code
 * src/test/python/make_hf_reference.py} (run by hand; its output is committed under {@code
 * src/test/resources/hf}).
 */
final class HfReference {

  /** The models: Qwen2 with tied embeddings, Qwen2 untied, GPT-2. */
  static final List<String> MODELS = List.of("qwen2-tiny", "qwen2-tiny-untied", "gpt2-tiny");

  /** One prompt: its text, the ids transformers gave it, and its greedy continuation. */
  record Prompt(String text, int[] ids, List<String> tokens, String decoded, int[] greedyIds) {}

  private HfReference() {}

  static Path directory(String model) {
    try {
      return Path.of(HfReference.class.getResource("/hf/" + model + "/config.json").toURI())
          .getParent();
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  static JsonNode json(String model) throws IOException {
    return new ObjectMapper().readTree(directory(model).resolve("reference.json").toFile());
  }

  static List<Prompt> prompts(String model) throws IOException {
    List<Prompt> prompts = new ArrayList<>();
    for (JsonNode prompt : json(model).path("prompts")) {
      List<String> tokens = new ArrayList<>();
      prompt.path("tokens").forEach(t -> tokens.add(t.asText()));
      prompts.add(
          new Prompt(
              prompt.path("text").asText(),
              ints(prompt.path("ids")),
              tokens,
              prompt.path("decoded").asText(),
              ints(prompt.path("greedy_ids"))));
    }
    return prompts;
  }

  static int[] ints(JsonNode array) {
    int[] out = new int[array.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = array.get(i).asInt();
    }
    return out;
  }
}
