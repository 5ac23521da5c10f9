package dev.srlstream.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ByteTokenizerTest {

  private final ByteTokenizer tokenizer = ByteTokenizer.INSTANCE;

  @ParameterizedTest
  @ValueSource(
      strings = {
        "",
        "Solve 2x + 3 = 11.",
        "6 × 7 = 42 → 42 ÷ 6 = 7; 3 − 5 = −2",
        "emoji 😀 and 𝔸 and 🇫🇷 flags",
        "<think>subtract 4 from 12</think>12 - 4 = 8 → 3 + 7 × 8",
        "<solution>x = 4</solution>",
        "<thin <think <> </thinker> <solution",
        "tabs\tand\nnewlines\r\n and NUL \u0000 and U+FFFD \uFFFD",
        "combining e\u0301 and CJK 漢字"
      })
  void textRoundTrips(String text) {
    assertThat(tokenizer.decode(tokenizer.encode(text))).isEqualTo(text);
  }

  @Test
  void randomUnicodeRoundTrips() {
    Random random = new Random(1);
    for (int n = 0; n < 2000; n++) {
      StringBuilder text = new StringBuilder();
      int length = random.nextInt(20);
      for (int i = 0; i < length; i++) {
        int codePoint;
        do {
          codePoint = random.nextInt(4) == 0 ? random.nextInt(0x110000) : random.nextInt(0x3000);
        } while (codePoint >= Character.MIN_SURROGATE && codePoint <= Character.MAX_SURROGATE);
        text.appendCodePoint(codePoint);
        if (random.nextInt(10) == 0) {
          text.append(random.nextBoolean() ? "<think>" : "</solution>");
        }
      }
      String s = text.toString();
      assertThat(tokenizer.decode(tokenizer.encode(s))).as("round trip of %s", s).isEqualTo(s);
    }
  }

  @Test
  void bytesAreTheUtf8Bytes() {
    int b = ByteTokenizer.FIRST_BYTE;
    assertThat(tokenizer.encode("a×→😀"))
        .containsExactly(
            b + 0x61, b + 0xC3, b + 0x97, b + 0xE2, b + 0x86, b + 0x92, b + 0xF0, b + 0x9F,
            b + 0x98, b + 0x80);
  }

  @Test
  void formatTagsAreSingleTokens() {
    int b = ByteTokenizer.FIRST_BYTE;
    assertThat(tokenizer.encode("<think>hm</think>x<solution>y</solution>"))
        .containsExactly(
            ByteTokenizer.THINK_OPEN,
            b + 'h',
            b + 'm',
            ByteTokenizer.THINK_CLOSE,
            b + 'x',
            ByteTokenizer.SOLUTION_OPEN,
            b + 'y',
            ByteTokenizer.SOLUTION_CLOSE);
    assertThat(ByteTokenizer.tagToken("</think>")).isEqualTo(ByteTokenizer.THINK_CLOSE);
    assertThatThrownBy(() -> ByteTokenizer.tagToken("<answer>"))
        .hasMessageStartingWith("tag must be one of [<think>, </think>, <solution>, </solution>]");
  }

  @Test
  void specialTokensHaveNoText() {
    int b = ByteTokenizer.FIRST_BYTE;
    assertThat(
            tokenizer.decode(
                new int[] {
                  ByteTokenizer.BOS, b + 'o', b + 'k', ByteTokenizer.EOS, ByteTokenizer.PAD
                }))
        .isEqualTo("ok");
    assertThat(tokenizer.vocabSize()).isEqualTo(263);
    assertThat(tokenizer.id()).isEqualTo("byte-v1");
    assertThat(new int[] {tokenizer.pad(), tokenizer.bos(), tokenizer.eos()})
        .containsExactly(0, 1, 2);
    assertThat(Tokenizers.forId("byte-v1")).isSameAs(tokenizer);
    // The known ids are the process's: [byte-v1], plus any Hugging Face tokenizer a test loaded.
    assertThat(Tokenizers.knownIds()).contains("byte-v1");
    assertThatThrownBy(() -> Tokenizers.forId("bpe"))
        .hasMessage("tokenizer must be one of " + Tokenizers.knownIds() + ", but was 'bpe'");
  }

  @Test
  void invalidSequencesDecodeToReplacementCharacters() {
    int b = ByteTokenizer.FIRST_BYTE;
    // A lone continuation byte, a truncated 3-byte sequence, a multi-byte character cut by a tag,
    // ids outside the vocabulary.
    assertThat(tokenizer.decode(new int[] {b + 'a', b + 0x80, b + 'z'})).isEqualTo("a\uFFFDz");
    assertThat(tokenizer.decode(new int[] {b + 0xE2, b + 0x86})).isEqualTo("\uFFFD");
    assertThat(tokenizer.decode(new int[] {b + 0xC3, ByteTokenizer.THINK_OPEN, b + 0x97}))
        .isEqualTo("\uFFFD<think>\uFFFD");
    assertThat(tokenizer.decode(new int[] {-1, b + 'x', 263, 100_000}))
        .isEqualTo("\uFFFDx\uFFFD\uFFFD");
    assertThat(tokenizer.decode(new int[] {b + 0xFF, b + 0xC0, b + 0x80}))
        .doesNotContain("\0")
        .contains("\uFFFD");
  }

  @Test
  void aLoneSurrogateEncodesAsTheReplacementCharacter() {
    assertThat(tokenizer.decode(tokenizer.encode("a\uD83Db"))).isEqualTo("a\uFFFDb");
    assertThat(tokenizer.decode(tokenizer.encode("\uDE00"))).isEqualTo("\uFFFD");
  }
}
