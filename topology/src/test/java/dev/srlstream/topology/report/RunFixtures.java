package dev.srlstream.topology.report;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** The files of a finished run, as a training run writes them, for report tests. */
final class RunFixtures {

  static final String SUMMARY =
      """
      {
        "run_id": "20261126-091200-srl",
        "recipe": "srl",
        "status": "finished",
        "budget": {"minutes": 6.0, "max_versions": null},
        "elapsed_seconds": 412.5,
        "peak_rss_bytes": 1800000000,
        "seeds": {"data": 1, "policy": 1, "sampling": 1},
        "base":  {"version": 0,  "greedy_accuracy": 0.12, "avg_at_k": 0.08, "pass_at_k": 0.30,
                  "k": 4, "problems": 100},
        "final": {"version": 57, "greedy_accuracy": 0.21, "avg_at_k": 0.15, "pass_at_k": 0.41,
                  "k": 4, "problems": 100},
        "reward_curve": [
          {"version": 1, "mean_reward": 0.41, "kept_groups": 8, "filtered_groups": 2},
          {"version": 2, "mean_reward": 0.44, "kept_groups": 7, "filtered_groups": 3},
          {"version": 3, "mean_reward": 0.47, "kept_groups": 9, "filtered_groups": 1}
        ],
        "validation": [
          {"version": 0, "greedy_accuracy": 0.10, "elapsed_seconds": 0.0},
          {"version": 20, "greedy_accuracy": 0.16, "elapsed_seconds": 140.0},
          {"version": 40, "greedy_accuracy": 0.19, "elapsed_seconds": 290.0}
        ]
      }
      """;

  private RunFixtures() {}

  /** A status tick of metrics.jsonl at {@code seconds}. */
  static String tick(double seconds, int version) {
    return String.format(
        java.util.Locale.ROOT,
        "{\"elapsed_seconds\": %.1f, \"version\": %d, \"rewards\": %d, \"mean_step_reward\": %.2f,"
            + " \"kept_groups\": %d, \"filtered_groups\": %d, \"rollouts_per_second\": %.1f,"
            + " \"tokens_per_second\": %.1f, \"staleness_mean\": %.2f, \"dropped_stale\": %d,"
            + " \"rss_bytes\": 1500000000}",
        seconds,
        version,
        80 * version,
        0.4 + version * 0.01,
        7 * version,
        2 * version,
        90.0 + version % 7,
        4000.0 + 30 * version,
        0.5 + version % 3 * 0.2,
        version / 2);
  }

  /** Writes a finished run: the summary and {@code ticks} metrics lines every 2 s. */
  static Path finishedRun(Path dir, int ticks) throws IOException {
    Files.createDirectories(dir);
    Files.writeString(dir.resolve("summary.json"), SUMMARY, StandardCharsets.UTF_8);
    StringBuilder metrics = new StringBuilder();
    for (int i = 1; i <= ticks; i++) {
      metrics.append(tick(2.0 * i, i / 2)).append('\n');
    }
    Files.writeString(dir.resolve("metrics.jsonl"), metrics, StandardCharsets.UTF_8);
    return dir;
  }
}
