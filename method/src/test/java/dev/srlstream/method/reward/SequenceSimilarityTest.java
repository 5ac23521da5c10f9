package dev.srlstream.method.reward;

import static org.assertj.core.api.Assertions.assertThat;

import dev.srlstream.method.reward.SequenceSimilarity.MatchingBlock;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Worked examples (values printed by CPython 3.11) and properties checked on seeded random strings.
 */
class SequenceSimilarityTest {

  private static final int ROUNDS = 3000;

  private static final String[] ALPHABETS = {
    "ab", "abc", "abcdefgh", " ab", "ab \n", "xyz+-=()", "\uD83D\uDE00\uD83D\uDE80a", "e\u0301e",
  };

  // --- worked examples -------------------------------------------------------------------------

  @Test
  void docstringExamples() {
    assertThat(SequenceSimilarity.ratio("abcd", "bcde", true)).isEqualTo(0.75);
    assertThat(SequenceSimilarity.matchingBlocks("abxcd", "abcd", true))
        .containsExactly(
            new MatchingBlock(0, 0, 2), new MatchingBlock(3, 2, 2), new MatchingBlock(5, 4, 0));
    // The leftmost longest match is " abcd" at b[4]; nothing remains on either side of it.
    assertThat(SequenceSimilarity.matchingBlocks(" abcd", "abcd abcd", true))
        .containsExactly(new MatchingBlock(0, 4, 5), new MatchingBlock(5, 9, 0));
  }

  @Test
  void emptyStrings() {
    assertThat(SequenceSimilarity.ratio("", "", true)).isEqualTo(1.0);
    assertThat(SequenceSimilarity.ratio("", "abc", true)).isEqualTo(0.0);
    assertThat(SequenceSimilarity.ratio("abc", "", true)).isEqualTo(0.0);
    assertThat(SequenceSimilarity.matchingBlocks("", "", true))
        .containsExactly(new MatchingBlock(0, 0, 0));
  }

  @Test
  void codePointsNotUtf16Units() {
    // Two code points each, one in common: 2 * 1 / 4. Counting UTF-16 units would give 4 / 6.
    assertThat(SequenceSimilarity.ratio("\uD83D\uDE00a", "\uD83D\uDE00b", true)).isEqualTo(0.5);
    assertThat(SequenceSimilarity.codePoints("x\uD835\uDC65\uD800"))
        .containsExactly('x', 0x1D465, 0xD800);
  }

  @Test
  void tiesGoToTheEarliestMatchSoShortStringsAreNotSymmetric() {
    assertThat(SequenceSimilarity.ratio("abaababa", "bacccbabbaba", false)).isEqualTo(0.6);
    assertThat(SequenceSimilarity.ratio("bacccbabbaba", "abaababa", false)).isEqualTo(0.7);
  }

  @Test
  void autojunkLooksOnlyAtTheSecondSequence() {
    // In the 205 elements of `longer`, 'a' (4 times) and 'b' (200 times) exceed 205 / 100 + 1 = 3
    // occurrences: nothing can seed a match, and "xaaaa" starts with no common element to grow.
    String shorter = "xaaaa";
    String longer = "yaaaa" + "b".repeat(200);
    assertThat(SequenceSimilarity.ratio(shorter, longer, true)).isEqualTo(0.0);
    assertThat(SequenceSimilarity.ratio(shorter, longer, false)).isEqualTo(0.0380952380952381);
    assertThat(SequenceSimilarity.ratio(longer, shorter, true)).isEqualTo(0.0380952380952381);
  }

  @Test
  void popularElementsStillGrowAMatch() {
    // With b of 305 elements, 'P' (302 times) is popular: only 'x' and 'z' can seed a match. The
    // match at 'z' grows backwards over "PP", which then cannot be matched a second time.
    String b = "xRPPz" + "P".repeat(300);
    assertThat(SequenceSimilarity.matchingBlocks("xQPPz", b, true))
        .containsExactly(
            new MatchingBlock(0, 0, 1), new MatchingBlock(2, 2, 3), new MatchingBlock(5, 305, 0));
    assertThat(SequenceSimilarity.ratio("xQPPz", b, true)).isEqualTo(0.025806451612903226);
    // An empty match grows forwards over popular elements: only 'P' is in common here.
    assertThat(SequenceSimilarity.matchingBlocks("PPq", "P".repeat(250), true))
        .containsExactly(new MatchingBlock(0, 0, 2), new MatchingBlock(3, 250, 0));
  }

