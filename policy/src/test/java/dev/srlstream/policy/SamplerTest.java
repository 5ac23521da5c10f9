package dev.srlstream.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.tensorflow.Graph;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;

/** The KV-cache sampler against full recompute and the teacher-forced graph, and its contract. */
class SamplerTest {

  private static final ModelConfig CONFIG = TestModels.SMALL;
  private static final int[] PROMPT = prompt("Q: 7 × 3 − 2 → ?");

  private static Graph graph;
  private static Session session;
  private static PolicyGraph policy;
  private static KvCacheSampler cached;
  private static FullRecomputeSampler full;

  @BeforeAll
  static void buildModel() {
    graph = new Graph();
    policy = PolicyGraph.build(Ops.create(graph), CONFIG);
    session = new Session(graph);
    // Noisy weights: the logits are far from uniform, so temperature and greedy matter.
    policy.loadWeights(session, TestModels.noisy(CONFIG, 7, 0.3));
    cached = new KvCacheSampler(session, policy);
    full = new FullRecomputeSampler(session, policy);
  }

  @AfterAll
  static void close() {
    session.close();
    graph.close();
  }

  private static int[] prompt(String text) {
    int[] body = ByteTokenizer.INSTANCE.encode(text);
    int[] prompt = new int[body.length + 1];
    prompt[0] = ByteTokenizer.BOS;
    System.arraycopy(body, 0, prompt, 1, body.length);
    return prompt;
  }

  @Test
  void cachedSamplingGivesTheTokensAndLogProbsOfFullRecompute() {
    // A stop token that ends rows at different steps, so finished rows leave the cache mid-way.
    int stop = mostFrequentToken(cached.sample(PROMPT, 8, sampling(1f, 24, -1, 99)));
    SamplingParams params = sampling(1f, 24, stop, 42);

    List<SampleResult> withCache = cached.sample(PROMPT, 8, params);
    List<SampleResult> recomputed = full.sample(PROMPT, 8, params);

    assertThat(withCache.stream().map(SampleResult::finishReason))
        .contains(FinishReason.STOP, FinishReason.MAX_TOKENS);
    assertThat(withCache.stream().mapToInt(SampleResult::length).distinct().count())
        .isGreaterThan(2);
    for (int row = 0; row < 8; row++) {
      SampleResult a = withCache.get(row);
      SampleResult b = recomputed.get(row);
      assertThat(a.tokens()).as("row %d tokens", row).isEqualTo(b.tokens());
      assertThat(a.finishReason()).isEqualTo(b.finishReason());
      assertThat(a.seed()).isEqualTo(b.seed()).isEqualTo(params.rowSeed(row));
      float[] expected = b.logProbs();
      float[] actual = a.logProbs();
      for (int t = 0; t < expected.length; t++) {
        assertThat(actual[t]).as("row %d token %d", row, t).isCloseTo(expected[t], within(1e-4f));
      }
    }
  }

  /**
   * The cache holds keys at their own positions (rotated, for RoPE) and the ALiBi bias of a new
   * token is computed against every cached position: both must give what a full pass gives.
   */
  @ParameterizedTest(name = "positions: {0}")
  @EnumSource(PositionEncoding.class)
  void everyPositionEncodingSamplesTheSameWithAndWithoutTheCache(PositionEncoding positions) {
    ModelConfig config = CONFIG.withPositions(positions);
    try (Graph ownGraph = new Graph()) {
      PolicyGraph own = PolicyGraph.build(Ops.create(ownGraph), config);
      try (Session ownSession = new Session(ownGraph)) {
        own.loadWeights(ownSession, TestModels.noisy(config, 8, 0.3));
        SamplingParams params = sampling(1f, 20, -1, 17);
        List<SampleResult> withCache =
            new KvCacheSampler(ownSession, own).sample(PROMPT, 4, params);
        List<SampleResult> recomputed =
            new FullRecomputeSampler(ownSession, own).sample(PROMPT, 4, params);
        for (int row = 0; row < 4; row++) {
          assertThat(withCache.get(row).tokens())
              .as("row %d tokens", row)
              .isEqualTo(recomputed.get(row).tokens());
          float[] expected = recomputed.get(row).logProbs();
          float[] actual = withCache.get(row).logProbs();
          for (int t = 0; t < expected.length; t++) {
            assertThat(actual[t])
                .as("row %d token %d", row, t)
                .isCloseTo(expected[t], within(1e-4f));
          }
        }
      }
    }
  }

