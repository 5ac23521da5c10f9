package dev.srlstream.topology;

import dev.srlstream.policy.WeightsCodec;
import dev.srlstream.policy.hf.HfModel;
import java.io.IOException;
import java.nio.file.Path;

/**
 * What a user names as a model: a Hugging Face directory ({@code hf:DIR}), or our own weights (a
 * weights file, a learner checkpoint directory, or a checkpoint store; see {@link PolicyFiles}).
 * Either way the result is weights bytes, the form the services pass around; a Hugging Face model's
 * tokenizer becomes known to the process ({@link dev.srlstream.policy.Tokenizers}).
 */
final class ModelOption {

  /** How {@code --help} describes the option's value. */
  static final String HELP =
      "hf:DIR for a Hugging Face model directory (config.json, model.safetensors or its index,"
          + " tokenizer.json), or a weights file (srl sft --out, a run's base.bin or final.bin),"
          + " a learner checkpoint directory or a checkpoint store (its newest version).";

  private ModelOption() {}

  /** Whether {@code value} names a Hugging Face directory. */
  static boolean isHf(String value) {
    return value.startsWith(HfModel.PREFIX);
  }

  /**
   * The weights {@code value} names, verified.
   *
   * @param option the option's name, for errors
   * @throws IllegalArgumentException naming the option, the path and what is wrong with it
   */
  static byte[] weights(String value, String option) throws IOException {
    if (!isHf(value)) {
      return PolicyFiles.readWeights(Path.of(value), option);
    }
    Path directory = Path.of(value.substring(HfModel.PREFIX.length()));
    HfModel model;
    try {
      model = HfModel.load(directory);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(option + " " + value + ": " + e.getMessage(), e);
    }
    return WeightsCodec.encode(model.config(), model.tokenizer().id(), 0L, model.weights());
  }
}
