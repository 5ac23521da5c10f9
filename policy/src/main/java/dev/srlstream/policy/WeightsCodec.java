package dev.srlstream.policy;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;

/**
 * The binary form of a policy's weights, as published in {@code PolicyVersion.weights} and written
 * to checkpoints.
 *
 * <p>Layout (integers little-endian):
 *
 * <pre>
 * 4 bytes   magic "SRLW"
 * 4 bytes   format version (2)
 * 4 bytes   header length H
 * H bytes   header, UTF-8 JSON: {"architecture": {ModelConfig}, "tokenizer": "byte-v1",
 *           "policy_version": 7, "prompt": {"context_window": "1", "title_hint": false},
 *           "variables": [{"name": "tok_emb", "shape": [263, 128]}, ...]}
 *           ("prompt" is absent for weights no prompt format trained, e.g. seed-initialised)
 * N*4 bytes every variable's float32 values, little-endian, row-major, in header order
 * 32 bytes  SHA-256 of everything before it
 * </pre>
 *
 * <p>{@link #decode} trusts nothing: it checks the magic, the format version, the length against
 * the header, the checksum, that the variables are exactly those the architecture implies, and that
 * every value is finite; each failure is an {@link InvalidWeightsException} saying which. Whether
 * the weights fit a given model is {@link Decoded#requireCompatible}.
 */
public final class WeightsCodec {

  /**
   * The current format version. Version 1 (until December 2026) had learned absolute positions only
   * and no prompt settings; its files are refused with a message that says so.
   */
  public static final int FORMAT_VERSION = 2;

  private static final byte[] MAGIC = {'S', 'R', 'L', 'W'};
  private static final int PREAMBLE_BYTES = 12;
  private static final int CHECKSUM_BYTES = 32;
  private static final ObjectMapper JSON = new ObjectMapper();

  private WeightsCodec() {}

  /**
   * The decoded parts of weights bytes.
   *
   * @param config the architecture the weights are for
   * @param tokenizerId the {@link Tokenizer#id()} the weights are for
   * @param policyVersion the policy version the learner gave them
   * @param weights every variable's values, in {@link ParameterSpec#forConfig} order
   * @param prompt the prompt format the weights were trained with, if recorded
   */
  public record Decoded(
      ModelConfig config,
      String tokenizerId,
      long policyVersion,
      ModelWeights weights,
      Optional<PromptSettings> prompt) {

    /**
     * The tokenizer these weights name, among those this process knows ({@link Tokenizers}).
     *
     * @throws InvalidWeightsException if the process does not know it
     */
    public Tokenizer tokenizer() {
      return knownTokenizer(tokenizerId);
    }

    /**
     * Checks that these weights can be loaded into a model of {@code model} architecture using
     * tokenizer {@code tokenizer}.
     *
     * @throws InvalidWeightsException "weights are for d_model 256, but this model has d_model
     *     128", or the same for the tokenizer
     */
    public void requireCompatible(ModelConfig model, String tokenizer) {
      if (!tokenizerId.equals(tokenizer)) {
        throw new InvalidWeightsException(
            "weights are for tokenizer '"
                + tokenizerId
                + "', but this model uses tokenizer '"
                + tokenizer
                + "'");
      }
      model
          .firstDifference(config)
          .ifPresent(
              difference -> {
                throw new InvalidWeightsException("weights are for " + difference);
              });
    }
  }

  /**
   * Encodes weights.
   *
   * @throws IllegalArgumentException if the weights' variables are not those of {@code config}, or
   *     a value is NaN or infinite (a diverged update must not be published)
   */
  public static byte[] encode(
      ModelConfig config, String tokenizerId, long policyVersion, ModelWeights weights) {
    return encode(config, tokenizerId, policyVersion, weights, Optional.empty());
  }

  /**
   * Encodes weights with the prompt format they were trained with.
   *
   * @throws IllegalArgumentException as {@link #encode(ModelConfig, String, long, ModelWeights)}
   */
  public static byte[] encode(
      ModelConfig config,
      String tokenizerId,
      long policyVersion,
      ModelWeights weights,
      Optional<PromptSettings> prompt) {
    List<ParameterSpec> specs = ParameterSpec.forConfig(config);
    if (!weights.specs().equals(specs)) {
      throw new IllegalArgumentException(
          "weights must have the variables of " + config + ", but had " + weights.specs());
    }
    requireFinite(weights, IllegalArgumentException::new);
    byte[] header = header(config, tokenizerId, policyVersion, prompt, specs);
    long payload = weights.parameterCount() * Float.BYTES;
    long total = PREAMBLE_BYTES + header.length + payload + CHECKSUM_BYTES;
    if (total > Integer.MAX_VALUE - 8) {
      throw new IllegalArgumentException("weights must fit in 2 GiB, but need " + total + " bytes");
    }
    ByteBuffer out = ByteBuffer.allocate((int) total).order(ByteOrder.LITTLE_ENDIAN);
    out.put(MAGIC).putInt(FORMAT_VERSION).putInt(header.length).put(header);
    for (int i = 0; i < weights.count(); i++) {
      out.asFloatBuffer().put(weights.valuesUnsafe(i));
      out.position(out.position() + weights.valuesUnsafe(i).length * Float.BYTES);
    }
    out.put(sha256(out.array(), out.position()));
    return out.array();
  }

