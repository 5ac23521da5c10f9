package dev.srlstream.topology;

import static org.assertj.core.api.Assertions.assertThat;

import dev.srlstream.actor.ActorConfig;
import dev.srlstream.actor.RealRollouts;
import dev.srlstream.learner.LearnerRatios;
import dev.srlstream.policy.ByteTokenizer;
import dev.srlstream.policy.ModelWeights;
import dev.srlstream.policy.TinyPolicies;
import dev.srlstream.policy.WeightsCodec;
import dev.srlstream.schemas.SampleRecords;
import dev.srlstream.schemas.avro.GroupRollout;
import dev.srlstream.schemas.avro.RolloutSegment;
import dev.srlstream.schemas.avro.RolloutStep;
import dev.srlstream.schemas.avro.StepTask;
import dev.srlstream.schemas.avro.TrainingGroup;
import dev.srlstream.schemas.avro.TrainingMode;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * The importance ratio is exact for every recipe: with the weights the actor sampled with (no
 * update in between), the learner's log-probs of the recorded tokens, computed through its own
 * batch-building path, equal the behaviour log-probs the real {@code RolloutGenerator} recorded on
 * the real TensorFlow policy, so every ratio is 1. And scoring a multi-step rollout the old way,
 * every step after the single recorded prompt, is not (so this test can fail).
 */
class ExactRatiosTest {
  /**
   * The learner recomputes in another graph (no KV cache, other shapes) in float32: with logits of
   * magnitude ~10 a few ulps remain (measured up to 7e-6 here), far below any context effect.
   */
  private static final double EXACT = 1e-5;

  private static final int CONTEXT = 128;
  private static final String STEP = " 1+2=3";
  private static final byte[] WEIGHTS = stepWriter(2026L);
  private static final List<String> measured = new ArrayList<>();

  private final ActorConfig limits =
      ActorConfig.builder()
          .actorId("a")
          .maxGroupSize(8)
          .maxNewTokens(16)
          .maxSolutionSteps(4)
          .build();

  @AfterAll
  static void report() {
    measured.forEach(System.out::println);
  }

  @Test
  void srlRolloutsAreScoredWithRatioOne() {
    StepTask task = task("srl", TrainingMode.SRL, 0.8f);
    task.setStepIndex(1);
    task.setContextSteps(List.of("1+2=3"));
    List<RolloutStep> rollouts = RealRollouts.sample(task, WEIGHTS, limits);
    assertThat(rollouts).allSatisfy(r -> assertThat(r.getSegments()).hasSize(1));

    LearnerRatios.Scored scored = LearnerRatios.score(WEIGHTS, 0.8, List.of(group(rollouts, true)));

    assertRecordedOrder(scored, rollouts);
    measured.add(
        String.format(
            "SRL: %d rollouts, %d tokens, behaviour log-probs down to %.2f: max |ratio - 1| = %.3g",
            rollouts.size(),
            scored.behaviour().length,
            min(scored.behaviour()),
            scored.maxRatioError()));
    assertThat(scored.maxRatioError()).isLessThan(EXACT);
  }

  @Test
  void rlvrRolloutsWrittenStepAfterStepAreScoredWithRatioOne() {
    assertWholeSolutionsAreExact(TrainingMode.RLVR);
  }

  @Test
  void holisticRolloutsWrittenStepAfterStepAreScoredWithRatioOne() {
    assertWholeSolutionsAreExact(TrainingMode.HOLISTIC);
  }

  private void assertWholeSolutionsAreExact(TrainingMode mode) {
    List<RolloutStep> rollouts =
        RealRollouts.sample(task(mode.name(), mode, 1.0f), WEIGHTS, limits);
    // (task() seeds each mode differently, so the modes measure different samples)
    // Most rollouts must really be multi-step, or this test would show nothing about later steps.
    long multiStep = rollouts.stream().filter(r -> r.getSegments().size() > 1).count();
    assertThat(multiStep).isGreaterThanOrEqualTo(rollouts.size() / 2);

    LearnerRatios.Scored exact = LearnerRatios.score(WEIGHTS, 1.0, List.of(group(rollouts, true)));
    LearnerRatios.Scored old = LearnerRatios.score(WEIGHTS, 1.0, List.of(group(rollouts, false)));

    assertRecordedOrder(exact, rollouts);
    assertRecordedOrder(old, rollouts);
    double oldInsideSteps = maxRatioErrorAfterFirstTokens(old, rollouts);
    measured.add(
        String.format(
            "%s: %d rollouts, %d with 2+ steps, %d tokens, behaviour log-probs down to %.2f:"
                + " max |ratio - 1| = %.3g with segments; scored on the first prompt only"
                + " (before segments) %.3g, %.3g on tokens other than a step's first",
            mode,
            rollouts.size(),
            multiStep,
            exact.behaviour().length,
            min(exact.behaviour()),
            exact.maxRatioError(),
            old.maxRatioError(),
            oldInsideSteps));
    assertThat(min(exact.behaviour()))
        .as("a policy sure of every token proves little")
        .isLessThan(-1);
    assertThat(exact.maxRatioError()).isLessThan(EXACT);
    assertThat(old.maxRatioError()).as("the old single-prompt scoring").isGreaterThan(0.1);
    // Not only the token right after the missing "Step s:" label: the whole step sees another
    // context, so the policy's dependence on context reaches every token.
    assertThat(oldInsideSteps).isGreaterThan(1e-3);
  }

