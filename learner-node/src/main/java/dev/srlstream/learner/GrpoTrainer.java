package dev.srlstream.learner;

import dev.srlstream.policy.ByteTokenizer;
import dev.srlstream.policy.ModelConfig;
import dev.srlstream.policy.ModelWeights;
import dev.srlstream.policy.ParameterSpec;
import dev.srlstream.policy.PolicyGraph;
import dev.srlstream.policy.PromptSettings;
import dev.srlstream.policy.SessionThreads;
import dev.srlstream.policy.Tokenizer;
import dev.srlstream.policy.WeightsCodec;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.Tensor;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;

/**
 * The TF Java {@link Trainer}: the policy, its objective and AdamW in one graph and session, built
 * once.
 *
 * <p><b>GRPO mode</b> ({@link #train}): B groups of G rollouts become rows {@code prompt ++
 * response}, one per segment of a rollout, each scored in the context it was sampled in ({@link
 * TokenBatch}), the policy's log-probs are recomputed at the sampling temperature and the clipped
 * surrogate of {@link Losses#grpo} is minimised, token-mean over the batch, each rollout's
 * advantage times its group's weight. <b>SFT mode</b> ({@link #trainSft}): token cross-entropy on
 * expert text ({@link Losses#sft}), same model, same optimiser. A trainer builds only its mode's
 * objective; the other method fails. The optimiser state does not depend on the mode, so a
 * curriculum (SFT, then SRL) restores the SFT checkpoint into a GRPO trainer, with or without its
 * optimiser state.
 *
 * <p><b>Feeding SFT (later wiring, not built here).</b> An {@code ExpertStep} record of {@code
 * srl.expert-steps} (or a line of an expert data file) gives one row: the prompt is what the actor
 * would be prompted with for that instance (BOS, question, context steps, as the feeder renders
 * it), the target is {@code target_step} followed by EOS (the whole solution in SFT mode); both
 * tokenized with the trainer's tokenizer. A batch is any number of such rows; the loss counts only
 * target tokens.
 *
 * <p>Every update is gated on all gradients and metrics, gradients are clipped to a global norm,
 * and the learning rate and Adam's bias-correction powers are fed per step (see {@link AdamW}). The
 * metrics a step returns are evaluated at the weights before it. Starts from {@code
 * ModelWeights.initial(model, config.seed())} with a fresh optimiser. Methods are synchronized;
 * close the trainer to free its native memory.
 */
public final class GrpoTrainer implements Trainer {

  /** The prompt format the weights are trained with; exported with them. */
  private Optional<PromptSettings> promptSettings = Optional.empty();

  private final ModelConfig model;
  private final Tokenizer tokenizer;
  private final TrainerConfig config;
  private final Graph graph;
  private final Session session;
  private final PolicyGraph policy;
  private final PolicyGraph reference;
  private final Placeholder<TFloat32> behaviourLogProbs;
  private final Placeholder<TFloat32> advantages;
  private final Losses.Terms terms;
  private final AdamW optimizer;
  private final AdamW.Update update;
  private final MetricFetches metricFetches;
  private final SessionThreads threads;

  /** The SHA-256 of the reference policy's weights, computed when first asked for. */
  private String referenceSha256;

  /** Where the reference policy's weights came from: the seed, or {@link #setReference}. */
  private String referenceSource = "seed";

  /** Updates done: the schedule's position and Adam's t. */
  private long step;

  private double beta1Power = 1;
  private double beta2Power = 1;
  private boolean closed;

  /** A trainer of a bundled byte-tokenizer model on TensorFlow's default session threads. */
  public static GrpoTrainer create(ModelConfig model, TrainerConfig config) {
    return create(model, ByteTokenizer.INSTANCE, config, SessionThreads.TENSORFLOW_DEFAULT);
  }

  /**
   * A trainer for a policy of architecture {@code model} whose texts are tokenized by {@code
   * tokenizer} (the weights it loads and exports name that tokenizer).
   *
   * @throws IllegalArgumentException if the model has fewer token rows than the tokenizer tokens
   */
  public static GrpoTrainer create(
      ModelConfig model, Tokenizer tokenizer, TrainerConfig config, SessionThreads threads) {
    if (model.vocabSize() < tokenizer.vocabSize()) {
      throw new IllegalArgumentException(
          "vocab_size must be at least "
              + tokenizer.vocabSize()
              + " (tokenizer "
              + tokenizer.id()
              + "), but was "
              + model.vocabSize());
    }
    return new GrpoTrainer(model, tokenizer, config, threads);
  }

