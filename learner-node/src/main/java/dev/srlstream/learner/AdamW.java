package dev.srlstream.learner;

import dev.srlstream.policy.ParameterSpec;
import java.util.ArrayList;
import java.util.List;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Output;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.op.Op;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.op.core.Variable;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;

/**
 * AdamW with global-norm gradient clipping, built into the graph on TensorFlow's {@code ApplyAdam}
 * kernel (TF Java 1.1.0 has no AdamW and bakes the framework optimisers' learning rate in as a
 * constant; see PLATFORM-NOTES).
 *
 * <p>One update, in order:
 *
 * <ol>
 *   <li>the gradients {@code g} of the loss with respect to every variable ({@code
 *       Graph.addGradients} with the explicit variable list);
 *   <li>{@code norm = sqrt(sum of g^2 over all variables)}; {@code g *= maxNorm / max(norm,
 *       maxNorm)} (exactly 1 when the norm is within the bound);
 *   <li>decoupled weight decay {@code w -= lr * weightDecay * w}, for matrices and embeddings;
 *   <li>Adam: {@code m = b1 m + (1 - b1) g}, {@code v = b2 v + (1 - b2) g^2}, {@code w -= lr sqrt(1
 *       - b2^t) / (1 - b1^t) * m / (sqrt(v) + eps)}.
 * </ol>
 *
 * <p><b>Why ApplyAdam and not hand-built ops.</b> It is one fused kernel per variable and does the
 * bias correction from {@code b1^t} and {@code b2^t} inputs, which are fed, with the learning rate,
 * as placeholders each step: the schedule and the step count live in Java, where they are
 * checkpointed exactly. Its epsilon is added to {@code sqrt(v)}, not to the bias-corrected {@code
 * sqrt(v / (1 - b2^t))} as in PyTorch: the two differ only by a factor {@code sqrt(1 - b2^t)} on an
 * epsilon of 1e-8.
 *
 * <p><b>Ordering.</b> The variables are updated in place and the model reads them through Identity,
 * which aliases their buffers, so every write waits (control dependencies) for every gradient and
 * every metric of the step: no op of the forward or backward pass can see a half-updated model.
 * Decay runs before Adam on the same variable.
 */
final class AdamW {

  private final Ops tf;
  private final List<ParameterSpec> specs;
  private final List<Variable<TFloat32>> variables;
  private final TrainerConfig config;

  private final List<Variable<TFloat32>> firstMoments = new ArrayList<>();
  private final List<Variable<TFloat32>> secondMoments = new ArrayList<>();
  private final List<Operand<TFloat32>> momentValues = new ArrayList<>();
  private final List<Placeholder<TFloat32>> momentInputs = new ArrayList<>();
  private final Op loadMoments;

  private final Placeholder<TFloat32> learningRate;
  private final Placeholder<TFloat32> beta1Power;
  private final Placeholder<TFloat32> beta2Power;

  /**
   * An update built for one loss.
   *
   * @param step the target that runs the whole update
   * @param gradientNorm the global norm of the gradients before clipping
   * @param gradients the raw gradients, in variable order
   * @param clippedGradients the gradients Adam receives
   */
  record Update(
      Op step,
      Operand<TFloat32> gradientNorm,
      List<Operand<TFloat32>> gradients,
      List<Operand<TFloat32>> clippedGradients) {}

  /** Creates the moment slots (unset: {@link #loadMoments} them before the first update). */
  AdamW(
      Ops tf, List<ParameterSpec> specs, List<Variable<TFloat32>> variables, TrainerConfig config) {
    this.tf = tf.withSubScope("adamw");
    this.specs = specs;
    this.variables = variables;
    this.config = config;
    List<Op> assigns = new ArrayList<>();
    for (int i = 0; i < specs.size(); i++) {
      Shape shape = specs.get(i).tfShape();
      firstMoments.add(slot("m" + i, shape, assigns));
      secondMoments.add(slot("v" + i, shape, assigns));
    }
    this.loadMoments = this.tf.withControlDependencies(assigns).noOp();
    this.learningRate = this.tf.withName("learning_rate").placeholder(TFloat32.class);
    this.beta1Power = this.tf.withName("beta1_power").placeholder(TFloat32.class);
    this.beta2Power = this.tf.withName("beta2_power").placeholder(TFloat32.class);
  }

  private Variable<TFloat32> slot(String name, Shape shape, List<Op> assigns) {
    Variable<TFloat32> slot = tf.withName(name).variable(shape, TFloat32.class);
    Placeholder<TFloat32> input = tf.placeholder(TFloat32.class, Placeholder.shape(shape));
    assigns.add(tf.assign(slot, input));
    momentInputs.add(input);
    momentValues.add(tf.identity(slot));
    return slot;
  }

