package dev.srlstream.policy.hf;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Reads the fixtures make_fixtures.py wrote by hand with numpy (and, for one, with the safetensors
 * library), against the float32 bits numpy gave in expected.json; and writes and reads back.
 */
class SafeTensorsTest {

  private static final JsonNode EXPECTED = expectedJson();

  @TempDir Path temp;

  @Test
  void readsEveryDtypeTheScalarTheEmptyTensorAndTheMetadataAsNumpyWroteThem() throws IOException {
    SafeTensors.Contents contents = SafeTensors.read(fixture("dtypes.safetensors"));

    assertMatchesExpected(contents, EXPECTED.get("dtypes.safetensors"));
    assertThat(contents.metadata())
        .containsExactly(Map.entry("format", "pt"), Map.entry("note", "π ≈ 3.14"));
    assertThat(contents.tensors().get("scalar").shape()).isEmpty();
    assertThat(contents.tensors().get("scalar").values()).containsExactly(42.5f);
    assertThat(contents.tensors().get("empty").size()).isZero();
  }

  @Test
  void readsF16SpecialValuesExactly() throws IOException {
    float[] values =
        SafeTensors.read(fixture("dtypes.safetensors")).tensors().get("f16_specials").values();

    assertThat(values[2]).isEqualTo(65504f);
    assertThat(values[3]).isEqualTo(0x1p-14f); // the smallest normal
    assertThat(values[4]).isEqualTo(0x1p-24f); // the smallest subnormal
    assertThat(values[5]).isEqualTo(3 * 0x1p-24f);
    assertThat(values[7]).isEqualTo(Float.POSITIVE_INFINITY);
    assertThat(values[8]).isEqualTo(Float.NEGATIVE_INFINITY);
    assertThat(Float.floatToRawIntBits(values[9])).isEqualTo(Float.floatToRawIntBits(-0.0f));
    assertThat(values[11]).isNaN();
  }

  @Test
  void halfToFloatAgreesWithNumpyOnEveryHalf() throws Exception {
    ByteBuffer bits = ByteBuffer.allocate(65536 * 4).order(ByteOrder.LITTLE_ENDIAN);
    for (int half = 0; half < 65536; half++) {
      bits.putInt(Float.floatToIntBits(SafeTensors.halfToFloat((short) half))); // NaN canonical
    }
    byte[] digest = MessageDigest.getInstance("SHA-256").digest(bits.array());

    assertThat(HexFormat.of().formatHex(digest))
        .isEqualTo(EXPECTED.get("f16_all_float32_bits_sha256").asText());
  }

  @Test
  void halfToFloatKeepsANanPayload() {
    assertThat(Float.floatToRawIntBits(SafeTensors.halfToFloat((short) 0x7d01)))
        .isEqualTo(0x7f800000 | 0x101 << 13);
  }

  @Test
  void readsAFileTheSafetensorsLibraryWrote() throws IOException {
    SafeTensors.Contents contents = SafeTensors.read(fixture("saved_by_library.safetensors"));

    assertMatchesExpected(contents, EXPECTED.get("saved_by_library.safetensors"));
  }

  @Test
  void writesTheBytesTheSafetensorsLibraryWritesForTheSameTensors() throws IOException {
    Path library = fixture("saved_by_library.safetensors");
    SafeTensors.Contents contents = SafeTensors.read(library);
    Path file = temp.resolve("again.safetensors");

    SafeTensors.write(file, contents.tensors(), contents.metadata());

    assertThat(Files.readAllBytes(file)).isEqualTo(Files.readAllBytes(library));
  }

  @Test
  void readsAShardedCheckpointInTheOrderOfItsIndex() throws IOException {
    SafeTensors.Contents contents = SafeTensors.readCheckpoint(fixture("sharded"));

    assertMatchesExpected(contents, EXPECTED.get("sharded"));
    assertThat(contents.tensors().keySet())
        .containsExactly("lm_head.weight", "model.embed_tokens.weight", "model.layers.0.weight");
  }