  private GrpoTrainer(
      ModelConfig model, Tokenizer tokenizer, TrainerConfig config, SessionThreads threads) {
    this.model = model;
    this.tokenizer = tokenizer;
    this.config = config;
    this.threads = threads;
    this.graph = new Graph();
    Session opened = null;
    try {
      Ops tf = Ops.create(graph);
      this.policy = PolicyGraph.build(tf, model);
      if (config.mode() == TrainerConfig.Mode.GRPO) {
        Ops inputs = tf.withSubScope("grpo");
        this.behaviourLogProbs =
            inputs.withName("behaviour_logprobs").placeholder(TFloat32.class, batchTime());
        this.advantages = inputs.withName("advantages").placeholder(TFloat32.class, batchTime());
        this.reference = config.klCoef() > 0 ? PolicyGraph.build(tf, model, "reference") : null;
        this.terms =
            Losses.grpo(
                tf,
                policy,
                behaviourLogProbs,
                advantages,
                reference == null ? null : reference.tokenLogProbs(),
                config);
      } else {
        this.behaviourLogProbs = null;
        this.advantages = null;
        this.reference = null;
        this.terms = Losses.sft(tf, policy);
      }
      this.optimizer = new AdamW(tf, policy.specs(), policy.variables(), config);
      this.update =
          optimizer.minimize(
              graph, terms.loss(), policy.variableOutputs(), List.copyOf(terms.metrics().values()));
      this.metricFetches = new MetricFetches(terms.metrics());
      opened = threads.open(graph);
      policy.initialize(opened, config.seed());
      if (reference != null) {
        reference.initialize(opened, config.seed());
      }
      optimizer.resetMoments(opened);
    } catch (RuntimeException e) {
      if (opened != null) {
        opened.close();
      }
      graph.close();
      throw e;
    }
    this.session = opened;
  }

  private static Placeholder.Options batchTime() {
    return Placeholder.shape(Shape.of(Shape.UNKNOWN_SIZE, Shape.UNKNOWN_SIZE));
  }

  @Override
  public int vocabSize() {
    return model.vocabSize();
  }

  @Override
  public int contextLength() {
    return model.contextLength();
  }

  @Override
  public String architecture() {
    return model.toJson();
  }

  public ModelConfig modelConfig() {
    return model;
  }

  public TrainerConfig config() {
    return config;
  }

  /** The session thread pools the updates run on (recorded, since they may change the sums). */
  public SessionThreads threads() {
    return threads;
  }

  /**
   * Every setting of this trainer that affects an update, for {@code PolicyVersion.trained_batch}
   * (a replay rebuilds the trainer from it): the {@link TrainerConfig} (its field names), the
   * session thread pools asked for ({@code intra_op}, {@code inter_op}; 0 = TensorFlow's choice)
   * and those the process really runs on ({@code process_intra_op}, {@code process_inter_op}: the
   * first session's, {@link SessionThreads#processPools()}), with the processors the JVM saw (the
   * intra-op count changes the float sums), the tokenizer, and the KL reference policy (its source
   * and the SHA-256 of its weights, {@link #referenceSha256()}) when there is one.
   */
  @Override
  public synchronized Map<String, Object> settings() {
    requireOpen();
    Map<String, Object> settings = new LinkedHashMap<>();
    settings.put("trainer", config);
    Map<String, Object> pools = new LinkedHashMap<>();
    pools.put("intra_op", threads.intraOp());
    pools.put("inter_op", threads.interOp());
    // What the updates really ran on: the pools of the process's first session.
    SessionThreads process = SessionThreads.processPools().orElse(threads);
    pools.put("process_intra_op", process.intraOp());
    pools.put("process_inter_op", process.interOp());
    pools.put("available_processors", Runtime.getRuntime().availableProcessors());
    settings.put("session_threads", pools);
    settings.put("tokenizer", tokenizer.id());
    if (reference != null) {
      Map<String, Object> ref = new LinkedHashMap<>();
      ref.put("kl_coef", config.klCoef());
      ref.put("source", referenceSource);
      ref.put("weights_sha256", referenceSha256());
      settings.put("reference", ref);
    }
    return settings;
  }

  /**
   * The SHA-256 of the KL reference policy's weights (encoded as version 0 without a prompt format,
   * so only the values count), or null without a reference.
   */
  public synchronized String referenceSha256() {
    requireOpen();
    if (reference == null) {
      return null;
    }
    if (referenceSha256 == null) {
      referenceSha256 =
          WeightsCodec.sha256Hex(
              WeightsCodec.encode(
                  model, tokenizer.id(), 0, reference.readWeights(session), Optional.empty()));
    }
    return referenceSha256;
  }

