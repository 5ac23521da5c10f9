package dev.srlstream.learner;

import dev.srlstream.learner.TrainerFixtures.Rollout;
import dev.srlstream.policy.ByteTokenizer;
import dev.srlstream.policy.ModelConfig;
import dev.srlstream.policy.SessionThreads;
import dev.srlstream.policy.WeightsCodec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Whether the same GRPO updates give bit-identical weights under different TensorFlow session
 * thread settings, in one process and across processes. Not a test (its name matches no surefire or
 * failsafe pattern): run by {@code learner-node/bench/determinism.sh}.
 *
 * <p>{@code run DIR UPDATES SETTING...}: for every SETTING ({@code INTRAxINTER}, e.g. {@code 1x1},
 * {@code 0x0} for TensorFlow's choice) a fresh trainer (seed 0, the default model and trainer
 * configuration) does UPDATES updates on the same fixed batches (4 groups x 8 rollouts, prompts
 * ~150 and responses ~60 random printable bytes, seed 42), and writes the final weights to {@code
 * DIR/<tag>-<SETTING>-<n>.bin}; prints each setting's SHA-256 after every update. A SETTING ending
 * in {@code r} (e.g. {@code 1x1r}) trains each batch's groups in reverse order: the control that
 * shows the probe sees a difference when there is one.
 *
 * <p>{@code compare REFERENCE FILE...}: the largest absolute weight difference of each file to the
 * reference and whether they are bit-identical.
 */
public final class DeterminismProbe {

  private DeterminismProbe() {}

  public static void main(String[] args) throws IOException {
    if (args.length >= 2 && args[0].equals("compare")) {
      byte[] reference = Files.readAllBytes(Path.of(args[1]));
      for (int i = 2; i < args.length; i++) {
        byte[] other = Files.readAllBytes(Path.of(args[i]));
        float diff = WeightsDiff.maxAbsDiff(reference, other);
        System.out.printf(
            "%s vs %s: %s, max |dw| = %s%n",
            Path.of(args[i]).getFileName(),
            Path.of(args[1]).getFileName(),
            WeightsCodec.sha256Hex(other).equals(WeightsCodec.sha256Hex(reference))
                ? "bit-identical"
                : "differs",
            diff);
      }
      return;
    }
    Path dir = Path.of(args[1]);
    String tag = args[2];
    int updates = Integer.parseInt(args[3]);
    ModelConfig model = ModelConfig.DEFAULT;
    List<List<WeightedGroup>> batches = new ArrayList<>();
    Random random = new Random(42);
    for (int b = 0; b < updates; b++) {
      batches.add(batch(random, 4, 8, 150, 60));
    }
    int run = 0;
    for (int s = 4; s < args.length; s++) {
      // A trailing "r" trains every batch's groups in reverse order: the control, which shows what
      // a difference looks like (float sums in another order).
      boolean reversed = args[s].contains("r");
      // A "k" adds the KL penalty (0.1) to a reference policy other than the initial weights.
      boolean kl = args[s].contains("k");
      String[] parts = args[s].replace("r", "").replace("k", "").split("x");
      SessionThreads threads =
          new SessionThreads(Integer.parseInt(parts[0]), Integer.parseInt(parts[1]));
      TrainerConfig config =
          kl ? TrainerConfig.defaults().toBuilder().klCoef(0.1).build() : TrainerConfig.defaults();
      try (GrpoTrainer trainer =
          GrpoTrainer.create(model, ByteTokenizer.INSTANCE, config, threads)) {
        if (kl) {
          trainer.setReference(
              WeightsCodec.encode(
                  model, ByteTokenizer.ID, 0, TrainerFixtures.noisy(model, 5, 0.02)));
        }
        StringBuilder hashes = new StringBuilder();
        byte[] weights = null;
        for (List<WeightedGroup> batch : batches) {
          List<WeightedGroup> ordered = new ArrayList<>(batch);
          if (reversed) {
            java.util.Collections.reverse(ordered);
          }
          trainer.train(ordered);
          weights = trainer.exportWeights(trainer.step());
          hashes.append(' ').append(WeightsCodec.sha256Hex(weights), 0, 12);
        }
        Path file = dir.resolve(tag + "-" + args[s] + "-" + (run++) + ".bin");
        Files.write(file, weights);
        System.out.printf("%s %s:%s -> %s%n", tag, args[s], hashes, file.getFileName());
      }
    }
  }

  private static List<WeightedGroup> batch(
      Random random, int groups, int rollouts, int promptBytes, int responseBytes) {
    List<WeightedGroup> batch = new ArrayList<>();
    for (int g = 0; g < groups; g++) {
      int[] prompt = bytes(random, vary(random, promptBytes));
      prompt[0] = ByteTokenizer.BOS;
      double[] rewards = new double[rollouts];
      List<int[]> responses = new ArrayList<>();
      for (int r = 0; r < rollouts; r++) {
        responses.add(bytes(random, vary(random, responseBytes)));
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
      batch.add(TrainerFixtures.weighted(TrainerFixtures.group("probe" + g, prompt, built), 1.0));
    }
    return batch;
  }

  private static int vary(Random random, int mean) {
    return Math.max(1, (int) Math.round(mean * (0.8 + 0.4 * random.nextDouble())));
  }

  private static int[] bytes(Random random, int length) {
    int[] ids = new int[length];
    for (int i = 0; i < length; i++) {
      ids[i] = ByteTokenizer.FIRST_BYTE + 32 + random.nextInt(95);
    }
    return ids;
  }
}
