package dev.srlstream.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.tensorflow.Graph;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;

class WeightsCodecTest {

  private static final ModelConfig CONFIG = TestModels.SMALL;
  private static final String TOKENIZER = ByteTokenizer.ID;

  @Test
  void encodeThenDecodeGivesEveryPartBack() {
    ModelWeights weights = TestModels.noisy(CONFIG, 1, 0.1);
    byte[] bytes = WeightsCodec.encode(CONFIG, TOKENIZER, 42L, weights);

    WeightsCodec.Decoded decoded = WeightsCodec.decode(bytes);

    assertThat(decoded.config()).isEqualTo(CONFIG);
    assertThat(decoded.tokenizerId()).isEqualTo(TOKENIZER);
    assertThat(decoded.policyVersion()).isEqualTo(42L);
    assertThat(decoded.weights().bitEquals(weights)).isTrue();
    assertThat(bytes.length).isGreaterThan(4 * (int) CONFIG.parameterCount());
    assertThat(WeightsCodec.encode(CONFIG, TOKENIZER, 42L, decoded.weights())).isEqualTo(bytes);
  }

  @Test
  void weightsExportedFromOneSessionGiveBitIdenticalOutputsInAFreshGraph() {
    int[] tokens = ByteTokenizer.INSTANCE.encode("<think>12 - 4 = 8</think>3 + 7 × 8");
    byte[] bytes;
    float[] before;
    try (Graph graph = new Graph()) {
      PolicyGraph policy = PolicyGraph.build(Ops.create(graph), CONFIG);
      try (Session session = new Session(graph)) {
        policy.initialize(session, 2024L);
        before = logits(session, policy, tokens);
        bytes = WeightsCodec.encode(CONFIG, TOKENIZER, 3L, policy.readWeights(session));
      }
    }
    try (Graph graph = new Graph()) {
      PolicyGraph policy = PolicyGraph.build(Ops.create(graph), CONFIG);
      try (Session session = new Session(graph)) {
        WeightsCodec.Decoded decoded = WeightsCodec.decode(bytes);
        decoded.requireCompatible(CONFIG, TOKENIZER);
        policy.loadWeights(session, decoded.weights());
        float[] after = logits(session, policy, tokens);
        assertThat(bitsOf(after)).isEqualTo(bitsOf(before));
        assertThat(policy.readWeights(session).bitEquals(decoded.weights())).isTrue();
      }
    }
  }

  @Test
  void aFlippedBitFailsTheChecksum() {
    byte[] bytes = encoded();
    bytes[bytes.length / 2] ^= 0x10;

    assertThatThrownBy(() -> WeightsCodec.decode(bytes))
        .isInstanceOf(InvalidWeightsException.class)
        .hasMessageStartingWith("weights checksum mismatch: SHA-256 of the content is ");
  }

  @Test
  void aCorruptChecksumFails() {
    byte[] bytes = encoded();
    bytes[bytes.length - 1] ^= 0x01;

    assertThatThrownBy(() -> WeightsCodec.decode(bytes))
        .isInstanceOf(InvalidWeightsException.class)
        .hasMessageStartingWith("weights checksum mismatch");
  }

  @Test
  void truncatedBytesSayHowManyWereExpected() {
    byte[] bytes = encoded();
    for (int length : List.of(bytes.length - 1, bytes.length - 100, 200, 40, 13, 5)) {
      byte[] cut = Arrays.copyOf(bytes, length);
      assertThatThrownBy(() -> WeightsCodec.decode(cut))
          .as("cut to %d bytes", length)
          .isInstanceOf(InvalidWeightsException.class)
          .hasMessageStartingWith("weights are truncated: expected ")
          .hasMessageEndingWith(", but got " + length);
    }
    byte[] full = bytes;
    assertThatThrownBy(() -> WeightsCodec.decode(Arrays.copyOf(full, full.length - 1)))
        .hasMessage(
            "weights are truncated: expected "
                + full.length
                + " bytes, but got "
                + (full.length - 1));
  }

  @Test
  void extraBytesAreRejected() {
    byte[] bytes = encoded();
    byte[] longer = Arrays.copyOf(bytes, bytes.length + 4);

    assertThatThrownBy(() -> WeightsCodec.decode(longer))
        .isInstanceOf(InvalidWeightsException.class)
        .hasMessage(
            "weights must be "
                + bytes.length
                + " bytes long as their header describes, but were "
                + longer.length);
  }

  @Test
  void aWrongMagicOrFormatVersionIsRejected() {
    byte[] notWeights = "PK\u0003\u0004 a zip file".getBytes(StandardCharsets.ISO_8859_1);
    assertThatThrownBy(() -> WeightsCodec.decode(notWeights))
        .isInstanceOf(InvalidWeightsException.class)
        .hasMessage("weights must start with the magic 'SRLW', but started with 504b0304 (hex)");
    assertThatThrownBy(() -> WeightsCodec.decode(new byte[0]))
        .hasMessage("weights must start with the magic 'SRLW', but started with  (hex)");

    byte[] future = encoded();
    ByteBuffer.wrap(future).order(ByteOrder.LITTLE_ENDIAN).putInt(4, 3);
    assertThatThrownBy(() -> WeightsCodec.decode(future))
        .hasMessage("weights format version must be 2, but was 3");
  }

