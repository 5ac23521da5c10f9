package dev.srlstream.topology.train;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.srlstream.policy.eval.Evaluator;
import dev.srlstream.policy.eval.StepEvaluator;
import dev.srlstream.topology.eval.EvalReports;
import dev.srlstream.topology.eval.StepReports;
import java.util.Locale;

/**
 * The base and final evaluations of a run on its held-out problems: end to end (greedy, avg@k,
 * pass@k) and step by step with the run's window, k and scorer, so it reports the reward training
 * was given. Progress and results go to the run's record.
 */
final class HeldOutEvaluation {
  private final TrainSettings settings;
  private final RunRecord record;

  HeldOutEvaluation(TrainSettings settings, RunRecord record) {
    this.settings = settings;
    this.record = record;
  }

  /** Evaluates {@code weights}; the summary's {@code base} or {@code final} object. */
  ObjectNode evaluate(byte[] weights) throws InterruptedException {
    int total = settings.test().size();
    int every = Math.max(1, total / 4);
    Evaluator.Report report =
        Evaluator.evaluate(
            weights, settings.test(), settings.eval(), done -> progress("", done, total, every));
    ObjectNode node = EvalReports.summary(report);
    record.say(
        "  greedy %.1f%% | avg@%d %.1f%% | pass@%d %.1f%%",
        100 * report.greedyAccuracy(),
        report.k(),
        100 * report.avgAtK(),
        report.k(),
        100 * report.passAtK());
    // Has the step SRL trains got better?
    StepEvaluator.Report steps =
        new StepEvaluator(settings.eval(), settings.scorerConfig().autojunk())
            .evaluate(
                weights, settings.test(), done -> progress("step level: ", done, total, every));
    node.set("steps", StepReports.summary(steps));
    record.say(
        "  steps: greedy exact %.1f%%, well-formed %.1f%%, reward %.3f%s",
        100 * steps.greedy().exactRate(),
        100 * steps.greedy().wellFormedRate(),
        steps.greedy().meanReward(),
        steps.k() == 0
            ? ""
            : String.format(
                Locale.ROOT,
                " | %d samples: exact %.1f%%, well-formed %.1f%%, reward %.3f",
                steps.k(),
                100 * steps.sampled().exactRate(),
                100 * steps.sampled().wellFormedRate(),
                steps.sampled().meanReward()));
    return node;
  }

  private void progress(String what, int done, int total, int every) {
    if (done % every == 0 && done < total) {
      record.say("  %sevaluated %d/%d", what, done, total);
    }
  }
}
