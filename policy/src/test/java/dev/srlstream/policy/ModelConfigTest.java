package dev.srlstream.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class ModelConfigTest {

  @Test
  void theDefaultIsTheDocumentedSize() {
    ModelConfig config = ModelConfig.DEFAULT;

    assertThat(config)
        .isEqualTo(
            new ModelConfig(
                ByteTokenizer.VOCAB_SIZE, 128, 2, 4, 1024, 512, true, PositionEncoding.ALIBI));
    assertThat(config.headDim()).isEqualTo(32);
    assertThat(config.parameterCount()).isEqualTo(430_464L);
    assertThat(ParameterSpec.forConfig(config)).hasSize(1 + 2 * 16 + 2);
    // Learned positions add one embedding per position of the context.
    assertThat(config.withPositions(PositionEncoding.LEARNED).parameterCount())
        .isEqualTo(430_464L + 1024 * 128);
  }

  @Test
  void theParameterCountAddsUp() {
    ModelConfig c = new ModelConfig(11, 8, 3, 2, 16, 12, false, PositionEncoding.LEARNED);
    long perBlock = 4 * 8 + 4 * (8 * 8 + 8) + (8 * 12 + 12) + (12 * 8 + 8);
    assertThat(c.parameterCount()).isEqualTo(11 * 8 + 16 * 8 + 3 * perBlock + 2 * 8 + 8 * 11);
  }

  @Test
  void jsonRoundTripsWithSnakeCaseNames() {
    ModelConfig config = new ModelConfig(263, 64, 3, 4, 512, 256, false, PositionEncoding.ROPE);

    String json = config.toJson();

    assertThat(json)
        .isEqualTo(
            "{\"vocab_size\":263,\"d_model\":64,\"layers\":3,\"heads\":4,"
                + "\"context_length\":512,\"ffn_width\":256,\"tied_embeddings\":false,"
                + "\"positions\":\"rope\",\"family\":\"gpt2\",\"kv_heads\":4,"
                + "\"rope_theta\":10000.0,\"norm_epsilon\":1.0E-5}");
    assertThat(ModelConfig.fromJson(json)).isEqualTo(config);
    for (PositionEncoding positions : PositionEncoding.values()) {
      ModelConfig other = config.withPositions(positions);
      assertThat(ModelConfig.fromJson(other.toJson())).isEqualTo(other);
    }
  }

  @Test
  void jsonWrittenBeforeTheFamilyFieldsReadsAsTheBundledFamily() {
    String old =
        "{\"vocab_size\":263,\"d_model\":64,\"layers\":3,\"heads\":4,"
            + "\"context_length\":512,\"ffn_width\":256,\"tied_embeddings\":false,"
            + "\"positions\":\"rope\"}";

    assertThat(ModelConfig.fromJson(old))
        .isEqualTo(new ModelConfig(263, 64, 3, 4, 512, 256, false, PositionEncoding.ROPE));
  }

  @Test
  void qwen2FamilyRoundTripsAndIsValidated() {
    ModelConfig qwen = small(PositionEncoding.ROPE, ModelFamily.QWEN2, 2, 1e6, 1e-6);

    assertThat(ModelConfig.fromJson(qwen.toJson())).isEqualTo(qwen);
    assertThat(qwen.kvDim()).isEqualTo(32);
    assertThat(
            new ModelConfig(320, 64, 2, 4, 256, 96, true, PositionEncoding.ROPE)
                .firstDifference(qwen))
        .contains("family qwen2, but this model has family gpt2");
    assertThatThrownBy(() -> small(PositionEncoding.ROPE, ModelFamily.QWEN2, 3, 1e6, 1e-6))
        .hasMessage("kv_heads must divide heads (4), but was 3");
    assertThatThrownBy(() -> small(PositionEncoding.ALIBI, ModelFamily.QWEN2, 2, 1e6, 1e-6))
        .hasMessage("positions must be rope in the qwen2 family, but was alibi");
    assertThatThrownBy(() -> small(PositionEncoding.ROPE, ModelFamily.GPT2, 2, 1e6, 1e-6))
        .hasMessage("kv_heads must equal heads (4) in the gpt2 family, but was 2");
    assertThatThrownBy(() -> small(PositionEncoding.ROPE, ModelFamily.QWEN2, 2, 0, 1e-6))
        .hasMessage("rope_theta must be > 0, but was 0.0");
    assertThatThrownBy(() -> small(PositionEncoding.ROPE, ModelFamily.QWEN2, 2, 1e6, 0))
        .hasMessage("norm_epsilon must be in (0, 1), but was 0.0");
    assertThatThrownBy(() -> ModelConfig.fromJson(qwen.toJson().replace("qwen2", "llama")))
        .hasMessage("family must be one of gpt2, qwen2, but was llama");
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
    String badPositions = ModelConfig.DEFAULT.toJson().replace("\"alibi\"", "\"sinusoid\"");
    assertThatThrownBy(() -> ModelConfig.fromJson(badPositions))
        .hasMessage("positions must be one of learned, alibi, rope, but was sinusoid");
    String withoutPositions = ModelConfig.DEFAULT.toJson().replace(",\"positions\":\"alibi\"", "");
    assertThatThrownBy(() -> ModelConfig.fromJson(withoutPositions))
        .hasMessageContaining("positions");
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
    assertThatThrownBy(() -> new ModelConfig(263, 12, 2, 4, 1024, 8, true, PositionEncoding.ROPE))
        .hasMessage("d_model / heads must be even for rotary positions, but was 3");
    assertThatThrownBy(() -> new ModelConfig(263, 12, 2, 4, 1024, 8, true, null))
        .hasMessage("positions must be one of learned, alibi, rope, but was null");
  }

  @Test
  void theFirstDifferenceIsNamed() {
    ModelConfig model = ModelConfig.DEFAULT;
    ModelConfig wider = new ModelConfig(263, 256, 2, 4, 1024, 512, true);

    assertThat(model.firstDifference(wider))
        .contains("d_model 256, but this model has d_model 128");
    assertThat(model.firstDifference(model)).isEmpty();
    assertThat(model.firstDifference(model.withPositions(PositionEncoding.ROPE)))
        .contains("positions rope, but this model has positions alibi");
  }

  @Test
  void alibiSlopesAreTheGeometricSequenceOfThePaper() {
    assertThat(Transformer.alibiSlopes(4)).containsExactly(0.25f, 0.0625f, 0.015625f, 0.00390625f);
    assertThat(Transformer.alibiSlopes(8)[0]).isEqualTo(0.5f);
    assertThat(Transformer.alibiSlopes(8)[7]).isEqualTo(1f / 256);
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

  /** Vocabulary 320, d_model 64, 2 layers, 4 heads, context 256, FFN 96, tied, and the rest. */
  private static ModelConfig small(
      PositionEncoding positions, ModelFamily family, int kvHeads, double ropeTheta, double eps) {
    return new ModelConfig(
        320, 64, 2, 4, 256, 96, true, positions, family, kvHeads, ropeTheta, eps);
  }
}
