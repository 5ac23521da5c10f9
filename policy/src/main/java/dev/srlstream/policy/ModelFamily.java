package dev.srlstream.policy;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Arrays;
import java.util.Locale;

/**
 * What a transformer block is made of. Both are pre-norm decoder blocks (norm, attention, residual;
 * norm, MLP, residual) followed by a final norm.
 *
 * <ul>
 *   <li>{@link #GPT2}: LayerNorm with gain and offset, multi-head attention with a bias on every
 *       projection, a GELU MLP (tanh approximation, GPT-2's {@code gelu_new}) with biases. The
 *       bundled policy is this family; so is GPT-2 itself, with learned positions.
 *   <li>{@link #QWEN2}: RMSNorm with a gain only, grouped-query attention (fewer key/value heads
 *       than query heads) with biases on the query, key and value projections but not the output,
 *       rotary positions, and a SwiGLU MLP without biases: {@code down(silu(gate(x)) * up(x))}.
 *       Qwen2 and Qwen2.5 (the paper's Qwen2.5-7B-Instruct) are this.
 * </ul>
 */
public enum ModelFamily {
  GPT2,
  QWEN2;

  /** The lower-case name used in JSON. */
  @JsonValue
  public String json() {
    return name().toLowerCase(Locale.ROOT);
  }

  /**
   * Reads {@link #json()}'s form.
   *
   * @throws IllegalArgumentException naming the accepted values
   */
  @JsonCreator
  public static ModelFamily fromJson(String text) {
    for (ModelFamily family : values()) {
      if (family.json().equals(text)) {
        return family;
      }
    }
    throw new IllegalArgumentException(
        "family must be one of "
            + String.join(", ", Arrays.stream(values()).map(ModelFamily::json).toList())
            + ", but was "
            + text);
  }
}
