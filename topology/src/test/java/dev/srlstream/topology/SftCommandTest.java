package dev.srlstream.topology;

import static org.assertj.core.api.Assertions.assertThat;

import dev.srlstream.policy.ByteTokenizer;
import dev.srlstream.policy.ModelConfig;
import dev.srlstream.policy.WeightsCodec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SftCommandTest {
  @TempDir Path dir;

  @Test
  void trainsOnExpertStepsAndWritesWeightsTheLearnerCanStartFrom() throws Exception {
    CommandRun data =
        CommandRun.of(
            "data",
            "generate",
            "--out",
            dir.toString(),
            "--train",
            "40",
            "--validation",
            "2",
            "--test",
            "2",
            "--max-steps",
            "3");
    assertThat(data.exitCode()).as(data.err()).isZero();
    ModelConfig tiny = new ModelConfig(ByteTokenizer.VOCAB_SIZE, 32, 1, 2, 256, 64, true);
    Path model = Files.writeString(dir.resolve("model.json"), tiny.toJson());
    Path out = dir.resolve("base.bin");

    CommandRun sft =
        CommandRun.of(
            "sft",
            "--data",
            dir.resolve("train.jsonl").toString(),
            "--out",
            out.toString(),
            "--model-config",
            model.toString(),
            "--updates",
            "40",
            "--batch",
            "8");

    assertThat(sft.exitCode()).as(sft.err()).isZero();
    List<Double> losses = losses(sft.out());
    assertThat(losses.get(losses.size() - 1)).isLessThan(losses.get(0) * 0.8);
    WeightsCodec.Decoded weights = WeightsCodec.decode(Files.readAllBytes(out));
    assertThat(weights.config()).isEqualTo(tiny);
    assertThat(Files.exists(dir.resolve("base.bin.tmp"))).isFalse();
  }

  @Test
  void badInputsAreNamed() throws Exception {
    CommandRun missing =
        CommandRun.of(
            "sft",
            "--data",
            dir.resolve("nope.jsonl").toString(),
            "--out",
            dir.resolve("o").toString());
    assertThat(missing.exitCode()).isEqualTo(1);
    assertThat(missing.err()).contains("--data must be a readable file", "does not exist");

    Path empty = Files.writeString(dir.resolve("empty.jsonl"), "\n");
    CommandRun noRecords =
        CommandRun.of("sft", "--data", empty.toString(), "--out", dir.resolve("o").toString());
    assertThat(noRecords.exitCode()).isEqualTo(1);
    assertThat(noRecords.err()).contains("empty.jsonl");

    CommandRun updates =
        CommandRun.of(
            "sft",
            "--data",
            empty.toString(),
            "--out",
            dir.resolve("o").toString(),
            "--updates",
            "0");
    assertThat(updates.exitCode()).isEqualTo(1);
    assertThat(updates.err()).contains("--updates must be >= 1, but was 0");
  }

  private static List<Double> losses(String out) {
    Matcher m = Pattern.compile("loss (\\d+\\.\\d+)").matcher(out);
    List<Double> losses = new java.util.ArrayList<>();
    while (m.find()) {
      losses.add(Double.parseDouble(m.group(1)));
    }
    assertThat(losses).hasSizeGreaterThan(2);
    return losses;
  }
}
