package dev.srlstream.learner;

import dev.srlstream.learner.TrainerFixtures.Rollout;
import dev.srlstream.policy.ModelConfig;
import dev.srlstream.policy.Policy;
import dev.srlstream.policy.SampleResult;
import dev.srlstream.policy.SamplingParams;
import dev.srlstream.policy.SessionThreads;
import dev.srlstream.policy.WeightsCodec;
import dev.srlstream.policy.hf.HfModel;
import dev.srlstream.policy.hf.HfTokenizer;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * What one Hugging Face model directory costs here: load time, policy build time, KV-cache sampling
 * speed, GRPO train-step time and the JVM's peak resident memory, on TensorFlow's default thread
 * pools (all cores). Not a test (its name matches no surefire or failsafe pattern): run by {@code
 * learner-node/bench/hf-model.sh}.
 *
 * <p>Arguments: the directory, then batch (rows sampled from one prompt, default 8), prompt tokens
 * (64), new tokens (32), timed rounds (3), groups B (2) and rollouts per group G (8) of the train
 * step; B = 0 skips training.
 *
 * <ol>
 *   <li>{@link HfModel#load} twice: the first in a fresh JVM (cold JIT: it includes class loading
 *       and the tokenizer's native library), the second warm; then {@link HfModel#toPolicy} (the
 *       policy graph built and the weights assigned in TensorFlow).
 *   <li>Sampling with the KV cache: a group of {@code batch} rows from one prompt of that many
 *       tokens (text encoded by the model's own tokenizer, repeated or cut), temperature 1, no stop
 *       token, so every row generates exactly {@code newTokens} tokens.
 *   <li>The GRPO trainer ({@link TrainerConfig#defaults()}: KL off, so no reference model is built)
 *       is built and given the model's weights (through {@link WeightsCodec}, as {@code srl sft
 *       --model hf:DIR} does, with a fresh optimiser); its batches are B groups of G rollouts of
 *       random ids of the tokenizer's vocabulary (not its special tokens), prompts and responses
 *       within ±20% of the prompt and new-token counts, like {@link TrainStepBenchmark}'s. There is
 *       no SFT step: TrainStepBenchmark has none either.
 *   <li>After one untimed warm-up each, the timed rounds alternate between a sampling group and a
 *       train step, so a change in machine load hits both alike; medians are printed. The policy
 *       and the trainer are both alive meanwhile, so the peak RSS (VmHWM, read at the end) counts
 *       both, with the heap.
 * </ol>
 *
 * <p>Progress goes to stderr as it happens (a large model's run takes minutes, and a process the
 * kernel kills for memory still leaves its last line); the summary table goes to stdout at the end.
 * If building the trainer or a train step fails, the failure is reported and sampling is still
 * measured.
 */
public final class HfModelBenchmark {

  private static final long SEED = 2510L;

  private HfModelBenchmark() {}

  public static void main(String[] args) throws IOException {
    if (args.length < 1) {
      System.err.println(
          "usage: HfModelBenchmark DIR [BATCH] [PROMPT_TOKENS] [NEW_TOKENS] [ROUNDS] [GROUPS]"
              + " [ROLLOUTS]");
      System.exit(2);
    }
    Path directory = Path.of(args[0]);
    int batch = args.length > 1 ? Integer.parseInt(args[1]) : 8;
    int promptTokens = args.length > 2 ? Integer.parseInt(args[2]) : 64;
    int newTokens = args.length > 3 ? Integer.parseInt(args[3]) : 32;
    int rounds = args.length > 4 ? Integer.parseInt(args[4]) : 3;
    int groups = args.length > 5 ? Integer.parseInt(args[5]) : 2;
    int rollouts = args.length > 6 ? Integer.parseInt(args[6]) : 8;
    SessionThreads threads = SessionThreads.TENSORFLOW_DEFAULT;
    Map<String, String> table = new LinkedHashMap<>();

    progress(
        "JVM options %s, max heap %s; %d cores; session threads: TensorFlow's choice;"
            + " resident at start %s",
        ManagementFactory.getRuntimeMXBean().getInputArguments(),
        mib(Runtime.getRuntime().maxMemory()),
        Runtime.getRuntime().availableProcessors(),
        status("VmRSS"));

    // 1. Loading.
    long start = System.nanoTime();
    HfModel model = HfModel.load(directory);
    double firstLoad = seconds(start);
    ModelConfig config = model.config();
    HfTokenizer tokenizer = model.tokenizer();
    progress("HfModel.load, first (cold JIT): %.2f s; resident %s", firstLoad, status("VmRSS"));
    model = null; // garbage before the second load, so the heap holds one copy at a time
    start = System.nanoTime();
    model = HfModel.load(directory);
    double secondLoad = seconds(start);
    progress("HfModel.load, second (warm JIT): %.2f s; resident %s", secondLoad, status("VmRSS"));
    String description =
        String.format(
            "%s: %s family, %,d parameters (%,d vocabulary rows, tokenizer %,d tokens),"
                + " d_model %d, %d layers, %d heads (%d kv), FFN %d, context %d, %s embeddings",
            directory,
            config.family(),
            config.parameterCount(),
            config.vocabSize(),
            tokenizer.vocabSize(),
            config.dModel(),
            config.layers(),
            config.heads(),
            config.kvHeads(),
            config.ffnWidth(),
            config.contextLength(),
            config.tiedEmbeddings() ? "tied" : "untied");
    table.put("HfModel.load, first in the JVM (cold JIT)", String.format("%.2f s", firstLoad));
    table.put("HfModel.load, second (warm JIT)", String.format("%.2f s", secondLoad));

    start = System.nanoTime();
    try (Policy policy = model.toPolicy(threads)) {
      double policyBuild = seconds(start);
      progress(
          "toPolicy (graph build + weights into TF; first TF use in the JVM): %.2f s; resident %s",
          policyBuild, status("VmRSS"));
      table.put(
          "toPolicy (policy graph + weights into TF; first TF use in the JVM)",
          String.format("%.2f s", policyBuild));

      // 2. Sampling warm-up.
      int[] prompt = prompt(tokenizer, promptTokens);
      SamplingParams params = SamplingParams.sampling(1f, newTokens, SamplingParams.NO_STOP, SEED);
      double warmRate = tokensPerSecond(policy, prompt, batch, params);
      progress(
          "sampling warm-up (batch %d, prompt %d, %d new): %.1f tok/s; resident %s",
          batch, prompt.length, newTokens, warmRate, status("VmRSS"));

      // 3. The trainer, and its warm-up.
      GrpoTrainer trainer = null;
      List<List<WeightedGroup>> batches = new ArrayList<>();
      String trainFailure = null;
      if (groups > 0) {
        try {
          start = System.nanoTime();
          trainer = GrpoTrainer.create(config, tokenizer, TrainerConfig.defaults(), threads);
          double trainerBuild = seconds(start);
          progress(
              "trainer graph build + init (GRPO, KL off: no reference model): %.2f s;"
                  + " resident %s",
              trainerBuild, status("VmRSS"));
          start = System.nanoTime();
          byte[] weights = WeightsCodec.encode(config, tokenizer.id(), 0L, model.weights());
          model = null; // the trainer and the policy hold the weights from here on
          trainer.restore(weights, new byte[0]);
          weights = null;
          double restore = seconds(start);
          progress(
              "trainer given the model's weights (encode + restore): %.2f s; resident %s",
              restore, status("VmRSS"));
          table.put(
              "trainer graph build + init (GRPO, KL off)", String.format("%.2f s", trainerBuild));
          table.put(
              "trainer given the weights (encode + restore)", String.format("%.2f s", restore));
          Random random = new Random(42);
          for (int b = 0; b < 2; b++) {
            batches.add(
                trainBatch(random, tokenizer, config, groups, rollouts, promptTokens, newTokens));
          }
          start = System.nanoTime();
          Map<String, Double> metrics = trainer.train(batches.get(0));
          progress(
              "train step warm-up (%d x %d): %.2f s, %.0f response tokens, loss %.4f;"
                  + " resident %s",
              groups,
              rollouts,
              seconds(start),
              metrics.get("tokens"),
              metrics.get("loss"),
              status("VmRSS"));
        } catch (RuntimeException | OutOfMemoryError e) {
          trainFailure = e.toString();
          progress("training failed: %s; resident %s", trainFailure, status("VmRSS"));
          if (trainer != null) {
            trainer.close();
            trainer = null;
          }
        }
      } else {
        trainFailure = "not measured (GROUPS 0)";
      }
      model = null;

      // 4. Timed rounds, alternating.
      List<Double> rates = new ArrayList<>();
      List<Double> steps = new ArrayList<>();
      List<Double> stepTokens = new ArrayList<>();
      try {
        for (int round = 0; round < rounds; round++) {
          double rate = tokensPerSecond(policy, prompt, batch, params);
          rates.add(rate);
          String stepText = "";
          if (trainer != null) {
            List<WeightedGroup> groupsOfRound = batches.get(round % batches.size());
            start = System.nanoTime();
            try {
              Map<String, Double> metrics = trainer.train(groupsOfRound);
              double stepSeconds = seconds(start);
              steps.add(stepSeconds);
              stepTokens.add(metrics.get("tokens"));
              stepText = String.format(", train step %.3f s", stepSeconds);
            } catch (RuntimeException | OutOfMemoryError e) {
              trainFailure = e.toString();
              progress("train step failed: %s", trainFailure);
              trainer.close();
              trainer = null;
            }
          }
          progress("round %d: sampling %.1f tok/s%s", round + 1, rate, stepText);
        }
      } finally {
        if (trainer != null) {
          trainer.close();
        }
      }

      table.put(
          String.format(
              "sampling, KV cache (batch %d, prompt %d, %d new, no stop)",
              batch, prompt.length, newTokens),
          String.format("%.1f tok/s (median; rounds %s)", median(rates), formatted(rates, "%.1f")));
      if (!steps.isEmpty()) {
        table.put(
            String.format(
                "GRPO train step (%d groups x %d rollouts, prompt ~%d, response ~%d)",
                groups, rollouts, promptTokens, newTokens),
            String.format(
                "%.3f s (median; rounds %s); %.0f response tokens/s",
                median(steps),
                formatted(steps, "%.3f"),
                stepTokens.stream().mapToDouble(Double::doubleValue).sum()
                    / steps.stream().mapToDouble(Double::doubleValue).sum()));
      }
      if (trainFailure != null) {
        table.put("GRPO train step", trainFailure);
      }
    }

    Runtime runtime = Runtime.getRuntime();
    table.put("peak RSS (VmHWM, policy + trainer + heap)", status("VmHWM"));
    table.put(
        "JVM heap",
        String.format(
            "max %s (options %s), committed at the end %s",
            mib(runtime.maxMemory()),
            ManagementFactory.getRuntimeMXBean().getInputArguments(),
            mib(runtime.totalMemory())));

    System.out.println("model: " + description);
    System.out.printf(
        "%d cores, TensorFlow's default session threads; %d timed rounds after one warm-up,"
            + " alternating sampling and training%n",
        Runtime.getRuntime().availableProcessors(), rounds);
    int width = table.keySet().stream().mapToInt(String::length).max().orElse(10);
    System.out.printf("| %-" + width + "s | %s |%n", "measure", "value");
    System.out.printf("|%s|---|%n", "-".repeat(width + 2));
    for (Map.Entry<String, String> row : table.entrySet()) {
      System.out.printf("| %-" + width + "s | %s |%n", row.getKey(), row.getValue());
    }
  }

  private static double tokensPerSecond(
      Policy policy, int[] prompt, int batch, SamplingParams params) {
    long start = System.nanoTime();
    List<SampleResult> results = policy.sampleGroup(prompt, batch, params);
    double seconds = seconds(start);
    return results.stream().mapToInt(SampleResult::length).sum() / seconds;
  }

  /** The model's own prompt encoding of a plausible SRL text, repeated or cut to {@code length}. */
  private static int[] prompt(HfTokenizer tokenizer, int length) {
    String text =
        "Compute 3 + 7 × (12 - 4) ÷ 2.\n1. 12 - 4 = 8 → 3 + 7 × 8 ÷ 2\n2. 7 × 8 = 56 → 3 + 56 ÷ 2\n";
    StringBuilder repeated = new StringBuilder(text);
    int[] ids = tokenizer.encodePrompt(repeated.toString());
    while (ids.length < length) {
      repeated.append(text);
      ids = tokenizer.encodePrompt(repeated.toString());
    }
    return Arrays.copyOf(ids, length);
  }

  /**
   * B groups of G rollouts of random non-special ids, lengths within ±20% of the means, behaviour
   * log-probs near a uniform policy's over the model's rows, advantages normalised per group.
   */
  private static List<WeightedGroup> trainBatch(
      Random random,
      HfTokenizer tokenizer,
      ModelConfig config,
      int groups,
      int rollouts,
      int promptTokens,
      int responseTokens) {
    List<WeightedGroup> batch = new ArrayList<>();
    for (int g = 0; g < groups; g++) {
      int[] prompt = randomIds(random, tokenizer, vary(random, promptTokens));
      if (tokenizer.bos() >= 0) {
        prompt[0] = tokenizer.bos();
      }
      double[] rewards = new double[rollouts];
      List<int[]> responses = new ArrayList<>();
      for (int r = 0; r < rollouts; r++) {
        responses.add(randomIds(random, tokenizer, vary(random, responseTokens)));
        rewards[r] = random.nextDouble();
      }
      double[] advantages = GrpoLearningTest.grpoAdvantages(rewards);
      List<Rollout> built = new ArrayList<>();
      for (int r = 0; r < rollouts; r++) {
        float[] behaviour = new float[responses.get(r).length];
        for (int t = 0; t < behaviour.length; t++) {
          behaviour[t] = (float) (-Math.log(config.vocabSize()) + 0.1 * random.nextGaussian());
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

  private static int[] randomIds(Random random, HfTokenizer tokenizer, int length) {
    int[] ids = new int[length];
    for (int i = 0; i < length; i++) {
      int id;
      do {
        id = random.nextInt(tokenizer.vocabSize());
      } while (id == tokenizer.bos() || id == tokenizer.eos() || id == tokenizer.pad());
      ids[i] = id;
    }
    return ids;
  }

  private static double seconds(long startNanos) {
    return (System.nanoTime() - startNanos) / 1e9;
  }

  private static void progress(String format, Object... values) {
    System.err.printf("[%tT] %s%n", System.currentTimeMillis(), String.format(format, values));
  }

  private static double median(List<Double> values) {
    List<Double> sorted = new ArrayList<>(values);
    sorted.sort(Double::compare);
    int n = sorted.size();
    return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
  }

  private static String formatted(List<Double> values, String format) {
    return values.stream().map(v -> String.format(format, v)).toList().toString();
  }

  private static String mib(long bytes) {
    return String.format("%.0f MiB", bytes / 1048576.0);
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
