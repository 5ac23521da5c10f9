package dev.srlstream.method.reward;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * Which characters of a response's action the expert step shares: the matching blocks that the
 * similarity reward counts, as UTF-8 byte offsets of the whole response text. Byte offsets, not
 * characters, because a learner maps them to its tokens by the bytes each token decodes to, and
 * that mapping needs no knowledge of how the scorer split the text.
 *
 * @param textBytes the UTF-8 length of the response text
 * @param actionStart the action's first byte
 * @param actionEnd one past the action's last byte
 * @param matched flattened {@code [start, end)} byte ranges of matched action characters,
 *     increasing, disjoint and within the action
 */
public record ActionAlignment(int textBytes, int actionStart, int actionEnd, int[] matched) {

  public ActionAlignment {
    Objects.requireNonNull(matched, "matched");
    if (actionStart < 0 || actionStart > actionEnd || actionEnd > textBytes) {
      throw new IllegalArgumentException(
          "the action must lie within the text, but was ["
              + actionStart
              + ", "
              + actionEnd
              + ") of "
              + textBytes
              + " bytes");
    }
    if (matched.length % 2 != 0) {
      throw new IllegalArgumentException(
          "matched must hold [start, end) pairs, but had " + matched.length + " ints");
    }
    int previousEnd = actionStart;
    for (int i = 0; i < matched.length; i += 2) {
      if (matched[i] < previousEnd || matched[i] >= matched[i + 1] || matched[i + 1] > actionEnd) {
        throw new IllegalArgumentException(
            "matched ranges must be non-empty, increasing and within the action, but were "
                + Arrays.toString(matched));
      }
      previousEnd = matched[i + 1];
    }
    matched = matched.clone();
  }

  /**
   * The alignment of an action found at code unit {@code actionOffset} of {@code response}, from
   * the matching blocks of the action's code points against the expert step's.
   */
  static ActionAlignment of(
      String response,
      int actionOffset,
      int[] actionCodePoints,
      List<SequenceSimilarity.MatchingBlock> blocks) {
    // byteAt[i] is the byte offset of the action's code point i; byteAt[n] is its end.
    int[] byteAt = new int[actionCodePoints.length + 1];
    byteAt[0] = utf8Length(response.substring(0, actionOffset));
    for (int i = 0; i < actionCodePoints.length; i++) {
      byteAt[i + 1] = byteAt[i] + utf8Length(actionCodePoints[i]);
    }
    int[] ranges =
        blocks.stream()
            .filter(block -> block.size() > 0)
            .flatMapToInt(
                block ->
                    java.util.stream.IntStream.of(
                        byteAt[block.a()], byteAt[block.a() + block.size()]))
            .toArray();
    return new ActionAlignment(
        utf8Length(response), byteAt[0], byteAt[actionCodePoints.length], ranges);
  }

  @Override
  public int[] matched() {
    return matched.clone();
  }

  /** The number of UTF-8 bytes of the matched ranges. */
  public int matchedBytes() {
    int bytes = 0;
    for (int i = 0; i < matched.length; i += 2) {
      bytes += matched[i + 1] - matched[i];
    }
    return bytes;
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof ActionAlignment that
        && textBytes == that.textBytes
        && actionStart == that.actionStart
        && actionEnd == that.actionEnd
        && Arrays.equals(matched, that.matched);
  }

  @Override
  public int hashCode() {
    return Objects.hash(textBytes, actionStart, actionEnd, Arrays.hashCode(matched));
  }

  @Override
  public String toString() {
    return "ActionAlignment[textBytes="
        + textBytes
        + ", action=["
        + actionStart
        + ", "
        + actionEnd
        + "), matched="
        + Arrays.toString(matched)
        + "]";
  }

  private static int utf8Length(String s) {
    return s.getBytes(StandardCharsets.UTF_8).length;
  }

  /**
   * The UTF-8 length of one code point as {@link String#getBytes} encodes it: an unpaired surrogate
   * becomes one replacement byte ('?').
   */
  private static int utf8Length(int codePoint) {
    if (codePoint < 0x80) {
      return 1;
    }
    if (codePoint < 0x800) {
      return 2;
    }
    if (Character.isSurrogate((char) codePoint) && codePoint < 0x10000) {
      return 1;
    }
    return codePoint < 0x10000 ? 3 : 4;
  }
}