  @Test
  void behaviourLogProbsAreTheTeacherForcedLogProbsAtTheSamplingTemperature() {
    for (SamplingParams params :
        List.of(sampling(0.7f, 16, -1, 5), sampling(1.6f, 16, -1, 6), greedy(16, -1))) {
      SampleResult sample = cached.sample(PROMPT, params);
      float temperature = params.greedy() ? 1f : params.temperature();
      float[] teacherForced = teacherForcedLogProbs(PROMPT, sample.tokens(), temperature);
      float[] behaviour = sample.logProbs();
      assertThat(behaviour).hasSize(16);
      for (int t = 0; t < behaviour.length; t++) {
        assertThat(behaviour[t])
            .as("%s token %d", params, t)
            .isCloseTo(teacherForced[t], within(1e-4f));
      }
    }
  }

  @Test
  void greedyDecodingIsDeterministicAndIgnoresTheSeed() {
    SampleResult first = cached.sample(PROMPT, greedy(20, -1));
    SampleResult again = cached.sample(PROMPT, greedy(20, -1));
    List<SampleResult> group =
        cached.sample(PROMPT, 4, new SamplingParams(1f, 20, -1, true, 1234L));

    assertThat(again.tokens()).isEqualTo(first.tokens());
    assertThat(again.logProbs()).isEqualTo(first.logProbs());
    for (SampleResult row : group) {
      assertThat(row.tokens()).isEqualTo(first.tokens());
    }
    // Each greedy token is the argmax of the teacher-forced logits at its position.
    int[] tokens = first.tokens();
    float[][] logits = teacherForcedLogits(PROMPT, tokens);
    for (int t = 0; t < tokens.length; t++) {
      float[] row = logits[PROMPT.length - 1 + t];
      for (int v = 0; v < row.length; v++) {
        assertThat(row[tokens[t]])
            .as("token %d against id %d", t, v)
            .isGreaterThanOrEqualTo(row[v]);
      }
    }
  }

  @Test
  void theSameSeedGivesTheSameSamplesAndAnotherSeedOthers() {
    List<SampleResult> a = cached.sample(PROMPT, 4, sampling(1f, 20, -1, 17));
    List<SampleResult> b = cached.sample(PROMPT, 4, sampling(1f, 20, -1, 17));
    List<SampleResult> c = cached.sample(PROMPT, 4, sampling(1f, 20, -1, 18));

    assertThat(b).isEqualTo(a);
    assertThat(c).isNotEqualTo(a);
    // The rows of one group are different streams.
    assertThat(a.get(0).tokens()).isNotEqualTo(a.get(1).tokens());
  }

  @Test
  void temperatureSharpensOrFlattensTheDistribution() {
    int rows = 64;
    List<SampleResult> cold = cached.sample(PROMPT, rows, sampling(0.25f, 1, -1, 3));
    List<SampleResult> hot = cached.sample(PROMPT, rows, sampling(4f, 1, -1, 3));

    assertThat(distinctFirstTokens(cold)).isLessThan(distinctFirstTokens(hot));
    assertThat(meanFirstLogProb(cold)).isGreaterThan(meanFirstLogProb(hot));
  }

