package dev.srlstream.learner;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.srlstream.policy.ParameterSpec;
import dev.srlstream.policy.WeightsCodec;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;

/**
 * Everything AdamW carries from one update to the next: the update count, the bias-correction
 * powers {@code beta1^t} and {@code beta2^t}, and the moments {@code m} and {@code v} of every
 * variable. With the weights, it is all a trainer needs to continue bit for bit.
 *
 * <p>Binary form (integers little-endian), after {@code WeightsCodec}'s pattern:
 *
 * <pre>
 * 4 bytes   magic "SRLO"
 * 4 bytes   format version (1)
 * 4 bytes   header length H
 * H bytes   header, UTF-8 JSON: {"optimizer": "adamw", "step": 12, "beta1": 0.9, "beta2": 0.999,
 *           "beta1_power": 0.28..., "beta2_power": 0.98..., "variables": [{"name": "tok_emb",
 *           "shape": [263, 128]}, ...]}
 * N*8 bytes per variable in header order: its m then its v, float32, row-major
 * 32 bytes  SHA-256 of everything before it
 * </pre>
 *
 * <p>The doubles in the header are written in their shortest exact decimal form, so they read back
 * with the same bits. {@link #decode} checks everything and says what is wrong: magic, version,
 * length, checksum, that the variables are exactly the model's (count, names, shapes), that the
 * betas are the configured ones (the powers would not continue otherwise) and that every value is
 * finite.
 *
 * @param step the number of updates done
 * @param beta1 the first-moment decay the powers were built with
 * @param beta2 the second-moment decay
 * @param beta1Power {@code beta1^step}
 * @param beta2Power {@code beta2^step}
 * @param specs the variables, in order
 * @param firstMoments {@code m} per variable
 * @param secondMoments {@code v} per variable
 */
