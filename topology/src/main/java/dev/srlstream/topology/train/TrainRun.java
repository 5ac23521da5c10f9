package dev.srlstream.topology.train;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintWriter;
import java.nio.file.Path;

/**
 * One training run, start to end: evaluate the base policy, train by the recipe within the budget,
 * evaluate the final policy, and keep the record in the run directory ({@link RunFiles}).
 *
 * <p>The streaming recipes run the real services in this process — scorer (Kafka Streams), learner
 * (TF Java) and actors (Vert.x) — which meet only on the topics, exactly as when each runs alone;
 * {@link StreamingTraining} only feeds tasks, watches the topics ({@link RunMonitor}) and the
 * services' health, and measures validation accuracy. More actors on other machines can join the
 * run's consumer group (printed at the start) and share its tasks.
 *
 * <p>A run that stops early — by {@link #requestStop(String)}, a failed service, or a lost cluster
 * — still leaves its summary (status and reason), metrics, the weights reached so far, and its
 * report. A file named {@value #STOP_FILE} in the run directory asks for a clean finish: training
 * ends at the next tick and the final evaluation runs, as at the end of the budget (a signal ends
 * the process, so it skips that evaluation).
 */
public final class TrainRun {
  /** The file in the run directory whose appearance asks the run to finish cleanly. */
  public static final String STOP_FILE = "STOP";

  private final TrainSettings settings;
  private final PrintWriter log;
  private final StopConditions stops;

  /**
   * @param log where progress goes: a status line every 2 s and the run's milestones
   */
  public TrainRun(TrainSettings settings, PrintWriter log) {
    this.settings = settings;
    this.log = log;
    this.stops = new StopConditions(settings);
  }

  /** Ends training soon (at the next tick); the run then evaluates and writes its record. */
  public void requestStop(String reason) {
    stops.requestStop(reason);
  }

  /**
   * Runs to the end and returns the summary (also in {@code summary.json}).
   *
   * @throws Exception when the run failed; its summary then says so and why
   */
  public ObjectNode run() throws Exception {
    RunFiles files = new RunFiles(settings.runDir());
    RunRecord record = new RunRecord(settings, files, log);
    ObjectNode summary = record.summary();
    HeldOutEvaluation heldOut = new HeldOutEvaluation(settings, record);
    try (RunFiles ignored = files) {
      record.init();
      files.writeWeights(RunFiles.BASE_WEIGHTS, settings.baseWeights());
      if (!settings.test().isEmpty() && settings.evaluateBase()) {
        record.say("evaluating the base policy on %d held-out problems", settings.test().size());
        summary.set("base", heldOut.evaluate(settings.baseWeights()));
        record.writeSummary();
      }
      byte[] last;
      try (Validator validator =
          new Validator(
              settings.validationSample(),
              settings.eval(),
              settings.scorerConfig().autojunk(),
              files,
              record::elapsedSeconds)) {
        last =
            settings.recipe().streams()
                ? new StreamingTraining(settings, record, stops).train(validator)
                : new SftTraining(settings, record, stops).train(validator);
        files.writeWeights(RunFiles.FINAL_WEIGHTS, last);
        record.recordValidation(validator);
      }
      if (!settings.test().isEmpty() && !stops.interrupted()) {
        record.say("evaluating the final policy on %d held-out problems", settings.test().size());
        summary.set("final", heldOut.evaluate(last));
      }
      String stopReason = stops.stopReason();
      summary.put("status", stopReason != null ? "stopped: " + stopReason : "finished");
      record.writeSummary();
      return summary;
    } catch (Exception | Error e) {
      summary.put("status", "failed: " + rootMessage(e));
      record.writeSummary();
      throw e;
    }
  }

  static String rootMessage(Throwable t) {
    Throwable root = t;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    String message = root.getMessage();
    return message == null ? root.getClass().getSimpleName() : message;
  }

  Path runDir() {
    return settings.runDir();
  }
}
