package dev.srlstream.method.format;

/**
 * A policy response split into its inner monologue and its action, or the reason it is malformed.
 *
 * @param formatOk whether the response follows the output format
 * @param monologue the text of the think block(s), stripped; {@code null} when malformed
 * @param action the action with any {@code <solution>} tags removed, stripped and non-empty; {@code
 *     null} when malformed
 * @param reason why the response is malformed; {@code null} when it is well formed
 */
public record ParsedResponse(boolean formatOk, String monologue, String action, String reason) {

  public ParsedResponse {
    if (formatOk && (monologue == null || action == null || action.isEmpty() || reason != null)) {
      throw new IllegalArgumentException(
          "a well-formed response needs a monologue and a non-empty action and no reason");
    }
    if (!formatOk && (reason == null || monologue != null || action != null)) {
      throw new IllegalArgumentException("a malformed response has a reason and nothing else");
    }
  }

  /** A well-formed response. */
  public static ParsedResponse ok(String monologue, String action) {
    return new ParsedResponse(true, monologue, action, null);
  }

  /** A malformed response. */
  public static ParsedResponse malformed(String reason) {
    return new ParsedResponse(false, null, null, reason);
  }
}
