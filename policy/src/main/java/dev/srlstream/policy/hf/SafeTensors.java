package dev.srlstream.policy.hf;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.srlstream.policy.InvalidWeightsException;
import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads and writes the Hugging Face safetensors format, parsed here without a library.
 *
 * <p>Layout: 8 bytes little-endian unsigned header length N; N bytes of UTF-8 JSON mapping each
 * tensor name to {@code {"dtype": "F32", "shape": [2, 3], "data_offsets": [begin, end]}} (offsets
 * into the bytes after the header), plus an optional {@code "__metadata__"} object of strings; then
 * the tensor bytes, little-endian and row-major. A checkpoint directory holds either {@value
 * #SINGLE_FILE} or {@value #INDEX_FILE}, whose {@code "weight_map"} names each tensor's shard file.
 *
 * <p>Reading accepts F32, F16, BF16 and F64 (narrowed), and gives every tensor as float32. It
 * trusts nothing: a file that does not describe itself consistently fails with an {@link
 * InvalidWeightsException} naming the file, the tensor where there is one, and what was expected.
 * Tensors may sit in the data in any order, even overlapping; each must span exactly its shape's
 * bytes. Writing writes F32.
 */
public final class SafeTensors {

  /** The file of an unsharded checkpoint. */
  public static final String SINGLE_FILE = "model.safetensors";

  /** The index of a sharded checkpoint. */
  public static final String INDEX_FILE = "model.safetensors.index.json";

  private static final String METADATA = "__metadata__";
  // The reference implementation refuses larger headers too; it also bounds what we allocate.
  private static final int MAX_HEADER_BYTES = 100_000_000;
  // Tensors are read and written through one buffer of this size, so a file is never held twice.
  private static final int CHUNK_BYTES = 1 << 20;
  private static final ObjectMapper JSON =
      new ObjectMapper()
          .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
          .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);

  private SafeTensors() {}

  /**
   * What a file or checkpoint holds.
   *
   * @param tensors by name, in the order of the header (of the index's weight map for a sharded
   *     checkpoint); unmodifiable
   * @param metadata the file's {@code __metadata__} (the index's {@code metadata}, values as text,
   *     for a sharded checkpoint); empty if none; unmodifiable
   */
  public record Contents(Map<String, HfTensor> tensors, Map<String, String> metadata) {
    public Contents {
      tensors = Collections.unmodifiableMap(new LinkedHashMap<>(tensors));
      metadata = Collections.unmodifiableMap(new LinkedHashMap<>(metadata));
    }
  }

  private enum Dtype {
    F64(8),
    F32(4),
    F16(2),
    BF16(2);

    final int bytes;

    Dtype(int bytes) {
      this.bytes = bytes;
    }
  }

  private record Entry(String name, Dtype dtype, List<Integer> shape, int count, long begin) {}

  /**
   * Reads every tensor of one safetensors file.
   *
   * @throws InvalidWeightsException if the file is not valid safetensors of a supported dtype
   * @throws IOException if it cannot be read
   */
  public static Contents read(Path file) throws IOException {
    try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
      long size = channel.size();
      if (size < 8) {
        throw invalid(file, "must be at least 8 bytes long, but was %d bytes", size);
      }
      ByteBuffer prefix = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
      readFully(file, channel, prefix, 0);
      long headerLength = prefix.getLong(0); // an unsigned length above 2^63 reads as negative
      if (headerLength < 0 || headerLength > Math.min(size - 8, MAX_HEADER_BYTES)) {
        throw invalid(
            file,
            "header length must be at most the %d bytes after it (and %d), but was %s",
            size - 8,
            MAX_HEADER_BYTES,
            Long.toUnsignedString(headerLength));
      }
      ByteBuffer header = ByteBuffer.allocate((int) headerLength);
      readFully(file, channel, header, 8);
      long dataStart = 8 + headerLength;
      Map<String, String> metadata = new LinkedHashMap<>();
      List<Entry> entries = parseHeader(file, header.array(), size - dataStart, metadata);

      // Positional reads through one small buffer rather than a memory map: a mapped buffer is
      // limited to 2 GiB and stays mapped until collected, and the floats are the only copy kept.
      ByteBuffer chunk = ByteBuffer.allocate(CHUNK_BYTES).order(ByteOrder.LITTLE_ENDIAN);
      Map<String, HfTensor> tensors = new LinkedHashMap<>();
      for (Entry entry : entries) {
        float[] values = new float[entry.count()];
        int perChunk = CHUNK_BYTES / entry.dtype().bytes;
        for (int done = 0; done < values.length; done += perChunk) {
          int n = Math.min(perChunk, values.length - done);
          chunk.clear().limit(n * entry.dtype().bytes);
          readFully(
              file, channel, chunk, dataStart + entry.begin() + (long) done * entry.dtype().bytes);
          chunk.flip();
          decode(entry.dtype(), chunk, values, done, n);
        }
        tensors.put(entry.name(), new HfTensor(entry.name(), entry.shape(), values));
      }
      return new Contents(tensors, metadata);
    }
  }

  private static List<Entry> parseHeader(
      Path file, byte[] header, long dataLength, Map<String, String> metadata) {
    JsonNode root = parseObject(file, "header", header);
    List<Entry> entries = new ArrayList<>();
    for (Map.Entry<String, JsonNode> field : root.properties()) {
      String name = field.getKey();
      JsonNode node = field.getValue();
      if (name.equals(METADATA)) {
        metadata.putAll(stringMap(file, METADATA, node));
        continue;
      }
      String where = "tensor '" + name + "'";
      if (!node.isObject()) {
        throw invalid(file, "%s must be an object, but was %s", where, describe(node));
      }
      JsonNode dtypeNode = required(file, where, node, "dtype");
      Dtype dtype =
          Arrays.stream(Dtype.values())
              .filter(d -> d.name().equals(dtypeNode.textValue())) // null if not a string
              .findFirst()
              .orElse(null);
      if (dtype == null) {
        throw invalid(
            file,
            "%s dtype must be one of %s, but was %s",
            where,
            Arrays.toString(Dtype.values()),
            dtypeNode);
      }
      JsonNode shapeNode = required(file, where, node, "shape");
      List<Integer> shape = new ArrayList<>();
      // Anything but an int becomes -1, to fail with the negative dimensions.
      shapeNode.forEach(
          d -> shape.add(d.isIntegralNumber() && d.canConvertToInt() ? d.intValue() : -1));
      if (!shapeNode.isArray() || shape.stream().anyMatch(d -> d < 0)) {
        throw invalid(
            file,
            "%s shape must be a list of integers from 0 to 2^31-1, but was %s",
            where,
            shapeNode);
      }
      JsonNode offsets = required(file, where, node, "data_offsets");
      if (!offsets.isArray()
          || offsets.size() != 2
          || !nonNegativeLong(offsets.get(0))
          || !nonNegativeLong(offsets.get(1))) {
        throw invalid(
            file, "%s data_offsets must be two non-negative integers, but was %s", where, offsets);
      }
      long begin = offsets.get(0).longValue();
      long end = offsets.get(1).longValue();
      if (end < begin || end > dataLength) {
        throw invalid(
            file,
            "%s data_offsets must satisfy begin <= end <= %d (the data's length), but were %s",
            where,
            dataLength,
            offsets);
      }
      long count;
      try {
        count = HfTensor.elementCount(name, shape);
      } catch (IllegalArgumentException e) {
        throw invalid(file, "%s", e.getMessage());
      }
      if (end - begin != count * dtype.bytes) {
        throw invalid(
            file,
            "%s data_offsets must span %d bytes (%d %s values of shape %s), but span %d",
            where,
            count * dtype.bytes,
            count,
            dtype,
            shape,
            end - begin);
      }
      entries.add(new Entry(name, dtype, shape, (int) count, begin));
    }
    return entries;
  }

  private static void decode(Dtype dtype, ByteBuffer in, float[] out, int from, int n) {
    switch (dtype) {
      case F32 -> in.asFloatBuffer().get(out, from, n);
      case F64 -> {
        for (int i = 0; i < n; i++) {
          out[from + i] = (float) in.getDouble(); // nearest float; beyond its range, infinite
        }
      }
      case F16 -> {
        for (int i = 0; i < n; i++) {
          out[from + i] = halfToFloat(in.getShort());
        }
      }
      case BF16 -> {
        for (int i = 0; i < n; i++) {
          out[from + i] = Float.intBitsToFloat(in.getShort() << 16); // the top half of a float
        }
      }
    }
  }

  /**
   * The float32 of IEEE binary16 bits: exact, as every half is a float. NaN keeps its payload.
   * (Java 17 has no {@code Float.float16ToFloat}.)
   */
  static float halfToFloat(short half) {
    int sign = (half & 0x8000) << 16;
    int exponent = (half >>> 10) & 0x1f;
    int mantissa = half & 0x3ff;
    if (exponent == 0x1f) { // infinity or NaN
      return Float.intBitsToFloat(sign | 0x7f800000 | mantissa << 13);
    }
    if (exponent == 0) { // zero or subnormal: mantissa × 2^-24, exact in float32
      float magnitude = mantissa * 0x1p-24f;
      return sign == 0 ? magnitude : -magnitude;
    }
    // Rebias the exponent from 15 to 127 and widen the mantissa from 10 to 23 bits.
    return Float.intBitsToFloat(sign | (exponent + 112) << 23 | mantissa << 13);
  }

  /**
   * Reads a checkpoint directory: {@value #SINGLE_FILE}, or {@value #INDEX_FILE} and the shards it
   * names. Every tensor the index lists must be in the shard it names and in no other, and every
   * tensor of a shard must be listed.
   *
   * @throws NoSuchFileException if {@code dir} holds neither file
   * @throws InvalidWeightsException if it holds both, a shard is missing or invalid, or the shards
   *     do not match the index
   * @throws IOException if a file cannot be read
   */
  public static Contents readCheckpoint(Path dir) throws IOException {
    Path single = dir.resolve(SINGLE_FILE);
    Path index = dir.resolve(INDEX_FILE);
    if (Files.exists(single) && Files.exists(index)) {
      throw new InvalidWeightsException(
          dir + " must hold either " + SINGLE_FILE + " or " + INDEX_FILE + ", but holds both");
    }
    if (Files.exists(single)) {
      return read(single);
    }
    if (!Files.exists(index)) {
      throw new NoSuchFileException(
          dir.toString(), null, "holds neither " + SINGLE_FILE + " nor " + INDEX_FILE);
    }
    JsonNode root = parseObject(index, "index", Files.readAllBytes(index));
    Map<String, String> shardOf = stringMap(index, "weight_map", root.get("weight_map"));
    Map<String, HfTensor> found = new LinkedHashMap<>();
    Path base = dir.toAbsolutePath().normalize();
    for (String shard : shardOf.values().stream().distinct().toList()) {
      Path path = base.resolve(shard).normalize();
      if (!base.equals(path.getParent())) {
        throw invalid(index, "weight_map must name files in its directory, but names '%s'", shard);
      }
      if (!Files.isRegularFile(path)) {
        throw invalid(index, "weight_map names shard %s, but there is no such file", shard);
      }
      for (HfTensor tensor : read(path).tensors().values()) {
        String listed = shardOf.get(tensor.name());
        if (!shard.equals(listed)) {
          throw invalid(
              index,
              "weight_map must name the shard of every tensor, but tensor '%s' is in %s and the"
                  + " map names %s",
              tensor.name(),
              shard,
              listed == null ? "no shard" : listed);
        }
        found.put(tensor.name(), tensor);
      }
    }
    Map<String, HfTensor> ordered = new LinkedHashMap<>();
    shardOf.forEach(
        (name, shard) -> {
          if (!found.containsKey(name)) {
            throw invalid(
                index, "weight_map puts tensor '%s' in %s, but that shard lacks it", name, shard);
          }
          ordered.put(name, found.get(name));
        });
    Map<String, String> metadata = new LinkedHashMap<>(); // e.g. {"total_size": "3096"}
    root.path("metadata").properties().forEach(f -> metadata.put(f.getKey(), text(f.getValue())));
    return new Contents(ordered, metadata);
  }

  /**
   * Writes tensors as one F32 safetensors file, in the map's order with contiguous offsets, the
   * header padded with spaces to a multiple of 8 bytes as the Python library pads it. The file is
   * written beside {@code file} and moved into place, so readers never see half a file.
   *
   * @param tensors each keyed by its own name
   * @param metadata the {@code __metadata__}, e.g. {@code {"format": "pt"}}; left out if empty
   * @throws IllegalArgumentException if a key is not its tensor's name, or a name is {@value
   *     #METADATA}
   * @throws IOException if the file cannot be written
   */
  public static void write(Path file, Map<String, HfTensor> tensors, Map<String, String> metadata)
      throws IOException {
    ObjectNode header = JSON.createObjectNode();
    if (!metadata.isEmpty()) {
      metadata.forEach(header.putObject(METADATA)::put);
    }
    long offset = 0;
    for (Map.Entry<String, HfTensor> entry : tensors.entrySet()) {
      HfTensor tensor = entry.getValue();
      if (!entry.getKey().equals(tensor.name()) || tensor.name().equals(METADATA)) {
        throw new IllegalArgumentException(
            "tensors must be keyed by their names, none '%s', but key '%s' holds tensor '%s'"
                .formatted(METADATA, entry.getKey(), tensor.name()));
      }
      ObjectNode node = header.putObject(tensor.name());
      node.put("dtype", Dtype.F32.name());
      tensor.shape().forEach(node.putArray("shape")::add);
      long end = offset + (long) tensor.size() * Float.BYTES;
      node.putArray("data_offsets").add(offset).add(end);
      offset = end;
    }
    byte[] json = JSON.writeValueAsBytes(header);
    byte[] padded = Arrays.copyOf(json, (json.length + 7) / 8 * 8);
    Arrays.fill(padded, json.length, padded.length, (byte) ' ');

    Path absolute = file.toAbsolutePath();
    Path temp = Files.createTempFile(absolute.getParent(), "." + absolute.getFileName(), ".tmp");
    try {
      try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.WRITE)) {
        ByteBuffer chunk = ByteBuffer.allocate(CHUNK_BYTES).order(ByteOrder.LITTLE_ENDIAN);
        writeFully(channel, chunk.putLong(padded.length).flip());
        writeFully(channel, ByteBuffer.wrap(padded));
        for (HfTensor tensor : tensors.values()) {
          float[] values = tensor.values();
          for (int done = 0; done < values.length; done += CHUNK_BYTES / Float.BYTES) {
            int n = Math.min(CHUNK_BYTES / Float.BYTES, values.length - done);
            chunk.clear().asFloatBuffer().put(values, done, n);
            writeFully(channel, chunk.limit(n * Float.BYTES));
          }
        }
        channel.force(true);
      }
      try {
        Files.move(
            temp, absolute, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(temp, absolute, StandardCopyOption.REPLACE_EXISTING);
      }
    } finally {
      Files.deleteIfExists(temp); // gone after the move; left over only after a failure
    }
  }

  private static JsonNode parseObject(Path file, String what, byte[] json) {
    JsonNode root;
    try {
      root = JSON.readTree(json); // trailing spaces, as writers pad headers with, are not tokens
    } catch (IOException e) {
      String message =
          e instanceof JsonProcessingException p ? p.getOriginalMessage() : e.getMessage();
      throw new InvalidWeightsException(
          "%s: %s must be JSON, but %s"
              .formatted(file, what, message.lines().findFirst().orElse("")),
          e);
    }
    if (root == null || !root.isObject()) {
      throw invalid(file, "%s must be a JSON object, but was %s", what, describe(root));
    }
    return root;
  }

  private static Map<String, String> stringMap(Path file, String what, JsonNode node) {
    boolean strings = node != null && node.isObject();
    if (strings) {
      for (JsonNode value : node) { // an object's values
        strings &= value.isTextual();
      }
    }
    if (!strings) {
      throw invalid(file, "%s must be an object of strings, but was %s", what, describe(node));
    }
    Map<String, String> map = new LinkedHashMap<>();
    node.properties().forEach(f -> map.put(f.getKey(), f.getValue().textValue()));
    return map;
  }

  private static JsonNode required(Path file, String where, JsonNode node, String field) {
    JsonNode value = node.get(field);
    if (value == null || value.isNull()) {
      throw invalid(file, "%s must have '%s', but had none", where, field);
    }
    return value;
  }

  private static boolean nonNegativeLong(JsonNode node) {
    return node.isIntegralNumber() && node.canConvertToLong() && node.longValue() >= 0;
  }

  private static String describe(JsonNode node) {
    if (node == null) {
      return "absent";
    }
    if (node.isMissingNode()) {
      return "empty"; // what Jackson reads from no JSON at all
    }
    String text = node.toString();
    return text.length() <= 80 ? text : text.substring(0, 77) + "...";
  }

  private static String text(JsonNode node) {
    return node.isValueNode() ? node.asText() : node.toString();
  }

  /** "FILE: " and the formatted message. */
  private static InvalidWeightsException invalid(Path file, String format, Object... args) {
    return new InvalidWeightsException(file + ": " + format.formatted(args));
  }

  private static void readFully(Path file, FileChannel channel, ByteBuffer into, long position)
      throws IOException {
    while (into.hasRemaining()) {
      int read = channel.read(into, position);
      if (read < 0) {
        throw new EOFException(file + " ended at byte " + position + " while being read");
      }
      position += read;
    }
  }

  private static void writeFully(FileChannel channel, ByteBuffer from) throws IOException {
    while (from.hasRemaining()) {
      channel.write(from);
    }
  }
}
