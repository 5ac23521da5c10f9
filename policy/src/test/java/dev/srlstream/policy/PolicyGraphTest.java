package dev.srlstream.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Output;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;

/** The learner-facing contract of {@link PolicyGraph}. */
class PolicyGraphTest {

  private static final ModelConfig CONFIG = TestModels.tiny(false);

  @Test
  void variablesAreListedInTheSpecOrderWithTheirShapes() {
    try (Graph graph = new Graph()) {
      PolicyGraph policy = PolicyGraph.build(Ops.create(graph), CONFIG);

      List<ParameterSpec> specs = policy.specs();
      assertThat(specs).isEqualTo(ParameterSpec.forConfig(CONFIG));
      assertThat(specs.get(0).name()).isEqualTo("tok_emb");
      assertThat(specs.get(specs.size() - 1).name()).isEqualTo("lm_head");
      assertThat(policy.variables()).hasSameSizeAs(specs);
      for (int i = 0; i < specs.size(); i++) {
        assertThat(policy.variables().get(i).shape()).isEqualTo(specs.get(i).tfShape());
        assertThat(policy.variables().get(i).op().name())
            .isEqualTo("policy/weights/" + specs.get(i).name());
      }
    }
  }

  @Test
  void maskedPositionsScoreExactlyZeroAndOthersAreLogProbabilities() {
    try (Graph graph = new Graph()) {
      PolicyGraph policy = PolicyGraph.build(Ops.create(graph), CONFIG);
      try (Session session = new Session(graph);
          TInt32 tokens = TInt32.tensorOf(Shape.of(1, 4), DataBuffers.of(1, 2, 3, 0));
          TInt32 targets = TInt32.tensorOf(Shape.of(1, 4), DataBuffers.of(2, 3, 4, 0));
          TFloat32 mask = TFloat32.tensorOf(Shape.of(1, 4), DataBuffers.of(1f, 1f, 0f, 0f))) {
        policy.loadWeights(session, TestModels.noisy(CONFIG, 1, 0.3));
        float[] logProbs = new float[4];
        float[] entropy = new float[4];
        try (Result result =
            session
                .runner()
                .feed(policy.tokens(), tokens)
                .feed(policy.targets(), targets)
                .feed(policy.mask(), mask)
                .fetch(policy.tokenLogProbs())
                .fetch(policy.tokenEntropy())
                .run()) {
          ((TFloat32) result.get(0)).copyTo(DataBuffers.of(logProbs, false, false));
          ((TFloat32) result.get(1)).copyTo(DataBuffers.of(entropy, false, false));
        }
        assertThat(logProbs[0]).isNegative();
        assertThat(logProbs[1]).isNegative();
        assertThat(logProbs[2]).isZero();
        assertThat(logProbs[3]).isZero();
        assertThat(entropy[0]).isPositive().isLessThanOrEqualTo((float) Math.log(11) + 1e-5f);
        assertThat(entropy[3]).isZero();
      }
    }
  }

  @Test
  void twoPoliciesShareAGraphAndEachDifferentiatesAgainstItsOwnVariables() {
    try (Graph graph = new Graph()) {
      Ops tf = Ops.create(graph);
      PolicyGraph current = PolicyGraph.build(tf, CONFIG, "current");
      PolicyGraph reference = PolicyGraph.build(tf, CONFIG, "reference");
      Operand<TFloat32> loss = tf.reduceSum(current.tokenLogProbs(), tf.constant(new int[] {0, 1}));

      Output<?>[] gradients = graph.addGradients(loss.asOutput(), current.variableOutputs());

      assertThat(gradients).hasSize(current.specs().size());
      assertThat(reference.variables().get(0).op().name()).isEqualTo("reference/weights/tok_emb");
    }
  }

  @Test
  void loadingWeightsOfAnotherArchitectureFails() {
    try (Graph graph = new Graph()) {
      PolicyGraph policy = PolicyGraph.build(Ops.create(graph), CONFIG);
      try (Session session = new Session(graph)) {
        ModelWeights other = ModelWeights.initial(TestModels.tiny(true), 1L);
        assertThatThrownBy(() -> policy.loadWeights(session, other))
            .isInstanceOf(IllegalArgumentException.class)
            .hasMessageStartingWith(
                "weights must have the "
                    + policy.specs().size()
                    + " variables (names and shapes) of");
      }
    }
  }
}
