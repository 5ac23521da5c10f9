package dev.srlstream.learner;

import dev.srlstream.learner.TrainerFixtures.Rollout;
import dev.srlstream.policy.ByteTokenizer;
import dev.srlstream.policy.ModelConfig;
import dev.srlstream.policy.SessionThreads;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Time of one GRPO train step at the default model size, and the JVM's peak resident memory. Not a
 * test (its name matches no surefire or failsafe pattern): run by {@code
 * learner-node/bench/train-step.sh}.
 *
 * <p>Arguments: groups B (default 8), rollouts per group G (8), mean prompt bytes (150), mean
 * response bytes (60), timed steps (10), then optionally intra-op and inter-op threads (0 0:
 * TensorFlow's choice). Prompts and responses are random bytes whose lengths vary by up to ±20%
 * around the means (each group has its own prompt, each rollout its own response), behaviour
 * log-probs are near the untrained policy's and advantages are normalised per group, so the step
 * does the work of a real one. Two untimed warm-up steps first.
 */
public final class TrainStepBenchmark {

  private TrainStepBenchmark() {}

  public static void main(String[] args) throws IOException {
    int groups = args.length > 0 ? Integer.parseInt(args[0]) : 8;
    int rollouts = args.length > 1 ? Integer.parseInt(args[1]) : 8;
    int promptBytes = args.length > 2 ? Integer.parseInt(args[2]) : 150;
    int responseBytes = args.length > 3 ? Integer.parseInt(args[3]) : 60;
    int steps = args.length > 4 ? Integer.parseInt(args[4]) : 10;
    SessionThreads threads =
        args.length > 6
            ? new SessionThreads(Integer.parseInt(args[5]), Integer.parseInt(args[6]))
            : SessionThreads.TENSORFLOW_DEFAULT;
    ModelConfig model = ModelConfig.DEFAULT;
    Random random = new Random(42);

    System.out.printf(
        "model: %s, %,d parameters; batch %d groups x %d rollouts, prompt ~%d, response ~%d"
            + " tokens; %d timed steps; session threads intra-op %d, inter-op %d"
            + " (0: TensorFlow's choice)%n",
        model.toJson(),
        model.parameterCount(),
        groups,
        rollouts,
        promptBytes,
        responseBytes,
        steps,
        threads.intraOp(),
        threads.interOp());
    long buildStart = System.nanoTime();
    try (GrpoTrainer trainer =
        GrpoTrainer.create(model, ByteTokenizer.INSTANCE, TrainerConfig.defaults(), threads)) {
      System.out.printf(
          "graph build + init: %.0f ms; resident after it: %s%n",
          (System.nanoTime() - buildStart) / 1e6, status("VmRSS"));
      List<List<WeightedGroup>> batches = new ArrayList<>();
      for (int b = 0; b < 3; b++) {
        batches.add(batch(random, groups, rollouts, promptBytes, responseBytes));
      }
      for (int w = 0; w < 2; w++) {
        trainer.train(batches.get(w % batches.size()));
      }
      double[] millis = new double[steps];
      long responseTokens = 0;
      long positions = 0;
      for (int s = 0; s < steps; s++) {
        List<WeightedGroup> batch = batches.get(s % batches.size());
        long start = System.nanoTime();
        Map<String, Double> metrics = trainer.train(batch);
        millis[s] = (System.nanoTime() - start) / 1e6;
        responseTokens += metrics.get("tokens").longValue();
        TokenBatch rows =
            TokenBatch.ofGroups(
                batch,
                model.vocabSize(),
                model.contextLength(),
                Credit.SEQUENCE,
                ByteTokenizer.INSTANCE);
        positions += (long) rows.rows() * rows.length();
      }
      double total = Arrays.stream(millis).sum();
      double[] sorted = millis.clone();
      Arrays.sort(sorted);
      System.out.printf(
          "train step: median %.0f ms, mean %.0f ms, min %.0f ms, max %.0f ms%n",
          sorted[steps / 2], total / steps, sorted[0], sorted[steps - 1]);
      System.out.printf(
          "throughput: %.0f response tokens/s (scored), %.0f positions/s (fed, padding"
              + " included)%n",
          responseTokens / (total / 1000), positions / (total / 1000));
    }
    System.out.println("peak RSS (VmHWM): " + status("VmHWM"));
  }

  private static List<WeightedGroup> batch(
      Random random, int groups, int rollouts, int promptBytes, int responseBytes) {
    List<WeightedGroup> batch = new ArrayList<>();
    for (int g = 0; g < groups; g++) {
      int[] prompt = randomBytes(random, vary(random, promptBytes));
      prompt[0] = ByteTokenizer.BOS;
      double[] rewards = new double[rollouts];
      List<int[]> responses = new ArrayList<>();
      for (int r = 0; r < rollouts; r++) {
        responses.add(randomBytes(random, vary(random, responseBytes)));
        rewards[r] = random.nextDouble();
      }
      double[] advantages = GrpoLearningTest.grpoAdvantages(rewards);
      List<Rollout> built = new ArrayList<>();
      for (int r = 0; r < rollouts; r++) {
        float[] behaviour = new float[responses.get(r).length];
        for (int t = 0; t < behaviour.length; t++) {
          behaviour[t] =
              (float) (-Math.log(ByteTokenizer.VOCAB_SIZE) + 0.1 * random.nextGaussian());
        }
        built.add(new Rollout(responses.get(r), behaviour, advantages[r]));
      }
      batch.add(TrainerFixtures.weighted(TrainerFixtures.group("bench" + g, prompt, built), 1.0));
    }
    return batch;
  }

  private static int vary(Random random, int mean) {
    return Math.max(1, (int) Math.round(mean * (0.8 + 0.4 * random.nextDouble())));
  }

  private static int[] randomBytes(Random random, int length) {
    int[] ids = new int[length];
    for (int i = 0; i < length; i++) {
      ids[i] = ByteTokenizer.FIRST_BYTE + 32 + random.nextInt(95); // printable ASCII
    }
    return ids;
  }

  /** A memory line of /proc/self/status, such as VmHWM (peak resident) or VmRSS, in MiB. */
  private static String status(String field) throws IOException {
    for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
      if (line.startsWith(field + ":")) {
        long kib = Long.parseLong(line.replaceAll("[^0-9]", ""));
        return String.format("%.0f MiB", kib / 1024.0);
      }
    }
    return "unknown (no " + field + " in /proc/self/status)";
  }
}
