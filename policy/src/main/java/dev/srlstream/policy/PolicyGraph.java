package dev.srlstream.policy;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.tensorflow.Operand;
import org.tensorflow.Output;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.op.Op;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.op.core.PlaceholderWithDefault;
import org.tensorflow.op.core.Variable;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;

/**
 * The policy model built into a caller's graph: its variables, the ops that load and read their
 * values, and the teacher-forced outputs a learner builds its losses on.
 *
 * <p><b>For a learner.</b> Feed {@link #tokens()} {@code [B, T]} (right-padded: real tokens first,
 * then padding), {@link #targets()} {@code [B, T]} (the next token at each position; anything at
 * padded positions) and {@link #mask()} {@code [B, T]} (1 for positions whose target counts, 0
 * otherwise); optionally {@link #temperature()} (default 1). Then {@link #tokenLogProbs()} is
 * {@code log softmax(logits / temperature)[target]} at every position and {@link #tokenEntropy()}
 * the entropy of that distribution, both {@code [B, T]} and exactly 0 where the mask is 0. A GRPO
 * surrogate or an SFT cross-entropy is a few elementwise ops on these; differentiate with {@code
 * graph.addGradients(loss, variableOutputs())}, whose order is {@link #specs()}'s. Right padding
 * needs no attention mask: attention is causal, so no real position sees a later padded one. T may
 * be anything up to the context length; only the positions fed are computed.
 *
 * <p>Variables are created without initial values: call {@link #loadWeights} (for example with
 * {@link ModelWeights#initial}) before the first run. All ops are under the name scope given to
 * {@link #build(Ops, ModelConfig, String)} ("policy" by default), so a graph can hold two policies
 * (a reference policy, say) under different scopes. Building is not thread-safe; running is.
 */
public final class PolicyGraph {

  private final Ops tf;
  private final ModelConfig config;
  private final List<ParameterSpec> specs;
  private final List<Variable<TFloat32>> variables;
  private final List<Operand<TFloat32>> values;
  private final List<Placeholder<TFloat32>> loadInputs;
  private final Op load;
  private final Transformer transformer;
  private final Transformer decodingTransformer;

  private final Placeholder<TInt32> tokens;
  private final Placeholder<TInt32> targets;
  private final Placeholder<TFloat32> mask;
  private final PlaceholderWithDefault<TFloat32> temperature;
  private final Operand<TFloat32> logits;
  private final Operand<TFloat32> lastLogits;
  private final Operand<TFloat32> tokenLogProbs;
  private final Operand<TFloat32> tokenEntropy;

  private DecoderGraph decoder;

  /** Builds the model under the name scope "policy" of {@code tf}. */
  public static PolicyGraph build(Ops tf, ModelConfig config) {
    return build(tf, config, "policy");
  }

  /** Builds the model under the name scope {@code scope} of {@code tf}. */
  public static PolicyGraph build(Ops tf, ModelConfig config, String scope) {
    return new PolicyGraph(tf.withSubScope(scope), config);
  }

