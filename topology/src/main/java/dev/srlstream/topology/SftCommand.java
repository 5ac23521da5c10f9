package dev.srlstream.topology;

import dev.srlstream.learner.GrpoTrainer;
import dev.srlstream.learner.SftRunner;
import dev.srlstream.learner.TrainerConfig;
import dev.srlstream.method.data.JsonlSolutionReader;
import dev.srlstream.method.data.ReadResult;
import dev.srlstream.policy.ByteTokenizer;
import dev.srlstream.policy.ModelConfig;
import dev.srlstream.policy.PromptSettings;
import dev.srlstream.policy.SessionThreads;
import dev.srlstream.policy.Tokenizer;
import dev.srlstream.policy.WeightsCodec;
import dev.srlstream.topology.train.SftExamples;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code srl sft}: supervised fine-tuning on expert steps from a data file, to a weights file. */
@Command(
    name = "sft",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = {
      "Fine-tune a policy by token cross-entropy on expert steps (the SFT baseline, and the warm-up"
          + " of a base policy): every step of every solution in --data becomes one example,"
          + " prompt = the problem and the expert steps before it, target = <think>the step's"
          + " title</think> and the step's action, then EOS.",
      "Writes the weights (the weights codec's file, version 0) to --out, usable as"
          + " srl learner --base-policy. Prints the loss every 10%% of the updates."
    })
final class SftCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(
      names = "--data",
      required = true,
      paramLabel = "FILE",
      description = "Expert solutions in our JSONL (srl data generate / srl data import).")
  Path data;

  @Option(
      names = "--out",
      required = true,
      paramLabel = "FILE",
      description = "Where to write the weights.")
  Path out;

  @Option(
      names = "--max-solution-steps",
      paramLabel = "N",
      description = "Use only solutions of at most N steps (easy problems; default: all).")
  Integer maxSolutionSteps;

  @Option(
      names = "--updates",
      defaultValue = "300",
      paramLabel = "N",
      description = "Mini-batch updates (default: ${DEFAULT-VALUE}).")
  int updates;

  @Option(
      names = "--batch",
      defaultValue = "16",
      paramLabel = "N",
      description = "Examples per update (default: ${DEFAULT-VALUE}).")
  int batch;

  @Option(
      names = "--learning-rate",
      defaultValue = "1e-3",
      paramLabel = "LR",
      description = "AdamW learning rate (default: ${DEFAULT-VALUE}).")
  double learningRate;

  @Option(
      names = "--model",
      paramLabel = "MODEL",
      description =
          "The model to fine-tune (default: fresh weights of --model-config): " + ModelOption.HELP)
  String model;

  @Option(
      names = "--model-config",
      paramLabel = "FILE",
      description = "Model configuration JSON (default: the built-in 0.56 M-parameter model).")
  Path modelConfig;

  @Option(
      names = "--seed",
      defaultValue = "1",
      paramLabel = "N",
      description = "Seed of the initial weights and the shuffle (default: ${DEFAULT-VALUE}).")
  long seed;

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    if (model != null && modelConfig != null) {
      throw new IllegalArgumentException(
          "--model and --model-config are exclusive: --model's architecture is its own");
    }
    byte[] start = model == null ? null : ModelOption.weights(model, "--model");
    ModelConfig architecture =
        start != null
            ? WeightsCodec.decode(start).config()
            : modelConfig == null
                ? ModelConfig.DEFAULT
                : ModelConfig.fromJson(
                    Files.readString(CliFiles.requireInputFile(modelConfig, "--model-config")));
    Tokenizer tokenizer = start == null ? ByteTokenizer.INSTANCE : WeightsCodec.tokenizer(start);
    List<SftRunner.Example> examples = examples(architecture, tokenizer);
    out.printf("srl sft: %d examples from %s%n", examples.size(), data);
    out.flush();
    TrainerConfig config =
        TrainerConfig.defaults().toBuilder()
            .mode(TrainerConfig.Mode.SFT)
            .learningRate(learningRate)
            .seed(seed)
            .build();
    int every = Math.max(1, updates / 10);
    try (GrpoTrainer trainer =
        GrpoTrainer.create(architecture, tokenizer, config, SessionThreads.TENSORFLOW_DEFAULT)) {
      if (start != null) {
        trainer.restore(start, new byte[0]);
      }
      // srl sft prompts with every earlier step and no hint; the weights say so.
      trainer.setPromptSettings(PromptSettings.DEFAULT);
      Map<String, Double> last =
          SftRunner.run(
              trainer,
              examples,
              updates,
              batch,
              seed,
              p -> {
                if (p.update() == 1 || p.update() % every == 0 || p.update() == p.updates()) {
                  out.printf(
                      "srl sft: update %d/%d loss %.4f%n",
                      p.update(), p.updates(), p.metrics().get("loss"));
                  out.flush();
                }
              });
      Path temp = out().resolveSibling(out().getFileName() + ".tmp");
      Files.write(temp, trainer.exportWeights(0));
      Files.move(temp, out(), StandardCopyOption.REPLACE_EXISTING);
      out.printf("srl sft: final loss %.4f; weights in %s%n", last.get("loss"), out());
    }
    return 0;
  }

  private Path out() {
    return out.toAbsolutePath();
  }

  /** Every step of every (short enough) solution as a prompt and a target. */
  private List<SftRunner.Example> examples(ModelConfig model, Tokenizer tokenizer)
      throws Exception {
    if (updates < 1) {
      throw new IllegalArgumentException("--updates must be >= 1, but was " + updates);
    }
    if (batch < 1) {
      throw new IllegalArgumentException("--batch must be >= 1, but was " + batch);
    }
    CliFiles.requireOutputFile(out, "--out");
    ReadResult read = new JsonlSolutionReader().read(CliFiles.requireInputFile(data, "--data"));
    SftExamples.Result result =
        SftExamples.of(read.solutions(), model, tokenizer, maxSolutionSteps);
    List<SftRunner.Example> examples = result.examples();
    int tooLong = result.tooLong();
    if (examples.isEmpty()) {
      throw new IllegalArgumentException(
          data
              + " gives no SFT example"
              + (maxSolutionSteps == null ? "" : " of at most " + maxSolutionSteps + " steps")
              + (tooLong > 0 ? " (" + tooLong + " longer than the context)" : ""));
    }
    return examples;
  }
}
