package dev.srlstream.topology.train;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.srlstream.actor.ActorService;
import dev.srlstream.learner.LearnerService;
import dev.srlstream.schemas.avro.TrainingMode;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What a run says about itself as it goes: the summary ({@code summary.json}, rewritten whole at
 * every change), one metrics line and one status line per tick, and its milestones on the log.
 */
final class RunRecord {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final TrainSettings settings;
  private final RunFiles files;
  private final PrintWriter log;
  private final ObjectNode summary = JSON.createObjectNode();
  private final long startNanos = System.nanoTime();
  private boolean warnedAllFiltered;

  RunRecord(TrainSettings settings, RunFiles files, PrintWriter log) {
    this.settings = settings;
    this.files = files;
    this.log = log;
  }

  ObjectNode summary() {
    return summary;
  }

  RunFiles files() {
    return files;
  }

  /** Writes the first summary: the run's settings, status {@code running}, nothing measured. */
  void init() {
    summary.put("run_id", settings.runId());
    summary.put("recipe", settings.recipe().cliName());
    summary.put("status", "running");
    ObjectNode budget = summary.putObject("budget");
    if (settings.budget() == null) {
      budget.putNull("minutes");
    } else {
      budget.put("minutes", settings.budget().toMillis() / 60_000.0);
    }
    if (settings.maxVersions() > 0) {
      budget.put("max_versions", settings.maxVersions());
    } else {
      budget.putNull("max_versions");
    }
    summary
        .putObject("seeds")
        .put("data", settings.seed())
        .put("policy", settings.seed())
        .put("sampling", settings.seed());
    summary
        .putObject("data")
        .put("train_problems", settings.train().size())
        .put("validation_problems", settings.validationSample().size())
        .put("test_problems", settings.test().size());
    summary
        .putObject("settings")
        .put("group_size", settings.tasks().groupSize())
        .put("temperature", settings.tasks().temperature())
        .put("max_new_tokens", settings.tasks().maxNewTokens())
        .put("autojunk", settings.autojunk())
        .put(
            "context_window",
            settings.contextWindow() == Integer.MAX_VALUE ? -1 : settings.contextWindow())
        .put("batch_groups", settings.batchGroups())
        .put("learning_rate", settings.learningRate())
        .put("warmup_updates", settings.warmupUpdates())
        .put("kl_coef", settings.klCoef())
        .put("credit", settings.credit().name().toLowerCase(java.util.Locale.ROOT))
        .put("actors", settings.actors())
        .put("task_window", settings.taskWindow())
        .put("model_parameters", settings.model().toJson());
    summary.putNull("base");
    summary.putNull("final");
    summary.putArray("reward_curve");
    summary.putArray("validation");
    writeSummary();
  }

  void writeSummary() {
    summary.put("elapsed_seconds", round(elapsedSeconds()));
    summary.put("peak_rss_bytes", RunFiles.peakRssBytes());
    files.writeSummary(summary);
  }

  /** Rates between status ticks. */
  static final class Progress {
    long lastNanos = System.nanoTime();
    long lastRollouts;
    long lastTokens;
  }

  /** Appends a metrics line, updates the summary and prints the status line. */
  void tick(
      Progress progress,
      RunMonitor.Snapshot snapshot,
      LearnerService learner,
      ActorService actors,
      Validator validator,
      long tasksSent,
      TrainingMode mode) {
    Rates rates = rates(progress, actors);
    double stalenessMean = stalenessMean(learner.counters().stalenessHistogram());
    ObjectNode line = baseLine(learner.version());
    line.put("mode", mode.name().toLowerCase(Locale.ROOT));
    line.put("tasks_sent", tasksSent);
    line.put("rewards", snapshot.rewards());
    putNumber(line, "mean_step_reward", snapshot.recentMeanReward());
    line.put("kept_groups", snapshot.kept());
    line.put("filtered_groups", snapshot.filtered());
    line.put("groups_trained", learner.counters().groupsTrained());
    line.put("rollouts_per_second", rates.rolloutsPerSecond());
    line.put("tokens_per_second", rates.tokensPerSecond());
    putNumber(line, "staleness_mean", stalenessMean);
    line.put("dropped_stale", learner.counters().groupsDroppedStale());
    Validator.Point best = validator.best();
    List<Validator.Point> points = validator.points();
    Validator.Point lastValidation = points.isEmpty() ? null : points.get(points.size() - 1);
    if (lastValidation != null) {
      line.put("validation_greedy_accuracy", lastValidation.greedyAccuracy());
      putNumber(line, "validation_step_exact_rate", lastValidation.stepExactRate());
      line.put("validation_version", lastValidation.version());
    }
    files.appendMetrics(line);
    warnIfAllFiltered(snapshot);
    recordCurve(snapshot);
    recordValidation(validator);
    writeSummary();
    sayStatus(
        learner, mode, snapshot, rates.tokensPerSecond(), stalenessMean, lastValidation, best);
  }

  /** The actors' rollouts and response tokens per second since the last tick. */
  private record Rates(double rolloutsPerSecond, double tokensPerSecond) {}

