package dev.srlstream.actor;

/** Why the actor gave up on a record; the {@code reason} of its dead letter. */
enum DeadLetterReason {
  /**
   * Not in the wire format, an unknown schema id, or bytes that do not decode (an unknown mode).
   */
  UNDECODABLE,
  /** A field the actor cannot work with: SFT mode, group size, token budget, a prompt too long. */
  INVALID_FIELD,
  /** A policy version whose weights fail their checksum or do not fit the actor's model. */
  INVALID_WEIGHTS
}
