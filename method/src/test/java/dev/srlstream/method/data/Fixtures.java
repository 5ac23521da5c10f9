package dev.srlstream.method.data;

import java.io.IOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** Test data: the fixture files under {@code src/test/resources/data}, and files written ad hoc. */
final class Fixtures {
  private Fixtures() {}

  static Path resource(String name) {
    URL url = Fixtures.class.getResource("/data/" + name);
    if (url == null) {
      throw new IllegalStateException("no test resource data/" + name);
    }
    try {
      return Path.of(url.toURI());
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Writes lines (joined with newlines, with a final newline) to a file in dir. */
  static Path write(Path dir, String name, String... lines) throws IOException {
    Path file = dir.resolve(name);
    Files.writeString(
        file, lines.length == 0 ? "" : String.join("\n", lines) + "\n", StandardCharsets.UTF_8);
    return file;
  }
}
