package dev.srlstream.learner;

import dev.srlstream.policy.ModelWeights;
import dev.srlstream.policy.WeightsCodec;

/** How far apart two weights files are: what a replay prints for a version that differs. */
public final class WeightsDiff {
  private WeightsDiff() {}

  /**
   * The largest absolute difference between corresponding parameters of two weights files (the
   * policy's weights codec), or {@code Float.POSITIVE_INFINITY} if they are of different models
   * (other parameter shapes), so a comparison never passes by accident. 0 for bit-identical values;
   * NaN compares as infinitely far from anything.
   */
  public static float maxAbsDiff(byte[] a, byte[] b) {
    return maxAbsDiff(WeightsCodec.decode(a).weights(), WeightsCodec.decode(b).weights());
  }

  /** See {@link #maxAbsDiff(byte[], byte[])}. */
  public static float maxAbsDiff(ModelWeights a, ModelWeights b) {
    if (!a.specs().equals(b.specs())) {
      return Float.POSITIVE_INFINITY;
    }
    float max = 0;
    for (int i = 0; i < a.count(); i++) {
      float[] x = a.values(i);
      float[] y = b.values(i);
      for (int j = 0; j < x.length; j++) {
        float d = Math.abs(x[j] - y[j]);
        if (Float.isNaN(d)) {
          return Float.POSITIVE_INFINITY;
        }
        max = Math.max(max, d);
      }
    }
    return max;
  }
}