  private PolicyGraph(Ops tf, ModelConfig config) {
    this.tf = tf;
    this.config = config;
    this.specs = ParameterSpec.forConfig(config);
    this.variables = new ArrayList<>();
    this.values = new ArrayList<>();
    this.loadInputs = new ArrayList<>();
    Map<String, Operand<TFloat32>> byName = new LinkedHashMap<>();
    Map<String, Operand<TFloat32>> rawByName = new LinkedHashMap<>();
    List<Op> assigns = new ArrayList<>();
    Map<String, Ops> scopes = new HashMap<>();
    scopes.put("", tf.withSubScope("weights"));
    for (ParameterSpec spec : specs) {
      Ops named = scoped(scopes, spec.name());
      Variable<TFloat32> variable = named.variable(spec.tfShape(), TFloat32.class);
      // The model reads the variable through Identity: BatchMatMulV3's gradient fails on
      // reference-typed (float_ref) inputs.
      Operand<TFloat32> value = tf.identity(variable);
      Placeholder<TFloat32> input =
          tf.placeholder(TFloat32.class, Placeholder.shape(spec.tfShape()));
      variables.add(variable);
      values.add(value);
      loadInputs.add(input);
      assigns.add(tf.assign(variable, input));
      byName.put(spec.name(), value);
      rawByName.put(spec.name(), variable);
    }
    this.load = tf.withControlDependencies(assigns).noOp();
    this.transformer = new Transformer(tf, config, byName);
    this.decodingTransformer = new Transformer(tf, config, rawByName);

    Ops inputs = tf.withSubScope("inputs");
    this.tokens =
        inputs.withName("tokens").placeholder(TInt32.class, Placeholder.shape(batchTime()));
    this.targets =
        inputs.withName("targets").placeholder(TInt32.class, Placeholder.shape(batchTime()));
    this.mask = inputs.withName("mask").placeholder(TFloat32.class, Placeholder.shape(batchTime()));
    this.temperature =
        inputs.withName("temperature").placeholderWithDefault(tf.constant(1f), Shape.scalar());

    Transformer.Pass pass = transformer.forward(tokens, List.of());
    Operand<TFloat32> flatLogits = transformer.logits(pass.hidden()); // [B*T, V]
    Operand<TInt32> batchTimeShape = tf.shape(tokens);
    this.logits =
        tf.reshape(
            flatLogits,
            tf.concat(
                List.of(batchTimeShape, tf.constant(new int[] {config.vocabSize()})),
                tf.constant(0)));
    this.lastLogits = transformer.lastLogits(pass);

    // Rank 2 on purpose: LogSoftmax's gradient is wrong above rank 2 in TF Java 1.1.0.
    Operand<TFloat32> logProbs = tf.nn.logSoftmax(tf.math.div(flatLogits, temperature));
    Operand<TFloat32> targetOneHot =
        tf.oneHot(
            tf.reshape(targets, tf.constant(new int[] {-1})),
            tf.constant(config.vocabSize()),
            tf.constant(1f),
            tf.constant(0f));
    Operand<TInt32> vocabAxis = tf.constant(1);
    Operand<TFloat32> chosen = tf.reduceSum(tf.math.mul(logProbs, targetOneHot), vocabAxis);
    Operand<TFloat32> entropy =
        tf.math.neg(tf.reduceSum(tf.math.mul(tf.math.exp(logProbs), logProbs), vocabAxis));
    this.tokenLogProbs = tf.math.mul(tf.reshape(chosen, batchTimeShape), mask);
    this.tokenEntropy = tf.math.mul(tf.reshape(entropy, batchTimeShape), mask);
  }

  private static Shape batchTime() {
    return Shape.of(Shape.UNKNOWN_SIZE, Shape.UNKNOWN_SIZE);
  }

  /**
   * The scope that names an op {@code a/b/c} under the root scope {@code scopes.get("")}. Each
   * sub-scope is created once and reused: creating "a" twice would name the second "a_1".
   */
  private static Ops scoped(Map<String, Ops> scopes, String path) {
    int slash = path.lastIndexOf('/');
    String parent = slash < 0 ? "" : path.substring(0, slash);
    return scope(scopes, parent).withName(path.substring(slash + 1));
  }

  private static Ops scope(Map<String, Ops> scopes, String path) {
    Ops scope = scopes.get(path);
    if (scope == null) {
      int slash = path.lastIndexOf('/');
      String parent = slash < 0 ? "" : path.substring(0, slash);
      scope = scope(scopes, parent).withSubScope(path.substring(slash + 1));
      scopes.put(path, scope);
    }
    return scope;
  }

  public ModelConfig config() {
    return config;
  }

  /** The variables' names and shapes, in the stable order of every list here. */
  public List<ParameterSpec> specs() {
    return specs;
  }

