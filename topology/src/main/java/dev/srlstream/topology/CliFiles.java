package dev.srlstream.topology;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * Checks on the files a command is given, made before any work so that a wrong path fails at once
 * with a message naming the option and the path, instead of an exception naming only the path.
 */
final class CliFiles {

  private CliFiles() {}

  /**
   * Writes {@code bytes} to {@code file} through a temporary sibling and an atomic rename, so a
   * reader (or a crash) never sees a half-written file.
   */
  static void writeAtomically(Path file, byte[] bytes) throws IOException {
    Path temp = file.resolveSibling("." + file.getFileName() + ".tmp");
    Files.write(temp, bytes);
    Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }

  /** Requires an existing, readable regular file, and returns its path. */
  static Path requireInputFile(Path path, String option) {
    if (!Files.exists(path)) {
      throw new IllegalArgumentException(
          option + " must be a readable file, but " + path + " does not exist");
    }
    if (!Files.isRegularFile(path)) {
      throw new IllegalArgumentException(
          option + " must be a readable file, but " + path + " is not a regular file");
    }
    if (!Files.isReadable(path)) {
      throw new IllegalArgumentException(
          option + " must be a readable file, but " + path + " is not readable");
    }
    return path;
  }

  /**
   * Requires that a file can be written at {@code path}: its directory exists and it is no
   * directory.
   */
  static void requireOutputFile(Path path, String option) {
    Path parent = path.toAbsolutePath().getParent();
    if (parent != null && !Files.isDirectory(parent)) {
      throw new IllegalArgumentException(
          option + " must be in an existing directory, but " + parent + " is not one");
    }
    if (Files.isDirectory(path)) {
      throw new IllegalArgumentException(
          option + " must name a file, but " + path + " is a directory");
    }
  }

  /** Refuses to replace an existing file unless {@code --force} was given. */
  static void requireAbsentUnlessForced(Path path, boolean force) {
    if (!force && Files.exists(path)) {
      throw new IllegalArgumentException(path + " exists; use --force to replace it");
    }
  }

  /** Requires that the output is not the input: writing it would destroy what is being read. */
  static void requireDistinct(Path input, String inputOption, Path output, String outputOption)
      throws IOException {
    if (Files.exists(output) && Files.isSameFile(input, output)) {
      throw new IllegalArgumentException(
          outputOption + " must not be the " + inputOption + " file, but both are " + output);
    }
  }
}
