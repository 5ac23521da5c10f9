package dev.srlstream.policy;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.util.List;
import java.util.Optional;

/**
 * The architecture of the decoder-only transformer: everything that decides the shapes of the
 * weights. Immutable and validated; its JSON form (snake_case names) goes into the weights header
 * and into {@code PolicyVersion.architecture}.
 *
 * <p><b>The default</b> ({@link #DEFAULT}): byte vocabulary ({@value ByteTokenizer#VOCAB_SIZE}),
 * d_model 128, 2 layers, 4 heads, FFN 512, tied embeddings, context 1024: 561,536 parameters, of
 * which 0.40 M are in the blocks (the size measured to train in minutes on 2 cores) and 131 k are
 * position embeddings. <b>Why context 1024:</b> a worst-case SRL prompt in bytes is BOS + a
 * question of at most 60 characters (up to ~70 bytes, as {@code ×} and {@code ÷} take 2) + 8
 * previous expert steps of at most 64 characters (up to ~76 bytes each with a {@code →} and a few
 * operators, plus ~5 bytes of numbering and newline, ~650 in all) + ~40 bytes of instruction
 * framing, about 760 tokens; with a response of up to ~96 tokens that is about 860, which fits 1024
 * with room to spare, while 768 would not. Typical prompts are far shorter (actions average 27
 * characters), and only the positions a batch uses cost compute: the graphs take any length up to
 * the context.
 *
 * @param vocabSize token ids {@code 0..vocabSize-1}
 * @param dModel the width of the residual stream; a multiple of {@code heads}
 * @param layers the number of transformer blocks
 * @param heads attention heads per block
 * @param contextLength the most tokens (prompt + response) the model sees; learned positions
 * @param ffnWidth the hidden width of each block's MLP
 * @param tiedEmbeddings whether the output projection is the transposed token embedding
 * @param positions how attention knows where tokens are ({@link PositionEncoding})
 */
@JsonPropertyOrder({
  "vocab_size",
  "d_model",
  "layers",
  "heads",
  "context_length",
  "ffn_width",
  "tied_embeddings",
  "positions"
})
public record ModelConfig(
    @JsonProperty("vocab_size") int vocabSize,
    @JsonProperty("d_model") int dModel,
    @JsonProperty("layers") int layers,
    @JsonProperty("heads") int heads,
    @JsonProperty("context_length") int contextLength,
    @JsonProperty("ffn_width") int ffnWidth,
    @JsonProperty("tied_embeddings") boolean tiedEmbeddings,
    @JsonProperty("positions") PositionEncoding positions) {

  /** The default policy: see the class comment for the sizes and why. */
  /** The position encoding of {@link #DEFAULT} and of the short constructor. */
  public static final PositionEncoding DEFAULT_POSITIONS = PositionEncoding.ALIBI;

  public static final ModelConfig DEFAULT =
      new ModelConfig(ByteTokenizer.VOCAB_SIZE, 128, 2, 4, 1024, 512, true, DEFAULT_POSITIONS);

  private static final ObjectMapper JSON =
      JsonMapper.builder()
          .enable(DeserializationFeature.FAIL_ON_MISSING_CREATOR_PROPERTIES)
          .enable(DeserializationFeature.FAIL_ON_NULL_CREATOR_PROPERTIES)
          .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
          .build();

  /** Validates every field; a bad value fails with "X must be ..., but was ...". */
  public ModelConfig {
    requireRange("vocab_size", vocabSize, 2, 1 << 20);
    requireRange("heads", heads, 1, 1024);
    requireRange("d_model", dModel, 1, 1 << 14);
    if (dModel % heads != 0) {
      throw new IllegalArgumentException(
          "d_model must be a multiple of heads (" + heads + "), but was " + dModel);
    }
    requireRange("layers", layers, 1, 256);
    requireRange("context_length", contextLength, 2, 1 << 16);
    requireRange("ffn_width", ffnWidth, 1, 1 << 16);
    if (positions == null) {
      throw new IllegalArgumentException(
          "positions must be one of learned, alibi, rope, but was null");
    }
    if (positions == PositionEncoding.ROPE && (dModel / heads) % 2 != 0) {
      throw new IllegalArgumentException(
          "d_model / heads must be even for rotary positions, but was " + dModel / heads);
    }
  }

  /** A model with the default's position encoding. */
  public ModelConfig(
      int vocabSize,
      int dModel,
      int layers,
      int heads,
      int contextLength,
      int ffnWidth,
      boolean tiedEmbeddings) {
    this(
        vocabSize,
        dModel,
        layers,
        heads,
        contextLength,
        ffnWidth,
        tiedEmbeddings,
        DEFAULT_POSITIONS);
  }

  /** This architecture with another position encoding. */
  public ModelConfig withPositions(PositionEncoding newPositions) {
    return new ModelConfig(
        vocabSize, dModel, layers, heads, contextLength, ffnWidth, tiedEmbeddings, newPositions);
  }

  private static void requireRange(String name, int value, int min, int max) {
    if (value < min || value > max) {
      throw new IllegalArgumentException(
          name + " must be in " + min + ".." + max + ", but was " + value);
    }
  }

  /** The width of one attention head. */
  public int headDim() {
    return dModel / heads;
  }

  /** The number of float parameters of a model with this architecture. */
  public long parameterCount() {
    return ParameterSpec.forConfig(this).stream().mapToLong(ParameterSpec::size).sum();
  }

  /** This configuration as compact JSON with snake_case names. */
  public String toJson() {
    try {
      return JSON.writeValueAsString(this);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot write a ModelConfig as JSON", e);
    }
  }

  /**
   * Reads {@link #toJson()}'s form. Every field is required and unknown fields are rejected, so an
   * architecture from a newer build is not silently misread.
   *
   * @throws IllegalArgumentException if the JSON is malformed, incomplete or out of range
   */
  public static ModelConfig fromJson(String json) {
    try {
      return JSON.readValue(json, ModelConfig.class);
    } catch (JsonProcessingException e) {
      Throwable cause = e.getCause();
      if (cause instanceof IllegalArgumentException invalid) {
        throw invalid;
      }
      throw new IllegalArgumentException(
          "architecture must be ModelConfig JSON, but was not: " + e.getOriginalMessage(), e);
    }
  }

  /**
   * The first field where {@code other} differs, as "NAME OTHER_VALUE, but this model has NAME
   * THIS_VALUE" (for example "d_model 256, but this model has d_model 128"), or empty if they are
   * equal.
   */
  public Optional<String> firstDifference(ModelConfig other) {
    List<Object[]> fields =
        List.of(
            new Object[] {"vocab_size", other.vocabSize, vocabSize},
            new Object[] {"d_model", other.dModel, dModel},
            new Object[] {"layers", other.layers, layers},
            new Object[] {"heads", other.heads, heads},
            new Object[] {"context_length", other.contextLength, contextLength},
            new Object[] {"ffn_width", other.ffnWidth, ffnWidth},
            new Object[] {"tied_embeddings", other.tiedEmbeddings, tiedEmbeddings},
            new Object[] {"positions", other.positions.json(), positions.json()});
    for (Object[] field : fields) {
      if (!field[1].equals(field[2])) {
        return Optional.of(
            field[0] + " " + field[1] + ", but this model has " + field[0] + " " + field[2]);
      }
    }
    return Optional.empty();
  }
}