record OptimizerState(
    long step,
    double beta1,
    double beta2,
    double beta1Power,
    double beta2Power,
    List<ParameterSpec> specs,
    List<float[]> firstMoments,
    List<float[]> secondMoments) {

  static final int FORMAT_VERSION = 1;
  private static final byte[] MAGIC = {'S', 'R', 'L', 'O'};
  private static final int PREAMBLE_BYTES = 12;
  private static final int CHECKSUM_BYTES = 32;
  private static final ObjectMapper JSON = new ObjectMapper();

  /** A fresh optimiser: no update done, zero moments. */
  static OptimizerState fresh(List<ParameterSpec> specs, double beta1, double beta2) {
    List<float[]> zeros = new ArrayList<>();
    for (ParameterSpec spec : specs) {
      zeros.add(new float[spec.size()]);
    }
    return new OptimizerState(0, beta1, beta2, 1.0, 1.0, specs, zeros, zeros);
  }

  byte[] encode() {
    ObjectNode header = JSON.createObjectNode();
    header.put("optimizer", "adamw");
    header.put("step", step);
    header.put("beta1", beta1);
    header.put("beta2", beta2);
    header.put("beta1_power", beta1Power);
    header.put("beta2_power", beta2Power);
    ArrayNode variables = header.putArray("variables");
    for (ParameterSpec spec : specs) {
      ObjectNode variable = variables.addObject();
      variable.put("name", spec.name());
      spec.shape().forEach(variable.putArray("shape")::add);
    }
    byte[] headerBytes = header.toString().getBytes(StandardCharsets.UTF_8);
    long floats = 2 * specs.stream().mapToLong(ParameterSpec::size).sum();
    long total = PREAMBLE_BYTES + headerBytes.length + floats * Float.BYTES + CHECKSUM_BYTES;
    if (total > Integer.MAX_VALUE - 8) {
      throw new IllegalStateException(
          "optimizer state must fit in 2 GiB, but needs " + total + " bytes");
    }
    ByteBuffer out = ByteBuffer.allocate((int) total).order(ByteOrder.LITTLE_ENDIAN);
    out.put(MAGIC).putInt(FORMAT_VERSION).putInt(headerBytes.length).put(headerBytes);
    for (int i = 0; i < specs.size(); i++) {
      putFloats(out, firstMoments.get(i));
      putFloats(out, secondMoments.get(i));
    }
    out.put(WeightsCodec.sha256(out.array(), out.position()));
    return out.array();
  }

  private static void putFloats(ByteBuffer out, float[] values) {
    out.asFloatBuffer().put(values);
    out.position(out.position() + values.length * Float.BYTES);
  }

  /**
   * Reads and checks {@link #encode()}'s bytes for a model with variables {@code expected} and an
   * optimiser with the given betas.
   *
   * @throws IllegalArgumentException if the bytes are not a valid state for that model; the message
   *     starts with "optimizer state" and says what is wrong
   */
  static OptimizerState decode(
      byte[] bytes, List<ParameterSpec> expected, double beta1, double beta2) {
    if (bytes.length < PREAMBLE_BYTES + CHECKSUM_BYTES
        || !Arrays.equals(bytes, 0, MAGIC.length, MAGIC, 0, MAGIC.length)) {
      throw invalid(
          "must start with the magic 'SRLO' and be at least "
              + (PREAMBLE_BYTES + CHECKSUM_BYTES)
              + " bytes long, but was "
              + bytes.length
              + " bytes starting with "
              + HexFormat.of().formatHex(bytes, 0, Math.min(bytes.length, MAGIC.length))
              + " (hex)");
    }
    ByteBuffer in = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
    int format = in.getInt(4);
    if (format != FORMAT_VERSION) {
      throw invalid("format version must be " + FORMAT_VERSION + ", but was " + format);
    }
    int headerLength = in.getInt(8);
    if (headerLength < 2 || headerLength > bytes.length - PREAMBLE_BYTES - CHECKSUM_BYTES) {
      throw invalid(
          "header length must be in 2.."
              + (bytes.length - PREAMBLE_BYTES - CHECKSUM_BYTES)
              + " for "
              + bytes.length
              + " bytes, but was "
              + headerLength
              + " (truncated?)");
    }
    int checked = bytes.length - CHECKSUM_BYTES;
    byte[] computed = WeightsCodec.sha256(bytes, checked);
    if (!Arrays.equals(computed, 0, CHECKSUM_BYTES, bytes, checked, bytes.length)) {
      throw invalid(
          "checksum mismatch: SHA-256 of the content is "
              + HexFormat.of().formatHex(computed)
              + ", but the stored checksum is "
              + HexFormat.of().formatHex(bytes, checked, bytes.length)
              + " (corrupt or truncated)");
    }

    JsonNode header;
    try {
      header =
          JSON.readTree(new String(bytes, PREAMBLE_BYTES, headerLength, StandardCharsets.UTF_8));
    } catch (JsonProcessingException e) {
      throw invalid("header must be JSON, but was not: " + e.getOriginalMessage());
    }
    String optimizer = required(header, "optimizer").asText();
    if (!optimizer.equals("adamw")) {
      throw invalid("optimizer must be 'adamw', but was '" + optimizer + "'");
    }
    List<ParameterSpec> specs = new ArrayList<>();
    for (JsonNode variable : required(header, "variables")) {
      List<Integer> shape = new ArrayList<>();
      required(variable, "shape").forEach(d -> shape.add(d.asInt()));
      String name = required(variable, "name").asText();
      try {
        specs.add(new ParameterSpec(name, shape));
      } catch (IllegalArgumentException e) {
        throw invalid("header has an invalid variable: " + e.getMessage());
      }
    }
    requireSameVariables(specs, expected);
    long step = required(header, "step").asLong();
    double storedBeta1 = required(header, "beta1").asDouble();
    double storedBeta2 = required(header, "beta2").asDouble();
    if (storedBeta1 != beta1 || storedBeta2 != beta2) {
      throw invalid(
          "betas must be the trainer's ("
              + beta1
              + ", "
              + beta2
              + "), but were ("
              + storedBeta1
              + ", "
              + storedBeta2
              + "): restore with the configuration the state was written with, or with an empty"
              + " state for a fresh optimiser");
    }
    double beta1Power = required(header, "beta1_power").asDouble();
    double beta2Power = required(header, "beta2_power").asDouble();
    if (step < 0 || !(beta1Power > 0 && beta1Power <= 1) || !(beta2Power > 0 && beta2Power <= 1)) {
      throw invalid(
          "step must be >= 0 and the beta powers in (0, 1], but were "
              + step
              + ", "
              + beta1Power
              + ", "
              + beta2Power);
    }

    long floats = 2 * specs.stream().mapToLong(ParameterSpec::size).sum();
    long expectedLength = PREAMBLE_BYTES + headerLength + floats * Float.BYTES + CHECKSUM_BYTES;
    if (bytes.length != expectedLength) {
      throw invalid(
          "must be "
              + expectedLength
              + " bytes long as its header describes, but was "
              + bytes.length);
    }
    in.position(PREAMBLE_BYTES + headerLength);
    List<float[]> first = new ArrayList<>();
    List<float[]> second = new ArrayList<>();
    for (ParameterSpec spec : specs) {
      first.add(readFinite(in, spec, "m"));
      second.add(readFinite(in, spec, "v"));
    }
    return new OptimizerState(step, beta1, beta2, beta1Power, beta2Power, expected, first, second);
  }

  private static void requireSameVariables(List<ParameterSpec> stored, List<ParameterSpec> model) {
    if (stored.size() != model.size()) {
      throw invalid(
          "must have the model's "
              + model.size()
              + " variables, but had "
              + stored.size()
              + " (a state for another architecture?)");
    }
    for (int i = 0; i < model.size(); i++) {
      if (!stored.get(i).equals(model.get(i))) {
        throw invalid(
            "variable "
                + i
                + " must be "
                + model.get(i).name()
                + " "
                + model.get(i).shape()
                + ", but was "
                + stored.get(i).name()
                + " "
                + stored.get(i).shape()
                + " (a state for another architecture?)");
      }
    }
  }

  private static float[] readFinite(ByteBuffer in, ParameterSpec spec, String slot) {
    float[] values = new float[spec.size()];
    in.asFloatBuffer().get(values);
    in.position(in.position() + values.length * Float.BYTES);
    for (int j = 0; j < values.length; j++) {
      if (!Float.isFinite(values[j])) {
        throw invalid(
            slot + " of " + spec.name() + " must be finite, but [" + j + "] was " + values[j]);
      }
    }
    return values;
  }

  private static JsonNode required(JsonNode node, String field) {
    JsonNode value = node.get(field);
    if (value == null || value.isNull()) {
      throw invalid("header must have '" + field + "', but had none");
    }
    return value;
  }

  private static IllegalArgumentException invalid(String problem) {
    return new IllegalArgumentException("optimizer state " + problem);
  }
}
