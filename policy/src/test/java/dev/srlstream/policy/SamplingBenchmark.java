package dev.srlstream.policy;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.tensorflow.Graph;
import org.tensorflow.Session;
import org.tensorflow.op.Ops;

/**
 * Tokens per second of KV-cache sampling against full recompute, at the default model size. Not a
 * test (its name matches no surefire or failsafe pattern): run by {@code policy/bench/sampling.sh}.
 *
 * <p>Arguments: prompt lengths (comma-separated, default {@code 64,256,700}), batch (8), new tokens
 * per row (64), timed rounds (3). No stop token, so every row generates exactly that many tokens.
 * It runs twice: on {@link SessionThreads#SINGLE} (the policy's default) and on TensorFlow's
 * default pools. Per prompt length, each sampler runs one untimed warm-up (which also checks both
 * give the same tokens), then the timed rounds alternate between the samplers.
 */
public final class SamplingBenchmark {

  private SamplingBenchmark() {}

  public static void main(String[] args) {
    int[] promptLengths =
        Arrays.stream((args.length > 0 ? args[0] : "64,256,700").split(","))
            .mapToInt(Integer::parseInt)
            .toArray();
    int batch = args.length > 1 ? Integer.parseInt(args[1]) : 8;
    int newTokens = args.length > 2 ? Integer.parseInt(args[2]) : 64;
    int rounds = args.length > 3 ? Integer.parseInt(args[3]) : 5;
    SessionThreads threads =
        args.length > 5
            ? new SessionThreads(Integer.parseInt(args[4]), Integer.parseInt(args[5]))
            : SessionThreads.TENSORFLOW_DEFAULT;
    ModelConfig config = ModelConfig.DEFAULT;

    System.out.printf(
        "model: %s, %,d parameters; batch %d x %d new tokens; %d rounds, medians;"
            + " session threads intra-op %d, inter-op %d (0: TensorFlow's choice)%n",
        config.toJson(),
        config.parameterCount(),
        batch,
        newTokens,
        rounds,
        threads.intraOp(),
        threads.interOp());
    try (Graph graph = new Graph()) {
      PolicyGraph policy = PolicyGraph.build(Ops.create(graph), config);
      try (Session session = threads.open(graph)) {
        policy.initialize(session, 1L);
        Sampler cached = new KvCacheSampler(session, policy);
        Sampler full = new FullRecomputeSampler(session, policy);
        for (int promptLength : promptLengths) {
          measure(cached, full, prompt(promptLength), batch, newTokens, rounds);
        }
      }
    }
  }

  /**
   * Times both samplers in alternation, so a change in machine load during the run hits both; the
   * speed-up is the median of the per-round ratios.
   */
  private static void measure(
      Sampler cached, Sampler full, int[] prompt, int batch, int newTokens, int rounds) {
    SamplingParams params = SamplingParams.sampling(1f, newTokens, SamplingParams.NO_STOP, 2510L);
    // Warm-up, and the check that both produce the same tokens.
    List<SampleResult> a = cached.sample(prompt, batch, params);
    List<SampleResult> b = full.sample(prompt, batch, params);
    boolean same = true;
    for (int i = 0; i < batch; i++) {
      same &= Arrays.equals(a.get(i).tokens(), b.get(i).tokens());
    }
    List<Double> cachedRates = new ArrayList<>();
    List<Double> fullRates = new ArrayList<>();
    List<Double> ratios = new ArrayList<>();
    for (int round = 0; round < rounds; round++) {
      double cachedRate = tokensPerSecond(cached, prompt, batch, params);
      double fullRate = tokensPerSecond(full, prompt, batch, params);
      cachedRates.add(cachedRate);
      fullRates.add(fullRate);
      ratios.add(cachedRate / fullRate);
    }
    System.out.printf(
        "  prompt %4d tokens: kv-cache %6.0f tok/s, full recompute %5.0f tok/s,"
            + " speed-up %5.1fx (rounds %s), same tokens: %s%n",
        prompt.length,
        median(cachedRates),
        median(fullRates),
        median(ratios),
        ratios.stream().map(r -> String.format("%.1f", r)).toList(),
        same);
  }

  private static double tokensPerSecond(
      Sampler sampler, int[] prompt, int batch, SamplingParams params) {
    long start = System.nanoTime();
    List<SampleResult> results = sampler.sample(prompt, batch, params);
    double seconds = (System.nanoTime() - start) / 1e9;
    return results.stream().mapToInt(SampleResult::length).sum() / seconds;
  }

  private static double median(List<Double> values) {
    List<Double> sorted = new ArrayList<>(values);
    sorted.sort(Double::compare);
    int n = sorted.size();
    return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
  }

  /** BOS and a plausible SRL prompt's bytes, repeated or cut to {@code length} tokens. */
  private static int[] prompt(int length) {
    int[] text =
        ByteTokenizer.INSTANCE.encode(
            "Compute 3 + 7 × (12 - 4) ÷ 2.\n1. 12 - 4 = 8 → 3 + 7 × 8 ÷ 2\n2. 7 × 8 = 56 → 3 + 56 ÷ 2\n");
    int[] prompt = new int[length];
    prompt[0] = ByteTokenizer.BOS;
    for (int i = 1; i < length; i++) {
      prompt[i] = text[(i - 1) % text.length];
    }
    return prompt;
  }
}
