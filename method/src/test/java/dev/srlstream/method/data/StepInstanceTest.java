package dev.srlstream.method.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.srlstream.schemas.avro.ExpertStep;
import dev.srlstream.schemas.avro.StepTask;
import dev.srlstream.schemas.avro.TrainingMode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.time.Instant;
import java.util.List;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.avro.specific.SpecificRecord;
import org.apache.avro.util.ClassSecurityValidator;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class StepInstanceTest {
  private static final Instant NOW = Instant.parse("2025-01-02T03:04:05.678Z");

  private static final ExpertSolution SOLUTION =
      new ExpertSolution(
          "p-9",
          "What is 6 × (2 + 5)?",
          List.of(new Step("brackets first", "2 + 5 = 7 → 6 × 7"), Step.of("6 × 7 = 42")),
          "42",
          "arith-v1");

  @BeforeAll
  static void trustTheGeneratedClasses() {
    // Avro 1.12 decodes only into trusted classes; the serde in schemas trusts the same package.
    ClassSecurityValidator.setGlobal(
        ClassSecurityValidator.composite(
            ClassSecurityValidator.getGlobal(),
            c -> c.getName().startsWith("dev.srlstream.schemas.avro.")));
  }

  private static StepInstance srlInstance() {
    return new InstanceExpander(InstanceExpander.Config.defaults().withTitleHint(true))
        .expand(SOLUTION, Split.VALIDATION)
        .get(1);
  }

  @Test
  void toExpertStepCarriesTheExpertSide() throws IOException {
    StepInstance instance =
        new InstanceExpander(InstanceExpander.Config.defaults())
            .expand(SOLUTION, Split.VALIDATION)
            .get(0);

    ExpertStep step = roundTrip(instance.toExpertStep(NOW), ExpertStep.class);

    assertThat(step.getInstanceId()).isEqualTo("p-9/k0/SRL");
    assertThat(step.getProblemId()).isEqualTo("p-9");
    assertThat(step.getMode()).isEqualTo(TrainingMode.SRL);
    assertThat(step.getStepIndex()).isZero();
    assertThat(step.getTotalSteps()).isEqualTo(2);
    assertThat(step.getQuestion()).isEqualTo("What is 6 × (2 + 5)?");
    assertThat(step.getContextSteps()).isEmpty();
    assertThat(step.getTargetStep()).isEqualTo("2 + 5 = 7 → 6 × 7");
    assertThat(step.getTargetTitle())
        .as("the title, even without hints")
        .isEqualTo("brackets first");
    assertThat(step.getFinalAnswer()).isEqualTo("42");
    assertThat(step.getSource()).isEqualTo("arith-v1");
    assertThat(step.getSplit()).isEqualTo("validation");
    assertThat(step.getCreatedAt()).isEqualTo(NOW);
  }

  @Test
  void toStepTaskCarriesThePromptSideOnly() throws IOException {
    StepInstance instance = srlInstance();

    StepTask task =
        roundTrip(
            instance.toStepTask("p-9/k1/SRL/e0", "pol-1", new TaskSettings(4, 0.7f, 64), 99L, NOW),
            StepTask.class);

    assertThat(task.getTaskId()).isEqualTo("p-9/k1/SRL/e0");
    assertThat(task.getInstanceId()).isEqualTo("p-9/k1/SRL");
    assertThat(task.getProblemId()).isEqualTo("p-9");
    assertThat(task.getMode()).isEqualTo(TrainingMode.SRL);
    assertThat(task.getStepIndex()).isEqualTo(1);
    assertThat(task.getTotalSteps()).isEqualTo(2);
    assertThat(task.getQuestion()).isEqualTo("What is 6 × (2 + 5)?");
    assertThat(task.getContextSteps()).containsExactly("2 + 5 = 7 → 6 × 7");
    assertThat(task.getHint()).as("step 1 has no title").isNull();
    assertThat(task.getGroupSize()).isEqualTo(4);
    assertThat(task.getTemperature()).isEqualTo(0.7f);
    assertThat(task.getMaxNewTokens()).isEqualTo(64);
    assertThat(task.getSeed()).isEqualTo(99L);
    assertThat(task.getCreatedAt()).isEqualTo(NOW);
    assertThat(task.getPolicyName()).isEqualTo("pol-1");
  }

  @Test
  void theHintReachesTheTask() {
    StepInstance first =
        new InstanceExpander(InstanceExpander.Config.defaults().withTitleHint(true))
            .expand(SOLUTION, Split.TRAIN)
            .get(0);

    assertThat(first.toStepTask("t", "srl", TaskSettings.DEFAULTS, 1, NOW).getHint())
        .isEqualTo("brackets first");
  }

  @Test
  void wholeSolutionInstancesMapToo() {
    StepInstance sft =
        new InstanceExpander(InstanceExpander.Config.defaults().withMode(TrainingMode.SFT))
            .expand(SOLUTION, Split.TRAIN)
            .get(0);

    ExpertStep step = sft.toExpertStep(NOW);

    assertThat(step.getMode()).isEqualTo(TrainingMode.SFT);
    // the actions only: no boxed answer is added (ExpertSolution#solutionText)
    assertThat(step.getTargetStep()).isEqualTo("2 + 5 = 7 → 6 × 7\n6 × 7 = 42");
    assertThat(step.getTargetTitle()).isNull();
  }

  @Test
  void instancesAndSettingsAreValidated() {
    assertThatThrownBy(() -> new TaskSettings(0, 1f, 10))
        .hasMessage("groupSize must be >= 1, but was 0");
    assertThatThrownBy(() -> new TaskSettings(8, 0f, 10))
        .hasMessage("temperature must be finite and > 0, but was 0.0");
    assertThatThrownBy(() -> new TaskSettings(8, Float.NaN, 10))
        .hasMessage("temperature must be finite and > 0, but was NaN");
    assertThatThrownBy(() -> new TaskSettings(8, 1f, 0))
        .hasMessage("maxNewTokens must be >= 1, but was 0");
    assertThatThrownBy(() -> srlInstance().toStepTask(" ", "srl", TaskSettings.DEFAULTS, 1, NOW))
        .hasMessage("taskId must be a non-blank string, but was \" \"");
    assertThatThrownBy(
            () ->
                new StepInstance(
                    "i",
                    "p",
                    TrainingMode.SRL,
                    2,
                    2,
                    "q",
                    List.of(),
                    "t",
                    null,
                    null,
                    null,
                    "s",
                    Split.TRAIN))
        .hasMessage("stepIndex of i must be in 0..1, but was 2");
    assertThatThrownBy(
            () ->
                new StepInstance(
                    "i",
                    "p",
                    TrainingMode.RLVR,
                    0,
                    2,
                    "q",
                    List.of("c"),
                    "t",
                    null,
                    null,
                    null,
                    "s",
                    Split.TRAIN))
        .hasMessage(
            "a RLVR instance must have stepIndex 0 and no context steps, but i has stepIndex 0"
                + " and 1 context steps");
  }

  /** Encodes and decodes with the record's schema: proves the record is complete and valid. */
  private static <T extends SpecificRecord> T roundTrip(T record, Class<T> type)
      throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(out, null);
    new SpecificDatumWriter<T>(record.getSchema()).write(record, encoder);
    encoder.flush();
    return new SpecificDatumReader<>(type)
        .read(null, DecoderFactory.get().binaryDecoder(out.toByteArray(), null));
  }
}
