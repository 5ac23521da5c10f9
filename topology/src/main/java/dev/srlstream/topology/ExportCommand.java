package dev.srlstream.topology;

import dev.srlstream.policy.WeightsCodec;
import dev.srlstream.policy.hf.HfExport;
import dev.srlstream.policy.hf.HfModel;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code srl export}: a trained checkpoint as a Hugging Face model directory. */
@Command(
    name = "export",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = {
      "Write a trained policy as a Hugging Face model directory that transformers loads:"
          + " config.json, model.safetensors (float32), and the tokenizer files of the model it was"
          + " trained from (tokenizer.json, tokenizer_config.json, the chat template,"
          + " generation_config.json), copied unchanged.",
      "Only policies trained from a Hugging Face model (srl train --model hf:DIR) can be"
          + " exported: the bundled byte model has no Hugging Face tokenizer."
    })
final class ExportCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(
      names = "--checkpoint",
      required = true,
      paramLabel = "PATH",
      description =
          "A weights file (a run's final.bin, srl sft --out), a learner checkpoint directory, or a"
              + " checkpoint store (its newest version).")
  Path checkpoint;

  @Option(
      names = "--model",
      required = true,
      paramLabel = "hf:DIR",
      description = "The Hugging Face model the policy was trained from: its tokenizer is copied.")
  String model;

  @Option(names = "--out", required = true, paramLabel = "DIR", description = "Where to write.")
  Path out;

  @Override
  public Integer call() throws Exception {
    if (!ModelOption.isHf(model)) {
      throw new IllegalArgumentException(
          "--model must be hf:DIR, the Hugging Face model the policy was trained from, but was "
              + model);
    }
    HfModel source;
    try {
      source = HfModel.load(Path.of(model.substring(HfModel.PREFIX.length())));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("--model " + model + ": " + e.getMessage(), e);
    }
    WeightsCodec.Decoded decoded =
        WeightsCodec.decode(PolicyFiles.readWeights(checkpoint, "--checkpoint"));
    HfExport.write(decoded.config(), decoded.tokenizerId(), decoded.weights(), source, out);
    spec.commandLine()
        .getOut()
        .printf(
            "wrote %s: %s, version %d, %,d parameters%n",
            out,
            decoded.config().family().json(),
            decoded.policyVersion(),
            decoded.config().parameterCount());
    spec.commandLine().getOut().flush();
    return 0;
  }
}
