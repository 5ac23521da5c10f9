package dev.srlstream.topology.replay;

import java.util.Arrays;

/**
 * Rewards counted in 10 equal bins on [0, 1] ({@code [0.0, 0.1)}, ..., {@code [0.9, 1.0]}: the last
 * bin is closed, so a reward of exactly 1 is counted), with the rewards below 0 (a malformed
 * response's -1) counted apart. A value above 1 or not a number is counted as out of range; the
 * scorer's rewards never are.
 */
public record RewardHistogram(long[] bins, long belowZero, long outOfRange) {
  public static final int BINS = 10;

  public RewardHistogram {
    if (bins.length != BINS) {
      throw new IllegalArgumentException(
          "bins must have " + BINS + " counts, but had " + bins.length);
    }
    bins = bins.clone();
  }

  /** The histogram of {@code rewards}. */
  public static RewardHistogram of(double[] rewards) {
    long[] bins = new long[BINS];
    long below = 0;
    long out = 0;
    for (double r : rewards) {
      if (r < 0) {
        below++;
      } else if (r <= 1) {
        bins[bin(r)]++;
      } else {
        out++; // above 1, or NaN
      }
    }
    return new RewardHistogram(bins, below, out);
  }

  /** The bin of a reward in [0, 1]: floor(10 r), with 1 in the last bin. */
  static int bin(double reward) {
    return Math.min(BINS - 1, (int) Math.floor(reward * BINS));
  }

  /** The label of bin {@code i}, e.g. {@code [0.3,0.4)} or {@code [0.9,1.0]}. */
  public static String label(int i) {
    return String.format(
        java.util.Locale.ROOT,
        "[%.1f,%.1f%s",
        i / (double) BINS,
        (i + 1) / (double) BINS,
        i == BINS - 1 ? "]" : ")");
  }

  /** How many rewards were counted. */
  public long total() {
    return Arrays.stream(bins).sum() + belowZero + outOfRange;
  }

  @Override
  public long[] bins() {
    return bins.clone();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof RewardHistogram h
        && Arrays.equals(bins, h.bins)
        && belowZero == h.belowZero
        && outOfRange == h.outOfRange;
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(bins) * 31 + Long.hashCode(belowZero) * 7 + Long.hashCode(outOfRange);
  }

  @Override
  public String toString() {
    return Arrays.toString(bins) + " below 0: " + belowZero + " out of range: " + outOfRange;
  }
}
