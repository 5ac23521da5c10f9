package dev.srlstream.scorer;

/** Why the scorer gave up on a record; the {@code reason} code of its dead letter. */
public enum DeadLetterReason {
  /** The bytes are not an Avro record in the wire format, or name an unknown schema id. */
  UNDECODABLE,
  /** A field is out of range or inconsistent (the message names it). */
  INVALID_FIELD,
  /** A rollout id seen before: the record is a duplicate. */
  DUPLICATE_ROLLOUT,
  /** No expert step for the rollout's instance arrived within the grace period. */
  UNKNOWN_INSTANCE,
  /**
   * A rollout of a task whose group was already decided (trained on or filtered) under another
   * group id: a second sampling of the task, e.g. a redo under a newer version after a rebalance.
   */
  DUPLICATE_TASK
}