  private static byte[] header(
      ModelConfig config,
      String tokenizerId,
      long policyVersion,
      Optional<PromptSettings> prompt,
      List<ParameterSpec> specs) {
    ObjectNode header = JSON.createObjectNode();
    try {
      header.set("architecture", JSON.readTree(config.toJson()));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot embed the architecture", e);
    }
    header.put("tokenizer", tokenizerId);
    header.put("policy_version", policyVersion);
    prompt.ifPresent(
        settings -> {
          ObjectNode node = header.putObject("prompt");
          node.put("context_window", settings.windowText());
          node.put("title_hint", settings.titleHint());
        });
    ArrayNode variables = header.putArray("variables");
    for (ParameterSpec spec : specs) {
      ObjectNode variable = variables.addObject();
      variable.put("name", spec.name());
      ArrayNode shape = variable.putArray("shape");
      spec.shape().forEach(shape::add);
    }
    return header.toString().getBytes(StandardCharsets.UTF_8);
  }

  /**
   * Decodes and verifies weights bytes.
   *
   * @throws InvalidWeightsException if the bytes are not valid weights; the message says why
   */
  public static Decoded decode(byte[] bytes) {
    ByteBuffer in = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
    if (bytes.length < MAGIC.length || !Arrays.equals(bytes, 0, MAGIC.length, MAGIC, 0, 4)) {
      throw new InvalidWeightsException(
          "weights must start with the magic 'SRLW', but started with "
              + HexFormat.of().formatHex(bytes, 0, Math.min(bytes.length, MAGIC.length))
              + " (hex)");
    }
    if (bytes.length < PREAMBLE_BYTES + CHECKSUM_BYTES) {
      throw truncated(PREAMBLE_BYTES + CHECKSUM_BYTES, bytes.length);
    }
    int format = in.getInt(4);
    if (format == 1) {
      throw new InvalidWeightsException(
          "weights are in format version 1 (learned absolute positions, no prompt settings),"
              + " but this build reads format version "
              + FORMAT_VERSION
              + ": train or warm the policy again with this build");
    }
    if (format != FORMAT_VERSION) {
      throw new InvalidWeightsException(
          "weights format version must be " + FORMAT_VERSION + ", but was " + format);
    }
    int headerLength = in.getInt(8);
    if (headerLength < 2 || headerLength > bytes.length - PREAMBLE_BYTES - CHECKSUM_BYTES) {
      if (headerLength >= 2 && headerLength <= Integer.MAX_VALUE - 64) {
        throw truncated((long) PREAMBLE_BYTES + headerLength + CHECKSUM_BYTES, bytes.length);
      }
      throw new InvalidWeightsException(
          "weights header length must be at least 2, but was " + headerLength);
    }
    String headerText = new String(bytes, PREAMBLE_BYTES, headerLength, StandardCharsets.UTF_8);

    // Parse the header before the checksum only to tell truncated bytes from corrupt ones.
    Header header = null;
    InvalidWeightsException headerError = null;
    try {
      header = parseHeader(headerText);
    } catch (InvalidWeightsException e) {
      headerError = e;
    }
    if (header != null) {
      long expected =
          PREAMBLE_BYTES + headerLength + header.floats() * Float.BYTES + CHECKSUM_BYTES;
      if (bytes.length < expected) {
        throw truncated(expected, bytes.length);
      }
      if (bytes.length > expected) {
        throw new InvalidWeightsException(
            "weights must be "
                + expected
                + " bytes long as their header describes, but were "
                + bytes.length);
      }
    }
    int checked = bytes.length - CHECKSUM_BYTES;
    byte[] computed = sha256(bytes, checked);
    if (!Arrays.equals(computed, 0, CHECKSUM_BYTES, bytes, checked, bytes.length)) {
      throw new InvalidWeightsException(
          "weights checksum mismatch: SHA-256 of the content is "
              + HexFormat.of().formatHex(computed)
              + ", but the stored checksum is "
              + HexFormat.of().formatHex(bytes, checked, bytes.length));
    }
    if (headerError != null) {
      throw headerError;
    }

    List<ParameterSpec> specs = header.specs();
    float[][] values = new float[specs.size()][];
    in.position(PREAMBLE_BYTES + headerLength);
    for (int i = 0; i < specs.size(); i++) {
      values[i] = new float[specs.get(i).size()];
      in.asFloatBuffer().get(values[i]);
      in.position(in.position() + values[i].length * Float.BYTES);
    }
    ModelWeights weights = ModelWeights.wrap(specs, values);
    requireFinite(weights, InvalidWeightsException::new);
    return new Decoded(
        header.config(), header.tokenizerId(), header.policyVersion(), weights, header.prompt());
  }

