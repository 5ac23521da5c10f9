package dev.srlstream.topology.train;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;

/**
 * When training ends: its budget of training time is spent, its version limit is reached, or a stop
 * is asked for (by {@link #requestStop}, or by a file named {@value TrainRun#STOP_FILE} in the run
 * directory). Thread-safe: a signal handler asks for the stop while the run checks.
 */
final class StopConditions {
  private final Duration budget;
  private final long maxVersions;
  private final Path stopFile;
  private final AtomicReference<String> stopReason = new AtomicReference<>();
  private volatile long trainingStartNanos = System.nanoTime();

  StopConditions(TrainSettings settings) {
    this.budget = settings.budget();
    this.maxVersions = settings.maxVersions();
    this.stopFile = settings.runDir().resolve(TrainRun.STOP_FILE);
  }

  /** Training starts now: the budget counts from here (evaluation and start-up do not count). */
  void startTraining() {
    trainingStartNanos = System.nanoTime();
  }

  /** The time spent training so far. */
  Duration trainingTime() {
    return Duration.ofNanos(System.nanoTime() - trainingStartNanos);
  }

  /** Ends training at the next check; the first reason given is kept. */
  void requestStop(String reason) {
    stopReason.compareAndSet(null, reason);
  }

  /** Why a stop was asked for, or null if none was. */
  String stopReason() {
    return stopReason.get();
  }

  /** Whether the run was ended by a signal, which skips the final evaluation. */
  boolean interrupted() {
    String reason = stopReason.get();
    return reason != null && reason.startsWith("interrupted");
  }

  /**
   * Whether training should end now, after {@code versions} new policy versions: the budget is
   * spent, the limit reached, or a stop asked for (the stop file's appearance asks for one).
   */
  boolean reached(long versions) {
    if (Files.exists(stopFile)) {
      requestStop("asked to finish by " + stopFile);
    }
    return stopReason.get() != null
        || (budget != null && trainingTime().compareTo(budget) >= 0)
        || (maxVersions > 0 && versions >= maxVersions);
  }

  /** What the start of training says about its end. */
  String howItEnds() {
    String stop = "touch " + stopFile + " finishes with the final evaluation";
    return budget == null
        ? "until stopped; " + stop
        : "for " + RunRecord.minutes(budget) + "; " + stop;
  }
}