  @Test
  void weightsOfTheFirstFormatAreRefusedNamingBothVersions() {
    byte[] old = encoded();
    ByteBuffer.wrap(old).order(ByteOrder.LITTLE_ENDIAN).putInt(4, 1);

    assertThatThrownBy(() -> WeightsCodec.decode(old))
        .isInstanceOf(InvalidWeightsException.class)
        .hasMessage(
            "weights are in format version 1 (learned absolute positions, no prompt settings), but"
                + " this build reads format version 2: train or warm the policy again with this"
                + " build");
  }

  @Test
  void thePromptFormatTravelsWithTheWeights() {
    ModelWeights weights = ModelWeights.initial(CONFIG, 2L);
    PromptSettings lastStep = new PromptSettings(1, false);
    PromptSettings allWithHints = new PromptSettings(PromptSettings.ALL_STEPS, true);

    assertThat(
            WeightsCodec.decode(
                    WeightsCodec.encode(CONFIG, TOKENIZER, 1L, weights, Optional.of(lastStep)))
                .prompt())
        .contains(lastStep);
    assertThat(
            WeightsCodec.decode(
                    WeightsCodec.encode(CONFIG, TOKENIZER, 1L, weights, Optional.of(allWithHints)))
                .prompt())
        .contains(allWithHints);
    assertThat(WeightsCodec.decode(WeightsCodec.encode(CONFIG, TOKENIZER, 1L, weights)).prompt())
        .isEmpty();
  }

  @Test
  void weightsWithAnotherPositionEncodingDoNotFit() {
    ModelConfig learned = CONFIG.withPositions(PositionEncoding.LEARNED);
    ModelConfig rotary = CONFIG.withPositions(PositionEncoding.ROPE);
    WeightsCodec.Decoded decoded =
        WeightsCodec.decode(
            WeightsCodec.encode(learned, TOKENIZER, 1L, ModelWeights.initial(learned, 1L)));

    assertThat(decoded.config().positions()).isEqualTo(PositionEncoding.LEARNED);
    assertThatThrownBy(() -> decoded.requireCompatible(rotary, TOKENIZER))
        .isInstanceOf(InvalidWeightsException.class)
        .hasMessage("weights are for positions learned, but this model has positions rope");
  }

  @Test
  void weightsForAnotherArchitectureOrTokenizerDoNotFit() {
    ModelConfig wider = new ModelConfig(CONFIG.vocabSize(), 32, 2, 2, 64, 32, true);
    WeightsCodec.Decoded decoded =
        WeightsCodec.decode(
            WeightsCodec.encode(wider, TOKENIZER, 1L, ModelWeights.initial(wider, 1L)));

    assertThatThrownBy(() -> decoded.requireCompatible(CONFIG, TOKENIZER))
        .isInstanceOf(InvalidWeightsException.class)
        .hasMessage("weights are for d_model 32, but this model has d_model 16");
    assertThatThrownBy(() -> WeightsCodec.decode(encoded()).requireCompatible(CONFIG, "chars-v1"))
        .isInstanceOf(InvalidWeightsException.class)
        .hasMessage(
            "weights are for tokenizer 'byte-v1', but this model uses tokenizer 'chars-v1'");
  }

  @Test
  void nonFiniteWeightsAreNeverEncoded() {
    ModelWeights weights = TestModels.with(ModelWeights.initial(CONFIG, 1L), 2, 5, Float.NaN);

    assertThatThrownBy(() -> WeightsCodec.encode(CONFIG, TOKENIZER, 1L, weights))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("weights must be finite, but block0/ln1/beta[5] is NaN");
  }

  @Test
  void weightsOfTheWrongShapeAreNeverEncoded() {
    ModelWeights other = ModelWeights.initial(TestModels.tiny(true), 1L);

    assertThatThrownBy(() -> WeightsCodec.encode(CONFIG, TOKENIZER, 1L, other))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("weights must have the variables of ModelConfig[");
  }

  @Test
  void theHexSha256IsTheStandardOne() {
    assertThat(WeightsCodec.sha256Hex("abc".getBytes(StandardCharsets.US_ASCII)))
        .isEqualTo("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  }

  private static byte[] encoded() {
    return WeightsCodec.encode(CONFIG, TOKENIZER, 7L, ModelWeights.initial(CONFIG, 7L));
  }

  private static float[] logits(Session session, PolicyGraph policy, int[] tokens) {
    float[] logits = new float[tokens.length * CONFIG.vocabSize()];
    try (TInt32 input = TInt32.tensorOf(Shape.of(1, tokens.length), DataBuffers.of(tokens));
        Result result =
            session.runner().feed(policy.tokens(), input).fetch(policy.logits()).run()) {
      ((TFloat32) result.get(0)).copyTo(DataBuffers.of(logits, false, false));
    }
    return logits;
  }

  private static int[] bitsOf(float[] values) {
    int[] bits = new int[values.length];
    for (int i = 0; i < values.length; i++) {
      bits[i] = Float.floatToRawIntBits(values[i]);
    }
    return bits;
  }
}
