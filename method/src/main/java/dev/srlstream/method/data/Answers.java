package dev.srlstream.method.data;

/** Finding final answers in solution text. */
final class Answers {
  private static final String BOXED = "\\boxed{";

  private Answers() {}

  /**
   * The content of the last {@code \boxed{...}} in the text, braces balanced (so {@code
   * \boxed{\frac{1}{2}}} gives {@code \frac{1}{2}}), trimmed; null when there is none or the last
   * one is not closed.
   */
  static String lastBoxed(String text) {
    int start = text.lastIndexOf(BOXED);
    if (start < 0) {
      return null;
    }
    int depth = 1;
    for (int i = start + BOXED.length(); i < text.length(); i++) {
      char c = text.charAt(i);
      if (c == '{') {
        depth++;
      } else if (c == '}' && --depth == 0) {
        return text.substring(start + BOXED.length(), i).strip();
      }
    }
    return null;
  }
}
