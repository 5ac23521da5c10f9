package dev.srlstream.policy.hf;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.srlstream.policy.InvalidWeightsException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Files and checkpoints that must be refused, each with a message naming the file and the fault.
 */
class SafeTensorsInvalidTest {

  @TempDir Path temp;

  @Test
  void aFileShorterThanTheLengthFails() throws IOException {
    Path file = temp.resolve("short.safetensors");
    Files.write(file, new byte[5]);

    assertInvalid(file, "short.safetensors: must be at least 8 bytes long, but was 5 bytes");
  }

  @Test
  void aHeaderLengthBeyondTheFileFails() throws IOException {
    Path file = bytes(1000, "{}".getBytes(StandardCharsets.UTF_8));

    assertInvalid(
        file, "header length must be at most the 2 bytes after it (and 100000000), but was 1000");
  }

  @Test
  void aHeaderLengthAbove2To63FailsAsTheUnsignedNumberItIs() throws IOException {
    Path file = bytes(-1, "{}".getBytes(StandardCharsets.UTF_8));

    assertInvalid(file, "but was 18446744073709551615");
  }

  @Test
  void aHeaderThatIsNotJsonFails() throws IOException {
    assertInvalid(
        file("{\"a\": ", new byte[0]), "header must be JSON, but Unexpected end-of-input");
  }

  @Test
  void aHeaderWithTextAfterTheObjectFails() throws IOException {
    assertInvalid(file("{} x", new byte[0]), "header must be JSON, but ");
  }

  @Test
  void aHeaderThatIsNotAnObjectFails() throws IOException {
    assertInvalid(file("[1, 2]", new byte[0]), "header must be a JSON object, but was [1,2]");
  }

  @Test
  void anEmptyHeaderFails() throws IOException {
    assertInvalid(file("", new byte[0]), "header must be a JSON object, but was empty");
  }

  @Test
  void aTensorNamedTwiceFails() throws IOException {
    String entry = "{\"dtype\": \"F32\", \"shape\": [], \"data_offsets\": [0, 4]}";
    assertInvalid(
        file("{\"w\": " + entry + ", \"w\": " + entry + "}", new byte[4]), "Duplicate field 'w'");
  }

  @ParameterizedTest
  @ValueSource(strings = {"dtype", "shape", "data_offsets"})
  void anEntryWithoutAFieldFails(String field) throws IOException {
    String without =
        Stream.of("\"dtype\": \"F32\"", "\"shape\": [1]", "\"data_offsets\": [0, 4]")
            .filter(f -> !f.startsWith("\"" + field + "\""))
            .collect(Collectors.joining(", ", "{", "}"));

    assertInvalid(
        file("{\"w\": " + without + "}", new byte[4]),
        "tensor 'w' must have '" + field + "', but had none");
  }

  @Test
  void anEntryThatIsNotAnObjectFails() throws IOException {
    assertInvalid(
        file("{\"w\": [0, 4]}", new byte[4]), "tensor 'w' must be an object, but was [0,4]");
  }

  @Test
  void offsetsBeyondTheDataFail() throws IOException {
    assertInvalid(
        file(tensor("w", "F32", "[2]", "[4, 12]"), new byte[8]),
        "tensor 'w' data_offsets must satisfy begin <= end <= 8 (the data's length), but were [4,12]");
  }

  @Test
  void offsetsEndingBeforeTheyBeginFail() throws IOException {
    assertInvalid(
        file(tensor("w", "F32", "[0]", "[8, 4]"), new byte[8]),
        "tensor 'w' data_offsets must satisfy begin <= end <= 8 (the data's length), but were [8,4]");
  }

  @Test
  void negativeOrFractionalOffsetsFail() throws IOException {
    assertInvalid(
        file(tensor("w", "F32", "[1]", "[-4, 0]"), new byte[8]),
        "tensor 'w' data_offsets must be two non-negative integers, but was [-4,0]");
    assertInvalid(
        file(tensor("w", "F32", "[1]", "[0.0, 4]"), new byte[8]),
        "tensor 'w' data_offsets must be two non-negative integers, but was [0.0,4]");
  }

  @Test
  void aByteLengthThatIsNotTheShapesFails() throws IOException {
    assertInvalid(
        file(tensor("w", "F16", "[2, 3]", "[0, 8]"), new byte[16]),
        "tensor 'w' data_offsets must span 12 bytes (6 F16 values of shape [2, 3]), but span 8");
  }

