package dev.srlstream.learner;

import static org.assertj.core.api.Assertions.assertThat;

import dev.srlstream.policy.ByteTokenizer;
import dev.srlstream.policy.ModelConfig;
import dev.srlstream.policy.ModelWeights;
import dev.srlstream.policy.WeightsCodec;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class WeightsDiffTest {
  private static final ModelConfig TINY = TrainerFixtures.TINY;

  @Test
  void isZeroForTheSameValuesWhateverTheVersionStamp() {
    ModelWeights w = ModelWeights.initial(TINY, 1);
    assertThat(
            WeightsDiff.maxAbsDiff(
                WeightsCodec.encode(TINY, ByteTokenizer.ID, 3, w),
                WeightsCodec.encode(TINY, ByteTokenizer.ID, 4, w)))
        .isZero();
  }

  @Test
  void isTheLargestAbsoluteDifferenceOfOneParameter() {
    ModelWeights w = ModelWeights.initial(TINY, 1);
    List<float[]> values = new ArrayList<>(w.toList());
    float[] changed = values.get(2).clone();
    changed[3] -= 0.125f;
    values.set(2, changed);
    float[] other = values.get(0).clone();
    other[0] += 0.0625f;
    values.set(0, other);

    assertThat(WeightsDiff.maxAbsDiff(w, ModelWeights.of(w.specs(), values))).isEqualTo(0.125f);
  }

  @Test
  void isInfiniteForAnotherModelOrANaN() {
    ModelConfig wider = new ModelConfig(ByteTokenizer.VOCAB_SIZE, 24, 2, 2, 32, 32, true);
    ModelWeights w = ModelWeights.initial(TINY, 1);
    assertThat(WeightsDiff.maxAbsDiff(w, ModelWeights.initial(wider, 1))).isInfinite();
    List<float[]> values = new ArrayList<>(w.toList());
    float[] nan = values.get(1).clone();
    nan[0] = Float.NaN;
    values.set(1, nan);
    assertThat(WeightsDiff.maxAbsDiff(w, ModelWeights.of(w.specs(), values))).isInfinite();
  }
}
