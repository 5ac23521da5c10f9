package dev.srlstream.policy;

import dev.srlstream.method.format.ResponseFormat;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;

/**
 * A byte-level tokenizer: UTF-8 bytes, plus special tokens and single tokens for the response
 * format's tags.
 *
 * <p><b>Why bytes and not characters.</b> A byte vocabulary is closed: every Unicode string, emoji
 * and other non-BMP code points included, encodes with the same 256 byte tokens, so nothing is ever
 * out of vocabulary and the vocabulary never depends on a corpus (weights stay valid for any data).
 * A character vocabulary would be about as small on the bundled arithmetic data but would need a
 * corpus scan, an unknown token and a fallback for everything else. The price is length: {@code ×}
 * and {@code ÷} take two tokens and {@code →} and {@code −} three, which costs about 10% on the
 * arithmetic prompts; the context length of {@link ModelConfig#DEFAULT} accounts for it.
 *
 * <p><b>Vocabulary</b> ({@value #VOCAB_SIZE} ids): 0 PAD, 1 BOS, 2 EOS, 3 {@code <think>}, 4 {@code
 * </think>}, 5 {@code <solution>}, 6 {@code </solution>}, then byte {@code b} is id {@code 7 + b}.
 * The four tags are always encoded as their single token (the model writes the format in one step
 * each), wherever they occur in the text; decoding either form gives the same text.
 *
 * <p>Strings with an unpaired surrogate are not well-formed Unicode: such a surrogate encodes as
 * U+FFFD. Thread-safe and stateless.
 */
public final class ByteTokenizer implements Tokenizer {

  /** The {@link #id()} of this tokenizer, written into weights headers. */
  public static final String ID = "byte-v1";

  public static final int PAD = 0;
  public static final int BOS = 1;
  public static final int EOS = 2;
  public static final int THINK_OPEN = 3;
  public static final int THINK_CLOSE = 4;
  public static final int SOLUTION_OPEN = 5;
  public static final int SOLUTION_CLOSE = 6;

  /** The id of byte 0; byte {@code b} is {@code FIRST_BYTE + b}. */
  public static final int FIRST_BYTE = 7;

  public static final int VOCAB_SIZE = FIRST_BYTE + 256;

  /** The one instance: the tokenizer has no state. */
  public static final ByteTokenizer INSTANCE = new ByteTokenizer();

  /** The tag texts, indexed by {@code id - THINK_OPEN}. */
  private static final List<String> TAGS =
      List.of(
          ResponseFormat.THINK_OPEN,
          ResponseFormat.THINK_CLOSE,
          ResponseFormat.SOLUTION_OPEN,
          ResponseFormat.SOLUTION_CLOSE);

  private static final byte[] REPLACEMENT_UTF8 = "\uFFFD".getBytes(StandardCharsets.UTF_8);

  private ByteTokenizer() {}

  @Override
  public String id() {
    return ID;
  }

  @Override
  public int vocabSize() {
    return VOCAB_SIZE;
  }

  @Override
  public int pad() {
    return PAD;
  }

  @Override
  public int bos() {
    return BOS;
  }

  @Override
  public int eos() {
    return EOS;
  }

  /** The token of tag text such as {@code "<think>"}. */
  public static int tagToken(String tag) {
    int index = TAGS.indexOf(tag);
    if (index < 0) {
      throw new IllegalArgumentException("tag must be one of " + TAGS + ", but was '" + tag + "'");
    }
    return THINK_OPEN + index;
  }

  @Override
  public int[] encode(String text) {
    int[] ids = new int[text.length() * 3 + 1];
    int count = 0;
    int i = 0;
    while (i < text.length()) {
      int tag = text.charAt(i) == '<' ? tagAt(text, i) : -1;
      if (tag >= 0) {
        ids[count++] = THINK_OPEN + tag;
        i += TAGS.get(tag).length();
        continue;
      }
      int codePoint = text.codePointAt(i);
      i += Character.charCount(codePoint);
      count = appendUtf8(codePoint, ids, count);
    }
    return Arrays.copyOf(ids, count);
  }

  private static int tagAt(String text, int index) {
    for (int t = 0; t < TAGS.size(); t++) {
      if (text.startsWith(TAGS.get(t), index)) {
        return t;
      }
    }
    return -1;
  }

  /** Appends the UTF-8 bytes of one code point; a lone surrogate is written as U+FFFD. */
  private static int appendUtf8(int codePoint, int[] ids, int count) {
    if (codePoint < 0x80) {
      ids[count++] = FIRST_BYTE + codePoint;
    } else if (codePoint < 0x800) {
      ids[count++] = FIRST_BYTE + (0xC0 | (codePoint >> 6));
      ids[count++] = FIRST_BYTE + (0x80 | (codePoint & 0x3F));
    } else if (codePoint >= Character.MIN_SURROGATE && codePoint <= Character.MAX_SURROGATE) {
      for (byte b : REPLACEMENT_UTF8) {
        ids[count++] = FIRST_BYTE + (b & 0xFF);
      }
    } else if (codePoint < 0x10000) {
      ids[count++] = FIRST_BYTE + (0xE0 | (codePoint >> 12));
      ids[count++] = FIRST_BYTE + (0x80 | ((codePoint >> 6) & 0x3F));
      ids[count++] = FIRST_BYTE + (0x80 | (codePoint & 0x3F));
    } else {
      ids[count++] = FIRST_BYTE + (0xF0 | (codePoint >> 18));
      ids[count++] = FIRST_BYTE + (0x80 | ((codePoint >> 12) & 0x3F));
      ids[count++] = FIRST_BYTE + (0x80 | ((codePoint >> 6) & 0x3F));
      ids[count++] = FIRST_BYTE + (0x80 | (codePoint & 0x3F));
    }
    return count;
  }

  @Override
  public int utf8Length(int id) {
    if (id >= FIRST_BYTE && id < VOCAB_SIZE) {
      return 1;
    }
    if (id >= THINK_OPEN && id <= SOLUTION_CLOSE) {
      return TAGS.get(id - THINK_OPEN).length(); // ASCII
    }
    return id >= PAD && id <= EOS ? 0 : REPLACEMENT_UTF8.length;
  }

  @Override
  public String decode(int[] ids) {
    StringBuilder text = new StringBuilder(ids.length);
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    for (int id : ids) {
      if (id >= FIRST_BYTE && id < VOCAB_SIZE) {
        bytes.write(id - FIRST_BYTE);
        continue;
      }
      // Bytes end at any non-byte token: a multi-byte character cut by a tag is invalid.
      flush(bytes, text);
      if (id >= THINK_OPEN && id <= SOLUTION_CLOSE) {
        text.append(TAGS.get(id - THINK_OPEN));
      } else if (id < PAD || id >= VOCAB_SIZE) {
        text.append('\uFFFD');
      }
      // PAD, BOS and EOS have no text.
    }
    flush(bytes, text);
    return text.toString();
  }

  /** Decodes pending bytes; the JDK's UTF-8 decoder replaces malformed input with U+FFFD. */
  private static void flush(ByteArrayOutputStream bytes, StringBuilder text) {
    if (bytes.size() > 0) {
      text.append(new String(bytes.toByteArray(), StandardCharsets.UTF_8));
      bytes.reset();
    }
  }

  @Override
  public String toString() {
    return ID;
  }
}
