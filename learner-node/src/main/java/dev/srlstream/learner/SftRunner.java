package dev.srlstream.learner;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Consumer;

/**
 * Supervised fine-tuning from a fixed set of examples, through the same model and optimiser as
 * GRPO: shuffled mini-batches, one {@link GrpoTrainer#trainSft} update each. Used to warm a base
 * policy on expert text (the small model's counterpart of an instruct model) and as the SFT
 * baseline.
 */
public final class SftRunner {

  /**
   * One supervised example: the context (starting with BOS, not scored) and the text to imitate.
   */
  public record Example(int[] prompt, int[] target) {}

  /** Progress after an update: the update's number (from 1) and its metrics. */
  public record Progress(int update, int updates, Map<String, Double> metrics) {}

  private SftRunner() {}

  /**
   * Trains {@code updates} mini-batches of {@code batchSize} examples, drawn by passes over a
   * seeded shuffle of the examples.
   *
   * @return the metrics of the last update
   */
  public static Map<String, Double> run(
      GrpoTrainer trainer,
      List<Example> examples,
      int updates,
      int batchSize,
      long seed,
      Consumer<Progress> progress) {
    if (examples.isEmpty()) {
      throw new IllegalArgumentException("SFT needs at least one example, but had none");
    }
    if (updates < 1) {
      throw new IllegalArgumentException("updates must be >= 1, but was " + updates);
    }
    if (batchSize < 1) {
      throw new IllegalArgumentException("batchSize must be >= 1, but was " + batchSize);
    }
    Random random = new Random(seed);
    List<Example> order = new ArrayList<>(examples);
    Collections.shuffle(order, random);
    int next = 0;
    Map<String, Double> metrics = Map.of();
    for (int update = 1; update <= updates; update++) {
      List<int[]> prompts = new ArrayList<>(batchSize);
      List<int[]> targets = new ArrayList<>(batchSize);
      for (int i = 0; i < batchSize; i++) {
        if (next == order.size()) {
          Collections.shuffle(order, random); // a new pass
          next = 0;
        }
        Example example = order.get(next++);
        prompts.add(example.prompt());
        targets.add(example.target());
      }
      metrics = trainer.trainSft(prompts, targets);
      progress.accept(new Progress(update, updates, metrics));
    }
    return metrics;
  }
}