  @Test
  void theStopTokenEndsGenerationAndIsKept() {
    SampleResult unstopped = cached.sample(PROMPT, sampling(1f, 30, -1, 8));
    int[] tokens = unstopped.tokens();
    int stop = tokens[5];
    int firstIndex = 0;
    while (tokens[firstIndex] != stop) {
      firstIndex++;
    }

    SampleResult stopped = cached.sample(PROMPT, sampling(1f, 30, stop, 8));

    assertThat(stopped.finishReason()).isEqualTo(FinishReason.STOP);
    assertThat(stopped.tokens()).isEqualTo(Arrays.copyOf(tokens, firstIndex + 1));
    assertThat(unstopped.finishReason()).isEqualTo(FinishReason.MAX_TOKENS);
    assertThat(unstopped.length()).isEqualTo(30);
  }

  @Test
  void generationStopsWhenTheContextIsFull() {
    int[] longPrompt = new int[CONFIG.contextLength() - 3];
    Arrays.fill(longPrompt, ByteTokenizer.FIRST_BYTE + 'a');
    int[] fullPrompt = new int[CONFIG.contextLength()];
    Arrays.fill(fullPrompt, ByteTokenizer.FIRST_BYTE + 'b');

    SampleResult nearlyFull = cached.sample(longPrompt, sampling(1f, 10, -1, 1));
    SampleResult recomputed = full.sample(longPrompt, sampling(1f, 10, -1, 1));
    List<SampleResult> alreadyFull = cached.sample(fullPrompt, 2, sampling(1f, 10, -1, 1));

    assertThat(nearlyFull.finishReason()).isEqualTo(FinishReason.CONTEXT_FULL);
    assertThat(nearlyFull.length()).isEqualTo(3);
    assertThat(recomputed.tokens()).isEqualTo(nearlyFull.tokens());
    assertThat(alreadyFull)
        .allSatisfy(
            r -> {
              assertThat(r.finishReason()).isEqualTo(FinishReason.CONTEXT_FULL);
              assertThat(r.length()).isZero();
            });
  }

  @Test
  void badPromptsAreRejectedClearly() {
    int[] tooLong = new int[CONFIG.contextLength() + 1];
    Arrays.fill(tooLong, ByteTokenizer.FIRST_BYTE);
    SamplingParams params = sampling(1f, 4, -1, 1);

    assertThatThrownBy(() -> cached.sample(tooLong, params))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("prompt has 65 tokens, but the context holds 64");
    assertThatThrownBy(() -> full.sample(tooLong, params))
        .hasMessage("prompt has 65 tokens, but the context holds 64");
    assertThatThrownBy(() -> cached.sample(new int[0], params))
        .hasMessage("prompt must have at least 1 token, but had 0");
    assertThatThrownBy(() -> cached.sample(new int[] {1, 263}, params))
        .hasMessage("prompt token 1 must be in 0..262, but was 263");
    assertThatThrownBy(() -> cached.sample(PROMPT, 0, params))
        .hasMessage("rows must be in 1..1024, but was 0");
  }

  @Test
  void samplingParamsAreValidated() {
    assertThatThrownBy(() -> sampling(0f, 4, -1, 1))
        .hasMessage("temperature must be in (0, 100.0], but was 0.0");
    assertThatThrownBy(() -> sampling(Float.NaN, 4, -1, 1))
        .hasMessage("temperature must be in (0, 100.0], but was NaN");
    assertThatThrownBy(() -> sampling(1f, 0, -1, 1))
        .hasMessage("maxNewTokens must be at least 1, but was 0");
    assertThatThrownBy(() -> sampling(1f, 4, -2, 1))
        .hasMessage("stopTokenId must be a token id or -1 (none), but was -2");
  }

  private static SamplingParams sampling(float temperature, int max, int stop, long seed) {
    return SamplingParams.sampling(temperature, max, stop, seed);
  }

  private static SamplingParams greedy(int max, int stop) {
    return SamplingParams.greedy(max, stop);
  }

  /** The most frequent token after the first three of each row. */
  private static int mostFrequentToken(List<SampleResult> results) {
    Map<Integer, Integer> counts = new HashMap<>();
    for (SampleResult result : results) {
      int[] tokens = result.tokens();
      for (int t = 3; t < tokens.length; t++) {
        counts.merge(tokens[t], 1, Integer::sum);
      }
    }
    return counts.entrySet().stream().max(Map.Entry.comparingByValue()).orElseThrow().getKey();
  }

