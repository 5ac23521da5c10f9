package dev.srlstream.method.data;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;

/** Reads expert solutions from a file in one input format. */
public interface SolutionReader {

  /**
   * Reads a UTF-8 file. The file is named in messages as {@code path.toString()}; solutions without
   * a source of their own get the file name as their source.
   *
   * @throws MalformedDataException when the file is not in the format, naming file, line and field
   * @throws IOException when the file cannot be read
   */
  default ReadResult read(Path path) throws IOException {
    try (InputStream in = Files.newInputStream(path)) {
      return read(in, path.toString(), String.valueOf(path.getFileName()));
    }
  }

  /**
   * Reads UTF-8 JSON lines from a stream.
   *
   * @param file the name of the input in messages
   * @param defaultSource the source of solutions that do not name one
   */
  ReadResult read(InputStream in, String file, String defaultSource) throws IOException;
}