  /** The number of updates done (restored with the optimiser state). */
  public synchronized long step() {
    return step;
  }

  /**
   * One GRPO update from B groups.
   *
   * <p>Metrics: {@code loss}, {@code policy_loss}, {@code entropy}, {@code clip_fraction}, {@code
   * approx_kl} (to the behaviour policy), {@code kl_ref} (with a reference), {@code grad_norm}
   * (before clipping), {@code lr}, {@code tokens} (response tokens scored), {@code step} (updates
   * done, this one included). A batch without any response token changes nothing and reports {@code
   * tokens} 0.
   *
   * @throws IllegalStateException if this trainer is in SFT mode, or the update was not finite
   * @throws IllegalArgumentException if a group is invalid (see {@link TokenBatch#ofGroups})
   */
  @Override
  public synchronized Map<String, Double> train(List<WeightedGroup> batch) {
    requireMode(TrainerConfig.Mode.GRPO, "train(groups)");
    return step(
        TokenBatch.ofGroups(
            batch, model.vocabSize(), model.contextLength(), config.credit(), tokenizer));
  }

  /**
   * One SFT update: minimises {@code -mean log p(target token)} over every target token of the rows
   * {@code promptIds[i] ++ targetIds[i]}, at temperature 1.
   *
   * <p>Metrics: {@code loss}, {@code entropy}, {@code grad_norm}, {@code lr}, {@code tokens},
   * {@code step}.
   *
   * @param promptIds per row, the context (at least a BOS), not scored
   * @param targetIds per row, the expert text to imitate (typically ending in EOS)
   * @throws IllegalStateException if this trainer is in GRPO mode, or the update was not finite
   * @throws IllegalArgumentException if the lists differ in size, a prompt is empty, an id is
   *     outside the vocabulary, or a row is longer than the context
   */
  public synchronized Map<String, Double> trainSft(List<int[]> promptIds, List<int[]> targetIds) {
    requireMode(TrainerConfig.Mode.SFT, "trainSft");
    return step(
        TokenBatch.ofExpert(promptIds, targetIds, model.vocabSize(), model.contextLength()));
  }

  private Map<String, Double> step(TokenBatch batch) {
    Map<String, Double> metrics = new LinkedHashMap<>();
    if (batch.tokenCount() == 0) {
      metrics.put("tokens", 0.0);
      metrics.put("step", (double) step);
      return metrics;
    }
    double learningRate = config.learningRateAt(step);
    double nextBeta1Power = beta1Power * config.beta1();
    double nextBeta2Power = beta2Power * config.beta2();
    try (Feeds feeds = new Feeds(batch);
        TFloat32 rate = TFloat32.scalarOf((float) learningRate);
        TFloat32 firstPower = TFloat32.scalarOf((float) nextBeta1Power);
        TFloat32 secondPower = TFloat32.scalarOf((float) nextBeta2Power)) {
      Session.Runner runner = optimizer.feedStep(feeds.feed(), rate, firstPower, secondPower);
      int next = metricFetches.fetch(runner);
      runner.fetch(update.gradientNorm()).addTarget(update.step());
      try (Result result = runner.run()) {
        metrics.putAll(metricFetches.read(result));
        metrics.put("grad_norm", (double) ((TFloat32) result.get(next)).getFloat());
      }
    }
    step++;
    beta1Power = nextBeta1Power;
    beta2Power = nextBeta2Power;
    metrics.put("lr", learningRate);
    metrics.put("tokens", (double) batch.tokenCount());
    metrics.put("step", (double) step);
    if (!Double.isFinite(metrics.get("loss")) || !Double.isFinite(metrics.get("grad_norm"))) {
      throw new IllegalStateException(
          "the update diverged (loss "
              + metrics.get("loss")
              + ", grad_norm "
              + metrics.get("grad_norm")
              + "): the weights are no longer usable; restore the last checkpoint");
    }
    return metrics;
  }

  @Override
  public synchronized byte[] exportWeights(long version) {
    requireOpen();
    return WeightsCodec.encode(
        model, tokenizer.id(), version, policy.readWeights(session), promptSettings);
  }

  /**
   * Records the prompt format the policy is being trained with, so that every exported weights file
   * carries it. {@link #restore} takes it from the restored weights; call this when training from
   * scratch (SFT of a fresh policy) or when a run changes the format.
   */
  public synchronized void setPromptSettings(PromptSettings settings) {
    promptSettings = Optional.of(settings);
  }

