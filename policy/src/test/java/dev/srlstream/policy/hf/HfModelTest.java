package dev.srlstream.policy.hf;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.srlstream.policy.Policy;
import dev.srlstream.policy.PolicyGraph;
import dev.srlstream.policy.SampleResult;
import dev.srlstream.policy.SamplingParams;
import dev.srlstream.policy.SessionThreads;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.tensorflow.Graph;
import org.tensorflow.Session;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;

/** Our graphs on the tiny Hugging Face models against what {@code transformers} computed. */
class HfModelTest {

  /** The largest |ours - transformers| of a logit the issue allows. */
  private static final double LOGIT_TOLERANCE = 1e-4;

  @ParameterizedTest
  @ValueSource(strings = {"qwen2-tiny", "qwen2-tiny-untied", "gpt2-tiny"})
  void logitsOfEveryPositionEqualTransformers(String model) throws IOException {
    Map<String, HfTensor> expected =
        SafeTensors.read(HfReference.directory(model).resolve("reference.safetensors")).tensors();
    List<HfReference.Prompt> prompts = HfReference.prompts(model);
    HfModel hf = HfModel.load(HfReference.directory(model));
    try (Graph graph = new Graph()) {
      PolicyGraph policy = PolicyGraph.build(Ops.create(graph), hf.config());
      try (Session session = new Session(graph)) {
        policy.loadWeights(session, hf.weights());
        for (int p = 0; p < prompts.size(); p++) {
          int[] ids = prompts.get(p).ids();
          float[] ours = logits(session, policy, ids);
          HfTensor theirs = expected.get("logits_" + p);
          assertThat(theirs.shape()).containsExactly(ids.length, hf.config().vocabSize());
          double maxDifference = 0;
          for (int i = 0; i < ours.length; i++) {
            maxDifference = Math.max(maxDifference, Math.abs(ours[i] - theirs.values()[i]));
          }
          assertThat(maxDifference)
              .as("max |Δ logit| of %s prompt %d", model, p)
              .isLessThanOrEqualTo(LOGIT_TOLERANCE);
        }
      }
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"qwen2-tiny", "qwen2-tiny-untied", "gpt2-tiny"})
  void greedyContinuationWithTheKvCacheEqualsTransformers(String model) throws IOException {
    int newTokens = HfReference.json(model).path("greedy_new_tokens").asInt();
    HfModel hf = HfModel.load(HfReference.directory(model));
    try (Policy policy = hf.toPolicy(SessionThreads.TENSORFLOW_DEFAULT)) {
      assertThat(hf.tokenizer().eos())
          .isEqualTo(HfReference.json(model).path("eos_token_id").asInt());
      var prompts = HfReference.json(model).path("prompts");
      for (int p = 0; p < prompts.size(); p++) {
        HfReference.Prompt prompt = HfReference.prompts(model).get(p);
        SampleResult ours =
            policy.sample(prompt.ids(), SamplingParams.greedy(newTokens, hf.tokenizer().eos()));
        assertThat(ours.tokens()).as("%s prompt %d", model, p).containsExactly(prompt.greedyIds());
        var logprobs = prompts.get(p).path("greedy_logprobs");
        for (int i = 0; i < ours.logProbs().length; i++) {
          assertThat((double) ours.logProbs()[i])
              .isCloseTo(logprobs.get(i).asDouble(), within(1e-4));
        }
      }
    }
  }

  private static float[] logits(Session session, PolicyGraph policy, int[] ids) {
    try (TInt32 tokens = TInt32.tensorOf(Shape.of(1, ids.length)); ) {
      for (int i = 0; i < ids.length; i++) {
        tokens.setInt(ids[i], 0, i);
      }
      try (var result =
          session.runner().feed(policy.tokens(), tokens).fetch(policy.logits()).run()) {
        TFloat32 logits = (TFloat32) result.get(0);
        int vocab = (int) logits.shape().get(2);
        float[] out = new float[ids.length * vocab];
        for (int t = 0; t < ids.length; t++) {
          for (int v = 0; v < vocab; v++) {
            out[t * vocab + v] = logits.getFloat(0, t, v);
          }
        }
        return out;
      }
    }
  }
}
