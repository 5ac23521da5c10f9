package dev.srlstream.policy;

/**
 * Weights bytes that cannot be used: corrupt, truncated, not weights at all, or for another
 * architecture or tokenizer. The message says which.
 */
public final class InvalidWeightsException extends IllegalArgumentException {

  private static final long serialVersionUID = 1L;

  public InvalidWeightsException(String message) {
    super(message);
  }

  public InvalidWeightsException(String message, Throwable cause) {
    super(message, cause);
  }
}
