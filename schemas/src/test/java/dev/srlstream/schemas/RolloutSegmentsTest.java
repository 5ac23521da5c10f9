package dev.srlstream.schemas;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.srlstream.schemas.avro.GroupRollout;
import dev.srlstream.schemas.avro.RolloutSegment;
import dev.srlstream.schemas.avro.RolloutStep;
import dev.srlstream.schemas.avro.TrainingGroup;
import dev.srlstream.schemas.serde.AvroSerde;
import dev.srlstream.schemas.serde.InMemorySchemaRegistry;
import dev.srlstream.schemas.serde.WireFormat;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.List;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificRecord;
import org.junit.jupiter.api.Test;

/** The segments of a rollout, their relation to the flat fields, and both directions of v1/v2. */
class RolloutSegmentsTest {

  @Test
  void aRecordWithoutSegmentsIsOneSegmentOfItsFlatFields() {
    RolloutStep step = SampleRecords.rolloutStep();
    assertThat(step.getSegments()).isNull();

    assertThat(RolloutSegments.of(step))
        .containsExactly(
            new RolloutSegment(
                step.getPromptTokenIds(), step.getResponseTokenIds(), step.getBehaviourLogprobs()));
    TrainingGroup group = SampleRecords.trainingGroup();
    GroupRollout rollout = group.getRollouts().get(1);
    assertThat(RolloutSegments.of(group, rollout))
        .containsExactly(
            new RolloutSegment(
                group.getPromptTokenIds(),
                rollout.getResponseTokenIds(),
                rollout.getBehaviourLogprobs()));
    assertThat(RolloutSegments.mismatch(step)).isEmpty();
    step.setSegments(List.of());
    assertThat(RolloutSegments.of(step)).hasSize(1);
    assertThat(RolloutSegments.mismatch(step)).isEmpty();
  }

  @Test
  void recordedSegmentsAreReturnedAsTheyAreAndSummarisedByTheFlatFields() {
    RolloutStep step = SampleRecords.multiStepRolloutStep();

    assertThat(RolloutSegments.of(step)).isEqualTo(step.getSegments()).hasSize(2);
    assertThat(step.getPromptTokenIds()).containsExactly(1, 17, 33);
    assertThat(step.getResponseTokenIds()).containsExactly(5, 6, 2, 8, 9, 2);
    assertThat(step.getBehaviourLogprobs())
        .containsExactly(-0.5f, -1.25f, -0.125f, -2f, -0.25f, -0.75f);
    assertThat(RolloutSegments.mismatch(step)).isEmpty();
    TrainingGroup group = SampleRecords.segmentedTrainingGroup();
    for (GroupRollout rollout : group.getRollouts()) {
      assertThat(RolloutSegments.mismatch(group, rollout)).isEmpty();
      assertThat(RolloutSegments.of(group, rollout)).isEqualTo(rollout.getSegments());
    }
    assertThatThrownBy(() -> RolloutSegments.flat(List.of()))
        .hasMessage("a rollout has at least one segment, but had none");
  }

  @Test
  void segmentsThatDisagreeWithTheFlatFieldsAreNamed() {
    RolloutStep otherPrompt = SampleRecords.multiStepRolloutStep();
    otherPrompt.setPromptTokenIds(List.of(1, 17));
    assertThat(RolloutSegments.mismatch(otherPrompt))
        .contains("segments[0].prompt_token_ids must equal prompt_token_ids");

    RolloutStep otherTokens = SampleRecords.multiStepRolloutStep();
    otherTokens.setResponseTokenIds(List.of(5, 6, 2));
    assertThat(RolloutSegments.mismatch(otherTokens))
        .contains(
            "response_token_ids must be the segments' response_token_ids concatenated (6 values),"
                + " but had 3");

    RolloutStep otherLogprobs = SampleRecords.multiStepRolloutStep();
    otherLogprobs.setBehaviourLogprobs(List.of(-0.5f, -1.25f, -0.125f, -2f, -0.25f, -0.5f));
    assertThat(RolloutSegments.mismatch(otherLogprobs))
        .contains(
            "behaviour_logprobs must be the segments' behaviour_logprobs concatenated, but differs"
                + " at [5]: -0.5 instead of -0.75");

    RolloutStep shortSegment = SampleRecords.multiStepRolloutStep();
    shortSegment.getSegments().get(1).setBehaviourLogprobs(List.of(-2f));
    assertThat(RolloutSegments.mismatch(shortSegment))
        .contains(
            "segments[1].behaviour_logprobs must have one entry per response token (3), but had 1");

    TrainingGroup group = SampleRecords.segmentedTrainingGroup();
    group.setPromptTokenIds(List.of(1));
    assertThat(RolloutSegments.mismatch(group, group.getRollouts().get(0)))
        .contains("segments[0].prompt_token_ids must equal prompt_token_ids");
  }