  /** The prompt format exported weights carry, if known. */
  public synchronized Optional<PromptSettings> promptSettings() {
    return promptSettings;
  }

  /** See {@link OptimizerState} for the format. */
  @Override
  public synchronized byte[] exportOptimizerState() {
    requireOpen();
    List<float[]> moments = optimizer.readMoments(session);
    List<float[]> first = new ArrayList<>();
    List<float[]> second = new ArrayList<>();
    for (int i = 0; i < moments.size(); i += 2) {
      first.add(moments.get(i));
      second.add(moments.get(i + 1));
    }
    return new OptimizerState(
            step,
            config.beta1(),
            config.beta2(),
            beta1Power,
            beta2Power,
            policy.specs(),
            first,
            second)
        .encode();
  }

  /**
   * Restores the weights and the optimiser state of a checkpoint; an empty {@code optimizerState}
   * means a fresh optimiser (zero moments, step 0, so the schedule starts over). Both are checked
   * in full before anything changes; the reference policy is not touched.
   *
   * @throws dev.srlstream.policy.InvalidWeightsException if the weights are invalid or for another
   *     model
   * @throws IllegalArgumentException if the optimiser state is corrupt, truncated, for other
   *     variables or other betas; the message starts with "optimizer state"
   */
  @Override
  public synchronized void restore(byte[] weights, byte[] optimizerState) {
    requireOpen();
    WeightsCodec.Decoded decoded = WeightsCodec.decode(weights);
    decoded.requireCompatible(model, tokenizer.id());
    List<ParameterSpec> specs = policy.specs();
    OptimizerState state =
        optimizerState.length == 0
            ? OptimizerState.fresh(specs, config.beta1(), config.beta2())
            : OptimizerState.decode(optimizerState, specs, config.beta1(), config.beta2());
    policy.loadWeights(session, decoded.weights());
    promptSettings = decoded.prompt();
    optimizer.loadMoments(session, state.firstMoments(), state.secondMoments());
    step = state.step();
    beta1Power = state.beta1Power();
    beta2Power = state.beta2Power();
  }

  /**
   * Sets the frozen reference policy of the KL penalty (initially the seed's weights, like the
   * policy). Call it once before training when the run starts from other weights (an SFT
   * checkpoint); {@link #restore} leaves the reference alone.
   *
   * @throws IllegalStateException if {@code klCoef} is 0 (there is no reference policy)
   */
  public synchronized void setReference(byte[] weights) {
    requireOpen();
    if (reference == null) {
      throw new IllegalStateException(
          "klCoef must be > 0 for a reference policy, but was " + config.klCoef());
    }
    WeightsCodec.Decoded decoded = WeightsCodec.decode(weights);
    decoded.requireCompatible(model, tokenizer.id());
    reference.loadWeights(session, decoded.weights());
    referenceSha256 = null;
    referenceSource = "weights";
  }

  // ----- for tests in this package: the same graph, without an update -----

  /**
   * The loss terms of a GRPO batch at the current weights, without an update.
   *
   * @param gradients also fetch every variable's raw and clipped gradient
   */
  synchronized Evaluation evaluate(List<WeightedGroup> groups, boolean gradients) {
    requireMode(TrainerConfig.Mode.GRPO, "evaluate");
    TokenBatch batch =
        TokenBatch.ofGroups(
            groups, model.vocabSize(), model.contextLength(), config.credit(), tokenizer);
    try (Feeds feeds = new Feeds(batch)) {
      Session.Runner runner = feeds.feed();
      int next = metricFetches.fetch(runner);
      runner.fetch(policy.tokenLogProbs()).fetch(update.gradientNorm());
      if (gradients) {
        update.gradients().forEach(runner::fetch);
        update.clippedGradients().forEach(runner::fetch);
      }
      try (Result result = runner.run()) {
        Map<String, Double> metrics = metricFetches.read(result);
        float[] logProbs = floats(result.get(next++));
        metrics.put("grad_norm", (double) ((TFloat32) result.get(next++)).getFloat());
        List<float[]> raw = new ArrayList<>();
        List<float[]> clipped = new ArrayList<>();
        if (gradients) {
          for (int i = 0; i < update.gradients().size(); i++) {
            raw.add(floats(result.get(next++)));
          }
          for (int i = 0; i < update.clippedGradients().size(); i++) {
            clipped.add(floats(result.get(next++)));
          }
        }
        return new Evaluation(batch, metrics, logProbs, raw, clipped);
      }
    }
  }