  /**
   * The tokenizer weights bytes name, read from their header alone (no checksum, no values): for a
   * trainer or actor that needs the tokenizer before it loads the weights, which {@link #decode}
   * then verifies.
   *
   * @throws InvalidWeightsException if the header cannot be read
   */
  public static Tokenizer tokenizer(byte[] bytes) {
    ByteBuffer in = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
    if (bytes.length < PREAMBLE_BYTES
        || !Arrays.equals(bytes, 0, MAGIC.length, MAGIC, 0, 4)
        || in.getInt(4) != FORMAT_VERSION) {
      return decode(bytes).tokenizer(); // decode's own, precise error
    }
    int headerLength = in.getInt(8);
    if (headerLength < 2 || headerLength > bytes.length - PREAMBLE_BYTES) {
      return decode(bytes).tokenizer();
    }
    return knownTokenizer(
        parseHeader(new String(bytes, PREAMBLE_BYTES, headerLength, StandardCharsets.UTF_8))
            .tokenizerId());
  }

  /** The tokenizer {@code id} names, if this process knows it ({@link Tokenizers}). */
  private static Tokenizer knownTokenizer(String id) {
    try {
      return Tokenizers.forId(id);
    } catch (IllegalArgumentException e) {
      throw new InvalidWeightsException("weights are for an unknown tokenizer: " + e.getMessage());
    }
  }

  private record Header(
      ModelConfig config,
      String tokenizerId,
      long policyVersion,
      Optional<PromptSettings> prompt,
      List<ParameterSpec> specs) {
    long floats() {
      return specs.stream().mapToLong(ParameterSpec::size).sum();
    }
  }

  private static Header parseHeader(String text) {
    try {
      JsonNode root = JSON.readTree(text);
      ModelConfig config = ModelConfig.fromJson(required(root, "architecture").toString());
      JsonNode tokenizer = required(root, "tokenizer");
      if (!tokenizer.isTextual()) {
        throw new InvalidWeightsException(
            "weights header tokenizer must be a string, but was " + tokenizer);
      }
      JsonNode version = required(root, "policy_version");
      if (!version.canConvertToExactIntegral()) {
        throw new InvalidWeightsException(
            "weights header policy_version must be an integer, but was " + version);
      }
      Optional<PromptSettings> prompt = Optional.empty();
      JsonNode promptNode = root.get("prompt");
      if (promptNode != null && !promptNode.isNull()) {
        JsonNode hint = required(promptNode, "title_hint");
        if (!hint.isBoolean()) {
          throw new InvalidWeightsException(
              "weights header prompt.title_hint must be a boolean, but was " + hint);
        }
        prompt =
            Optional.of(
                new PromptSettings(
                    PromptSettings.parseWindow(required(promptNode, "context_window").asText()),
                    hint.booleanValue()));
      }
      List<ParameterSpec> listed = new ArrayList<>();
      for (JsonNode variable : required(root, "variables")) {
        List<Integer> shape = new ArrayList<>();
        required(variable, "shape").forEach(d -> shape.add(d.asInt()));
        listed.add(new ParameterSpec(required(variable, "name").asText(), shape));
      }
      List<ParameterSpec> implied = ParameterSpec.forConfig(config);
      if (!listed.equals(implied)) {
        throw new InvalidWeightsException(
            "weights header variables must be those of its architecture "
                + config
                + ", but were "
                + listed);
      }
      return new Header(config, tokenizer.asText(), version.asLong(), prompt, implied);
    } catch (JsonProcessingException | IllegalArgumentException e) {
      if (e instanceof InvalidWeightsException invalid) {
        throw invalid;
      }
      throw new InvalidWeightsException("weights header is invalid: " + e.getMessage(), e);
    }
  }

  private static JsonNode required(JsonNode node, String field) {
    JsonNode value = node.get(field);
    if (value == null || value.isNull()) {
      throw new InvalidWeightsException("weights header must have '" + field + "', but had none");
    }
    return value;
  }

  private static InvalidWeightsException truncated(long expected, int actual) {
    return new InvalidWeightsException(
        "weights are truncated: expected " + expected + " bytes, but got " + actual);
  }

  private static <E extends RuntimeException> void requireFinite(
      ModelWeights weights, java.util.function.Function<String, E> error) {
    for (int i = 0; i < weights.count(); i++) {
      float[] values = weights.valuesUnsafe(i);
      for (int j = 0; j < values.length; j++) {
        if (!Float.isFinite(values[j])) {
          throw error.apply(
              "weights must be finite, but "
                  + weights.specs().get(i).name()
                  + "["
                  + j
                  + "] is "
                  + values[j]);
        }
      }
    }
  }

  /** The hex SHA-256 of {@code bytes}, as {@code PolicyVersion.weights_sha256} carries it. */
  public static String sha256Hex(byte[] bytes) {
    return HexFormat.of().formatHex(sha256(bytes, bytes.length));
  }

  /** The SHA-256 of the first {@code length} bytes: the checksum that ends each codec's bytes. */
  public static byte[] sha256(byte[] bytes, int length) {
    try {
      MessageDigest digest = MessageDigest.getInstance("SHA-256");
      digest.update(bytes, 0, length);
      return digest.digest();
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JVM has SHA-256", e);
    }
  }
}
