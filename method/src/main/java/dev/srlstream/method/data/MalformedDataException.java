package dev.srlstream.method.data;

import java.io.IOException;

/**
 * A data file is not in the format its reader expects. The message names the file, the line and the
 * field: {@code data/x.jsonl line 17: field 'steps' must be a non-empty array of strings, but was
 * 3}.
 */
public final class MalformedDataException extends IOException {
  private static final long serialVersionUID = 1L;

  private final String file;
  private final int line;
  private final String field;

  /**
   * @param file the file as the user named it
   * @param line the 1-based line, or 0 when the problem is the file as a whole
   * @param field the offending field (a JSON path such as {@code steps[2].action}), or null
   * @param detail what is wrong, starting lower-case
   */
  public MalformedDataException(String file, int line, String field, String detail) {
    super(location(file, line) + ": " + detail);
    this.file = file;
    this.line = line;
    this.field = field;
  }

  /** "file line N", or just the file when the line is 0. */
  static String location(String file, int line) {
    return line > 0 ? file + " line " + line : file;
  }

  public String file() {
    return file;
  }

  /** The 1-based line, or 0 when the problem is the file as a whole. */
  public int line() {
    return line;
  }

  /** The offending field, or null. */
  public String field() {
    return field;
  }
}