  @Test
  void overlappingTensorsOutOfOrderAreReadEachFromItsOwnOffsets() throws IOException {
    ByteBuffer data =
        ByteBuffer.allocate(12).order(ByteOrder.LITTLE_ENDIAN).putFloat(1).putFloat(2).putFloat(3);
    String header =
        "{\"b\": {\"dtype\": \"F32\", \"shape\": [2], \"data_offsets\": [4, 12]},"
            + " \"a\": {\"dtype\": \"F32\", \"shape\": [2], \"data_offsets\": [0, 8]}}";

    SafeTensors.Contents contents = SafeTensors.read(file(header, data.array()));

    assertThat(contents.tensors().keySet()).containsExactly("b", "a");
    assertThat(contents.tensors().get("b").values()).containsExactly(2, 3);
    assertThat(contents.tensors().get("a").values()).containsExactly(1, 2);
  }

  @ParameterizedTest
  @ValueSource(strings = {"I8", "I64", "BOOL", "F8_E4M3", "f32"})
  void anUnsupportedDtypeFailsNamingTheTensorAndTheDtype(String dtype) throws IOException {
    assertInvalid(
        file(tensor("w", dtype, "[1]", "[0, 1]"), new byte[8]),
        "tensor 'w' dtype must be one of [F64, F32, F16, BF16], but was \"" + dtype + "\"");
  }

  @Test
  void aNegativeDimensionFails() throws IOException {
    assertInvalid(
        file(tensor("w", "F32", "[2, -1]", "[0, 0]"), new byte[0]),
        "tensor 'w' shape must be a list of integers from 0 to 2^31-1, but was [2,-1]");
  }

  @Test
  void aShapeOfTooManyElementsFails() throws IOException {
    assertInvalid(
        file(tensor("w", "F32", "[65536, 65536]", "[0, 0]"), new byte[0]),
        "w must have at most 2147483639 elements, but shape was [65536, 65536]");
  }

  @Test
  void metadataThatIsNotStringsFails() throws IOException {
    assertInvalid(
        file("{\"__metadata__\": {\"total_size\": 4}}", new byte[0]),
        "__metadata__ must be an object of strings, but was {\"total_size\":4}");
  }

  @Test
  void aCheckpointWithNeitherFileFails() {
    assertThatThrownBy(() -> SafeTensors.readCheckpoint(temp))
        .isInstanceOf(NoSuchFileException.class)
        .hasMessageContaining("holds neither model.safetensors nor model.safetensors.index.json");
  }

  @Test
  void aCheckpointWithBothFilesFails() throws IOException {
    Path dir = sharded();
    Files.copy(SafeTensorsTest.fixture("dtypes.safetensors"), dir.resolve(SafeTensors.SINGLE_FILE));

    assertThatThrownBy(() -> SafeTensors.readCheckpoint(dir))
        .isInstanceOf(InvalidWeightsException.class)
        .hasMessageEndingWith(
            "must hold either model.safetensors or model.safetensors.index.json, but holds both");
  }

  @Test
  void aMissingShardFails() throws IOException {
    Path dir = sharded();
    Files.delete(dir.resolve("model-00002-of-00002.safetensors"));

    assertCheckpointInvalid(
        dir, "weight_map names shard model-00002-of-00002.safetensors, but there is no such file");
  }

  @Test
  void aShardOutsideTheDirectoryFails() throws IOException {
    Path dir = sharded();
    editIndex(
        dir, "\"model-00002-of-00002.safetensors\"", "\"../model-00002-of-00002.safetensors\"");

    assertCheckpointInvalid(
        dir,
        "weight_map must name files in its directory, but names '../model-00002-of-00002.safetensors'");
  }

  @Test
  void aTensorInTwoShardsFails() throws IOException {
    Path dir = sharded();
    Files.copy(
        dir.resolve("model-00001-of-00002.safetensors"),
        dir.resolve("model-00003-of-00002.safetensors"));
    editIndex(
        dir,
        "\"lm_head.weight\": \"model-00002-of-00002.safetensors\"",
        "\"lm_head.weight\": \"model-00003-of-00002.safetensors\"");

    assertCheckpointInvalid(
        dir,
        "weight_map must name the shard of every tensor, but tensor 'model.embed_tokens.weight' is in"
            + " model-00003-of-00002.safetensors and the map names model-00001-of-00002.safetensors");
  }

