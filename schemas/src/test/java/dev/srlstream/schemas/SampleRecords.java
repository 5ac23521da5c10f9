package dev.srlstream.schemas;

import dev.srlstream.schemas.avro.DeadLetter;
import dev.srlstream.schemas.avro.ExpertStep;
import dev.srlstream.schemas.avro.FinishReason;
import dev.srlstream.schemas.avro.GroupRollout;
import dev.srlstream.schemas.avro.PolicyVersion;
import dev.srlstream.schemas.avro.RolloutSegment;
import dev.srlstream.schemas.avro.RolloutStep;
import dev.srlstream.schemas.avro.StepReward;
import dev.srlstream.schemas.avro.StepTask;
import dev.srlstream.schemas.avro.TrainingGroup;
import dev.srlstream.schemas.avro.TrainingMode;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.apache.avro.specific.SpecificRecord;

/** One fully populated record of every type on the catalogue's topics, with non-ASCII text. */
public final class SampleRecords {
  private static final Instant T0 = Instant.parse("2026-11-26T06:00:00.123Z");

  private SampleRecords() {}

  public static StepTask stepTask() {
    return StepTask.newBuilder()
        .setTaskId("task-1")
        .setInstanceId("arith-7/k2/SRL")
        .setProblemId("arith-7")
        .setMode(TrainingMode.SRL)
        .setStepIndex(2)
        .setTotalSteps(4)
        .setQuestion("Compute (3 + 4) × 5 − 6 ÷ 2")
        .setContextSteps(List.of("3 + 4 = 7", "7 × 5 = 35"))
        .setHint("Divide")
        .setGroupSize(8)
        .setTemperature(1.0f)
        .setMaxNewTokens(64)
        .setSeed(42L)
        .setCreatedAt(T0)
        .build();
  }

  public static ExpertStep expertStep() {
    return ExpertStep.newBuilder()
        .setInstanceId("arith-7/k2/SRL")
        .setProblemId("arith-7")
        .setMode(TrainingMode.SRL)
        .setStepIndex(2)
        .setTotalSteps(4)
        .setQuestion("Compute (3 + 4) × 5 − 6 ÷ 2")
        .setContextSteps(List.of("3 + 4 = 7", "7 × 5 = 35"))
        .setTargetStep("6 ÷ 2 = 3")
        .setTargetTitle(null)
        .setFinalAnswer("32")
        .setSource("arith-v1")
        .setSplit("train")
        .setCreatedAt(T0)
        .build();
  }

  public static RolloutStep rolloutStep() {
    return RolloutStep.newBuilder()
        .setRolloutId("task-1/v3/0")
        .setGroupId("task-1/v3")
        .setTaskId("task-1")
        .setInstanceId("arith-7/k2/SRL")
        .setProblemId("arith-7")
        .setMode(TrainingMode.SRL)
        .setStepIndex(2)
        .setRolloutIndex(0)
        .setGroupSize(8)
        .setPolicyVersion(3L)
        .setActorId("actor-a")
        .setPromptTokenIds(List.of(1, 17, 33, 2))
        .setResponseTokenIds(List.of(5, 6, 7))
        .setBehaviourLogprobs(List.of(-0.5f, -1.25f, -0.125f))
        .setResponseText("<think>divide first 😀</think>6 ÷ 2 = 3")
        .setFinishReason(FinishReason.STOP)
        .setTemperature(1.0f)
        .setSeed(4242L)
        .setSampledAt(T0)
        .setSamplingMillis(12L)
        .build();
  }

  /**
   * A HOLISTIC rollout written in two steps on the actor's own context: two segments, the second
   * prompted with the first step's action, and the flat fields summarising them.
   */
  public static RolloutStep multiStepRolloutStep() {
    RolloutSegment first =
        new RolloutSegment(List.of(1, 17, 33), List.of(5, 6, 2), List.of(-0.5f, -1.25f, -0.125f));
    RolloutSegment second =
        new RolloutSegment(
            List.of(1, 17, 33, 40, 41, 33), List.of(8, 9, 2), List.of(-2f, -0.25f, -0.75f));
    RolloutSegments.Flat flat = RolloutSegments.flat(List.of(first, second));
    // Setters on a fresh sample, not a copy builder: deep copies load generated classes, which
    // Avro refuses until an AvroSerde has trusted our package.
    RolloutStep step = rolloutStep();
    step.setInstanceId("arith-7/HOLISTIC");
    step.setMode(TrainingMode.HOLISTIC);
    step.setStepIndex(0);
    step.setPromptTokenIds(flat.prompt());
    step.setResponseTokenIds(flat.response());
    step.setBehaviourLogprobs(flat.behaviour());
    step.setSegments(List.of(first, second));
    step.setResponseText("<think>add</think>3 + 4 = 7\n<think>then</think>7 × 5 = \\boxed{35}");
    return step;
  }

