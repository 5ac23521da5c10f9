package dev.srlstream.policy;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
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
 * Every variable's gradient against central finite differences, through the whole model: the loss
 * {@code sum(a * logp) + sum(b * entropy)} with random weights a, b runs LogSoftmax over {@code
 * [B*T, V]} and attention's softmax over {@code [B, H, T, T]}, so the rank bug of TF Java 1.1.0's
 * softmax gradients, a missing gradient, or a wrong hand-built op (LayerNorm, GELU) fails it.
 *
 * <p>Float32 only, so the step and tolerances are sized for it: the loss is of order 1-10 and its
 * rounding error about 1e-6, so with a step of 1e-2 the difference quotient carries about 1e-4 of
 * rounding noise and O(step^2) truncation error. A coordinate passes when {@code |analytic -
 * numeric| <= 2e-3 + 3e-2 * max(|analytic|, |numeric|)}. Per variable: a directional derivative
 * along a random unit direction (which sums every coordinate's error, so a wrong gradient anywhere
 * in the variable shows), the coordinate with the largest analytic gradient, and three random
 * coordinates. The rank bug is far bigger than these bounds: see {@link
 * #theCheckCatchesTheRank3LogSoftmaxBug()}.
 */
class GradientCheckTest {

  private static final int BATCH = 2;
  private static final int TIME = 6;
  private static final double STEP = 1e-2;
  private static final double ABSOLUTE_TOLERANCE = 2e-3;
  private static final double RELATIVE_TOLERANCE = 3e-2;

  @ParameterizedTest(name = "tied embeddings: {0}, positions: {1}, family: {2}")
  @CsvSource({
    "true, LEARNED, GPT2",
    "false, LEARNED, GPT2",
    "true, ALIBI, GPT2",
    "false, ALIBI, GPT2",
    "true, ROPE, GPT2",
    "true, ROPE, QWEN2",
    "false, ROPE, QWEN2"
  })
  void everyVariableMatchesFiniteDifferences(
      boolean tied, PositionEncoding positions, ModelFamily family) {
    ModelConfig config =
        family == ModelFamily.QWEN2 ? TestModels.tinyQwen2(tied) : TestModels.tiny(tied, positions);
    Random random =
        new Random((tied ? 11 : 12) + 7L * positions.ordinal() + 101L * family.ordinal());
    try (Graph graph = new Graph()) {
      Ops tf = Ops.create(graph);
      PolicyGraph policy = PolicyGraph.build(tf, config);
      Operand<TFloat32> loss = loss(tf, policy, random);
      Output<?>[] gradients = graph.addGradients(loss.asOutput(), policy.variableOutputs());
      try (Session session = new Session(graph);
          Feeds feeds = new Feeds(config, random)) {
        ModelWeights weights = TestModels.noisy(config, 3, 0.2);
        policy.loadWeights(session, weights);
        List<float[]> analytic = analyticGradients(session, feeds, policy, gradients);

        List<String> failures = new ArrayList<>();
        int checked = 0;
        for (int v = 0; v < weights.count(); v++) {
          String name = weights.specs().get(v).name();
          float[] gradient = analytic.get(v);
          assertThat(gradient).as("gradient of %s", name).hasSize(weights.specs().get(v).size());

          float[] direction = unit(gaussian(random, gradient.length));
          double directional = 0;
          for (int j = 0; j < direction.length; j++) {
            directional += gradient[j] * direction[j];
          }
          double numeric =
              (lossAt(session, feeds, policy, loss, TestModels.shifted(weights, v, direction, STEP))
                      - lossAt(
                          session,
                          feeds,
                          policy,
                          loss,
                          TestModels.shifted(weights, v, direction, -STEP)))
                  / (2 * STEP);
          checked += compare(name + " along a random direction", directional, numeric, failures);

          List<Integer> coordinates = new ArrayList<>(List.of(argmaxAbs(gradient)));
          for (int k = 0; k < 3; k++) {
            coordinates.add(random.nextInt(gradient.length));
          }
          for (int j : coordinates) {
            float original = weights.valuesUnsafe(v)[j];
            double up =
                lossAt(
                    session,
                    feeds,
                    policy,
                    loss,
                    TestModels.with(weights, v, j, (float) (original + STEP)));
            double down =
                lossAt(
                    session,
                    feeds,
                    policy,
                    loss,
                    TestModels.with(weights, v, j, (float) (original - STEP)));
            // The step actually taken in float32, not the nominal one.
            double taken = (double) (float) (original + STEP) - (double) (float) (original - STEP);
            checked += compare(name + "[" + j + "]", gradient[j], (up - down) / taken, failures);
          }
        }
        assertThat(failures).as("gradients that disagree with finite differences").isEmpty();
        assertThat(checked).isEqualTo(5 * weights.count());
      }
    }
  }

  /**
   * The same check on a bare rank-3 LogSoftmax: TF Java 1.1.0's gradient for it is wrong, and the
   * check must say so. If this fails, TensorFlow fixed the bug (the rank-2 workaround stays correct
   * either way).
   */
  @Test
  void theCheckCatchesTheRank3LogSoftmaxBug() {
    assertThat(rank3Disagreements(true))
        .as("the rank-3 LogSoftmax gradient is wrong in TF Java 1.1.0")
        .isNotEmpty();
  }

  /**
   * A platform fact measured here: unlike LogSoftmax, Softmax's gradient is right at rank 3 in this
   * build (TF 2.18 inside). The model still applies it at rank 2, which is right either way.
   */
  @Test
  void theRank3SoftmaxGradientIsRightInThisBuild() {
    assertThat(rank3Disagreements(false)).isEmpty();
  }

  /** Finite differences on {@code sum(w * op(x))} for x of shape [2, 3, 4]. */
  private static List<String> rank3Disagreements(boolean logSoftmax) {
    Random random = new Random(5);
    try (Graph graph = new Graph()) {
      Ops tf = Ops.create(graph);
      Placeholder<TFloat32> input = tf.placeholder(TFloat32.class);
      Variable<TFloat32> x = tf.variable(Shape.of(2, 3, 4), TFloat32.class);
      Op assign = tf.assign(x, input);
      Operand<TFloat32> op =
          logSoftmax ? tf.nn.logSoftmax(tf.identity(x)) : tf.nn.softmax(tf.identity(x));
      Operand<TFloat32> loss =
          tf.reduceSum(
              tf.math.mul(op, tf.constant(Shape.of(2, 3, 4), DataBuffers.of(gaussian(random, 24)))),
              tf.constant(new int[] {0, 1, 2}));
      Output<?> gradient = graph.addGradients(loss.asOutput(), new Output<?>[] {x.asOutput()})[0];
      float[] point = gaussian(random, 24);
      List<String> failures = new ArrayList<>();
      try (Session session = new Session(graph)) {
        float[] analytic = new float[24];
        set(session, input, assign, point);
        try (Result result = session.runner().fetch(gradient).run()) {
          ((TFloat32) result.get(0)).copyTo(DataBuffers.of(analytic, false, false));
        }
        for (int j = 0; j < 24; j++) {
          float[] up = point.clone();
          float[] down = point.clone();
          up[j] += (float) STEP;
          down[j] -= (float) STEP;
          set(session, input, assign, up);
          double lossUp = scalar(session, loss);
          set(session, input, assign, down);
          double lossDown = scalar(session, loss);
          compare("x[" + j + "]", analytic[j], (lossUp - lossDown) / (up[j] - down[j]), failures);
        }
      }
      return failures;
    }
  }

  private static void set(
      Session session, Placeholder<TFloat32> input, org.tensorflow.op.Op assign, float[] values) {
    try (TFloat32 tensor = TFloat32.tensorOf(Shape.of(2, 3, 4), DataBuffers.of(values))) {
      session.runner().feed(input, tensor).addTarget(assign).run().close();
    }
  }

  private static double scalar(Session session, Operand<TFloat32> operand) {
    try (Result result = session.runner().fetch(operand).run()) {
      return ((TFloat32) result.get(0)).getFloat();
    }
  }

  private static float[] unit(float[] vector) {
    double norm = 0;
    for (float v : vector) {
      norm += v * v;
    }
    float[] unit = new float[vector.length];
    for (int i = 0; i < vector.length; i++) {
      unit[i] = (float) (vector[i] / Math.sqrt(norm));
    }
    return unit;
  }

  private static float[] gaussian(Random random, int n) {
    float[] values = new float[n];
    for (int i = 0; i < n; i++) {
      values[i] = (float) random.nextGaussian();
    }
    return values;
  }

  /** Records a failure unless analytic and numeric agree within the tolerances; returns 1. */
  private static int compare(String what, double analytic, double numeric, List<String> failures) {
    double bound =
        ABSOLUTE_TOLERANCE + RELATIVE_TOLERANCE * Math.max(Math.abs(analytic), Math.abs(numeric));
    if (!(Math.abs(analytic - numeric) <= bound)) {
      failures.add(what + ": analytic " + analytic + ", numeric " + numeric);
    }
    return 1;
  }

  private static int argmaxAbs(float[] values) {
    int best = 0;
    for (int i = 1; i < values.length; i++) {
      if (Math.abs(values[i]) > Math.abs(values[best])) {
        best = i;
      }
    }
    return best;
  }

  /** {@code sum(a * logp) + sum(b * entropy)}, at temperature 0.8, with a and b fixed at random. */
  private static Operand<TFloat32> loss(Ops tf, PolicyGraph policy, Random random) {
    Operand<TFloat32> a =
        tf.constant(Shape.of(BATCH, TIME), DataBuffers.of(gaussian(random, BATCH * TIME)));
    Operand<TFloat32> b =
        tf.constant(Shape.of(BATCH, TIME), DataBuffers.of(gaussian(random, BATCH * TIME)));
    Operand<TInt32> all = tf.constant(new int[] {0, 1});
    return tf.math.add(
        tf.reduceSum(tf.math.mul(a, policy.tokenLogProbs()), all),
        tf.reduceSum(tf.math.mul(b, policy.tokenEntropy()), all));
  }

  /** Random tokens and targets, row 1 padded after 4 positions, temperature 0.8. */
  private static final class Feeds implements AutoCloseable {
    final TInt32 tokens;
    final TInt32 targets;
    final TFloat32 mask;
    final TFloat32 temperature;

    Feeds(ModelConfig config, Random random) {
      int[] tokenIds = new int[BATCH * TIME];
      int[] targetIds = new int[BATCH * TIME];
      float[] maskValues = new float[BATCH * TIME];
      for (int i = 0; i < tokenIds.length; i++) {
        tokenIds[i] = random.nextInt(config.vocabSize());
        targetIds[i] = random.nextInt(config.vocabSize());
        maskValues[i] = i >= TIME + 4 ? 0f : 1f;
      }
      tokens = TInt32.tensorOf(Shape.of(BATCH, TIME), DataBuffers.of(tokenIds));
      targets = TInt32.tensorOf(Shape.of(BATCH, TIME), DataBuffers.of(targetIds));
      mask = TFloat32.tensorOf(Shape.of(BATCH, TIME), DataBuffers.of(maskValues));
      temperature = TFloat32.scalarOf(0.8f);
    }

    Session.Runner feed(Session session, PolicyGraph policy) {
      return session
          .runner()
          .feed(policy.tokens(), tokens)
          .feed(policy.targets(), targets)
          .feed(policy.mask(), mask)
          .feed(policy.temperature(), temperature);
    }

    @Override
    public void close() {
      tokens.close();
      targets.close();
      mask.close();
      temperature.close();
    }
  }

  private static List<float[]> analyticGradients(
      Session session, Feeds feeds, PolicyGraph policy, Output<?>[] gradients) {
    Session.Runner runner = feeds.feed(session, policy);
    for (Output<?> gradient : gradients) {
      runner.fetch(gradient);
    }
    List<float[]> values = new ArrayList<>();
    try (Result result = runner.run()) {
      for (int i = 0; i < gradients.length; i++) {
        TFloat32 tensor = (TFloat32) result.get(i);
        float[] value = new float[(int) tensor.shape().size()];
        tensor.copyTo(DataBuffers.of(value, false, false));
        values.add(value);
      }
    }
    return values;
  }

  private static double lossAt(
      Session session,
      Feeds feeds,
      PolicyGraph policy,
      Operand<TFloat32> loss,
      ModelWeights weights) {
    policy.loadWeights(session, weights);
    try (Result result = feeds.feed(session, policy).fetch(loss).run()) {
      return ((TFloat32) result.get(0)).getFloat();
    }
  }
}
