package dev.srlstream.schemas.serde;

import dev.srlstream.schemas.TopicSpec;
import dev.srlstream.schemas.registry.RegistryException;
import dev.srlstream.schemas.registry.SchemaRegistry;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.avro.AvroRuntimeException;
import org.apache.avro.Schema;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

/**
 * A Kafka {@link Serde} for a generated Avro record class in Confluent's wire format (see {@link
 * WireFormat}), with the writer schema registered under the subject {@code <topic>-value}.
 *
 * <p>Reading resolves the writer's schema (fetched by id, cached) against this reader's class, so a
 * record written with an older or newer compatible schema decodes. Bytes that are not in the wire
 * format, an unknown schema id, or an undecodable body raise {@link SerializationException} with a
 * message naming the topic; services send such records to the dead letters. {@code null} maps to
 * {@code null} both ways (tombstones).
 */
public final class AvroSerde<T extends SpecificRecord> implements Serde<T> {

  static {
    TrustedClasses.install();
  }

  private final Class<T> type;
  private final Schema readerSchema;
  private final SchemaRegistry registry;
  private final Map<String, Integer> schemaIdBySubject = new ConcurrentHashMap<>();
  private final Map<Integer, SpecificDatumReader<T>> readerByWriterId = new ConcurrentHashMap<>();
  private final SpecificDatumWriter<T> writer;

  public AvroSerde(Class<T> type, SchemaRegistry registry) {
    this.type = Objects.requireNonNull(type, "type");
    this.registry = Objects.requireNonNull(registry, "registry");
    this.readerSchema = SpecificData.get().getSchema(type);
    this.writer = new SpecificDatumWriter<>(readerSchema, customCodingModel(type));
  }

  /**
   * The class's own model (its logical-type conversions) with Avro's generated encoders switched
   * on: a record class without logical types (GroupRollout, RolloutSegment, ActionAlignment...)
   * then writes its fields with straight-line generated code instead of walking its schema, also
   * when nested in a record that walks its schema (TrainingGroup's rollouts). The bytes are the
   * same (AvroSerdeTest compares them); Avro leaves these encoders off by default only because they
   * were new in 1.9. Reading is unchanged (Avro's fast reader).
   */
  private static SpecificData customCodingModel(Class<?> type) {
    SpecificData own = SpecificData.getForClass(type);
    SpecificData model = new SpecificData(type.getClassLoader());
    own.getConversions().forEach(model::addLogicalTypeConversion);
    model.setCustomCoders(true);
    return model;
  }

  /** The serde for the values of a catalogue topic. */
  public static <V extends SpecificRecord> AvroSerde<V> forTopic(
      TopicSpec<V> topic, SchemaRegistry registry) {
    return new AvroSerde<>(topic.valueType(), registry);
  }

  /** The record class this serde reads and writes. */
  public Class<T> type() {
    return type;
  }

  /** Encodes a record, registering its schema under {@code <topic>-value} on first use. */
  public byte[] serialize(String topic, T record) {
    if (record == null) {
      return null;
    }
    String subject = topic + "-value";
    int schemaId;
    try {
      schemaId =
          schemaIdBySubject.computeIfAbsent(subject, s -> registry.register(s, readerSchema));
    } catch (RegistryException e) {
      throw new SerializationException(
          "could not register the schema of "
              + type.getSimpleName()
              + " for topic "
              + topic
              + ": "
              + e.getMessage(),
          e);
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream(256);
    ByteBuffer header = ByteBuffer.allocate(WireFormat.HEADER_SIZE);
    WireFormat.writeHeader(header, schemaId);
    out.write(header.array(), 0, WireFormat.HEADER_SIZE);
    BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(out, null);
    try {
      writer.write(record, encoder);
      encoder.flush();
    } catch (IOException | AvroRuntimeException | NullPointerException | ClassCastException e) {
      throw new SerializationException(
          "could not encode " + type.getSimpleName() + " for topic " + topic + ": " + e, e);
    }
    return out.toByteArray();
  }

  /** Decodes a record in the wire format; see the class comment for the errors. */
  public T deserialize(String topic, byte[] data) {
    if (data == null) {
      return null;
    }
    int schemaId = WireFormat.schemaId(data, topic);
    SpecificDatumReader<T> reader;
    try {
      reader = readerByWriterId.computeIfAbsent(schemaId, this::readerFor);
    } catch (RegistryException e) {
      throw new SerializationException(
          "record on topic "
              + topic
              + " names schema id "
              + schemaId
              + ", which the "
              + registry.describe()
              + " cannot give: "
              + e.getMessage(),
          e);
    }
    BinaryDecoder decoder =
        DecoderFactory.get()
            .binaryDecoder(
                data, WireFormat.HEADER_SIZE, data.length - WireFormat.HEADER_SIZE, null);
    try {
      T record = reader.read(null, decoder);
      if (!decoder.isEnd()) {
        throw new SerializationException(
            "record on topic "
                + topic
                + " has bytes left over after a "
                + type.getSimpleName()
                + " written with schema id "
                + schemaId);
      }
      return record;
    } catch (IOException | AvroRuntimeException | IndexOutOfBoundsException e) {
      throw new SerializationException(
          "record on topic "
              + topic
              + " could not be decoded as "
              + type.getSimpleName()
              + " written with schema id "
              + schemaId
              + ": "
              + e,
          e);
    }
  }

  private SpecificDatumReader<T> readerFor(int writerSchemaId) {
    Schema writerSchema = registry.schemaById(writerSchemaId);
    return new SpecificDatumReader<>(writerSchema, readerSchema);
  }

  @Override
  public Serializer<T> serializer() {
    return this::serialize;
  }

  @Override
  public Deserializer<T> deserializer() {
    return this::deserialize;
  }
}
