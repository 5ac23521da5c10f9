package dev.srlstream.policy;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Arrays;
import java.util.Locale;

/**
 * How attention knows where tokens are.
 *
 * <ul>
 *   <li>{@link #LEARNED}: a learned embedding per absolute position added to the token embedding
 *       (GPT-2). Positions a warm-up never reaches stay untrained, so a model warmed on short
 *       prompts breaks on longer ones.
 *   <li>{@link #ALIBI}: no position parameters; each head adds {@code -slope_h * (query - key)} to
 *       its attention scores (Press et al., "Train Short, Test Long"), slopes {@code 2^(-8h/H)} for
 *       heads {@code h = 1..H}. Only distances matter, and the bias extrapolates to lengths never
 *       trained on.
 *   <li>{@link #ROPE}: no position parameters; queries and keys are rotated by an angle
 *       proportional to their position (Su et al., RoFormer; Qwen2 and Llama use it), so a score
 *       depends on the distance between the two positions only.
 * </ul>
 */
public enum PositionEncoding {
  LEARNED,
  ALIBI,
  ROPE;

  /** The lower-case name used in JSON and on the command line. */
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
  public static PositionEncoding fromJson(String text) {
    for (PositionEncoding encoding : values()) {
      if (encoding.json().equals(text)) {
        return encoding;
      }
    }
    throw new IllegalArgumentException(
        "positions must be one of "
            + String.join(", ", Arrays.stream(values()).map(PositionEncoding::json).toList())
            + ", but was "
            + text);
  }
}
