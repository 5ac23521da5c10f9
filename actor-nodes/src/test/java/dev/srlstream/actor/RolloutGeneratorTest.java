package dev.srlstream.actor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.srlstream.method.format.StepPrompt;
import dev.srlstream.policy.ByteTokenizer;
import dev.srlstream.policy.PromptFormat;
import dev.srlstream.policy.SamplingParams;
import dev.srlstream.policy.Seeds;
import dev.srlstream.schemas.RolloutSegments;
import dev.srlstream.schemas.avro.FinishReason;
import dev.srlstream.schemas.avro.RolloutSegment;
import dev.srlstream.schemas.avro.RolloutStep;
import dev.srlstream.schemas.avro.StepTask;
import dev.srlstream.schemas.avro.TrainingMode;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class RolloutGeneratorTest {
  private static final ByteTokenizer TOKENIZER = ByteTokenizer.INSTANCE;
  private final ActorConfig limits =
      ActorConfig.builder()
          .actorId("a")
          .maxGroupSize(8)
          .maxNewTokens(64)
          .maxSolutionSteps(4)
          .build();
  private final RolloutGenerator generator = new RolloutGenerator(limits, () -> 1234L);

  private static List<Integer> ints(int[] values) {
    List<Integer> out = new ArrayList<>();
    for (int v : values) {
      out.add(v);
    }
    return out;
  }

  @Test
  void srlGroupIsOneBatchOnTheStepPrompt() {
    FakePolicy policy = FakePolicy.simple();
    StepTask task =
        StepTask.newBuilder(TestTasks.srl("t"))
            .setHint("multiply")
            .setGroupSize(3)
            .setTemperature(0.7f)
            .build();

    RolloutGenerator.Group group = generator.generate(task, policy, "actor-7");

    String prompt = StepPrompt.text("task t", List.of("3 + 4 = 7"), "multiply");
    assertThat(policy.prompts()).containsExactly(prompt);
    assertThat(group.version()).isZero();
    assertThat(group.steps()).hasSize(3);
    SamplingParams params = SamplingParams.sampling(0.7f, 32, ByteTokenizer.EOS, 7L);
    for (int i = 0; i < 3; i++) {
      RolloutStep r = group.steps().get(i);
      assertThat(r.getRolloutId()).isEqualTo("t/v0/" + i);
      assertThat(r.getGroupId()).isEqualTo("t/v0");
      assertThat(r.getRolloutIndex()).isEqualTo(i);
      assertThat(r.getGroupSize()).isEqualTo(3);
      assertThat(r.getActorId()).isEqualTo("actor-7");
      assertThat(r.getPromptTokenIds())
          .isEqualTo(ints(PromptFormat.promptTokens(TOKENIZER, prompt)));
      assertThat(r.getResponseText()).isEqualTo(" <think>m</think>a");
      assertThat(r.getResponseTokenIds())
          .endsWith(ByteTokenizer.EOS)
          .hasSameSizeAs(r.getBehaviourLogprobs());
      assertThat(r.getFinishReason()).isEqualTo(FinishReason.STOP);
      // One segment: the whole response sampled after the record's prompt.
      assertThat(r.getSegments())
          .containsExactly(
              new RolloutSegment(
                  r.getPromptTokenIds(), r.getResponseTokenIds(), r.getBehaviourLogprobs()));
      assertThat(r.getSeed()).isEqualTo(params.rowSeed(i));
      assertThat(r.getTemperature()).isEqualTo(0.7f);
      assertThat(r.getSampledAt()).isEqualTo(Instant.ofEpochMilli(1234L));
      assertThat(r.getMode()).isEqualTo(TrainingMode.SRL);
      assertThat(r.getInstanceId()).isEqualTo("inst-t");
    }
    assertThat(group.responseTokens()).isEqualTo(3L * 6);
  }

  @Test
  void wholeSolutionIsGeneratedStepAfterStepOnTheActorsOwnContext() {
    FakePolicy policy =
        new FakePolicy(
            512,
            prompt ->
                prompt.endsWith("Step 2:")
                    ? " <think>then</think>7 × 5 = \\boxed{35}"
                    : " <think>first\nbrackets</think><solution>3 + 4 = 7</solution>");
    StepTask task = TestTasks.solution("w", TrainingMode.HOLISTIC, 6);

    RolloutGenerator.Group group = generator.generate(task, policy, "actor-1");

    // The same text format as an SRL step: step 1 on no steps, step 2 on the actor's own action.
    String base = StepPrompt.text("task w", List.of(), null);
    String own = StepPrompt.text("task w", List.of("3 + 4 = 7"), null);
    assertThat(base).isEqualTo("Problem: task w\nStep 1:");
    assertThat(own).isEqualTo("Problem: task w\nStep 1: 3 + 4 = 7\nStep 2:");
    // Step 1 batched for both rollouts; step 2 on each rollout's own context, one batch for the
    // two since they ask the same; the boxed answer ends each rollout before total_steps.
    assertThat(policy.prompts()).containsExactly(base, own);
    String first = " <think>first\nbrackets</think><solution>3 + 4 = 7</solution>";
    String second = " <think>then</think>7 × 5 = \\boxed{35}";
    List<Integer> expectedTokens = new ArrayList<>(ints(TOKENIZER.encode(first)));
    expectedTokens.add(ByteTokenizer.EOS);
    expectedTokens.addAll(ints(TOKENIZER.encode(second)));
    expectedTokens.add(ByteTokenizer.EOS);
    SamplingParams params = SamplingParams.sampling(1.0f, 32, ByteTokenizer.EOS, 7L);
    for (int i = 0; i < 2; i++) {
      RolloutStep r = group.steps().get(i);
      assertThat(r.getMode()).isEqualTo(TrainingMode.HOLISTIC);
      assertThat(r.getPromptTokenIds()).isEqualTo(ints(PromptFormat.promptTokens(TOKENIZER, base)));
      assertThat(r.getResponseText()).isEqualTo(first + "\n" + second);
      assertThat(r.getResponseTokenIds()).isEqualTo(expectedTokens);
      assertThat(r.getBehaviourLogprobs()).hasSameSizeAs(expectedTokens);
      // One segment per step, each with the prompt that step was sampled on.
      List<RolloutSegment> segments = r.getSegments();
      assertThat(segments).hasSize(2);
      assertThat(segments.get(0).getPromptTokenIds())
          .isEqualTo(ints(PromptFormat.promptTokens(TOKENIZER, base)));
      assertThat(segments.get(1).getPromptTokenIds())
          .isEqualTo(ints(PromptFormat.promptTokens(TOKENIZER, own)));
      assertThat(segments.get(0).getResponseTokenIds())
          .isEqualTo(expectedTokens.subList(0, TOKENIZER.encode(first).length + 1));
      assertThat(segments.get(1).getResponseTokenIds())
          .isEqualTo(
              expectedTokens.subList(TOKENIZER.encode(first).length + 1, expectedTokens.size()));
      assertThat(RolloutSegments.mismatch(r)).isEmpty();
      assertThat(r.getFinishReason()).isEqualTo(FinishReason.STOP);
      assertThat(r.getSeed()).isEqualTo(params.rowSeed(i));
      assertThat(r.getRolloutId()).isEqualTo("w/v0/" + i);
    }
    assertThat(group.responseTokens()).isEqualTo(2L * expectedTokens.size());
  }

  @Test
  void wholeSolutionStopsAtTheCappedStepCount() {
    FakePolicy policy = new FakePolicy(2048, prompt -> " <think>x</think>1 + 1 = 2");
    StepTask task = TestTasks.solution("c", TrainingMode.RLVR, 30);

    RolloutGenerator.Group group = generator.generate(task, policy, "a");

    // maxSolutionSteps 4: each step one batch, the two rollouts asking the same at every step.
    assertThat(policy.calls()).isEqualTo(4);
    assertThat(policy.prompts().get(policy.prompts().size() - 1))
        .isEqualTo(
            "Problem: task c\nStep 1: 1 + 1 = 2\nStep 2: 1 + 1 = 2\nStep 3: 1 + 1 = 2\nStep 4:");
    assertThat(group.steps().get(0).getResponseText().split("\n")).hasSize(4);
  }

  @Test
  void wholeSolutionKeepsPromptPlusResponseWithinTheContext() {
    int context = 120;
    FakePolicy policy = new FakePolicy(context, prompt -> " <think>abc</think>" + "9".repeat(20));
    StepTask task = TestTasks.solution("f", TrainingMode.RLVR, 10);

    RolloutGenerator.Group group = generator.generate(task, policy, "a");

    for (RolloutStep r : group.steps()) {
      assertThat(r.getPromptTokenIds().size() + r.getResponseTokenIds().size())
          .isLessThanOrEqualTo(context);
      for (RolloutSegment segment : r.getSegments()) {
        assertThat(segment.getPromptTokenIds().size() + segment.getResponseTokenIds().size())
            .isLessThanOrEqualTo(context);
      }
      assertThat(r.getFinishReason()).isIn(FinishReason.CONTEXT_FULL, FinishReason.MAX_TOKENS);
    }
  }

  @Test
  void laterStepsDrawFromTheSeedOfTheFirstRolloutAskingMixedWithTheStep() {
    FakePolicy policy =
        new FakePolicy(
            512,
            prompt ->
                prompt.endsWith("Step 2:")
                    ? " <think>x</think>\\boxed{2}"
                    : " <think>x</think>1 + 1 = 2");
    generator.generate(TestTasks.solution("s", TrainingMode.RLVR, 3), policy, "a");
    SamplingParams first = SamplingParams.sampling(1.0f, 32, ByteTokenizer.EOS, 7L);
    assertThat(policy.seeds()).containsExactly(7L, Seeds.mix(first.rowSeed(0), 2));
  }

  @Test
  void invalidTasksAreRejectedNamingTheField() {
    FakePolicy policy = FakePolicy.simple();
    assertThatThrownBy(
            () ->
                generator.generate(
                    StepTask.newBuilder(TestTasks.srl("x")).setTemperature(0f).build(),
                    policy,
                    "a"))
        .isInstanceOf(InvalidTaskException.class)
        .hasMessage("temperature must be in (0, 100.0], but was 0.0");
    assertThatThrownBy(
            () ->
                generator.generate(
                    StepTask.newBuilder(TestTasks.solution("x", TrainingMode.RLVR, 1))
                        .setTotalSteps(0)
                        .build(),
                    policy,
                    "a"))
        .isInstanceOf(InvalidTaskException.class)
        .hasMessage("total_steps must be >= 1 for a whole-solution RLVR task, but was 0");
    assertThatThrownBy(
            () ->
                generator.generate(
                    StepTask.newBuilder(TestTasks.srl("x")).setGroupSize(9).build(), policy, "a"))
        .hasMessage("group_size must be in 1..8, but was 9");
    assertThat(policy.calls()).isZero();
  }

  @Test
  void everyIndexAndSizeOfATaskIsCheckedBeforeSampling() {
    FakePolicy policy = FakePolicy.simple();
    StepTask srl = TestTasks.srl("x"); // step 2 of 4, one context step
    assertRejected(
        policy,
        StepTask.newBuilder(srl).setStepIndex(4).build(),
        "step_index must be in 0..3 (total_steps 4), but was 4");
    assertRejected(
        policy,
        StepTask.newBuilder(srl).setStepIndex(-1).build(),
        "step_index must be in 0..3 (total_steps 4), but was -1");
    assertRejected(
        policy,
        StepTask.newBuilder(srl).setTotalSteps(0).setStepIndex(0).build(),
        "total_steps must be >= 1, but was 0");
    assertRejected(
        policy,
        StepTask.newBuilder(srl).setStepIndex(0).build(),
        "context_steps must hold at most step_index = 0 earlier steps, but held 1");
    assertRejected(
        policy,
        StepTask.newBuilder(srl).setProblemId(" ").build(),
        "problem_id must not be blank, but was ' '");
    StepTask rlvr = TestTasks.solution("x", TrainingMode.RLVR, 3);
    assertRejected(
        policy,
        StepTask.newBuilder(rlvr).setStepIndex(1).build(),
        "step_index must be 0 for a whole-solution RLVR task, but was 1");
    assertRejected(
        policy,
        StepTask.newBuilder(rlvr).setContextSteps(List.of("1 + 1 = 2")).build(),
        "context_steps must be empty for a whole-solution RLVR task, but held 1");
    assertThat(policy.calls()).isZero();
    // The boundaries themselves are fine: the last step, with every earlier step as context.
    generator.generate(
        StepTask.newBuilder(srl).setStepIndex(3).setContextSteps(List.of("a", "b", "c")).build(),
        policy,
        "a");
    assertThat(policy.calls()).isPositive();
  }

  @Test
  void aTaskMustBeKeyedByItsInstanceId() {
    StepTask task = TestTasks.srl("x");
    TaskChecks.checkKey("inst-x", task);
    assertThatThrownBy(() -> TaskChecks.checkKey("inst-y", task))
        .isInstanceOf(InvalidTaskException.class)
        .hasMessage("the record key must be the instance_id 'inst-x', but was 'inst-y'");
    assertThatThrownBy(() -> TaskChecks.checkKey(null, task))
        .hasMessage("the record key must be the instance_id 'inst-x', but was null");
  }

  private void assertRejected(FakePolicy policy, StepTask task, String message) {
    assertThatThrownBy(() -> generator.generate(task, policy, "a"))
        .isInstanceOf(InvalidTaskException.class)
        .hasMessage(message);
  }
}
