package dev.srlstream.topology;

import java.time.Instant;
import java.time.format.DateTimeParseException;

/** The command line's points in time: ISO-8601 instants, with one error message for all. */
final class Instants {
  private Instants() {}

  /**
   * @throws IllegalArgumentException naming {@code option} and the text, with an example
   */
  static Instant parse(String text, String option) {
    try {
      return Instant.parse(text);
    } catch (DateTimeParseException e) {
      throw new IllegalArgumentException(
          option + " must be an ISO-8601 instant (e.g. 2026-12-04T01:00:00Z), but was " + text);
    }
  }
}