  /** The largest {@code |ratio - 1|} over tokens that are not the first of their step. */
  private static double maxRatioErrorAfterFirstTokens(
      LearnerRatios.Scored scored, List<RolloutStep> rollouts) {
    double[] ratios = scored.ratios();
    double max = 0;
    int token = 0;
    for (RolloutStep r : rollouts) {
      for (RolloutSegment segment : r.getSegments()) {
        for (int t = 0; t < segment.getResponseTokenIds().size(); t++, token++) {
          if (t > 0) {
            max = Math.max(max, Math.abs(ratios[token] - 1));
          }
        }
      }
    }
    return max;
  }

  private static double min(float[] values) {
    double min = 0;
    for (float v : values) {
      min = Math.min(min, v);
    }
    return min;
  }

  /** The batch's behaviour log-probs are the recorded ones, token for token, in order. */
  private static void assertRecordedOrder(LearnerRatios.Scored scored, List<RolloutStep> rollouts) {
    List<Float> recorded = new ArrayList<>();
    rollouts.forEach(r -> recorded.addAll(r.getBehaviourLogprobs()));
    assertThat(scored.behaviour()).hasSize(recorded.size());
    for (int i = 0; i < recorded.size(); i++) {
      assertThat(scored.behaviour()[i]).isEqualTo(recorded.get(i));
    }
  }

  /**
   * The training group the scorer would assemble from {@code rollouts} (rewards and advantages do
   * not matter here), with the recorded segments or, as before segments existed, without.
   */
  private static TrainingGroup group(List<RolloutStep> rollouts, boolean withSegments) {
    TrainingGroup group = SampleRecords.trainingGroup();
    List<GroupRollout> members = new ArrayList<>();
    for (RolloutStep r : rollouts) {
      GroupRollout member = SampleRecords.trainingGroup().getRollouts().get(0);
      member.setRolloutId(r.getRolloutId());
      member.setRolloutIndex(r.getRolloutIndex());
      member.setResponseTokenIds(r.getResponseTokenIds());
      member.setBehaviourLogprobs(r.getBehaviourLogprobs());
      member.setSegments(withSegments ? r.getSegments() : null);
      members.add(member);
    }
    group.setPromptTokenIds(rollouts.get(0).getPromptTokenIds());
    group.setRollouts(members);
    group.setMode(rollouts.get(0).getMode());
    return group;
  }

  private static StepTask task(String id, TrainingMode mode, float temperature) {
    StepTask task = SampleRecords.stepTask();
    task.setTaskId(id);
    task.setInstanceId("inst-" + id);
    task.setMode(mode);
    task.setStepIndex(0);
    task.setTotalSteps(4);
    task.setQuestion("1+2");
    task.setContextSteps(List.of());
    task.setHint(null);
    task.setGroupSize(6);
    task.setTemperature(temperature);
    task.setMaxNewTokens(16);
    task.setSeed(id.hashCode());
    return task;
  }

  /**
   * A policy that answers every "Step N:" with {@code <think></think>}{@link #STEP} and EOS most of
   * the time, and whose log-probs depend on the whole context: {@link
   * TinyPolicies#thinkingThenWriting} weights (a bigram writer, blind to context) plus normal noise
   * (std 0.15) on every variable, attention included: enough for steps to vary and log-probs to
   * depend on the context, little enough for steps to end.
   */
  private static byte[] stepWriter(long seed) {
    WeightsCodec.Decoded writer =
        WeightsCodec.decode(TinyPolicies.thinkingThenWriting(STEP, CONTEXT));
    Random random = new Random(seed);
    List<float[]> values = new ArrayList<>();
    for (float[] value : writer.weights().toList()) {
      float[] noisy = value.clone();
      for (int i = 0; i < noisy.length; i++) {
        noisy[i] += (float) (random.nextGaussian() * 0.15);
      }
      values.add(noisy);
    }
    ModelWeights weights = ModelWeights.of(writer.weights().specs(), values);
    return WeightsCodec.encode(writer.config(), ByteTokenizer.ID, 0L, weights);
  }
}