  /** The trainable variables (VariableV2, reference-typed), in {@link #specs()} order. */
  public List<Variable<TFloat32>> variables() {
    return List.copyOf(variables);
  }

  /** The variables' outputs for {@code Graph.addGradients}, in {@link #specs()} order. */
  public Output<?>[] variableOutputs() {
    return variables.stream().map(Variable::asOutput).toArray(Output<?>[]::new);
  }

  /** Input: token ids {@code [B, T]}, right-padded. */
  public Placeholder<TInt32> tokens() {
    return tokens;
  }

  /** Input: the next token at each position {@code [B, T]}, scored by {@link #tokenLogProbs()}. */
  public Placeholder<TInt32> targets() {
    return targets;
  }

  /** Input: {@code [B, T]} float, 1 where a position counts, 0 for padding. */
  public Placeholder<TFloat32> mask() {
    return mask;
  }

  /** Input, optional: the scalar temperature of {@link #tokenLogProbs()}; 1 if not fed. */
  public PlaceholderWithDefault<TFloat32> temperature() {
    return temperature;
  }

  /** Output: raw logits {@code [B, T, V]} (not divided by the temperature). */
  public Operand<TFloat32> logits() {
    return logits;
  }

  /**
   * Output: raw logits at position T-1 of each row, {@code [B, V]} (the next-token logits when the
   * rows have equal length, as in sampling); needs only {@link #tokens()}.
   */
  public Operand<TFloat32> lastLogits() {
    return lastLogits;
  }

  /** Output: {@code log softmax(logits / temperature)[targets]}, {@code [B, T]}, times the mask. */
  public Operand<TFloat32> tokenLogProbs() {
    return tokenLogProbs;
  }

  /**
   * Output: the entropy of {@code softmax(logits / temperature)}, {@code [B, T]}, times the mask.
   */
  public Operand<TFloat32> tokenEntropy() {
    return tokenEntropy;
  }

  /** Sets every variable to {@code weights} in one run. */
  public void loadWeights(Session session, ModelWeights weights) {
    if (!weights.specs().equals(specs)) {
      throw new IllegalArgumentException(
          "weights must have the "
              + specs.size()
              + " variables (names and shapes) of "
              + config
              + ", but had "
              + weights.specs().size()
              + " that differ");
    }
    List<TFloat32> tensors = new ArrayList<>(specs.size());
    try {
      Session.Runner runner = session.runner();
      for (int i = 0; i < specs.size(); i++) {
        TFloat32 tensor =
            TFloat32.tensorOf(specs.get(i).tfShape(), DataBuffers.of(weights.valuesUnsafe(i)));
        tensors.add(tensor);
        runner.feed(loadInputs.get(i), tensor);
      }
      runner.addTarget(load).run().close();
    } finally {
      tensors.forEach(TFloat32::close);
    }
  }

  /** Sets every variable to {@link ModelWeights#initial}{@code (config, seed)}. */
  public void initialize(Session session, long seed) {
    loadWeights(session, ModelWeights.initial(config, seed));
  }

  /** The current value of every variable. */
  public ModelWeights readWeights(Session session) {
    Session.Runner runner = session.runner();
    values.forEach(runner::fetch);
    float[][] arrays = new float[specs.size()][];
    try (Result result = runner.run()) {
      for (int i = 0; i < specs.size(); i++) {
        float[] array = new float[specs.get(i).size()];
        ((TFloat32) result.get(i)).copyTo(DataBuffers.of(array, false, false));
        arrays[i] = array;
      }
    }
    return ModelWeights.wrap(specs, arrays);
  }

  /** The incremental-decoding ops (built on first use, into the same graph, same variables). */
  synchronized DecoderGraph decoder() {
    if (decoder == null) {
      decoder = new DecoderGraph(tf.withSubScope("decoder"), config, decodingTransformer);
    }
    return decoder;
  }
}