  @Test
  void aTensorTheIndexPutsInAShardThatLacksItFails() throws IOException {
    Path dir = sharded();
    editIndex(
        dir,
        "\"weight_map\": {",
        "\"weight_map\": {\"extra\": \"model-00002-of-00002.safetensors\", ");

    assertCheckpointInvalid(
        dir,
        "weight_map puts tensor 'extra' in model-00002-of-00002.safetensors, but that shard lacks it");
  }

  @Test
  void aShardTensorTheIndexDoesNotListFails() throws IOException {
    Path dir = sharded();
    editIndex(dir, ",\n    \"model.layers.0.weight\": \"model-00001-of-00002.safetensors\"", "");

    assertCheckpointInvalid(
        dir,
        "but tensor 'model.layers.0.weight' is in model-00001-of-00002.safetensors and the map"
            + " names no shard");
  }

  @Test
  void anIndexWithoutAWeightMapFails() throws IOException {
    Path dir = temp.resolve("checkpoint");
    Files.createDirectory(dir);
    Files.writeString(dir.resolve(SafeTensors.INDEX_FILE), "{\"metadata\": {}}");

    assertCheckpointInvalid(dir, "weight_map must be an object of strings, but was absent");
  }

  @Test
  void writingATensorUnderAnotherNameFails() {
    Map<String, HfTensor> tensors = Map.of("v", new HfTensor("w", List.of(), new float[1]));

    assertThatThrownBy(() -> SafeTensors.write(temp.resolve("x.safetensors"), tensors, Map.of()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "tensors must be keyed by their names, none '__metadata__', but key 'v' holds tensor 'w'");
  }

  @Test
  void aTensorWhoseValuesDoNotMatchItsShapeFails() {
    assertThatThrownBy(() -> new HfTensor("w", List.of(2, 2), new float[3]))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("values of w must number 4 as its shape [2, 2] implies, but were 3");
  }

  private void assertInvalid(Path file, String message) {
    assertThatThrownBy(() -> SafeTensors.read(file))
        .isInstanceOf(InvalidWeightsException.class)
        .hasMessageStartingWith(file + ": ")
        .hasMessageContaining(message);
  }

  private static void assertCheckpointInvalid(Path dir, String message) {
    assertThatThrownBy(() -> SafeTensors.readCheckpoint(dir))
        .isInstanceOf(InvalidWeightsException.class)
        .hasMessageStartingWith(dir.resolve(SafeTensors.INDEX_FILE) + ": ")
        .hasMessageContaining(message);
  }

  private static String tensor(String name, String dtype, String shape, String offsets) {
    return "{\""
        + name
        + "\": {\"dtype\": \""
        + dtype
        + "\", \"shape\": "
        + shape
        + ", \"data_offsets\": "
        + offsets
        + "}}";
  }

  private Path file(String header, byte[] data) throws IOException {
    byte[] json = header.getBytes(StandardCharsets.UTF_8);
    return bytes(json.length, concat(json, data));
  }

  private Path bytes(long headerLength, byte[] rest) throws IOException {
    Path file = Files.createTempFile(temp, "invalid", ".safetensors");
    ByteBuffer length = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(headerLength);
    Files.write(file, concat(length.array(), rest));
    return file;
  }

  private static byte[] concat(byte[] a, byte[] b) {
    byte[] both = new byte[a.length + b.length];
    System.arraycopy(a, 0, both, 0, a.length);
    System.arraycopy(b, 0, both, a.length, b.length);
    return both;
  }

  /** A copy of the sharded fixture to break. */
  private Path sharded() throws IOException {
    Path dir = temp.resolve("checkpoint");
    Files.createDirectory(dir);
    try (Stream<Path> files = Files.list(SafeTensorsTest.fixture("sharded"))) {
      for (Path file : files.toList()) {
        Files.copy(file, dir.resolve(file.getFileName().toString()));
      }
    }
    return dir;
  }

  private static void editIndex(Path dir, String from, String to) throws IOException {
    Path index = dir.resolve(SafeTensors.INDEX_FILE);
    String text = Files.readString(index);
    assertThat(text).contains(from);
    Files.writeString(index, text.replace(from, to));
  }
}
