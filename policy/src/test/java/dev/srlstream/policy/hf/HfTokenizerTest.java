package dev.srlstream.policy.hf;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class HfTokenizerTest {

  @TempDir Path dir;

  @ParameterizedTest
  @ValueSource(strings = {"qwen2-tiny", "qwen2-tiny-untied", "gpt2-tiny"})
  void givesTheIdsAndTextTransformersGives(String model) throws IOException {
    String eosText =
        new com.fasterxml.jackson.databind.ObjectMapper()
            .readTree(HfReference.directory(model).resolve("tokenizer_config.json").toFile())
            .path("eos_token")
            .asText();
    {
      HfTokenizer tokenizer = HfTokenizer.load(HfReference.directory(model));
      for (HfReference.Prompt prompt : HfReference.prompts(model)) {
        assertThat(tokenizer.encodePrompt(prompt.text()))
            .as(prompt.text())
            .containsExactly(prompt.ids());
        assertThat(tokenizer.tokens(prompt.text())).as(prompt.text()).isEqualTo(prompt.tokens());
        // transformers' decode keeps the stop token's text; ours leaves it out (it is not text).
        assertThat(tokenizer.decode(prompt.ids())).isEqualTo(prompt.decoded().replace(eosText, ""));
      }
    }
  }

  @Test
  void qwen2HasNoBosAndEndsWithImEnd() throws IOException {
    {
      HfTokenizer tokenizer = HfTokenizer.load(HfReference.directory("qwen2-tiny"));
      assertThat(tokenizer.bos()).isEqualTo(-1);
      assertThat(tokenizer.encode("<|im_end|>")).containsExactly(tokenizer.eos());
      assertThat(tokenizer.encode("<|im_start|>")).hasSize(1);
      assertThat(tokenizer.vocabSize()).isEqualTo(320);
      assertThat(tokenizer.id()).matches("hf-[0-9a-f]{16}");
      // The stop token is not text; the other special tokens are.
      int[] ids = tokenizer.encode("<|im_start|>hi<|im_end|>");
      assertThat(tokenizer.decode(ids)).isEqualTo("<|im_start|>hi");
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"qwen2-tiny", "gpt2-tiny"})
  void utf8LengthsAddUpToTheDecodedBytes(String model) throws IOException {
    {
      HfTokenizer tokenizer = HfTokenizer.load(HfReference.directory(model));
      String text = "naïve café 🙂 × ÷ → <|im_start|> it's\tdone\n";
      int[] ids = tokenizer.encode(text);
      int sum = 0;
      for (int id : ids) {
        sum += tokenizer.utf8Length(id);
      }
      assertThat(tokenizer.decode(ids)).isEqualTo(text);
      assertThat(sum).isEqualTo(text.getBytes(java.nio.charset.StandardCharsets.UTF_8).length);
      assertThat(tokenizer.utf8Length(tokenizer.eos())).isZero();
    }
  }

  @Test
  void aMissingOrBrokenTokenizerFailsNamingTheFile() throws IOException {
    assertThatThrownBy(() -> HfTokenizer.load(dir))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            dir + " must hold tokenizer.json (the model's Hugging Face tokenizer), but has none");
    Files.writeString(dir.resolve("tokenizer.json"), "{not json");
    assertThatThrownBy(() -> HfTokenizer.load(dir))
        .hasMessageStartingWith(dir.resolve("tokenizer.json") + " must be JSON, but is not");
    Files.writeString(dir.resolve("tokenizer.json"), "{\"model\": {\"type\": \"BPE\"}}");
    assertThatThrownBy(() -> HfTokenizer.load(dir))
        .hasMessage(
            dir.resolve("tokenizer.json")
                + " must have a model.vocab object (a BPE or WordPiece vocabulary), but had none");
    Path source = HfReference.directory("gpt2-tiny");
    Files.copy(
        source.resolve("tokenizer.json"),
        dir.resolve("tokenizer.json"),
        java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    Files.writeString(dir.resolve("tokenizer_config.json"), "{\"eos_token\": \"<|nope|>\"}");
    assertThatThrownBy(() -> HfTokenizer.load(dir))
        .hasMessage(
            dir.resolve("tokenizer_config.json")
                + ": eos_token must be a token of tokenizer.json, but was <|nope|>");
    Files.writeString(dir.resolve("tokenizer_config.json"), "{}");
    assertThatThrownBy(() -> HfTokenizer.load(dir))
        .hasMessageContaining("must name its end-of-sequence token");
    Files.writeString(dir.resolve("generation_config.json"), "{\"eos_token_id\": 999}");
    assertThatThrownBy(() -> HfTokenizer.load(dir))
        .hasMessage(dir + ": eos_token_id must be a token of tokenizer.json (0..319), but was 999");
  }

  /** The chat template renders what transformers' apply_chat_template rendered, to its ids. */
  @Test
  void theChatTemplateRendersAsTransformersDoes() throws IOException {
    com.fasterxml.jackson.databind.JsonNode chat = HfReference.json("qwen2-tiny").path("chat");
    HfTokenizer tokenizer = HfTokenizer.load(HfReference.directory("qwen2-tiny"));
    com.fasterxml.jackson.databind.JsonNode messages = chat.path("messages");

    String text =
        tokenizer
            .chatPrompt(
                messages.get(0).path("content").asText(), messages.get(1).path("content").asText())
            .orElseThrow();

    assertThat(text).isEqualTo(chat.path("text").asText());
    assertThat(tokenizer.encode(text)).containsExactly(HfReference.ints(chat.path("ids")));
    // The step prompt of a model with a chat template is that layout, with the SRL system prompt.
    int[] step =
        dev.srlstream.policy.PromptFormat.promptTokens(tokenizer, "Problem: 2 + 2\nStep 1:");
    assertThat(tokenizer.decode(step))
        .startsWith("<|im_start|>system\n" + dev.srlstream.method.format.StepPrompt.SYSTEM)
        // <|im_end|> closes the user's turn; as the stop token it decodes to no text.
        .endsWith("Step 1:\n<|im_start|>assistant\n");
    HfTokenizer gpt2 = HfTokenizer.load(HfReference.directory("gpt2-tiny"));
    assertThat(gpt2.chatPrompt("s", "u")).isEmpty();
  }
}
