package dev.srlstream.scorer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.srlstream.schemas.SampleRecords;
import dev.srlstream.schemas.avro.RolloutStep;
import dev.srlstream.schemas.serde.AvroSerde;
import dev.srlstream.schemas.serde.InMemorySchemaRegistry;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.apache.kafka.common.errors.SerializationException;
import org.junit.jupiter.api.Test;

class RolloutStepDecoderTest {
  private static final String TOPIC = "srl.rollout-steps";
  private final InMemorySchemaRegistry registry = new InMemorySchemaRegistry();
  private final AvroSerde<RolloutStep> avro = new AvroSerde<>(RolloutStep.class, registry);

  private static List<RolloutStep> samples() {
    List<RolloutStep> samples = new ArrayList<>();
    samples.add(SampleRecords.rolloutStep());
    samples.add(SampleRecords.multiStepRolloutStep());
    Random rnd = new Random(7);
    for (int i = 0; i < 50; i++) {
      RolloutStep r = SampleRecords.multiStepRolloutStep();
      int n = rnd.nextInt(400);
      List<Integer> tokens = new ArrayList<>();
      List<Float> logprobs = new ArrayList<>();
      for (int t = 0; t < n; t++) {
        tokens.add(rnd.nextInt(70_000) - 5);
        logprobs.add(-rnd.nextFloat() * 20);
      }
      r.setResponseTokenIds(tokens);
      r.setBehaviourLogprobs(logprobs);
      r.setPromptTokenIds(tokens.subList(0, n / 2));
      r.setResponseText("<think>ü " + i + "</think>x = " + rnd.nextLong());
      r.setPolicyName(i % 3 == 0 ? null : "policy-" + i);
      r.setSegments(i % 4 == 0 ? null : i % 4 == 1 ? List.of() : r.getSegments());
      r.setPolicyVersion(rnd.nextLong());
      samples.add(r);
    }
    return samples;
  }

  @Test
  void decodesWhatAvroDecodes() {
    RolloutStepDecoder decoder = new RolloutStepDecoder(registry);
    for (RolloutStep sample : samples()) {
      byte[] bytes = avro.serialize(TOPIC, sample);
      RolloutStep fast = decoder.decode(TOPIC, bytes);
      assertThat(fast).isEqualTo(avro.deserialize(TOPIC, bytes)).isEqualTo(sample);
      assertThat(fast.getResponseTokenIds())
          .containsExactlyElementsOf(sample.getResponseTokenIds());
      assertThat(fast.getBehaviourLogprobs())
          .containsExactlyElementsOf(sample.getBehaviourLogprobs());
      // re-encoded, it gives the same bytes (the scorer stores and forwards these lists)
      assertThat(avro.serialize(TOPIC, fast)).isEqualTo(bytes);
    }
    assertThat(decoder.decode(TOPIC, null)).isNull();
  }

  @Test
  void anotherWriterSchemaIsResolvedByAvro() throws Exception {
    // RolloutStep as written before v3: no policy_name.
    Schema current = RolloutStep.getClassSchema();
    List<Schema.Field> fields = new ArrayList<>();
    for (Schema.Field f : current.getFields()) {
      if (!f.name().equals("policy_name")) {
        fields.add(new Schema.Field(f, f.schema()));
      }
    }
    Schema v2 =
        Schema.createRecord(
            current.getName(), current.getDoc(), current.getNamespace(), false, fields);
    int id = registry.register("old-value", v2);
    RolloutStep sample = SampleRecords.rolloutStep();
    GenericRecord old = new GenericData.Record(v2);
    for (Schema.Field f : v2.getFields()) {
      Object value = sample.get(f.name());
      old.put(f.name(), value instanceof java.time.Instant t ? t.toEpochMilli() : value);
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write(0);
    out.write(ByteBuffer.allocate(4).putInt(id).array());
    BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(out, null);
    new GenericDatumWriter<GenericRecord>(v2, new GenericData()).write(old, encoder);
    encoder.flush();

    RolloutStep decoded = new RolloutStepDecoder(registry).decode(TOPIC, out.toByteArray());

    sample.setPolicyName(null);
    assertThat(decoded).isEqualTo(sample);
  }

  @Test
  void badBytesFailAsAvroSerdeFails() {
    RolloutStepDecoder decoder = new RolloutStepDecoder(registry);
    byte[] bytes = avro.serialize(TOPIC, SampleRecords.rolloutStep());
    byte[] truncated = Arrays.copyOf(bytes, bytes.length - 3);
    byte[] longer = Arrays.copyOf(bytes, bytes.length + 2);

    assertThatThrownBy(() -> decoder.decode(TOPIC, truncated))
        .isInstanceOf(SerializationException.class)
        .hasMessageContaining("could not be decoded as RolloutStep");
    assertThatThrownBy(() -> decoder.decode(TOPIC, longer))
        .isInstanceOf(SerializationException.class)
        .hasMessageContaining("has bytes left over");
    assertThatThrownBy(() -> decoder.decode(TOPIC, new byte[] {0, 0, 0, 0, 99, 1}))
        .isInstanceOf(SerializationException.class)
        .hasMessageContaining("names schema id 99");
    assertThatThrownBy(() -> decoder.decode(TOPIC, new byte[] {1, 2}))
        .isInstanceOf(SerializationException.class)
        .hasMessageContaining("not in the Confluent Avro wire format");
  }
}
