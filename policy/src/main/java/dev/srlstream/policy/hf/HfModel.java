package dev.srlstream.policy.hf;

import com.fasterxml.jackson.databind.JsonNode;
import dev.srlstream.policy.ModelConfig;
import dev.srlstream.policy.ModelWeights;
import dev.srlstream.policy.Policy;
import dev.srlstream.policy.SessionThreads;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A Hugging Face model directory on disk, read: {@code config.json} (architecture), {@code
 * model.safetensors} or its sharded index (weights), {@code tokenizer.json} with {@code
 * tokenizer_config.json} (tokenizer), and the chat template if there is one ({@code
 * chat_template.jinja}, or {@code chat_template} in {@code tokenizer_config.json}). Nothing is
 * fetched from a hub: a missing or mismatched file fails naming the file and what was expected.
 *
 * @param directory where it was read from
 * @param config the architecture
 * @param tokenizer the model's own tokenizer
 * @param weights every weight, in our layout (the chat template, if any, is the tokenizer's)
 */
public record HfModel(
    Path directory, ModelConfig config, HfTokenizer tokenizer, ModelWeights weights) {

  /** The prefix of a Hugging Face directory in {@code --model}: {@code hf:DIR}. */
  public static final String PREFIX = "hf:";

  /**
   * Reads the model in {@code directory}.
   *
   * @throws IllegalArgumentException naming the file, if one is missing, malformed, or does not
   *     match the others (a tokenizer with more tokens than the model has rows, say)
   */
  public static HfModel load(Path directory) throws IOException {
    if (!Files.isDirectory(directory)) {
      throw new IllegalArgumentException(
          "a Hugging Face model must be a directory holding config.json, model.safetensors and"
              + " tokenizer.json, but "
              + directory
              + (Files.exists(directory) ? " is a file" : " does not exist"));
    }
    Path configFile = directory.resolve("config.json");
    JsonNode configJson =
        HfFiles.json(HfFiles.read(configFile, "the model's architecture"), configFile);
    ModelConfig config = HfConfig.read(configJson, configFile);
    // The small files first: a mismatch fails before gigabytes of weights are read.
    HfTokenizer tokenizer = HfTokenizer.load(directory);
    if (tokenizer.vocabSize() > config.vocabSize()) {
      throw new IllegalArgumentException(
          directory
              + ": tokenizer.json has "
              + tokenizer.vocabSize()
              + " tokens, but config.json's vocab_size is "
              + config.vocabSize()
              + ": the files are of different models");
    }
    ModelWeights weights =
        HfWeights.fromHf(config, SafeTensors.readCheckpoint(directory).tensors(), directory);
    return new HfModel(directory, config, tokenizer, weights);
  }

  /** A policy with these weights and tokenizer, version 0. */
  public Policy toPolicy(SessionThreads threads) {
    return Policy.create(config, tokenizer, weights, 0L, threads);
  }
}
