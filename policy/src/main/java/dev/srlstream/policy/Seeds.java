package dev.srlstream.policy;

/** Derives independent seeds from one seed and an index. */
public final class Seeds {

  private Seeds() {}

  /**
   * A well-mixed seed for item {@code index} of {@code seed} (SplitMix64's finaliser on a
   * golden-ratio step), so seeds 1 and 2 or items 0 and 1 give unrelated streams.
   */
  public static long mix(long seed, long index) {
    long z = seed + (index + 1) * 0x9E3779B97F4A7C15L;
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }
}
