package dev.srlstream.policy;

import com.fasterxml.jackson.annotation.JsonCreator;
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
 * @param family what a block is made of ({@link ModelFamily})
 * @param kvHeads key/value heads per block: {@code heads} for multi-head attention, fewer for
 *     grouped-query attention (each shared by {@code heads / kvHeads} query heads)
 * @param ropeTheta the base wavelength of rotary positions (10,000 in RoFormer, 1,000,000 in
 *     Qwen2.5); unused by the other encodings
 * @param normEpsilon added to the variance (LayerNorm) or mean square (RMSNorm) before the root
 *     <p>JSON written before the last four fields existed has none of them: it reads as the bundled
 *     family with their defaults ({@link #DEFAULT_ROPE_THETA}, {@link #DEFAULT_NORM_EPSILON}).
 */
@JsonPropertyOrder({
  "vocab_size",
  "d_model",
  "layers",
  "heads",
  "context_length",
  "ffn_width",
  "tied_embeddings",
  "positions",
  "family",
  "kv_heads",
  "rope_theta",
  "norm_epsilon"
})
public record ModelConfig(
    @JsonProperty("vocab_size") int vocabSize,
    @JsonProperty("d_model") int dModel,
    @JsonProperty("layers") int layers,
    @JsonProperty("heads") int heads,
    @JsonProperty("context_length") int contextLength,
    @JsonProperty("ffn_width") int ffnWidth,
    @JsonProperty("tied_embeddings") boolean tiedEmbeddings,
    @JsonProperty("positions") PositionEncoding positions,
    @JsonProperty("family") ModelFamily family,
    @JsonProperty("kv_heads") int kvHeads,
    @JsonProperty("rope_theta") double ropeTheta,
    @JsonProperty("norm_epsilon") double normEpsilon) {

  /** RoPE's base wavelength unless set, as in RoFormer. */
  public static final double DEFAULT_ROPE_THETA = 10_000.0;

  /** The norms' epsilon unless set, GPT-2's LayerNorm epsilon. */
  public static final double DEFAULT_NORM_EPSILON = 1e-5;

  /** The position encoding of {@link #DEFAULT} and of the short constructor. */
  public static final PositionEncoding DEFAULT_POSITIONS = PositionEncoding.ALIBI;

  /** The default policy: see the class comment for the sizes and why. */
  public static final ModelConfig DEFAULT =
      new ModelConfig(ByteTokenizer.VOCAB_SIZE, 128, 2, 4, 1024, 512, true, DEFAULT_POSITIONS);

  private static final ObjectMapper JSON =
      JsonMapper.builder().enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES).build();

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
    if (family == null) {
      throw new IllegalArgumentException("family must be one of gpt2, qwen2, but was null");
    }
    if (kvHeads < 1 || kvHeads > heads || heads % kvHeads != 0) {
      throw new IllegalArgumentException(
          "kv_heads must divide heads (" + heads + "), but was " + kvHeads);
    }
    if (family == ModelFamily.GPT2 && kvHeads != heads) {
      throw new IllegalArgumentException(
          "kv_heads must equal heads (" + heads + ") in the gpt2 family, but was " + kvHeads);
    }
    if (family == ModelFamily.QWEN2 && positions != PositionEncoding.ROPE) {
      throw new IllegalArgumentException(
          "positions must be rope in the qwen2 family, but was " + positions.json());
    }
    if (!(ropeTheta > 0) || Double.isInfinite(ropeTheta)) {
      throw new IllegalArgumentException("rope_theta must be > 0, but was " + ropeTheta);
    }
    if (!(normEpsilon > 0 && normEpsilon < 1)) {
      throw new IllegalArgumentException("norm_epsilon must be in (0, 1), but was " + normEpsilon);
    }
  }

  /** A model of the bundled (GPT-2) family, multi-head, with the default RoPE base and epsilon. */
  public ModelConfig(
      int vocabSize,
      int dModel,
      int layers,
      int heads,
      int contextLength,
      int ffnWidth,
      boolean tiedEmbeddings,
      PositionEncoding positions) {
    this(
        vocabSize,
        dModel,
        layers,
        heads,
        contextLength,
        ffnWidth,
        tiedEmbeddings,
        positions,
        ModelFamily.GPT2,
        heads,
        DEFAULT_ROPE_THETA,
        DEFAULT_NORM_EPSILON);
  }

  /**
   * The JSON form's reader: every field of the first eight is required; the last four, absent from
   * JSON written before they existed, default as the class comment says.
   */
  @JsonCreator
  static ModelConfig fromJsonFields(
      @JsonProperty("vocab_size") Integer vocabSize,
      @JsonProperty("d_model") Integer dModel,
      @JsonProperty("layers") Integer layers,
      @JsonProperty("heads") Integer heads,
      @JsonProperty("context_length") Integer contextLength,
      @JsonProperty("ffn_width") Integer ffnWidth,
      @JsonProperty("tied_embeddings") Boolean tiedEmbeddings,
      @JsonProperty("positions") PositionEncoding positions,
      @JsonProperty("family") ModelFamily family,
      @JsonProperty("kv_heads") Integer kvHeads,
      @JsonProperty("rope_theta") Double ropeTheta,
      @JsonProperty("norm_epsilon") Double normEpsilon) {
    Object[][] required = {
      {"vocab_size", vocabSize},
      {"d_model", dModel},
      {"layers", layers},
      {"heads", heads},
      {"context_length", contextLength},
      {"ffn_width", ffnWidth},
      {"tied_embeddings", tiedEmbeddings},
      {"positions", positions}
    };
    for (Object[] field : required) {
      if (field[1] == null) {
        throw new IllegalArgumentException(
            "architecture must be ModelConfig JSON, but was not: Missing " + field[0]);
      }
    }
    return new ModelConfig(
        vocabSize,
        dModel,
        layers,
        heads,
        contextLength,
        ffnWidth,
        tiedEmbeddings,
        positions,
        family == null ? ModelFamily.GPT2 : family,
        kvHeads == null ? heads : kvHeads,
        ropeTheta == null ? DEFAULT_ROPE_THETA : ropeTheta,
        normEpsilon == null ? DEFAULT_NORM_EPSILON : normEpsilon);
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
        vocabSize,
        dModel,
        layers,
        heads,
        contextLength,
        ffnWidth,
        tiedEmbeddings,
        newPositions,
        family,
        kvHeads,
        ropeTheta,
        normEpsilon);
  }

  /** The width of the keys and values of one position, over all key/value heads. */
  public int kvDim() {
    return kvHeads * headDim();
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
            new Object[] {"positions", other.positions.json(), positions.json()},
            new Object[] {"family", other.family.json(), family.json()},
            new Object[] {"kv_heads", other.kvHeads, kvHeads},
            new Object[] {"rope_theta", other.ropeTheta, ropeTheta},
            new Object[] {"norm_epsilon", other.normEpsilon, normEpsilon});
    for (Object[] field : fields) {
      if (!field[1].equals(field[2])) {
        return Optional.of(
            field[0] + " " + field[1] + ", but this model has " + field[0] + " " + field[2]);
      }
    }
    return Optional.empty();
  }
}
