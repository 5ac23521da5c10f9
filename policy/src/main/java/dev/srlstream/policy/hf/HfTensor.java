package dev.srlstream.policy.hf;

import java.util.Arrays;
import java.util.List;

/**
 * One named tensor of a Hugging Face checkpoint, as float32 whatever its stored dtype.
 *
 * <p>Equality compares the values bit for bit as {@link Arrays#equals(float[], float[])} does: NaN
 * equals NaN, and 0.0 differs from -0.0.
 *
 * @param name the checkpoint's name for it, e.g. {@code model.layers.0.self_attn.q_proj.weight}
 * @param shape the dimensions, each at least 0; empty for a scalar
 * @param values the values, row-major; not copied, so the caller must not change them after
 */
public record HfTensor(String name, List<Integer> shape, float[] values) {

  /** The most elements of one tensor: the largest float[] every JVM allocates. */
  static final int MAX_ELEMENTS = Integer.MAX_VALUE - 8;

  public HfTensor {
    shape = List.copyOf(shape);
    long size = elementCount(name, shape);
    if (size != values.length) {
      throw new IllegalArgumentException(
          "values of "
              + name
              + " must number "
              + size
              + " as its shape "
              + shape
              + " implies, but were "
              + values.length);
    }
  }

  /**
   * The number of elements {@code shape} implies (1 for a scalar).
   *
   * @throws IllegalArgumentException if a dimension is negative or the count does not fit a Java
   *     array
   */
  static long elementCount(String name, List<Integer> shape) {
    long size = 1;
    for (int d : shape) {
      if (d < 0) {
        throw new IllegalArgumentException(
            "dimensions of " + name + " must be at least 0, but shape was " + shape);
      }
      size *= d; // cannot overflow: checked against MAX_ELEMENTS after every step
      if (size > MAX_ELEMENTS) {
        throw new IllegalArgumentException(
            name + " must have at most " + MAX_ELEMENTS + " elements, but shape was " + shape);
      }
    }
    return size;
  }

  /** The number of elements. */
  public int size() {
    return values.length;
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof HfTensor that
        && name.equals(that.name)
        && shape.equals(that.shape)
        && Arrays.equals(values, that.values);
  }

  @Override
  public int hashCode() {
    return 31 * (31 * name.hashCode() + shape.hashCode()) + Arrays.hashCode(values);
  }

  /** The name and shape; the values would be millions of numbers. */
  @Override
  public String toString() {
    return "HfTensor[" + name + " " + shape + "]";
  }
}
