package dev.srlstream.policy;

import java.util.List;
import java.util.Optional;
import org.tensorflow.Graph;
import org.tensorflow.Session;
import org.tensorflow.op.Ops;

/**
 * The actor's policy: a model in its own graph and session, its tokenizer, its version, and a
 * KV-cache sampler. Loads from {@link WeightsCodec} bytes or starts from a seed, samples groups,
 * and swaps in a newer version's weights between generations.
 *
 * <p>Thread-safe: every method holds the policy's lock, so a swap never lands in the middle of a
 * generation. Close it to free its native memory (graph, session, weights).
 */
public final class Policy implements AutoCloseable {

  private final ModelConfig config;
  private final Tokenizer tokenizer;
  private final Graph graph;
  private final Session session;
  private final PolicyGraph model;
  private final KvCacheSampler sampler;
  private long version;
  private Optional<PromptSettings> promptSettings = Optional.empty();
  private boolean closed;

  private Policy(ModelConfig config, Tokenizer tokenizer, SessionThreads threads) {
    if (config.vocabSize() < tokenizer.vocabSize()) {
      throw new IllegalArgumentException(
          "vocab_size must be at least "
              + tokenizer.vocabSize()
              + " for tokenizer "
              + tokenizer.id()
              + ", but was "
              + config.vocabSize());
    }
    this.config = config;
    this.tokenizer = tokenizer;
    this.graph = new Graph();
    Session opened = null;
    try {
      this.model = PolicyGraph.build(Ops.create(graph), config);
      opened = threads.open(graph);
      this.sampler = new KvCacheSampler(opened, model);
    } catch (RuntimeException e) {
      if (opened != null) {
        opened.close();
      }
      graph.close();
      throw e;
    }
    this.session = opened;
  }

  /**
   * A new policy of architecture {@code config} with {@link ModelWeights#initial} weights, on
   * TensorFlow's default thread pools.
   */
  public static Policy initialize(ModelConfig config, long seed) {
    return initialize(config, seed, SessionThreads.TENSORFLOW_DEFAULT);
  }

  /** A new policy with {@link ModelWeights#initial} weights, on the given session threads. */
  public static Policy initialize(ModelConfig config, long seed, SessionThreads threads) {
    return create(config, ByteTokenizer.INSTANCE, ModelWeights.initial(config, seed), 0L, threads);
  }

  /**
   * A policy from {@link WeightsCodec} bytes (architecture, tokenizer and version from the header),
   * on TensorFlow's default thread pools.
   *
   * @throws InvalidWeightsException if the bytes are not valid weights
   */
  public static Policy load(byte[] weights) {
    return load(weights, SessionThreads.TENSORFLOW_DEFAULT);
  }

  /** A policy from {@link WeightsCodec} bytes, on the given session threads. */
  public static Policy load(byte[] weights, SessionThreads threads) {
    WeightsCodec.Decoded decoded = WeightsCodec.decode(weights);
    Policy policy =
        create(
            decoded.config(),
            decoded.tokenizer(),
            decoded.weights(),
            decoded.policyVersion(),
            threads);
    policy.promptSettings = decoded.prompt();
    return policy;
  }

  /**
   * A policy of architecture {@code config} with the given tokenizer, weights and version: how a
   * Hugging Face checkpoint becomes a policy.
   *
   * @throws IllegalArgumentException if the model has fewer token rows than the tokenizer has
   *     tokens, or the weights are not of {@code config}'s shapes
   */
  public static Policy create(
      ModelConfig config,
      Tokenizer tokenizer,
      ModelWeights weights,
      long version,
      SessionThreads threads) {
    Policy policy = new Policy(config, tokenizer, threads);
    try {
      policy.model.loadWeights(policy.session, weights);
    } catch (RuntimeException e) {
      policy.close();
      throw e;
    }
    policy.version = version;
    return policy;
  }

  public ModelConfig config() {
    return config;
  }

  public Tokenizer tokenizer() {
    return tokenizer;
  }

  /** The version of the weights in use: 0 for initial weights, else the loaded header's. */
  public synchronized long version() {
    return version;
  }

  /**
   * The prompt format the weights in use were trained with, as their header records it (empty for
   * initial weights and for weights that do not record one).
   */
  public synchronized Optional<PromptSettings> promptSettings() {
    return promptSettings;
  }

  /** Samples one response (row 0 of a group of one); see {@link Sampler}. */
  public synchronized SampleResult sample(int[] prompt, SamplingParams params) {
    return sampleGroup(prompt, 1, params).get(0);
  }

  /** Samples a group of {@code size} responses in one batch; see {@link Sampler}. */
  public synchronized List<SampleResult> sampleGroup(
      int[] prompt, int size, SamplingParams params) {
    requireOpen();
    return sampler.sample(prompt, size, params);
  }

  /**
   * Replaces the weights with {@code weights}' and adopts their version. The bytes are fully
   * verified first (checksum, architecture, tokenizer, finite values); on any error, the current
   * weights and version stay.
   *
   * @throws InvalidWeightsException if the bytes are invalid or for another model
   */
  public synchronized void swapWeights(byte[] weights) {
    requireOpen();
    WeightsCodec.Decoded decoded = WeightsCodec.decode(weights);
    decoded.requireCompatible(config, tokenizer.id());
    ModelWeights previous = model.readWeights(session);
    try {
      model.loadWeights(session, decoded.weights());
    } catch (RuntimeException e) {
      // A failed run may have assigned some variables: put all of them back.
      try {
        model.loadWeights(session, previous);
      } catch (RuntimeException restore) {
        e.addSuppressed(restore);
      }
      throw e;
    }
    version = decoded.policyVersion();
    promptSettings = decoded.prompt();
  }

  /** The current weights. */
  public synchronized ModelWeights weights() {
    requireOpen();
    return model.readWeights(session);
  }

  /** The current weights, version and prompt settings as {@link WeightsCodec} bytes. */
  public synchronized byte[] exportWeights() {
    requireOpen();
    return WeightsCodec.encode(
        config, tokenizer.id(), version, model.readWeights(session), promptSettings);
  }

  private void requireOpen() {
    if (closed) {
      throw new IllegalStateException("the policy is closed");
    }
  }

  /** Frees the session and graph. Idempotent. */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    try {
      session.close();
    } finally {
      graph.close();
    }
  }
}