  public static StepReward stepReward() {
    return StepReward.newBuilder()
        .setRolloutId("task-1/v3/0")
        .setGroupId("task-1/v3")
        .setInstanceId("arith-7/k2/SRL")
        .setProblemId("arith-7")
        .setMode(TrainingMode.SRL)
        .setStepIndex(2)
        .setRolloutIndex(0)
        .setPolicyVersion(3L)
        .setActorId("actor-a")
        .setReward(0.75)
        .setSimilarity(0.75)
        .setFormatOk(true)
        .setReason(null)
        .setRewardConfig("step-similarity;autojunk=true")
        .setRolloutSampledAt(T0)
        .setScoredAt(T0.plusMillis(40))
        .build();
  }

  public static TrainingGroup trainingGroup() {
    GroupRollout rollout =
        GroupRollout.newBuilder()
            .setRolloutId("task-1/v3/0")
            .setRolloutIndex(0)
            .setActorId("actor-a")
            .setResponseTokenIds(List.of(5, 6, 7))
            .setBehaviourLogprobs(List.of(-0.5f, -1.25f, -0.125f))
            .setReward(0.75)
            .setAdvantage(1.0)
            .setFormatOk(true)
            .build();
    GroupRollout other =
        GroupRollout.newBuilder(rollout)
            .setRolloutId("task-1/v3/1")
            .setRolloutIndex(1)
            .setReward(-1.0)
            .setAdvantage(-1.0)
            .setFormatOk(false)
            .build();
    return TrainingGroup.newBuilder()
        .setGroupId("task-1/v3")
        .setTaskId("task-1")
        .setInstanceId("arith-7/k2/SRL")
        .setProblemId("arith-7")
        .setMode(TrainingMode.SRL)
        .setStepIndex(2)
        .setPolicyVersion(3L)
        .setExpectedSize(2)
        .setComplete(true)
        .setPromptTokenIds(List.of(1, 17, 33, 2))
        .setRollouts(List.of(rollout, other))
        .setRewardMean(-0.125)
        .setRewardStd(0.875)
        .setRewardConfig("step-similarity;autojunk=true")
        .setAssembledAt(T0)
        .build();
  }

  /** A group of {@link #multiStepRolloutStep} and a one-step rollout, both with segments. */
  public static TrainingGroup segmentedTrainingGroup() {
    RolloutStep step = multiStepRolloutStep();
    TrainingGroup group = trainingGroup();
    group.setInstanceId(step.getInstanceId());
    group.setMode(TrainingMode.HOLISTIC);
    group.setStepIndex(0);
    group.setPromptTokenIds(step.getPromptTokenIds());
    GroupRollout multi = group.getRollouts().get(0);
    multi.setResponseTokenIds(step.getResponseTokenIds());
    multi.setBehaviourLogprobs(step.getBehaviourLogprobs());
    multi.setSegments(step.getSegments());
    RolloutSegment only =
        new RolloutSegment(step.getPromptTokenIds(), List.of(7, 2), List.of(-0.5f, -0.25f));
    GroupRollout single = group.getRollouts().get(1);
    single.setResponseTokenIds(only.getResponseTokenIds());
    single.setBehaviourLogprobs(only.getBehaviourLogprobs());
    single.setSegments(List.of(only));
    return group;
  }

  public static PolicyVersion policyVersion() {
    return PolicyVersion.newBuilder()
        .setPolicyName("srl-demo")
        .setVersion(3L)
        .setWeights(ByteBuffer.wrap(new byte[] {1, 2, 3, 4, (byte) 0xff}))
        .setWeightsSha256("ab".repeat(32))
        .setArchitecture("{\"d_model\":128,\"layers\":2}")
        .setMode(TrainingMode.SRL)
        .setGroupsTrained(96L)
        .setMetrics(Map.of("loss", 0.5, "grad_norm", 1.0))
        .setCheckpointPath("runs/x/checkpoints/3")
        .setCreatedAt(T0)
        .build();
  }

  public static DeadLetter deadLetter() {
    return DeadLetter.newBuilder()
        .setReason("UNDECODABLE")
        .setMessage("magic byte must be 0, but was 0x7b")
        .setService("scorer-stream")
        .setSourceTopic("srl.rollout-steps")
        .setSourcePartition(3)
        .setSourceOffset(1234L)
        .setSourceTimestamp(T0)
        .setRecordId(null)
        .setOriginalKey(
            ByteBuffer.wrap("arith-7/k2/SRL".getBytes(java.nio.charset.StandardCharsets.UTF_8)))
        .setOriginalValue(ByteBuffer.wrap(new byte[] {0x7b, 0x7d}))
        .setFailedAt(T0)
        .build();
  }

  /** One sample of the value type of every catalogue topic, in catalogue order. */
  public static List<SpecificRecord> all() {
    return List.of(
        stepTask(),
        expertStep(),
        rolloutStep(),
        stepReward(),
        trainingGroup(),
        policyVersion(),
        deadLetter());
  }
}
