package dev.srlstream.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class ModelConfigTest {

  @Test
  void theDefaultIsTheDocumentedSize() {
    ModelConfig config = ModelConfig.DEFAULT;

    assertThat(config)
        .isEqualTo(new ModelConfig(ByteTokenizer.VOCAB_SIZE, 128, 2, 4, 1024, 512, true));
    assertThat(config.headDim()).isEqualTo(32);
    assertThat(config.parameterCount()).isEqualTo(561_536L);
    assertThat(ParameterSpec.forConfig(config)).hasSize(2 + 2 * 16 + 2);
  }

  @Test
  void theParameterCountAddsUp() {
    ModelConfig c = new ModelConfig(11, 8, 3, 2, 16, 12, false);
    long perBlock = 4 * 8 + 4 * (8 * 8 + 8) + (8 * 12 + 12) + (12 * 8 + 8);
    assertThat(c.parameterCount()).isEqualTo(11 * 8 + 16 * 8 + 3 * perBlock + 2 * 8 + 8 * 11);
  }

  @Test
  void jsonRoundTripsWithSnakeCaseNames() {
    ModelConfig config = new ModelConfig(263, 64, 3, 4, 512, 256, false);

    String json = config.toJson();

    assertThat(json)
        .isEqualTo(
            "{\"vocab_size\":263,\"d_model\":64,\"layers\":3,\"heads\":4,"
                + "\"context_length\":512,\"ffn_width\":256,\"tied_embeddings\":false}");
    assertThat(ModelConfig.fromJson(json)).isEqualTo(config);
  }

  @Test
  void badJsonFailsClearly() {
    assertThatThrownBy(() -> ModelConfig.fromJson("{\"vocab_size\":263}"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("architecture must be ModelConfig JSON, but was not: Missing");
    String unknown = ModelConfig.DEFAULT.toJson().replace("}", ",\"dropout\":0.1}");
    assertThatThrownBy(() -> ModelConfig.fromJson(unknown)).hasMessageContaining("dropout");
    String outOfRange = ModelConfig.DEFAULT.toJson().replace("\"layers\":2", "\"layers\":0");
    assertThatThrownBy(() -> ModelConfig.fromJson(outOfRange))
        .hasMessage("layers must be in 1..256, but was 0");
    assertThatThrownBy(() -> ModelConfig.fromJson("not json"))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void invalidValuesFailWithWhatWasExpected() {
    assertThatThrownBy(() -> new ModelConfig(1, 128, 2, 4, 1024, 512, true))
        .hasMessage("vocab_size must be in 2..1048576, but was 1");
    assertThatThrownBy(() -> new ModelConfig(263, 130, 2, 4, 1024, 512, true))
        .hasMessage("d_model must be a multiple of heads (4), but was 130");
    assertThatThrownBy(() -> new ModelConfig(263, 128, 2, 0, 1024, 512, true))
        .hasMessage("heads must be in 1..1024, but was 0");
    assertThatThrownBy(() -> new ModelConfig(263, 128, 2, 4, 1, 512, true))
        .hasMessage("context_length must be in 2..65536, but was 1");
    assertThatThrownBy(() -> new ModelConfig(263, 128, 2, 4, 1024, 0, true))
        .hasMessage("ffn_width must be in 1..65536, but was 0");
  }

  @Test
  void theFirstDifferenceIsNamed() {
    ModelConfig model = ModelConfig.DEFAULT;
    ModelConfig wider = new ModelConfig(263, 256, 2, 4, 1024, 512, true);

    assertThat(model.firstDifference(wider))
        .contains("d_model 256, but this model has d_model 128");
    assertThat(model.firstDifference(model)).isEmpty();
  }

  @Test
  void initialWeightsFollowTheDocumentedScheme() {
    ModelConfig config = TestModels.tiny(true);
    ModelWeights weights = ModelWeights.initial(config, 9L);

    assertThat(weights.bitEquals(ModelWeights.initial(config, 9L))).isTrue();
    for (int i = 0; i < weights.count(); i++) {
      String name = weights.specs().get(i).name();
      float[] values = weights.values(i);
      if (name.endsWith("gamma")) {
        assertThat(values).as(name).containsOnly(1f);
      } else if (weights.specs().get(i).shape().size() == 1) {
        assertThat(values).as(name).containsOnly(0f);
      } else {
        assertThat(values).as(name).doesNotContain(0f);
      }
    }
  }
}