  @Test
  void readsAnUnshardedCheckpoint() throws IOException {
    Files.copy(fixture("dtypes.safetensors"), temp.resolve(SafeTensors.SINGLE_FILE));

    SafeTensors.Contents contents = SafeTensors.readCheckpoint(temp);

    assertMatchesExpected(contents, EXPECTED.get("dtypes.safetensors"));
  }

  @Test
  void writeThenReadGivesEveryTensorAndTheMetadataBack() throws IOException {
    Map<String, HfTensor> tensors = new LinkedHashMap<>();
    tensors.put(
        "z.first",
        new HfTensor("z.first", List.of(2, 3), new float[] {1, -2, 3.5f, 0, -0f, Float.NaN}));
    tensors.put("scalar", new HfTensor("scalar", List.of(), new float[] {Float.MIN_VALUE}));
    tensors.put("empty", new HfTensor("empty", List.of(0, 4), new float[0]));
    tensors.put(
        "inf",
        new HfTensor(
            "inf", List.of(1, 1, 2), new float[] {Float.POSITIVE_INFINITY, Float.MAX_VALUE}));
    float[] large = new float[700_000]; // more than one chunk of the writer's and reader's buffer
    for (int i = 0; i < large.length; i++) {
      large[i] = i * 0.25f - 1000;
    }
    tensors.put("large", new HfTensor("large", List.of(700, 1000), large));
    Map<String, String> metadata = Map.of("format", "pt");
    Path file = temp.resolve("model.safetensors");

    SafeTensors.write(file, tensors, metadata);
    SafeTensors.Contents contents = SafeTensors.read(file);

    assertThat(contents.tensors()).containsExactlyEntriesOf(tensors);
    assertThat(contents.metadata()).isEqualTo(metadata);
    long headerLength =
        ByteBuffer.wrap(Files.readAllBytes(file)).order(ByteOrder.LITTLE_ENDIAN).getLong();
    assertThat(headerLength % 8).isZero();
    assertThat(Files.size(file)).isEqualTo(8 + headerLength + 4L * (6 + 1 + 0 + 2 + 700_000));
  }

  @Test
  void writeReplacesAnExistingFileAndLeavesNoTemporaryFileBehind() throws IOException {
    Path file = temp.resolve("model.safetensors");
    Files.writeString(file, "old");
    Map<String, HfTensor> tensors = Map.of("w", new HfTensor("w", List.of(1), new float[] {7}));

    SafeTensors.write(file, tensors, Map.of());

    assertThat(SafeTensors.read(file).tensors()).isEqualTo(tensors);
    assertThat(SafeTensors.read(file).metadata()).isEmpty();
    try (Stream<Path> files = Files.list(temp)) {
      assertThat(files).containsExactly(file);
    }
  }

  private static void assertMatchesExpected(SafeTensors.Contents contents, JsonNode expected) {
    List<String> names = new ArrayList<>();
    for (JsonNode tensor : expected.get("tensors")) {
      String name = tensor.get("name").asText();
      names.add(name);
      HfTensor actual = contents.tensors().get(name);
      List<Integer> shape = new ArrayList<>();
      tensor.get("shape").forEach(d -> shape.add(d.asInt()));
      assertThat(actual.shape()).as(name).isEqualTo(shape);
      List<Long> bits = new ArrayList<>();
      for (float value : actual.values()) {
        bits.add(Integer.toUnsignedLong(Float.floatToIntBits(value)));
      }
      List<Long> expectedBits = new ArrayList<>();
      tensor.get("bits").forEach(b -> expectedBits.add(b.asLong()));
      assertThat(bits).as(name).isEqualTo(expectedBits);
    }
    assertThat(contents.tensors().keySet()).containsExactlyElementsOf(names);
    Map<String, String> metadata = new LinkedHashMap<>();
    expected
        .get("metadata")
        .properties()
        .forEach(f -> metadata.put(f.getKey(), f.getValue().asText()));
    assertThat(contents.metadata()).isEqualTo(metadata);
  }

  static Path fixture(String name) {
    try {
      return Path.of(SafeTensorsTest.class.getResource("/hf/safetensors/" + name).toURI());
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  private static JsonNode expectedJson() {
    try {
      return new ObjectMapper().readTree(fixture("expected.json").toFile());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
