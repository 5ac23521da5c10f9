package dev.srlstream.topology;

import static org.assertj.core.api.Assertions.assertThat;

import dev.srlstream.policy.ModelConfig;
import dev.srlstream.policy.ModelWeights;
import dev.srlstream.policy.Policy;
import dev.srlstream.policy.WeightsCodec;
import dev.srlstream.policy.hf.HfModel;
import dev.srlstream.policy.hf.HfTestModels;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ExportCommandTest {

  @TempDir Path dir;

  /**
   * A "trained" checkpoint (the model's weights, shifted) exported and loaded back as a Hugging
   * Face model gives the same weights bit for bit, the same architecture and the same tokenizer.
   */
  @ParameterizedTest
  @ValueSource(strings = {"qwen2-tiny", "qwen2-tiny-untied", "gpt2-tiny"})
  void anExportedCheckpointLoadsBackBitForBit(String name) throws Exception {
    Path model = HfTestModels.copy(name, dir);
    HfModel source = HfModel.load(model);
    List<float[]> shifted = new ArrayList<>();
    for (int i = 0; i < source.weights().count(); i++) {
      float[] values = source.weights().values(i);
      for (int j = 0; j < values.length; j++) {
        values[j] += 0.01f * ((j % 7) - 3);
      }
      shifted.add(values);
    }
    ModelWeights trained = ModelWeights.of(source.weights().specs(), shifted);
    Path checkpoint = dir.resolve("final.bin");
    Files.write(
        checkpoint, WeightsCodec.encode(source.config(), source.tokenizer().id(), 42L, trained));

    Path out = dir.resolve("exported");
    CommandRun run =
        CommandRun.of(
            "export",
            "--checkpoint",
            checkpoint.toString(),
            "--model",
            "hf:" + model,
            "--out",
            out.toString());

    assertThat(run.exitCode()).as(run.err()).isZero();
    assertThat(run.out()).contains("wrote " + out).contains("version 42");
    HfModel back = HfModel.load(out);
    assertThat(back.config()).isEqualTo(source.config());
    assertThat(back.weights().bitEquals(trained)).isTrue();
    assertThat(back.tokenizer().id()).isEqualTo(source.tokenizer().id());
    assertThat(Files.readString(out.resolve("tokenizer.json")))
        .isEqualTo(Files.readString(model.resolve("tokenizer.json")));
  }

  @Test
  void theBundledModelOrAnotherTokenizerIsRefusedClearly() throws Exception {
    Path model = HfTestModels.copy("gpt2-tiny", dir);
    Path bundled = dir.resolve("bundled.bin");
    try (Policy policy = Policy.initialize(new ModelConfig(263, 16, 1, 2, 64, 32, true), 3)) {
      Files.write(bundled, policy.exportWeights());
    }
    CommandRun byteModel =
        CommandRun.of(
            "export",
            "--checkpoint",
            bundled.toString(),
            "--model",
            "hf:" + model,
            "--out",
            dir.resolve("o").toString());
    assertThat(byteModel.exitCode()).isNotZero();
    assertThat(byteModel.err())
        .contains("the weights were trained with tokenizer byte-v1")
        .contains("give the directory of the model the policy was trained from");
    CommandRun notHf =
        CommandRun.of(
            "export",
            "--checkpoint",
            bundled.toString(),
            "--model",
            model.toString(),
            "--out",
            dir.resolve("o").toString());
    assertThat(notHf.err()).contains("--model must be hf:DIR");
  }
}
