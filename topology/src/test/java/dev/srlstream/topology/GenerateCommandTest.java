package dev.srlstream.topology;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.srlstream.policy.ModelConfig;
import dev.srlstream.policy.Policy;
import dev.srlstream.policy.hf.HfTestModels;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class GenerateCommandTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path dir;

  /** The prompts and greedy continuations transformers recorded: ours must be the same tokens. */
  @ParameterizedTest
  @ValueSource(strings = {"qwen2-tiny", "gpt2-tiny"})
  void greedyJsonEqualsTheReference(String name) throws Exception {
    Path model = HfTestModels.copy(name, dir);
    JsonNode reference = JSON.readTree(model.resolve("reference.json").toFile());
    for (JsonNode prompt : reference.path("prompts")) {
      CommandRun run =
          CommandRun.of(
              "generate",
              "--model",
              "hf:" + model,
              "--prompt",
              prompt.path("text").asText(),
              "--max-new-tokens",
              reference.path("greedy_new_tokens").asText(),
              "--json");

      assertThat(run.exitCode()).as(run.err()).isZero();
      JsonNode ours = JSON.readTree(run.out());
      assertThat(ours.path("prompt_ids")).isEqualTo(prompt.path("ids"));
      assertThat(ours.path("ids")).isEqualTo(prompt.path("greedy_ids"));
      for (int i = 0; i < ours.path("log_probs").size(); i++) {
        assertThat(ours.path("log_probs").get(i).asDouble())
            .isCloseTo(prompt.path("greedy_logprobs").get(i).asDouble(), within(1e-4));
      }
      assertThat(ours.path("finish_reason").asText()).isIn("stop", "max_tokens");
    }
  }

  @Test
  void plainOutputIsTheTextAndSamplingIsSeeded() throws Exception {
    Path model = HfTestModels.copy("qwen2-tiny", dir);
    String[] sampled = {
      "generate",
      "--model",
      "hf:" + model,
      "--prompt",
      "Solve: 2 + 2",
      "--temperature",
      "0.8",
      "--seed",
      "7",
      "--max-new-tokens",
      "8",
      "--json"
    };
    CommandRun first = CommandRun.of(sampled);
    CommandRun again = CommandRun.of(sampled);
    assertThat(first.exitCode()).as(first.err()).isZero();
    assertThat(again.out()).isEqualTo(first.out());
    CommandRun plain =
        CommandRun.of("generate", "--model", "hf:" + model, "--prompt", "Solve: 2 + 2");
    assertThat(plain.exitCode()).as(plain.err()).isZero();
    CommandRun greedy =
        CommandRun.of("generate", "--model", "hf:" + model, "--prompt", "Solve: 2 + 2", "--json");
    assertThat(plain.out().strip())
        .isEqualTo(JSON.readTree(greedy.out()).path("text").asText().strip());
  }

  @Test
  void theBundledModelGeneratesFromAWeightsFile() throws Exception {
    Path weights = dir.resolve("w.bin");
    try (Policy policy = Policy.initialize(new ModelConfig(263, 16, 1, 2, 64, 32, true), 3)) {
      Files.write(weights, policy.exportWeights());
    }
    CommandRun run =
        CommandRun.of(
            "generate",
            "--model",
            weights.toString(),
            "--prompt",
            "2+2=",
            "--max-new-tokens",
            "8",
            "--json");
    assertThat(run.exitCode()).as(run.err()).isZero();
    // BOS, then the prompt's 4 bytes.
    assertThat(JSON.readTree(run.out()).path("prompt_ids")).hasSize(5);
  }

  @Test
  void badInputFailsClearly() throws Exception {
    Path model = HfTestModels.copy("gpt2-tiny", dir);
    CommandRun tooLong =
        CommandRun.of(
            "generate",
            "--model",
            "hf:" + model,
            "--prompt",
            "x".repeat(300),
            "--max-new-tokens",
            "4");
    assertThat(tooLong.exitCode()).isNotZero();
    assertThat(tooLong.err())
        .contains("the prompt (")
        .contains("must fit the model's context of 256 tokens");
    CommandRun missing =
        CommandRun.of("generate", "--model", "hf:" + dir.resolve("none"), "--prompt", "x");
    assertThat(missing.exitCode()).isNotZero();
    assertThat(missing.err())
        .contains("--model hf:" + dir.resolve("none"))
        .contains("does not exist");
    Files.delete(model.resolve("config.json"));
    CommandRun noConfig = CommandRun.of("generate", "--model", "hf:" + model, "--prompt", "x");
    assertThat(noConfig.err()).contains("must hold config.json (the model's architecture)");
    CommandRun both =
        CommandRun.of(
            "generate",
            "--model",
            "hf:" + model,
            "--prompt",
            "x",
            "--greedy",
            "--temperature",
            "1");
    assertThat(both.exitCode()).isNotZero();
    assertThat(both.err()).contains("mutually exclusive");
    CommandRun cold =
        CommandRun.of("generate", "--model", "hf:" + model, "--prompt", "x", "--temperature", "0");
    assertThat(cold.err())
        .contains("--temperature must be > 0 (--greedy takes the most likely token), but was 0.0");
  }
}
