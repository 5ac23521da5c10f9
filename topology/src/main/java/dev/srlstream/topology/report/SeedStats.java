package dev.srlstream.topology.report;

import java.util.ArrayList;
import java.util.List;

/**
 * The mean of a metric over seeds and the 95% confidence interval of that mean by Student's t:
 * {@code mean ± t(0.975, n-1) · s / √n}, with {@code s} the sample standard deviation (divisor
 * {@code n-1}). One value gives a mean but no interval; no value gives neither.
 *
 * <p>The quantile {@code t(0.975, df)} is a table for 1 to 30 degrees of freedom (to 9 decimals)
 * and, beyond, the Cornish-Fisher expansion of the t quantile around the normal one to the fourth
 * order in 1/df, whose error at df = 31 is below 1e-7 and shrinks with df.
 */
public final class SeedStats {

  /** {@code t(0.975, df)} for df = 1..30 (index df - 1). */
  private static final double[] T975 = {
    12.706204736, 4.302652730, 3.182446305, 2.776445105, 2.570581836, 2.446911851, 2.364624252,
    2.306004135, 2.262157163, 2.228138852, 2.200985160, 2.178812830, 2.160368656, 2.144786688,
    2.131449546, 2.119905299, 2.109815578, 2.100922040, 2.093024054, 2.085963447, 2.079613845,
    2.073873068, 2.068657610, 2.063898562, 2.059538553, 2.055529439, 2.051830516, 2.048407142,
    2.045229642, 2.042272456
  };

  /** The 0.975 quantile of the standard normal distribution. */
  private static final double Z975 = 1.959963984540054;

  /**
   * The figures of one metric over the seeds that have a value.
   *
   * @param n how many values there were
   * @param mean their mean (NaN when n = 0)
   * @param sd their sample standard deviation, divisor n - 1 (NaN when n < 2)
   * @param halfWidth t(0.975, n-1) · sd / √n (NaN when n < 2: no interval)
   */
  public record Interval(int n, double mean, double sd, double halfWidth) {

    /** Whether there is an interval, i.e. at least two values. */
    public boolean hasInterval() {
      return Double.isFinite(halfWidth);
    }

    /** The interval's lower end (NaN without an interval). */
    public double low() {
      return mean - halfWidth;
    }

    /** The interval's upper end (NaN without an interval). */
    public double high() {
      return mean + halfWidth;
    }

    /**
     * Whether this interval and {@code other} share a point (touching ends count as overlapping),
     * or null when either has no interval.
     */
    public Boolean overlaps(Interval other) {
      if (!hasInterval() || !other.hasInterval()) {
        return null;
      }
      return low() <= other.high() && other.low() <= high();
    }
  }

  private SeedStats() {}

  /** The interval of the finite values among {@code values}; nulls and NaNs are left out. */
  public static Interval of(List<Double> values) {
    List<Double> present = new ArrayList<>();
    for (Double v : values) {
      if (v != null && Double.isFinite(v)) {
        present.add(v);
      }
    }
    int n = present.size();
    if (n == 0) {
      return new Interval(0, Double.NaN, Double.NaN, Double.NaN);
    }
    // Shifted by the first value, so that equal values give exactly their value and s = 0.
    double first = present.get(0);
    double shift = 0;
    for (double v : present) {
      shift += v - first;
    }
    double mean = first + shift / n;
    if (n == 1) {
      return new Interval(1, mean, Double.NaN, Double.NaN);
    }
    double squares = 0;
    for (double v : present) {
      squares += (v - mean) * (v - mean);
    }
    double sd = Math.sqrt(squares / (n - 1));
    return new Interval(n, mean, sd, t975(n - 1) * sd / Math.sqrt(n));
  }

  /**
   * The 0.975 quantile of Student's t distribution with {@code df} degrees of freedom.
   *
   * @throws IllegalArgumentException when df < 1
   */
  public static double t975(int df) {
    if (df < 1) {
      throw new IllegalArgumentException("degrees of freedom must be >= 1, but was " + df);
    }
    if (df <= T975.length) {
      return T975[df - 1];
    }
    double z = Z975;
    double z2 = z * z;
    double v = df;
    double g1 = (z2 + 1) * z / 4;
    double g2 = ((5 * z2 + 16) * z2 + 3) * z / 96;
    double g3 = (((3 * z2 + 19) * z2 + 17) * z2 - 15) * z / 384;
    double g4 = ((((79 * z2 + 776) * z2 + 1482) * z2 - 1920) * z2 - 945) * z / 92160;
    return z + g1 / v + g2 / (v * v) + g3 / (v * v * v) + g4 / (v * v * v * v);
  }
}