  /**
   * @param batch the rows as fed
   * @param metrics the loss terms and {@code grad_norm}
   * @param tokenLogProbs {@code [B, T]} as the graph computed them
   * @param gradients raw gradients per variable (empty unless asked for)
   * @param clippedGradients the gradients after global-norm clipping (empty unless asked for)
   */
  record Evaluation(
      TokenBatch batch,
      Map<String, Double> metrics,
      float[] tokenLogProbs,
      List<float[]> gradients,
      List<float[]> clippedGradients) {}

  synchronized ModelWeights weights() {
    requireOpen();
    return policy.readWeights(session);
  }

  synchronized void loadWeights(ModelWeights weights) {
    requireOpen();
    policy.loadWeights(session, weights);
  }

  private static float[] floats(Tensor tensor) {
    TFloat32 values = (TFloat32) tensor;
    float[] array = new float[(int) values.shape().size()];
    values.copyTo(DataBuffers.of(array, false, false));
    return array;
  }

  /**
   * Fetches named scalar metrics, each distinct operand once (a session refuses to fetch one output
   * twice, and without a KL term the loss is the policy loss).
   */
  private static final class MetricFetches {
    private final List<String> names;
    private final List<Operand<TFloat32>> operands = new ArrayList<>();
    private final int[] indices;

    MetricFetches(Map<String, Operand<TFloat32>> metrics) {
      this.names = List.copyOf(metrics.keySet());
      this.indices = new int[names.size()];
      for (int i = 0; i < names.size(); i++) {
        Operand<TFloat32> operand = metrics.get(names.get(i));
        int index = operands.indexOf(operand);
        if (index < 0) {
          index = operands.size();
          operands.add(operand);
        }
        indices[i] = index;
      }
    }

    /** Adds the fetches; returns how many, the result index of the caller's next fetch. */
    int fetch(Session.Runner runner) {
      operands.forEach(runner::fetch);
      return operands.size();
    }

    Map<String, Double> read(Result result) {
      Map<String, Double> values = new LinkedHashMap<>();
      for (int i = 0; i < names.size(); i++) {
        values.put(names.get(i), (double) ((TFloat32) result.get(indices[i])).getFloat());
      }
      return values;
    }
  }

  /** The input tensors of one batch, closed together. */
  private final class Feeds implements AutoCloseable {
    private final List<Tensor> tensors = new ArrayList<>();
    private final TokenBatch batch;

    Feeds(TokenBatch batch) {
      this.batch = batch;
    }

    /** A runner with the batch fed to the policy (and the reference, and the GRPO inputs). */
    Session.Runner feed() {
      Session.Runner runner = session.runner();
      float temperature =
          config.mode() == TrainerConfig.Mode.GRPO ? (float) config.temperature() : 1f;
      feedPolicy(runner, policy, temperature);
      if (reference != null) {
        feedPolicy(runner, reference, temperature);
      }
      if (behaviourLogProbs != null) {
        runner.feed(behaviourLogProbs, floats(batch.behaviourLogProbs()));
        runner.feed(advantages, floats(batch.advantages()));
      }
      return runner;
    }

    private void feedPolicy(Session.Runner runner, PolicyGraph graph, float temperature) {
      runner
          .feed(graph.tokens(), ints(batch.tokens()))
          .feed(graph.targets(), ints(batch.targets()))
          .feed(graph.mask(), floats(batch.mask()))
          .feed(graph.temperature(), keep(TFloat32.scalarOf(temperature)));
    }

    private TInt32 ints(int[] values) {
      return keep(TInt32.tensorOf(shape(), DataBuffers.of(values, true, false)));
    }

    private TFloat32 floats(float[] values) {
      return keep(TFloat32.tensorOf(shape(), DataBuffers.of(values, true, false)));
    }

    private Shape shape() {
      return Shape.of(batch.rows(), batch.length());
    }

    private <T extends Tensor> T keep(T tensor) {
      tensors.add(tensor);
      return tensor;
    }

    @Override
    public void close() {
      tensors.forEach(Tensor::close);
    }
  }

  private void requireMode(TrainerConfig.Mode mode, String method) {
    requireOpen();
    if (config.mode() != mode) {
      throw new IllegalStateException(
          method
              + " needs a trainer in "
              + mode
              + " mode, but this one is in "
              + config.mode()
              + " mode");
    }
  }

  private void requireOpen() {
    if (closed) {
      throw new IllegalStateException("the trainer is closed");
    }
  }

  /** Frees the session and the graph. Idempotent. */
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