  /** The rates since the last tick (0 once the actors are stopped); moves the tick on to now. */
  private static Rates rates(Progress progress, ActorService actors) {
    long now = System.nanoTime();
    double seconds = Math.max(1e-3, (now - progress.lastNanos) / 1e9);
    double rolloutsPerSecond = 0;
    double tokensPerSecond = 0;
    if (actors != null) {
      long rollouts = actors.metrics().rollouts();
      long tokens = actors.metrics().responseTokens();
      rolloutsPerSecond = (rollouts - progress.lastRollouts) / seconds;
      tokensPerSecond = (tokens - progress.lastTokens) / seconds;
      progress.lastRollouts = rollouts;
      progress.lastTokens = tokens;
    }
    progress.lastNanos = now;
    return new Rates(rolloutsPerSecond, tokensPerSecond);
  }

  /** The mean staleness of the groups trained, by the histogram; NaN when none was trained. */
  private static double stalenessMean(Map<Long, Long> staleness) {
    long trained = staleness.values().stream().mapToLong(Long::longValue).sum();
    return trained == 0
        ? Double.NaN
        : staleness.entrySet().stream().mapToDouble(e -> e.getKey() * e.getValue()).sum() / trained;
  }

  /** Warns, once, when dynamic sampling has filtered every group so far, 50 or more of them. */
  private void warnIfAllFiltered(RunMonitor.Snapshot snapshot) {
    if (!warnedAllFiltered && snapshot.kept() == 0 && snapshot.filtered() >= 50) {
      warnedAllFiltered = true;
      say(
          "warning: all %d groups so far were filtered by dynamic sampling (every rollout of a"
              + " group scored the same, e.g. -1 for a malformed response): nothing can be"
              + " learned; does the base policy write <think>…</think> and an action?",
          snapshot.filtered());
    }
  }

  /** The status line: version, reward, groups, throughput, staleness, validation, memory. */
  private void sayStatus(
      LearnerService learner,
      TrainingMode mode,
      RunMonitor.Snapshot snapshot,
      double tokensPerSecond,
      double stalenessMean,
      Validator.Point lastValidation,
      Validator.Point best) {
    say(
        "[%s] v %d | %s reward %s | groups %d kept / %d filtered | %.0f tok/s | staleness %s%s |"
            + " rss %s",
        clock(),
        learner.version(),
        mode == TrainingMode.SRL ? "step" : mode.name().toLowerCase(Locale.ROOT),
        Double.isNaN(snapshot.recentMeanReward())
            ? "–"
            : String.format(Locale.ROOT, "%.3f", snapshot.recentMeanReward()),
        snapshot.kept(),
        snapshot.filtered(),
        tokensPerSecond,
        Double.isNaN(stalenessMean) ? "–" : String.format(Locale.ROOT, "%.2f", stalenessMean),
        lastValidation == null
            ? ""
            : String.format(
                Locale.ROOT,
                " | val %.0f%% (v %d, best %.0f%%) steps %.0f%% exact",
                100 * lastValidation.greedyAccuracy(),
                lastValidation.version(),
                100 * best.greedyAccuracy(),
                100 * lastValidation.stepExactRate()),
        gib(RunFiles.rssBytes()));
  }

  ObjectNode baseLine(long version) {
    ObjectNode line = JSON.createObjectNode();
    line.put("elapsed_seconds", round(elapsedSeconds()));
    line.put("version", version);
    line.put("rss_bytes", RunFiles.rssBytes());
    return line;
  }

  void recordCurve(RunMonitor.Snapshot snapshot) {
    ArrayNode curve = summary.putArray("reward_curve");
    for (RunMonitor.VersionPoint p : snapshot.curve()) {
      curve
          .addObject()
          .put("version", p.version())
          .put("mean_reward", p.meanReward())
          .put("rewards", p.rewards())
          .put("kept_groups", p.kept())
          .put("filtered_groups", p.filtered());
    }
  }

  void recordValidation(Validator validator) {
    ArrayNode points = summary.putArray("validation");
    for (Validator.Point p : validator.points()) {
      ObjectNode point =
          points.addObject().put("version", p.version()).put("greedy_accuracy", p.greedyAccuracy());
      putNumber(point, "step_exact_rate", p.stepExactRate());
      point.put("elapsed_seconds", round(p.elapsedSeconds()));
    }
    Validator.Point best = validator.best();
    if (best != null) {
      summary
          .putObject("best_validation")
          .put("version", best.version())
          .put("greedy_accuracy", best.greedyAccuracy())
          .put("weights", RunFiles.BEST_WEIGHTS);
    }
  }

  double elapsedSeconds() {
    return (System.nanoTime() - startNanos) / 1e9;
  }

  String clock() {
    long s = (long) elapsedSeconds();
    return String.format(Locale.ROOT, "%02d:%02d", s / 60, s % 60);
  }

  static String minutes(Duration d) {
    return String.format(Locale.ROOT, "%.1f min", d.toMillis() / 60_000.0);
  }

  static String gib(long bytes) {
    return bytes < 0 ? "–" : String.format(Locale.ROOT, "%.2f GiB", bytes / (double) (1L << 30));
  }

  static double round(double seconds) {
    return Math.round(seconds * 10) / 10.0;
  }

  private static void putNumber(ObjectNode node, String field, double value) {
    if (Double.isNaN(value)) {
      node.putNull(field);
    } else {
      node.put(field, value);
    }
  }

  void say(String format, Object... args) {
    synchronized (log) {
      log.printf(Locale.ROOT, "srl train: " + format + "%n", args);
      log.flush();
    }
  }
}