  private static long distinctFirstTokens(List<SampleResult> results) {
    return results.stream().mapToInt(r -> r.tokens()[0]).distinct().count();
  }

  private static double meanFirstLogProb(List<SampleResult> results) {
    return results.stream().mapToDouble(r -> r.logProbs()[0]).average().orElseThrow();
  }

  /** The policy graph's raw logits {@code [T][V]} over {@code prompt + response}. */
  private static float[][] teacherForcedLogits(int[] prompt, int[] response) {
    int[] tokens = new int[prompt.length + response.length];
    System.arraycopy(prompt, 0, tokens, 0, prompt.length);
    System.arraycopy(response, 0, tokens, prompt.length, response.length);
    float[] flat = new float[tokens.length * CONFIG.vocabSize()];
    try (TInt32 tokenTensor = TInt32.tensorOf(Shape.of(1, tokens.length), DataBuffers.of(tokens));
        Result result =
            session.runner().feed(policy.tokens(), tokenTensor).fetch(policy.logits()).run()) {
      ((TFloat32) result.get(0)).copyTo(DataBuffers.of(flat, false, false));
    }
    float[][] logits = new float[tokens.length][];
    for (int t = 0; t < tokens.length; t++) {
      logits[t] = Arrays.copyOfRange(flat, t * CONFIG.vocabSize(), (t + 1) * CONFIG.vocabSize());
    }
    return logits;
  }

  /** The policy graph's log-probs of {@code response} after {@code prompt}, one batch row. */
  private static float[] teacherForcedLogProbs(int[] prompt, int[] response, float temperature) {
    int length = prompt.length + response.length - 1;
    int[] tokens = new int[length];
    int[] targets = new int[length];
    float[] mask = new float[length];
    for (int t = 0; t < length; t++) {
      tokens[t] = t < prompt.length ? prompt[t] : response[t - prompt.length];
      int next = t + 1;
      targets[t] = next < prompt.length ? prompt[next] : response[next - prompt.length];
      mask[t] = next >= prompt.length ? 1f : 0f;
    }
    float[] logProbs = new float[length];
    try (TInt32 tokenTensor = TInt32.tensorOf(Shape.of(1, length), DataBuffers.of(tokens));
        TInt32 targetTensor = TInt32.tensorOf(Shape.of(1, length), DataBuffers.of(targets));
        TFloat32 maskTensor = TFloat32.tensorOf(Shape.of(1, length), DataBuffers.of(mask));
        TFloat32 temperatureTensor = TFloat32.scalarOf(temperature);
        Result result =
            session
                .runner()
                .feed(policy.tokens(), tokenTensor)
                .feed(policy.targets(), targetTensor)
                .feed(policy.mask(), maskTensor)
                .feed(policy.temperature(), temperatureTensor)
                .fetch(policy.tokenLogProbs())
                .run()) {
      ((TFloat32) result.get(0)).copyTo(DataBuffers.of(logProbs, false, false));
    }
    return Arrays.copyOfRange(logProbs, prompt.length - 1, length);
  }

  @Test
  void rowSeedsStayWithinTheDoublesExactIntegers() {
    long limit = 1L << 53;
    java.util.Set<Long> seen = new java.util.HashSet<>();
    for (long seed : new long[] {0, 1, -1, Long.MAX_VALUE, Long.MIN_VALUE, 1_000_003L}) {
      SamplingParams params = SamplingParams.sampling(1f, 8, 0, seed);
      for (int row = 0; row < 64; row++) {
        long rowSeed = params.rowSeed(row);
        assertThat(rowSeed).isBetween(0L, limit - 1);
        assertThat((long) (double) rowSeed).isEqualTo(rowSeed);
        seen.add(rowSeed);
      }
    }
    assertThat(seen).as("distinct streams").hasSize(6 * 64);
  }
}