  @Test
  void segmentedRecordsRoundTripThroughTheWireFormat() {
    InMemorySchemaRegistry registry = new InMemorySchemaRegistry();
    for (SpecificRecord sample :
        List.<SpecificRecord>of(
            SampleRecords.multiStepRolloutStep(), SampleRecords.segmentedTrainingGroup())) {
      AvroSerde<SpecificRecord> serde = serde(sample, registry);
      byte[] bytes = serde.serialize("t", sample);
      assertThat(serde.deserialize("t", bytes)).isEqualTo(sample);
    }
  }

  @Test
  void aV1RecordReadsAsOneSegmentAndAV1ReaderKeepsTheFlatFieldsOfAV2Record() throws IOException {
    Schema v1 = SchemaEvolutionTest.snapshots(RolloutStep.class).get(0);
    assertThat(v1.getField("segments")).isNull();
    InMemorySchemaRegistry registry = new InMemorySchemaRegistry();
    AvroSerde<RolloutStep> serde = new AvroSerde<>(RolloutStep.class, registry);

    // Written by a v1 writer (an actor from before segments), read by the current deserializer.
    // The v1 record is the sample as a v1 reader sees it, so it holds exactly v1's fields.
    RolloutStep sample = SampleRecords.rolloutStep();
    GenericRecord old = readGeneric(serde.serialize("t", sample), sample.getSchema(), v1);
    int v1Id = registry.register("t-value", v1);
    RolloutStep read = serde.deserialize("t", wire(v1Id, writeGeneric(v1, old)));
    assertThat(read.getSegments()).isNull();
    assertThat(RolloutSegments.of(read))
        .containsExactly(
            new RolloutSegment(
                sample.getPromptTokenIds(),
                sample.getResponseTokenIds(),
                sample.getBehaviourLogprobs()));

    // Written by the current serializer, read by a v1 reader (a scorer or learner not upgraded).
    RolloutStep multi = SampleRecords.multiStepRolloutStep();
    GenericRecord asV1 = readGeneric(serde.serialize("t", multi), multi.getSchema(), v1);
    assertThat(asV1.get("prompt_token_ids")).isEqualTo(multi.getPromptTokenIds());
    assertThat(asV1.get("response_token_ids")).isEqualTo(multi.getResponseTokenIds());
    assertThat(asV1.get("behaviour_logprobs")).isEqualTo(multi.getBehaviourLogprobs());
  }

  @SuppressWarnings("unchecked")
  private static AvroSerde<SpecificRecord> serde(
      SpecificRecord sample, InMemorySchemaRegistry registry) {
    return new AvroSerde<>((Class<SpecificRecord>) sample.getClass(), registry);
  }

  private static byte[] writeGeneric(Schema schema, GenericRecord record) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(out, null);
    new GenericDatumWriter<GenericRecord>(schema).write(record, encoder);
    encoder.flush();
    return out.toByteArray();
  }

  /** The Confluent wire format: magic byte, schema id, Avro binary. */
  private static byte[] wire(int schemaId, byte[] body) {
    return ByteBuffer.allocate(WireFormat.HEADER_SIZE + body.length)
        .put(WireFormat.MAGIC_BYTE)
        .putInt(schemaId)
        .put(body)
        .array();
  }

  /** Reads a wire-format record's body with a generic reader of schema {@code reader}. */
  private static GenericRecord readGeneric(byte[] wire, Schema writer, Schema reader)
      throws IOException {
    return new GenericDatumReader<GenericRecord>(writer, reader)
        .read(
            null,
            DecoderFactory.get()
                .binaryDecoder(
                    wire, WireFormat.HEADER_SIZE, wire.length - WireFormat.HEADER_SIZE, null));
  }
}