  // --- properties on seeded random strings -----------------------------------------------------

  @ParameterizedTest
  @ValueSource(booleans = {true, false})
  void ratioIsBetweenZeroAndOneAndIsTwiceTheMatchedShare(boolean autojunk) {
    Random random = new Random(11);
    for (int round = 0; round < ROUNDS; round++) {
      String a = randomString(random, 0, 300);
      String b = randomString(random, 0, 300);
      double ratio = SequenceSimilarity.ratio(a, b, autojunk);
      int matched =
          SequenceSimilarity.matchingBlocks(a, b, autojunk).stream()
              .mapToInt(MatchingBlock::size)
              .sum();
      int total = a.codePointCount(0, a.length()) + b.codePointCount(0, b.length());
      assertThat(ratio).as("%s | %s", a, b).isBetween(0.0, 1.0);
      assertThat(ratio).as("%s | %s", a, b).isEqualTo(total == 0 ? 1.0 : 2.0 * matched / total);
    }
  }

  @ParameterizedTest
  @ValueSource(booleans = {true, false})
  void aStringIsIdenticalToItself(boolean autojunk) {
    Random random = new Random(12);
    for (int round = 0; round < ROUNDS; round++) {
      String a = randomString(random, 0, round % 10 == 0 ? 1500 : 400);
      assertThat(SequenceSimilarity.ratio(a, a, autojunk)).as(a).isEqualTo(1.0);
    }
  }

  @Test
  void autojunkChangesNothingWhenTheSecondSequenceIsShorterThan200() {
    Random random = new Random(13);
    for (int round = 0; round < ROUNDS; round++) {
      String a = randomString(random, 0, 400);
      String b = randomString(random, 0, 199);
      assertThat(SequenceSimilarity.ratio(a, b, true))
          .as("%s | %s", a, b)
          .isEqualTo(SequenceSimilarity.ratio(a, b, false));
    }
  }

  /**
   * The ratio is not symmetric, but both directions are bounded by the same symmetric quantity: the
   * longest common subsequence, since the matching blocks form a common subsequence.
   */
  @ParameterizedTest
  @ValueSource(booleans = {true, false})
  void bothDirectionsAreBoundedByTheLongestCommonSubsequence(boolean autojunk) {
    Random random = new Random(14);
    int asymmetric = 0;
    for (int round = 0; round < ROUNDS; round++) {
      String a = randomString(random, 0, 60);
      String b = randomString(random, 0, 60);
      int[] ca = SequenceSimilarity.codePoints(a);
      int[] cb = SequenceSimilarity.codePoints(b);
      int total = ca.length + cb.length;
      double bound = total == 0 ? 1.0 : 2.0 * longestCommonSubsequence(ca, cb) / total;
      double forwards = SequenceSimilarity.ratio(a, b, autojunk);
      double backwards = SequenceSimilarity.ratio(b, a, autojunk);
      assertThat(forwards).as("%s | %s", a, b).isLessThanOrEqualTo(bound);
      assertThat(backwards).as("%s | %s", b, a).isLessThanOrEqualTo(bound);
      assertThat(forwards).isLessThanOrEqualTo(quickRatio(ca, cb));
      if (forwards != backwards) {
        asymmetric++;
      }
    }
    assertThat(asymmetric).as("short random pairs with ratio(a, b) != ratio(b, a)").isPositive();
  }

  @ParameterizedTest
  @ValueSource(booleans = {true, false})
  void matchingBlocksAreIncreasingDisjointEqualAndMerged(boolean autojunk) {
    Random random = new Random(15);
    for (int round = 0; round < ROUNDS; round++) {
      String a = randomString(random, 0, 400);
      String b = randomString(random, 0, 400);
      int[] ca = SequenceSimilarity.codePoints(a);
      int[] cb = SequenceSimilarity.codePoints(b);
      List<MatchingBlock> blocks = SequenceSimilarity.matchingBlocks(a, b, autojunk);

      assertThat(blocks.get(blocks.size() - 1))
          .isEqualTo(new MatchingBlock(ca.length, cb.length, 0));
      int endA = 0;
      int endB = 0;
      for (int n = 0; n < blocks.size() - 1; n++) {
        MatchingBlock block = blocks.get(n);
        assertThat(block.size()).isPositive();
        assertThat(block.a()).isGreaterThanOrEqualTo(endA);
        assertThat(block.b()).isGreaterThanOrEqualTo(endB);
        // CPython merges blocks that are contiguous in both sequences.
        assertThat(n > 0 && block.a() == endA && block.b() == endB).isFalse();
        for (int k = 0; k < block.size(); k++) {
          assertThat(ca[block.a() + k]).isEqualTo(cb[block.b() + k]);
        }
        endA = block.a() + block.size();
        endB = block.b() + block.size();
      }
      assertThat(endA).isLessThanOrEqualTo(ca.length);
      assertThat(endB).isLessThanOrEqualTo(cb.length);
    }
  }

