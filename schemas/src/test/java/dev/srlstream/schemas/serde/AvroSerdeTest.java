package dev.srlstream.schemas.serde;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.srlstream.schemas.SampleRecords;
import dev.srlstream.schemas.TopicSpec;
import dev.srlstream.schemas.Topics;
import dev.srlstream.schemas.avro.StepReward;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.errors.SerializationException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class AvroSerdeTest {
  private final InMemorySchemaRegistry registry = new InMemorySchemaRegistry();

  static Stream<Arguments> everyTopicWithASample() {
    List<SpecificRecord> samples = SampleRecords.all();
    return IntStream.range(0, Topics.ALL.size())
        .mapToObj(i -> Arguments.of(Topics.ALL.get(i), samples.get(i)));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("everyTopicWithASample")
  <V extends SpecificRecord> void everyRecordRoundTripsThroughTheWireFormat(
      TopicSpec<V> topic, SpecificRecord sample) {
    AvroSerde<V> serde = AvroSerde.forTopic(topic, registry);
    V record = topic.valueType().cast(sample);

    byte[] bytes = serde.serializer().serialize(topic.name(), record);

    assertThat(bytes[0]).isEqualTo(WireFormat.MAGIC_BYTE);
    int id = ByteBuffer.wrap(bytes, 1, 4).getInt();
    assertThat(registry.schemaById(id)).isEqualTo(record.getSchema());
    V back = serde.deserializer().deserialize(topic.name(), bytes);
    assertThat(back).isEqualTo(record);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("everyTopicWithASample")
  <V extends SpecificRecord> void writesTheBytesAvrosSchemaWalkingWriterWrites(
      TopicSpec<V> topic, SpecificRecord sample) throws Exception {
    List<SpecificRecord> records = new java.util.ArrayList<>(List.of(sample));
    if (sample instanceof dev.srlstream.schemas.avro.TrainingGroup) {
      // Rollouts with segments and an alignment: the generated encoders of nested records.
      records.add(SampleRecords.segmentedTrainingGroup());
      dev.srlstream.schemas.avro.TrainingGroup aligned = SampleRecords.trainingGroup();
      aligned
          .getRollouts()
          .get(0)
          .setAlignment(
              new dev.srlstream.schemas.avro.ActionAlignment(40, 12, 30, List.of(12, 20)));
      records.add(aligned);
    }
    for (SpecificRecord record : records) {
      byte[] ours =
          AvroSerde.forTopic(topic, registry)
              .serialize(topic.name(), topic.valueType().cast(record));
      ByteArrayOutputStream plain = new ByteArrayOutputStream();
      BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(plain, null);
      new org.apache.avro.specific.SpecificDatumWriter<SpecificRecord>(record.getSchema())
          .write(record, encoder);
      encoder.flush();
      assertThat(Arrays.copyOfRange(ours, WireFormat.HEADER_SIZE, ours.length))
          .isEqualTo(plain.toByteArray());
    }
  }

  @Test
  void registersOncePerSubjectAndMapsNullToNull() {
    AvroSerde<StepReward> serde = AvroSerde.forTopic(Topics.STEP_REWARDS, registry);
    serde.serialize("srl.step-rewards", SampleRecords.stepReward());
    serde.serialize("srl.step-rewards", SampleRecords.stepReward());
    assertThat(registry.registrations).isEqualTo(1);
    assertThat(serde.serialize("srl.step-rewards", null)).isNull();
    assertThat(serde.deserialize("srl.step-rewards", null)).isNull();
  }

  @Test
  void garbageBytesAreRefusedWithTheTopicAndTheMagicByte() {
    AvroSerde<StepReward> serde = AvroSerde.forTopic(Topics.STEP_REWARDS, registry);
    byte[] json = "{\"reward\": 1.0}".getBytes(StandardCharsets.UTF_8);
    assertThatThrownBy(() -> serde.deserialize("srl.step-rewards", json))
        .isInstanceOf(SerializationException.class)
        .hasMessageContaining("srl.step-rewards")
        .hasMessageContaining("magic byte must be 0, but was 0x7b");
  }

  @Test
  void aWrongMagicByteIsRefused() {
    AvroSerde<StepReward> serde = AvroSerde.forTopic(Topics.STEP_REWARDS, registry);
    byte[] bytes = serde.serialize("t", SampleRecords.stepReward());
    bytes[0] = 1;
    assertThatThrownBy(() -> serde.deserialize("t", bytes))
        .isInstanceOf(SerializationException.class)
        .hasMessageContaining("magic byte must be 0, but was 0x01");
  }

  @Test
  void aRecordShorterThanTheHeaderIsRefused() {
    AvroSerde<StepReward> serde = AvroSerde.forTopic(Topics.STEP_REWARDS, registry);
    assertThatThrownBy(() -> serde.deserialize("t", new byte[] {0, 0, 1}))
        .isInstanceOf(SerializationException.class)
        .hasMessageContaining("3 bytes, fewer than the 5-byte header");
  }

  @Test
  void anUnknownSchemaIdIsRefusedNamingTheIdAndTheRegistry() {
    AvroSerde<StepReward> serde = AvroSerde.forTopic(Topics.STEP_REWARDS, registry);
    byte[] bytes = {0, 0, 0, 0x30, 0x39, 2, 4};
    assertThatThrownBy(() -> serde.deserialize("srl.step-rewards", bytes))
        .isInstanceOf(SerializationException.class)
        .hasMessageContaining("schema id 12345")
        .hasMessageContaining("in-memory test registry")
        .hasMessageContaining("Schema 12345 not found");
  }

  @Test
  void aTruncatedBodyIsRefused() {
    AvroSerde<StepReward> serde = AvroSerde.forTopic(Topics.STEP_REWARDS, registry);
    byte[] bytes = serde.serialize("t", SampleRecords.stepReward());
    byte[] truncated = Arrays.copyOf(bytes, bytes.length - 9);
    assertThatThrownBy(() -> serde.deserialize("t", truncated))
        .isInstanceOf(SerializationException.class)
        .hasMessageContaining("could not be decoded as StepReward");
  }

  @Test
  void trailingBytesAreRefused() {
    AvroSerde<StepReward> serde = AvroSerde.forTopic(Topics.STEP_REWARDS, registry);
    byte[] bytes = serde.serialize("t", SampleRecords.stepReward());
    byte[] longer = Arrays.copyOf(bytes, bytes.length + 3);
    assertThatThrownBy(() -> serde.deserialize("t", longer))
        .isInstanceOf(SerializationException.class)
        .hasMessageContaining("bytes left over");
  }

  @Test
  void aRecordWrittenWithAnOlderSchemaReadsWithTheDefaultOfTheNewField() throws Exception {
    // The "older" schema lacks the optional field `reason`, as a schema before it was added would.
    Schema current = StepReward.getClassSchema();
    Schema older = withoutField(current, "reason");
    GenericRecord old = new GenericData.Record(older);
    StepReward sample = SampleRecords.stepReward();
    for (Schema.Field field : older.getFields()) {
      old.put(field.name(), GenericData.get().deepCopy(field.schema(), rawValue(sample, field)));
    }
    int olderId = registry.register("srl.step-rewards-value", older);
    byte[] bytes = encode(olderId, older, old);

    StepReward read =
        AvroSerde.forTopic(Topics.STEP_REWARDS, registry).deserialize("srl.step-rewards", bytes);

    assertThat(read.getReason()).isNull();
    assertThat(read.getReward()).isEqualTo(sample.getReward());
    assertThat(read.getRolloutId()).isEqualTo(sample.getRolloutId());
  }

  private static Object rawValue(StepReward sample, Schema.Field field) {
    Object value = sample.get(field.name());
    // Logical timestamps are stored as Instants in the specific record, as longs in generic data.
    return value instanceof java.time.Instant instant ? instant.toEpochMilli() : value;
  }

  private static Schema withoutField(Schema schema, String name) {
    List<Schema.Field> fields =
        schema.getFields().stream()
            .filter(f -> !f.name().equals(name))
            .map(f -> new Schema.Field(f, f.schema()))
            .toList();
    return Schema.createRecord(
        schema.getName(), schema.getDoc(), schema.getNamespace(), false, fields);
  }

  private static byte[] encode(int id, Schema schema, GenericRecord record) throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write(WireFormat.MAGIC_BYTE);
    out.write(ByteBuffer.allocate(4).putInt(id).array());
    BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(out, null);
    new GenericDatumWriter<GenericRecord>(schema).write(record, encoder);
    encoder.flush();
    return out.toByteArray();
  }
}
