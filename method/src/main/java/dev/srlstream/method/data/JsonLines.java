package dev.srlstream.method.data;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.cfg.JsonNodeFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.regex.Pattern;

/** Reads a JSONL file record by record, with the file and line in every error. */
final class JsonLines {

  /** Strict: a duplicated key or text after the object on a line is an error, not ignored. */
  static final ObjectMapper MAPPER =
      JsonMapper.builder()
          .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
          .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
          // Keeps the written form of decimal answers ("0.50" stays "0.50").
          .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
          .disable(JsonNodeFeature.STRIP_TRAILING_BIGDECIMAL_ZEROES)
          .build();

  /** Jackson's location inside a message; we give the column ourselves. */
  private static final Pattern SOURCE_LOCATION =
      Pattern.compile("\\[Source: [^\\]]*; line: \\d+, column: (\\d+)\\]");

  /** Handles one record of the file. */
  interface RecordHandler {
    void accept(JsonRecord record) throws MalformedDataException;
  }

  private JsonLines() {}

  /**
   * Calls the handler for every non-blank line, parsed as a JSON object. Lines end at {@code \n} (a
   * {@code \r} before it is dropped) and are decoded as UTF-8 one at a time, so an undecodable byte
   * is reported on its own line.
   *
   * @param file the name of the file in messages, as the user gave it
   * @throws MalformedDataException for a line that is not a JSON object, bytes that are not UTF-8,
   *     or a file without any record
   */
  static void forEach(InputStream input, String file, RecordHandler handler) throws IOException {
    CharsetDecoder utf8 =
        StandardCharsets.UTF_8
            .newDecoder()
            .onMalformedInput(CodingErrorAction.REPORT)
            .onUnmappableCharacter(CodingErrorAction.REPORT);
    InputStream in = new BufferedInputStream(input);
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    int lineNumber = 0;
    int records = 0;
    boolean end = false;
    while (!end) {
      bytes.reset();
      int b;
      while ((b = in.read()) != -1 && b != '\n') {
        bytes.write(b);
      }
      end = b == -1;
      if (end && bytes.size() == 0) {
        break;
      }
      lineNumber++;
      String line;
      try {
        line = utf8.decode(ByteBuffer.wrap(bytes.toByteArray())).toString();
      } catch (CharacterCodingException e) {
        throw new MalformedDataException(file, lineNumber, null, "the text is not UTF-8");
      }
      if (line.endsWith("\r")) {
        line = line.substring(0, line.length() - 1);
      }
      if (lineNumber == 1 && line.startsWith("\uFEFF")) {
        line = line.substring(1); // a byte-order mark some editors write
      }
      if (line.isBlank()) {
        continue;
      }
      records++;
      handler.accept(new JsonRecord(file, lineNumber, parseObject(line, file, lineNumber)));
    }
    if (records == 0) {
      throw new MalformedDataException(
          file, 0, null, "the file holds no records (it is empty or only has blank lines)");
    }
  }

  private static ObjectNode parseObject(String line, String file, int lineNumber)
      throws MalformedDataException {
    JsonNode node;
    try {
      node = MAPPER.readTree(line);
    } catch (JsonProcessingException e) {
      String column =
          e.getLocation() == null ? "" : " (column " + e.getLocation().getColumnNr() + ")";
      throw new MalformedDataException(
          file, lineNumber, null, "not valid JSON: " + message(e) + column);
    }
    if (!(node instanceof ObjectNode object)) {
      throw new MalformedDataException(
          file,
          lineNumber,
          null,
          "a record must be a JSON object, but was " + JsonRecord.describe(node));
    }
    return object;
  }

  /** Jackson's message without its internal source description. */
  static String message(JsonProcessingException e) {
    return SOURCE_LOCATION.matcher(e.getOriginalMessage()).replaceAll("column $1");
  }
}
