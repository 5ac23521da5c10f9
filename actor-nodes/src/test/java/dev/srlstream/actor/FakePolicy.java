package dev.srlstream.actor;

import dev.srlstream.policy.ByteTokenizer;
import dev.srlstream.policy.FinishReason;
import dev.srlstream.policy.ModelConfig;
import dev.srlstream.policy.ModelWeights;
import dev.srlstream.policy.SampleResult;
import dev.srlstream.policy.SamplingParams;
import dev.srlstream.policy.Tokenizer;
import dev.srlstream.policy.WeightsCodec;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * A policy without TensorFlow: answers every prompt with a scripted response text, records what it
 * was asked (prompt text and version) and when it swapped, and can hold sampling until released.
 */
final class FakePolicy implements PolicyHandle {
  /** The architecture fake weights are encoded for (tiny, so encoding is instant). */
  static final ModelConfig TINY = new ModelConfig(ByteTokenizer.VOCAB_SIZE, 8, 1, 1, 16, 8, true);

  private final int contextLength;
  private final Function<String, String> responder;
  private final List<String> events = Collections.synchronizedList(new ArrayList<>());
  private final List<String> prompts = Collections.synchronizedList(new ArrayList<>());
  private final List<Long> seeds = Collections.synchronizedList(new ArrayList<>());
  private final AtomicInteger calls = new AtomicInteger();
  private volatile long version;
  private volatile Semaphore gate;
  private volatile boolean closed;

  /**
   * @param responder the response text (monologue and action, no EOS) for a prompt text
   */
  FakePolicy(int contextLength, Function<String, String> responder) {
    this.contextLength = contextLength;
    this.responder = responder;
  }

  /** Answers {@code " <think>m</think>a"} to everything, context 256. */
  static FakePolicy simple() {
    return new FakePolicy(256, prompt -> " <think>m</think>a");
  }

  /** WeightsCodec bytes of version {@code version} for the tiny architecture. */
  static byte[] weights(long version) {
    return WeightsCodec.encode(
        TINY, ByteTokenizer.ID, version, ModelWeights.initial(TINY, version));
  }

  /** From now on each sampling call waits for a {@link #release()}. */
  void hold() {
    gate = new Semaphore(0);
  }

  /** Lets one held sampling call through ({@code Integer.MAX_VALUE}: all, and stop holding). */
  void release(int permits) {
    Semaphore g = gate;
    if (g != null) {
      g.release(permits);
    }
    if (permits == Integer.MAX_VALUE) {
      gate = null;
    }
  }

  /**
   * What happened, in order: {@code "sample v<version> <prompt first line>"}, {@code "swap v<n>"}.
   */
  List<String> events() {
    synchronized (events) {
      return List.copyOf(events);
    }
  }

  /** The full prompt text of every sampling call, in order. */
  List<String> prompts() {
    synchronized (prompts) {
      return List.copyOf(prompts);
    }
  }

  /** The {@link SamplingParams#seed()} of every sampling call, in order. */
  List<Long> seeds() {
    synchronized (seeds) {
      return List.copyOf(seeds);
    }
  }

  /** Sampling calls so far. */
  int calls() {
    return calls.get();
  }

  boolean closed() {
    return closed;
  }

  @Override
  public long version() {
    return version;
  }

  @Override
  public int contextLength() {
    return contextLength;
  }

  @Override
  public Tokenizer tokenizer() {
    return ByteTokenizer.INSTANCE;
  }

  @Override
  public List<SampleResult> sampleGroup(int[] prompt, int size, SamplingParams params) {
    calls.incrementAndGet();
    String text = ByteTokenizer.INSTANCE.decode(prompt);
    events.add("sample v" + version + " " + text.lines().findFirst().orElse(""));
    prompts.add(text);
    seeds.add(params.seed());
    Semaphore g = gate;
    if (g != null) {
      try {
        if (!g.tryAcquire(30, TimeUnit.SECONDS)) {
          throw new IllegalStateException("a held sampling call was never released");
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
    }
    String response = responder.apply(text);
    int[] body = ByteTokenizer.INSTANCE.encode(response);
    int room = contextLength - prompt.length;
    int budget = Math.min(params.maxNewTokens(), room);
    int[] tokens;
    FinishReason finish;
    if (body.length + 1 <= budget) {
      tokens = Arrays.copyOf(body, body.length + 1);
      tokens[body.length] = ByteTokenizer.EOS;
      finish = FinishReason.STOP;
    } else {
      tokens = Arrays.copyOf(body, budget);
      finish =
          budget == params.maxNewTokens() ? FinishReason.MAX_TOKENS : FinishReason.CONTEXT_FULL;
    }
    float[] logProbs = new float[tokens.length];
    Arrays.fill(logProbs, -0.5f);
    List<SampleResult> out = new ArrayList<>();
    for (int i = 0; i < size; i++) {
      out.add(new SampleResult(tokens, logProbs, finish, params.rowSeed(i)));
    }
    return out;
  }

  @Override
  public void swapWeights(byte[] weights) {
    version = WeightsCodec.decode(weights).policyVersion();
    events.add("swap v" + version);
  }

  @Override
  public String describe() {
    return "fake policy version " + version;
  }

  @Override
  public void close() {
    closed = true;
  }
}
