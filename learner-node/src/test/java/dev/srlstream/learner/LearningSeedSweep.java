package dev.srlstream.learner;

import dev.srlstream.policy.ModelConfig;

/**
 * Runs {@link GrpoLearningTest}'s loop over many seeds and prints each seed's rise, to re-check
 * that test's bound after changing the update or the defaults. Not a test (its name matches no
 * surefire or failsafe pattern); run it with the classpath {@code learner-node/bench/train-step.sh}
 * builds.
 *
 * <p>Arguments: seeds (from 1, default 20), iterations (default the test's), learning rate (default
 * the config default), and optionally a {@link ModelConfig} as JSON (default the test's model).
 */
public final class LearningSeedSweep {

  private LearningSeedSweep() {}

  public static void main(String[] args) {
    int seeds = args.length > 0 ? Integer.parseInt(args[0]) : 20;
    int iterations = args.length > 1 ? Integer.parseInt(args[1]) : GrpoLearningTest.ITERATIONS;
    double learningRate =
        args.length > 2 ? Double.parseDouble(args[2]) : TrainerConfig.DEFAULT_LEARNING_RATE;
    ModelConfig model =
        args.length > 3 ? ModelConfig.fromJson(args[3]) : TrainerFixtures.DEFAULT_WIDTH;
    TrainerConfig config = TrainerConfig.defaults().toBuilder().learningRate(learningRate).build();
    int window = GrpoLearningTest.WINDOW;
    double smallest = Double.POSITIVE_INFINITY;
    for (long seed = 1; seed <= seeds; seed++) {
      double[] rewards = GrpoLearningTest.run(model, seed, iterations, config);
      double first = GrpoLearningTest.mean(rewards, 0, window);
      double last = GrpoLearningTest.mean(rewards, iterations - window, iterations);
      smallest = Math.min(smallest, last - first);
      System.out.printf(
          "seed %d: first %.3f, last %.3f, rise %.3f%n", seed, first, last, last - first);
    }
    System.out.printf("smallest rise over %d seeds: %.3f%n", seeds, smallest);
  }
}
