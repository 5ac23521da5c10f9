package dev.srlstream.scorer;

/** What the scorer does with a group still incomplete when its timeout passes. */
public enum PartialGroupPolicy {
  /**
   * Emit it with the rollouts that arrived ({@code complete=false}), advantages computed over them,
   * if at least two arrived and it passes dynamic sampling.
   */
  EMIT,
  /** Drop it (counted). */
  DROP
}
