package dev.srlstream.policy;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

/**
 * The float32 values of every variable of a model, in {@link ParameterSpec#forConfig} order.
 * Immutable: arrays are copied in and out.
 */
public final class ModelWeights {

  /** The standard deviation of the initial embeddings and weight matrices (GPT-2's). */
  static final double INIT_STD = 0.02;

  private final List<ParameterSpec> specs;
  private final float[][] values;

  private ModelWeights(List<ParameterSpec> specs, float[][] values) {
    this.specs = specs;
    this.values = values;
  }

  /**
   * Weights with the given specs and values (copied).
   *
   * @throws IllegalArgumentException if the counts or any array length disagree with the specs
   */
  public static ModelWeights of(List<ParameterSpec> specs, List<float[]> values) {
    if (specs.size() != values.size()) {
      throw new IllegalArgumentException(
          "values must have one array per variable ("
              + specs.size()
              + "), but had "
              + values.size());
    }
    float[][] copies = new float[specs.size()][];
    for (int i = 0; i < specs.size(); i++) {
      ParameterSpec spec = specs.get(i);
      float[] value = values.get(i);
      if (value.length != spec.size()) {
        throw new IllegalArgumentException(
            "values of "
                + spec.name()
                + " must have "
                + spec.size()
                + " floats for shape "
                + spec.shape()
                + ", but had "
                + value.length);
      }
      copies[i] = value.clone();
    }
    return new ModelWeights(List.copyOf(specs), copies);
  }

  /** Wraps arrays the caller will never touch again (no copy). */
  static ModelWeights wrap(List<ParameterSpec> specs, float[][] values) {
    return new ModelWeights(List.copyOf(specs), values);
  }

  /**
   * Deterministic initial weights: the same config and seed give the same bits on every JVM ({@link
   * Random}'s algorithm is specified). Embeddings and matrices are normal with std 0.02, the two
   * projections that write into the residual stream (attention output, MLP down) are scaled by
   * {@code 1/sqrt(2 * layers)} as in GPT-2 so the stream's variance does not grow with depth;
   * biases and norm offsets are 0, norm gains 1. Each variable draws from its own generator seeded
   * from ({@code seed}, its index), so adding a variable at the end does not change the others.
   */
  public static ModelWeights initial(ModelConfig config, long seed) {
    List<ParameterSpec> specs = ParameterSpec.forConfig(config);
    double residualStd = INIT_STD / Math.sqrt(2.0 * config.layers());
    float[][] values = new float[specs.size()][];
    for (int i = 0; i < specs.size(); i++) {
      ParameterSpec spec = specs.get(i);
      String name = spec.name();
      float[] value = new float[spec.size()];
      if (name.endsWith("/gamma")) {
        Arrays.fill(value, 1f);
      } else if (spec.shape().size() == 2) {
        boolean intoResidual =
            name.endsWith("attn/wo") || name.endsWith("mlp/w2") || name.endsWith("mlp/wdown");
        double std = intoResidual ? residualStd : INIT_STD;
        Random random = new Random(Seeds.mix(seed, i));
        for (int j = 0; j < value.length; j++) {
          value[j] = (float) (random.nextGaussian() * std);
        }
      }
      values[i] = value;
    }
    return new ModelWeights(specs, values);
  }

  /** The variables, in order. */
  public List<ParameterSpec> specs() {
    return specs;
  }

  /** The number of variables. */
  public int count() {
    return values.length;
  }

  /** A copy of the values of variable {@code index}. */
  public float[] values(int index) {
    return values[index].clone();
  }

  /** The values without a copy, for this package's readers, which never write to them. */
  float[] valuesUnsafe(int index) {
    return values[index];
  }

  /** The total number of floats. */
  public long parameterCount() {
    long count = 0;
    for (float[] value : values) {
      count += value.length;
    }
    return count;
  }

  /** Whether every float has the same bits as in {@code other} (NaN payloads included). */
  public boolean bitEquals(ModelWeights other) {
    if (!specs.equals(other.specs)) {
      return false;
    }
    for (int i = 0; i < values.length; i++) {
      float[] a = values[i];
      float[] b = other.values[i];
      for (int j = 0; j < a.length; j++) {
        if (Float.floatToRawIntBits(a[j]) != Float.floatToRawIntBits(b[j])) {
          return false;
        }
      }
    }
    return true;
  }

  /** A copy of every value array, in order. */
  public List<float[]> toList() {
    List<float[]> list = new ArrayList<>(values.length);
    for (float[] value : values) {
      list.add(value.clone());
    }
    return list;
  }

  @Override
  public String toString() {
    return "ModelWeights[" + specs.size() + " variables, " + parameterCount() + " floats]";
  }
}
