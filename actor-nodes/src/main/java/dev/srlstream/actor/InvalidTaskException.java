package dev.srlstream.actor;

/** A task the actor cannot roll out as asked; it goes to the dead letters as INVALID_FIELD. */
final class InvalidTaskException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  InvalidTaskException(String message) {
    super(message);
  }
}
