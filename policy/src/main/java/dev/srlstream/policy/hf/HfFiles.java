package dev.srlstream.policy.hf;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.MissingNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/** Reading the small JSON files of a Hugging Face model directory, with errors naming the file. */
final class HfFiles {

  static final ObjectMapper JSON = new ObjectMapper();

  private HfFiles() {}

  /**
   * The bytes of a file the directory must have.
   *
   * @param what what the file is, for the error: "the model's Hugging Face tokenizer"
   * @throws IllegalArgumentException naming the file and what it is, if it is missing
   */
  static byte[] read(Path file, String what) throws IOException {
    try {
      return Files.readAllBytes(file);
    } catch (NoSuchFileException e) {
      throw new IllegalArgumentException(
          file.getParent() + " must hold " + file.getFileName() + " (" + what + "), but has none");
    }
  }

  /** {@code bytes} as a JSON object, or an error naming {@code file}. */
  static JsonNode json(byte[] bytes, Path file) {
    JsonNode node;
    try {
      node = JSON.readTree(bytes);
    } catch (IOException e) {
      String detail =
          e instanceof JsonProcessingException json ? json.getOriginalMessage() : e.getMessage();
      throw new IllegalArgumentException(file + " must be JSON, but is not: " + detail, e);
    }
    if (node == null || !node.isObject()) {
      throw new IllegalArgumentException(file + " must be a JSON object, but is not");
    }
    return node;
  }

  /** A JSON object file the directory may have, or a missing node if it has none. */
  static JsonNode optionalJson(Path file) throws IOException {
    if (!Files.exists(file)) {
      return MissingNode.getInstance();
    }
    return json(Files.readAllBytes(file), file);
  }
}