  /**
   * Builds the update that minimises {@code loss}.
   *
   * @param variableOutputs the variables' outputs, in {@code specs} order
   * @param alsoBefore ops that must have run before any variable changes (the step's metrics)
   */
  @SuppressWarnings("unchecked")
  Update minimize(
      Graph graph,
      Operand<TFloat32> loss,
      Output<?>[] variableOutputs,
      List<? extends Op> alsoBefore) {
    Output<?>[] raw = graph.addGradients(loss.asOutput(), variableOutputs);
    List<Operand<TFloat32>> gradients = new ArrayList<>();
    List<Operand<TFloat32>> squares = new ArrayList<>();
    for (int i = 0; i < raw.length; i++) {
      Operand<TFloat32> g = (Operand<TFloat32>) raw[i];
      gradients.add(g);
      squares.add(tf.reduceSum(tf.math.square(g), allAxes(specs.get(i))));
    }
    Operand<TFloat32> norm = tf.math.sqrt(tf.math.addN(squares));
    Operand<TFloat32> maxNorm = tf.constant((float) config.maxGradNorm());
    Operand<TFloat32> scale = tf.math.div(maxNorm, tf.math.maximum(norm, maxNorm));
    List<Operand<TFloat32>> clipped = new ArrayList<>();
    for (Operand<TFloat32> g : gradients) {
      clipped.add(tf.math.mul(g, scale));
    }

    List<Op> gate = new ArrayList<>(gradients);
    gate.addAll(alsoBefore);
    Ops gated = tf.withControlDependencies(gate);
    Operand<TFloat32> decayRate =
        gated.math.mul(learningRate, gated.constant((float) config.weightDecay()));
    List<Op> applies = new ArrayList<>();
    for (int i = 0; i < variables.size(); i++) {
      Variable<TFloat32> w = variables.get(i);
      Ops adam = gated;
      if (decays(specs.get(i)) && config.weightDecay() > 0) {
        Op decay = gated.assignSub(w, gated.math.mul(decayRate, w));
        adam = gated.withControlDependencies(List.of(decay));
      }
      applies.add(
          adam.train.applyAdam(
              w,
              firstMoments.get(i),
              secondMoments.get(i),
              beta1Power,
              beta2Power,
              learningRate,
              tf.constant((float) config.beta1()),
              tf.constant((float) config.beta2()),
              tf.constant((float) config.adamEpsilon()),
              clipped.get(i)));
    }
    Op step = tf.withControlDependencies(applies).noOp();
    return new Update(step, norm, gradients, clipped);
  }

  /**
   * Weight decay applies to matrices and embeddings, not to biases and norm gains or offsets
   * (decaying a LayerNorm gain towards 0 would shrink the signal, not the capacity).
   */
  static boolean decays(ParameterSpec spec) {
    return spec.shape().size() >= 2;
  }

  private Operand<TInt32> allAxes(ParameterSpec spec) {
    int[] axes = new int[spec.shape().size()];
    for (int a = 0; a < axes.length; a++) {
      axes[a] = a;
    }
    return tf.constant(axes);
  }

  /** Feeds the per-step scalars of update number {@code step + 1} (after {@code step} updates). */
  Session.Runner feedStep(
      Session.Runner runner, TFloat32 rate, TFloat32 firstPower, TFloat32 secondPower) {
    return runner
        .feed(learningRate, rate)
        .feed(beta1Power, firstPower)
        .feed(beta2Power, secondPower);
  }

  /** Sets every moment slot: {@code m} and {@code v} of each variable, in variable order. */
  void loadMoments(Session session, List<float[]> first, List<float[]> second) {
    List<TFloat32> tensors = new ArrayList<>();
    try {
      Session.Runner runner = session.runner();
      for (int i = 0; i < specs.size(); i++) {
        Shape shape = specs.get(i).tfShape();
        TFloat32 m = TFloat32.tensorOf(shape, DataBuffers.of(first.get(i), true, false));
        tensors.add(m);
        TFloat32 v = TFloat32.tensorOf(shape, DataBuffers.of(second.get(i), true, false));
        tensors.add(v);
        runner.feed(momentInputs.get(2 * i), m).feed(momentInputs.get(2 * i + 1), v);
      }
      runner.addTarget(loadMoments).run().close();
    } finally {
      tensors.forEach(TFloat32::close);
    }
  }

  /** Zeroes every moment slot: a fresh optimiser. */
  void resetMoments(Session session) {
    List<float[]> zeros = new ArrayList<>();
    for (ParameterSpec spec : specs) {
      zeros.add(new float[spec.size()]);
    }
    loadMoments(session, zeros, zeros);
  }

  /** The moments: element {@code 2i} is {@code m} of variable i, {@code 2i + 1} its {@code v}. */
  List<float[]> readMoments(Session session) {
    Session.Runner runner = session.runner();
    momentValues.forEach(runner::fetch);
    List<float[]> moments = new ArrayList<>();
    try (Result result = runner.run()) {
      for (int i = 0; i < momentValues.size(); i++) {
        float[] values = new float[specs.get(i / 2).size()];
        ((TFloat32) result.get(i)).copyTo(DataBuffers.of(values, false, false));
        moments.add(values);
      }
    }
    return moments;
  }
}
