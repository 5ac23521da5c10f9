package dev.srlstream.method.reward;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * The similarity of two strings exactly as CPython 3.11 computes {@code
 * difflib.SequenceMatcher(None, a, b, autojunk=autojunk).ratio()}: the same matching blocks and the
 * same {@code double}, bit for bit.
 *
 * <p>Strings are compared as sequences of Unicode code points, as Python does (a character outside
 * the Basic Multilingual Plane is one element, not two UTF-16 units). There is no junk predicate
 * ({@code isjunk=None}); the only heuristic is CPython's {@code autojunk}: when the <em>second</em>
 * sequence has 200 or more elements, every element occurring more than {@code len(b) / 100 + 1}
 * times in it is "popular" and cannot seed a match, though matches may still grow across popular
 * elements. Because only {@code b} is examined, the ratio is not symmetric; it is not symmetric for
 * short strings either, since ties between equally long matches are broken by position (the
 * earliest in {@code a}, then the earliest in {@code b}).
 *
 * <p>The matching blocks come from the longest-match recursion: find the longest block of {@code
 * a[alo:ahi]} equal to a block of {@code b[blo:bhi]}, then recurse on the parts before and after
 * it. The ratio is {@code 2.0 * M / T} with {@code M} the number of matched elements and {@code T}
 * the total length, and {@code 1.0} when both strings are empty.
 *
 * <p>All methods are pure and thread-safe. Each thread keeps its working arrays between calls (up
 * to {@value #MAX_CACHED_LENGTH} elements in all), so scoring allocates little.
 */
public final class SequenceSimilarity {

  /** The length of {@code b} from which {@code autojunk} discards popular elements. */
  public static final int AUTOJUNK_MIN_LENGTH = 200;

  /** Comparisons longer than this (len(a) + len(b)) get fresh working arrays, not cached ones. */
  static final int MAX_CACHED_LENGTH = 1 << 16;

  private static final ThreadLocal<Matcher> MATCHERS = ThreadLocal.withInitial(Matcher::new);

  private SequenceSimilarity() {}

  /** A block of equal elements: {@code a[a, a + size)} equals {@code b[b, b + size)}. */
  public record MatchingBlock(int a, int b, int size) {}

  /**
   * {@code SequenceMatcher(None, a, b, autojunk=autojunk).ratio()}. There is deliberately no
   * overload without {@code autojunk}: CPython's default ({@code true}) is not the reward's ({@code
   * ScorerConfig.DEFAULT_AUTOJUNK}, {@code false}), so every caller says which one it means.
   */
  public static double ratio(String a, String b, boolean autojunk) {
    return ratio(codePoints(a), codePoints(b), autojunk);
  }

  /** The ratio of two code point (or any int) sequences; the arrays are not modified. */
  public static double ratio(int[] a, int[] b, boolean autojunk) {
    int total = a.length + b.length;
    if (total == 0) {
      return 1.0;
    }
    // Sorting and merging the blocks (as CPython does) never changes the sum of their sizes.
    int matches = matcher(a, b).matchedElements(a, b, autojunk);
    return 2.0 * matches / total;
  }

  /**
   * {@code SequenceMatcher(None, a, b, autojunk=autojunk).get_matching_blocks()}: blocks increasing
   * in both strings (in code point indices), no two adjacent blocks contiguous in both, ending with
   * the sentinel {@code (len(a), len(b), 0)}.
   */
  public static List<MatchingBlock> matchingBlocks(String a, String b, boolean autojunk) {
    return matchingBlocks(codePoints(a), codePoints(b), autojunk);
  }

  /** The matching blocks of two code point (or any int) sequences. */
  public static List<MatchingBlock> matchingBlocks(int[] a, int[] b, boolean autojunk) {
    return matcher(a, b).matchingBlocks(a, b, autojunk);
  }

  private static Matcher matcher(int[] a, int[] b) {
    Objects.requireNonNull(a, "a");
    Objects.requireNonNull(b, "b");
    return a.length + b.length <= MAX_CACHED_LENGTH ? MATCHERS.get() : new Matcher();
  }

  /** The Unicode code points of {@code s}; an unpaired surrogate is one element, as in Python. */
  public static int[] codePoints(String s) {
    Objects.requireNonNull(s, "s");
    int units = s.length();
    int count = s.codePointCount(0, units);
    int[] out = new int[count];
    if (count == units) {
      for (int i = 0; i < units; i++) {
        out[i] = s.charAt(i);
      }
    } else {
      for (int i = 0, unit = 0; i < count; i++) {
        int cp = s.codePointAt(unit);
        out[i] = cp;
        unit += Character.charCount(cp);
      }
    }
    return out;
  }

  /**
   * CPython's SequenceMatcher without junk, with working arrays reused from one comparison to the
   * next. Not thread-safe.
   */
  private static final class Matcher {
    /** Ends every list of positions; no index of b reaches it. */
    private static final int SENTINEL = Integer.MAX_VALUE;

    private final Symbols symbols = new Symbols();
    private int[] a;
    private int[] b;

    // CPython's b2j (element -> ascending indices in b, popular elements dropped), flat: the
    // indices of a[i] in b are positions[seedFrom[i] .. seedTo[i]), and positions[seedTo[i]] is
    // SENTINEL. An element of a absent from b2j gets the empty list at index 0. The sentinel lets
    // the search loop test one bound instead of two.
    private int[] positions = new int[0];
    private int[] seedFrom = new int[0];
    private int[] seedTo = new int[0];
    private int[] symbolOfB = new int[0];
    private int[] count = new int[0];
    private int[] listFrom = new int[0];
    private int[] cursor = new int[0];
    // The rows of a with a non-empty list, ascending; seededFrom[i] is the first at or after i.
    private int[] seededRows = new int[0];
    private int[] seededFrom = new int[0];

    // CPython's j2len, per diagonal d = i - j + len(b): the run ending at (i, j) extends the run
    // ending at (i - 1, j - 1), on the same diagonal, if that one was recorded in the previous row.
    // Row numbers never repeat (row is the last one used; a long takes centuries to wrap) and leave
    // a
    // gap between calls, so nothing is cleared between rows, calls or comparisons.
    private long[] runRow = new long[0];
    private int[] runLength = new int[0];
    private long row;

    private int[] queue = new int[64];
    private int[] blocks = new int[48];

    // The result of the last findLongestMatch.
    private int bestI;
    private int bestJ;
    private int bestSize;

    int matchedElements(int[] a, int[] b, boolean autojunk) {
      int found = findBlocks(a, b, autojunk);
      int matched = 0;
      for (int n = 2; n < found; n += 3) {
        matched += blocks[n];
      }
      return matched;
    }

    List<MatchingBlock> matchingBlocks(int[] a, int[] b, boolean autojunk) {
      int found = findBlocks(a, b, autojunk);
      List<MatchingBlock> unsorted = new ArrayList<>(found / 3);
      for (int n = 0; n < found; n += 3) {
        unsorted.add(new MatchingBlock(blocks[n], blocks[n + 1], blocks[n + 2]));
      }
      // Blocks never overlap in a, so ordering by a is CPython's tuple sort.
      unsorted.sort((x, y) -> Integer.compare(x.a(), y.a()));

      List<MatchingBlock> merged = new ArrayList<>(unsorted.size() + 1);
      int i1 = 0;
      int j1 = 0;
      int k1 = 0;
      for (MatchingBlock block : unsorted) {
        if (i1 + k1 == block.a() && j1 + k1 == block.b()) {
          k1 += block.size();
        } else {
          if (k1 > 0) {
            merged.add(new MatchingBlock(i1, j1, k1));
          }
          i1 = block.a();
          j1 = block.b();
          k1 = block.size();
        }
      }
      if (k1 > 0) {
        merged.add(new MatchingBlock(i1, j1, k1));
      }
      merged.add(new MatchingBlock(a.length, b.length, 0));
      return List.copyOf(merged);
    }

    /**
     * The longest-match recursion of get_matching_blocks. Leaves the blocks in {@code blocks} as
     * (i, j, k) triples in the order found (not sorted, not merged) and returns the number of ints
     * used.
     */
    private int findBlocks(int[] a, int[] b, boolean autojunk) {
      index(a, b, autojunk);
      int found = 0;
      int queued = push(0, 0, a.length, 0, b.length);
      // Last in, first out, as CPython's list.pop(); the order only affects the unsorted list.
      while (queued > 0) {
        queued -= 4;
        int alo = queue[queued];
        int ahi = queue[queued + 1];
        int blo = queue[queued + 2];
        int bhi = queue[queued + 3];
        findLongestMatch(alo, ahi, blo, bhi);
        int i = bestI;
        int j = bestJ;
        int k = bestSize;
        if (k > 0) {
          if (found + 3 > blocks.length) {
            blocks = Arrays.copyOf(blocks, blocks.length * 2);
          }
          blocks[found] = i;
          blocks[found + 1] = j;
          blocks[found + 2] = k;
          found += 3;
          if (alo < i && blo < j) {
            queued = push(queued, alo, i, blo, j);
          }
          if (i + k < ahi && j + k < bhi) {
            queued = push(queued, i + k, ahi, j + k, bhi);
          }
        }
      }
      this.a = null;
      this.b = null;
      return found;
    }

    /** CPython's __chain_b, and the list of positions in b for every element of a. */
    private void index(int[] a, int[] b, boolean autojunk) {
      this.a = a;
      this.b = b;
      int la = a.length;
      int lb = b.length;

      symbols.reset(lb);
      symbolOfB = atLeast(symbolOfB, lb);
      for (int j = 0; j < lb; j++) {
        symbolOfB[j] = symbols.add(b[j]);
      }
      int distinct = symbols.size();
      count = atLeast(count, distinct);
      Arrays.fill(count, 0, distinct, 0);
      for (int j = 0; j < lb; j++) {
        count[symbolOfB[j]]++;
      }

      // Lay the lists out one after another, each followed by a sentinel; index 0 is the empty list
      // shared by popular elements and by elements of a not in b.
      boolean dropPopular = autojunk && lb >= AUTOJUNK_MIN_LENGTH;
      int popularAbove = lb / 100 + 1;
      listFrom = atLeast(listFrom, distinct);
      int size = 1;
      for (int s = 0; s < distinct; s++) {
        if (dropPopular && count[s] > popularAbove) {
          listFrom[s] = 0;
          count[s] = 0;
        } else {
          listFrom[s] = size;
          size += count[s] + 1;
        }
      }
      positions = atLeast(positions, size);
      positions[0] = SENTINEL;
      cursor = atLeast(cursor, distinct);
      System.arraycopy(listFrom, 0, cursor, 0, distinct);
      for (int j = 0; j < lb; j++) {
        int s = symbolOfB[j];
        if (count[s] > 0) {
          positions[cursor[s]++] = j;
        }
      }
      for (int s = 0; s < distinct; s++) {
        positions[listFrom[s] + count[s]] = SENTINEL;
      }

      seedFrom = atLeast(seedFrom, la);
      seedTo = atLeast(seedTo, la);
      seededRows = atLeast(seededRows, la + 1);
      seededFrom = atLeast(seededFrom, la + 1);
      int seeded = 0;
      for (int i = 0; i < la; i++) {
        int s = symbols.find(a[i]);
        seedFrom[i] = s < 0 ? 0 : listFrom[s];
        seedTo[i] = s < 0 ? 0 : listFrom[s] + count[s];
        seededFrom[i] = seeded;
        seededRows[seeded] = i;
        seeded += seedTo[i] > seedFrom[i] ? 1 : 0;
      }
      seededFrom[la] = seeded;

      if (runRow.length < la + lb) {
        runRow = new long[Math.max(la + lb, 2 * runRow.length)];
        runLength = new int[runRow.length];
      }
    }

    /**
     * CPython's find_longest_match with no junk. Of the longest runs of a[alo:ahi] equal to runs of
     * b[blo:bhi] that use no popular element, takes the one ending earliest in a, then earliest in
     * b; then grows it in both directions over equal elements, popular or not. With no such run it
     * is the empty block at (alo, blo), grown forwards. Sets bestI, bestJ, bestSize.
     */
    private void findLongestMatch(int alo, int ahi, int blo, int bhi) {
      int[] positions = this.positions;
      long[] runRow = this.runRow;
      int[] runLength = this.runLength;
      int diagonalOffset = b.length;
      int besti = alo;
      int bestj = blo;
      int bestsize = 0;
      // Row i is numbered base + i; base + alo - 1 is used by no row, so no run carries over from
      // earlier calls. Rows without a list are skipped: they record nothing.
      long base = row + 2 - alo;
      int[] seededRows = this.seededRows;
      for (int r = seededFrom[alo], end = seededFrom[ahi]; r < end; r++) {
        int i = seededRows[r];
        long thisRow = base + i;
        long previousRow = thisRow - 1;
        int p = seedFrom[i];
        if (positions[p] < blo) {
          p = firstAtLeast(positions, p, seedTo[i], blo);
        }
        for (int j = positions[p]; j < bhi; j = positions[++p]) {
          int d = i - j + diagonalOffset;
          // k = runRow[d] == previousRow ? runLength[d] + 1 : 1, without a branch: whether a run
          // continues is unpredictable, and mispredictions dominate the cost of this loop.
          long differs = runRow[d] ^ previousRow;
          int continues = (int) ~((differs | -differs) >> 63);
          int k = (runLength[d] & continues) + 1;
          runRow[d] = thisRow;
          runLength[d] = k;
          if (k > bestsize) {
            besti = i - k + 1;
            bestj = j - k + 1;
            bestsize = k;
          }
        }
      }
      row = base + ahi - 1;

      // Popular elements could not seed the run above, but they extend it. (CPython then extends
      // over junk elements, but with isjunk=None nothing is junk.)
      int[] a = this.a;
      int[] b = this.b;
      while (besti > alo && bestj > blo && a[besti - 1] == b[bestj - 1]) {
        besti--;
        bestj--;
        bestsize++;
      }
      while (besti + bestsize < ahi
          && bestj + bestsize < bhi
          && a[besti + bestsize] == b[bestj + bestsize]) {
        bestsize++;
      }
      bestI = besti;
      bestJ = bestj;
      bestSize = bestsize;
    }

    /** Appends a range to the queue at {@code queued}; returns the new queue length. */
    private int push(int queued, int alo, int ahi, int blo, int bhi) {
      if (queued + 4 > queue.length) {
        queue = Arrays.copyOf(queue, queue.length * 2);
      }
      queue[queued] = alo;
      queue[queued + 1] = ahi;
      queue[queued + 2] = blo;
      queue[queued + 3] = bhi;
      return queued + 4;
    }

    /** The first index in sorted[from, to) whose value is >= key, or to. */
    private static int firstAtLeast(int[] sorted, int from, int to, int key) {
      int lo = from;
      int hi = to;
      while (lo < hi) {
        int mid = (lo + hi) >>> 1;
        if (sorted[mid] < key) {
          lo = mid + 1;
        } else {
          hi = mid;
        }
      }
      return lo;
    }
  }

  /** {@code array} if it holds {@code length} ints, else a larger new one (contents not kept). */
  private static int[] atLeast(int[] array, int length) {
    return array.length >= length ? array : new int[Math.max(length, 2 * array.length)];
  }

  /**
   * Dense ids 0, 1, 2, ... for the distinct values of one sequence, in order of first appearance: a
   * direct table for ASCII, open addressing for the rest. Entries are valid only if stamped with
   * the current generation (a long, so it never wraps), so {@link #reset} clears nothing.
   */
  private static final class Symbols {
    private static final int DIRECT = 128;

    private final long[] directStamp = new long[DIRECT];
    private final int[] directId = new int[DIRECT];
    private long[] slotStamp = new long[0];
    private int[] slotKey = new int[0];
    private int[] slotId = new int[0];
    private int shift;
    private int mask;
    private int expected;
    private long generation;
    private int size;

    /** Forgets every value; up to {@code expected} distinct values will be added. */
    void reset(int expected) {
      this.expected = expected;
      size = 0;
      generation++;
    }

    int size() {
      return size;
    }

    /** The id of {@code value}, assigning the next one if it is new. */
    int add(int value) {
      if (value >= 0 && value < DIRECT) {
        if (directStamp[value] != generation) {
          directStamp[value] = generation;
          directId[value] = size++;
        }
        return directId[value];
      }
      // Only the first value outside ASCII in a generation may grow the table, so growing never
      // loses a value of the current generation.
      if (slotStamp.length < 2 * expected) {
        growTable();
      }
      int slot = (value * 0x9E3779B9) >>> shift;
      while (slotStamp[slot] == generation) {
        if (slotKey[slot] == value) {
          return slotId[slot];
        }
        slot = (slot + 1) & mask;
      }
      slotStamp[slot] = generation;
      slotKey[slot] = value;
      slotId[slot] = size;
      return size++;
    }

    /** The id of {@code value}, or -1 if it was not added since the last reset. */
    int find(int value) {
      if (value >= 0 && value < DIRECT) {
        return directStamp[value] == generation ? directId[value] : -1;
      }
      if (slotStamp.length == 0) {
        return -1;
      }
      int slot = (value * 0x9E3779B9) >>> shift;
      while (slotStamp[slot] == generation) {
        if (slotKey[slot] == value) {
          return slotId[slot];
        }
        slot = (slot + 1) & mask;
      }
      return -1;
    }

    /** Replaces the (empty, for this generation) table by one of at least twice the values. */
    private void growTable() {
      int bits = 32 - Integer.numberOfLeadingZeros(Math.max(8, expected) * 2 - 1);
      slotStamp = new long[1 << bits];
      slotKey = new int[1 << bits];
      slotId = new int[1 << bits];
      shift = 32 - bits;
      mask = (1 << bits) - 1;
    }
  }
}
