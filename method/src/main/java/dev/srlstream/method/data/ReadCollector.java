package dev.srlstream.method.data;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * What a lenient reader collects from a file: the solutions it keeps and the records it skips with
 * their reason. An id is kept once: a later record with the same id is skipped as {@link
 * SkipReason#DUPLICATE_ID}, naming the line that had it first.
 */
final class ReadCollector {
  private final List<ExpertSolution> solutions = new ArrayList<>();
  private final List<ReadResult.Skipped> skipped = new ArrayList<>();
  private final Map<String, Integer> lineOfId = new HashMap<>();

  /** Skips {@code record} (of solution {@code id}, null if it has none) for {@code reason}. */
  void skip(JsonRecord record, String id, SkipReason reason, String detail) {
    skipped.add(new ReadResult.Skipped(record.file(), record.line(), id, reason, detail));
  }

  /** Skips a record whose skip a reader built itself. */
  void skip(ReadResult.Skipped skip) {
    skipped.add(skip);
  }

  /** Keeps {@code solution}, read from {@code record}, unless an earlier record had its id. */
  void keep(JsonRecord record, ExpertSolution solution) {
    Integer earlier = lineOfId.putIfAbsent(solution.id(), record.line());
    if (earlier != null) {
      skip(record, solution.id(), SkipReason.DUPLICATE_ID, "the same id as line " + earlier);
      return;
    }
    solutions.add(solution);
  }

  ReadResult result() {
    return new ReadResult(solutions, skipped);
  }
}
