package dev.srlstream.method.data;

/** Small text helpers for error messages. */
final class Texts {
  private static final int MAX_QUOTED = 60;

  private Texts() {}

  /** The value in double quotes, shortened, for messages; {@code null} for null. */
  static String quote(String value) {
    if (value == null) {
      return "null";
    }
    String shown =
        value.length() <= MAX_QUOTED ? value : value.substring(0, MAX_QUOTED - 3) + "...";
    return '"' + shown.replace("\n", "\\n") + '"';
  }

  /** Requires a non-blank string, naming the field in the error. */
  static String requireNonBlank(String value, String what) {
    if (value == null || value.isBlank()) {
      throw new IllegalArgumentException(
          what + " must be a non-blank string, but was " + quote(value));
    }
    return value;
  }
}
