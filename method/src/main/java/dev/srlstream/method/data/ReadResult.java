package dev.srlstream.method.data;

import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * What a reader produced: the solutions, and the records it skipped with their reasons (the paper
 * drops items whose solution fails the parse; we drop them too, but never silently).
 */
public record ReadResult(List<ExpertSolution> solutions, List<Skipped> skipped) {

  public ReadResult {
    solutions = List.copyOf(solutions);
    skipped = List.copyOf(skipped);
  }

  /**
   * A record that was read but dropped.
   *
   * @param file the file as the user named it
   * @param line the 1-based line of the record
   * @param id the problem id when it was known, else null
   * @param reason the reason, for counting
   * @param detail the reason in words
   */
  public record Skipped(String file, int line, String id, SkipReason reason, String detail) {
    @Override
    public String toString() {
      return MalformedDataException.location(file, line)
          + (id == null ? "" : " (id " + id + ")")
          + ": "
          + reason
          + ": "
          + detail;
    }
  }

  /** The number of skipped records per reason, only reasons that occurred. */
  public Map<SkipReason, Long> skippedByReason() {
    return skipped.stream()
        .collect(
            Collectors.groupingBy(
                Skipped::reason, () -> new EnumMap<>(SkipReason.class), Collectors.counting()));
  }

  /** One line for logs: {@code read 998 solutions, skipped 2 (NO_STEPS 1, EMPTY_STEP 1)}. */
  public String summary() {
    String counts =
        skippedByReason().entrySet().stream()
            .map(e -> e.getKey() + " " + e.getValue())
            .collect(Collectors.joining(", "));
    return "read "
        + solutions.size()
        + " solutions, skipped "
        + skipped.size()
        + (skipped.isEmpty() ? "" : " (" + counts + ")");
  }
}
