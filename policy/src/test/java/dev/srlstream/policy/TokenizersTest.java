package dev.srlstream.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class TokenizersTest {

  @Test
  void theByteTokenizerIsAlwaysKnown() {
    assertThat(Tokenizers.forId(ByteTokenizer.ID)).isSameAs(ByteTokenizer.INSTANCE);
    assertThat(Tokenizers.register(ByteTokenizer.INSTANCE)).isSameAs(ByteTokenizer.INSTANCE);
  }

  /** Weights of a Hugging Face policy in a process that has not read the model say what to do. */
  @Test
  void weightsOfAnUnknownHuggingFaceTokenizerSayHowToLoadThem() {
    ModelConfig config = new ModelConfig(263, 16, 1, 2, 64, 32, true);
    byte[] weights =
        WeightsCodec.encode(config, "hf-00000000deadbeef", 0, ModelWeights.initial(config, 1));

    assertThatThrownBy(() -> Policy.load(weights))
        .isInstanceOf(InvalidWeightsException.class)
        .hasMessageContaining("weights are for an unknown tokenizer")
        .hasMessageContaining("'hf-00000000deadbeef'")
        .hasMessageContaining("--model hf:DIR")
        .hasMessageContaining("srl export");
    assertThatThrownBy(() -> WeightsCodec.tokenizer(weights))
        .isInstanceOf(InvalidWeightsException.class)
        .hasMessageContaining("srl export");
  }
}
