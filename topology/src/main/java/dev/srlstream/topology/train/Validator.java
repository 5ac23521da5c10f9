package dev.srlstream.topology.train;

import dev.srlstream.method.data.ExpertSolution;
import dev.srlstream.policy.eval.Evaluator;
import dev.srlstream.policy.eval.StepEvaluator;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.DoubleSupplier;

/**
 * Greedy accuracy on the validation split across policy versions, measured in the background on one
 * thread while training goes on, one version at a time (a version that comes while one is being
 * measured waits for the next call). The best version's weights are kept as {@code
 * best-validation.bin}: the checkpoint a user would pick, as the paper does.
 *
 * <p>Each measurement also takes the greedy step-level exact rate ({@link StepEvaluator}, every
 * step prompted with the expert's earlier steps): SRL trains the step, so the step is what should
 * move first. It costs about as much as the end-to-end measurement (one greedy response per step).
 */
final class Validator implements AutoCloseable {

  /**
   * The validation figures of one version.
   *
   * @param greedyAccuracy the end-to-end greedy accuracy, which picks the best version
   * @param stepExactRate the greedy step-level exact-action rate
   */
  record Point(long version, double greedyAccuracy, double stepExactRate, double elapsedSeconds) {}

  private final List<ExpertSolution> problems;
  private final Evaluator.Settings settings;
  private final StepEvaluator steps;
  private final RunFiles files;
  private final DoubleSupplier elapsedSeconds;
  private final ExecutorService executor;
  private final AtomicBoolean busy = new AtomicBoolean();
  private final List<Point> points = new ArrayList<>();
  private volatile Throwable failure;
  private long lastSubmitted = -1;
  private Point best;
  private byte[] bestWeights;

  Validator(
      List<ExpertSolution> problems,
      Evaluator.Settings settings,
      boolean autojunk,
      RunFiles files,
      DoubleSupplier elapsedSeconds) {
    this.problems = List.copyOf(problems);
    this.settings = settings.withK(0).withThreads(1);
    this.steps = new StepEvaluator(this.settings, autojunk);
    this.files = files;
    this.elapsedSeconds = elapsedSeconds;
    this.executor =
        Executors.newSingleThreadExecutor(
            r -> {
              Thread t = new Thread(r, "srl-validator");
              t.setDaemon(true);
              return t;
            });
  }

  boolean enabled() {
    return !problems.isEmpty();
  }

  /** Measures {@code version} in the background unless busy or already measured; true if taken. */
  synchronized boolean submit(long version, byte[] weights) {
    if (!enabled() || version <= lastSubmitted || !busy.compareAndSet(false, true)) {
      return false;
    }
    lastSubmitted = version;
    executor.execute(
        () -> {
          try {
            record(measure(version, weights), weights);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          } catch (RuntimeException e) {
            failure = e;
          } finally {
            busy.set(false);
          }
        });
    return true;
  }

  /** Measures {@code version} now, on the calling thread (waits for a background one first). */
  Point measureNow(long version, byte[] weights) throws InterruptedException {
    awaitIdle();
    Point point = measure(version, weights);
    record(point, weights);
    return point;
  }

  private Point measure(long version, byte[] weights) throws InterruptedException {
    Evaluator.Report report = Evaluator.evaluate(weights, problems, settings, done -> {});
    StepEvaluator.Report stepReport = steps.evaluate(weights, problems, done -> {});
    return new Point(
        version,
        report.greedyAccuracy(),
        stepReport.greedy().exactRate(),
        elapsedSeconds.getAsDouble());
  }

  private synchronized void record(Point point, byte[] weights) {
    points.add(point);
    if (best == null || point.greedyAccuracy() > best.greedyAccuracy()) {
      best = point;
      bestWeights = weights;
      files.writeWeights(RunFiles.BEST_WEIGHTS, weights);
    }
  }

  synchronized List<Point> points() {
    return List.copyOf(points);
  }

  synchronized List<Double> accuracies() {
    return points.stream().map(Point::greedyAccuracy).toList();
  }

  synchronized Point best() {
    return best;
  }

  /** The weights of {@link #best()}, or null before the first validation. */
  synchronized byte[] bestWeights() {
    return bestWeights;
  }

  Throwable failure() {
    return failure;
  }

  void awaitIdle() throws InterruptedException {
    while (busy.get()) {
      Thread.sleep(50);
    }
  }

  @Override
  public void close() {
    executor.shutdownNow();
    try {
      executor.awaitTermination(30, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