  @Test
  void intAndStringEntryPointsAgree() {
    Random random = new Random(16);
    for (int round = 0; round < 500; round++) {
      String a = randomString(random, 0, 300);
      String b = randomString(random, 0, 300);
      int[] ca = SequenceSimilarity.codePoints(a);
      int[] cb = SequenceSimilarity.codePoints(b);
      assertThat(SequenceSimilarity.ratio(ca, cb, true))
          .isEqualTo(SequenceSimilarity.ratio(a, b, true));
      assertThat(SequenceSimilarity.matchingBlocks(ca, cb, false))
          .isEqualTo(SequenceSimilarity.matchingBlocks(a, b, false));
    }
  }

  /**
   * A comparison too long for the cached arrays (77,654 elements), and CPython's autojunk at its
   * most surprising: every character of b but 'S' is popular, a has no 'S', so the only match is
   * the common prefix and two near-identical texts score almost 0. CPython 3.11 prints the same.
   */
  @Test
  void comparisonsTooLongToCacheAndAutojunkAtItsWorst() {
    StringBuilder text = new StringBuilder();
    for (int n = 0; n < 1800; n++) {
      text.append("step ").append(n).append(": x = ").append(n * n).append('\n');
    }
    String a = text.toString();
    String b = a.replace("step 1", "Step 1");
    assertThat(a.length() + b.length()).isGreaterThan(SequenceSimilarity.MAX_CACHED_LENGTH);

    assertThat(SequenceSimilarity.ratio(a, b, true)).isEqualTo(0.0003605738274911788);
    assertThat(SequenceSimilarity.matchingBlocks(a, b, true))
        .containsExactly(new MatchingBlock(0, 0, 14), new MatchingBlock(38827, 38827, 0));
    assertThat(SequenceSimilarity.ratio(a, a, true)).isEqualTo(1.0);
    // This thread's cached arrays still serve short comparisons afterwards.
    assertThat(SequenceSimilarity.ratio("abcd", "bcde", true)).isEqualTo(0.75);
  }

  // --- helpers ---------------------------------------------------------------------------------

  /** Random strings of mixed kinds: small alphabets, periodic text, long runs, non-BMP. */
  private static String randomString(Random random, int minLength, int maxLength) {
    int[] alphabet = ALPHABETS[random.nextInt(ALPHABETS.length)].codePoints().toArray();
    int length = minLength + random.nextInt(maxLength - minLength + 1);
    StringBuilder out = new StringBuilder();
    int kind = random.nextInt(4);
    for (int i = 0; i < length; i++) {
      int cp =
          switch (kind) {
            case 0 -> alphabet[i % alphabet.length]; // periodic
            case 1 -> random.nextInt(10) == 0 ? alphabet[random.nextInt(alphabet.length)] : ' ';
            default -> alphabet[random.nextInt(alphabet.length)];
          };
      out.appendCodePoint(cp);
    }
    return out.toString();
  }

  private static int longestCommonSubsequence(int[] a, int[] b) {
    int[][] table = new int[a.length + 1][b.length + 1];
    for (int i = 1; i <= a.length; i++) {
      for (int j = 1; j <= b.length; j++) {
        table[i][j] =
            a[i - 1] == b[j - 1]
                ? table[i - 1][j - 1] + 1
                : Math.max(table[i - 1][j], table[i][j - 1]);
      }
    }
    return table[a.length][b.length];
  }

  /** CPython's quick_ratio: the multiset intersection, an upper bound on the ratio. */
  private static double quickRatio(int[] a, int[] b) {
    Map<Integer, Integer> available = new HashMap<>();
    for (int x : b) {
      available.merge(x, 1, Integer::sum);
    }
    int matches = 0;
    for (int x : a) {
      Integer left = available.get(x);
      if (left != null && left > 0) {
        available.put(x, left - 1);
        matches++;
      }
    }
    int total = a.length + b.length;
    return total == 0 ? 1.0 : 2.0 * matches / total;
  }
}
