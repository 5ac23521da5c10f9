package dev.srlstream.topology.replay;

import com.fasterxml.jackson.databind.JsonNode;
import dev.srlstream.schemas.registry.SchemaRegistry;
import dev.srlstream.schemas.serde.WireFormat;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.avro.AvroRuntimeException;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.DecoderFactory;

/**
 * Decodes Confluent wire-format values to JSON ({@link AvroJson}) with the schema each was written
 * with, fetched from the registry once per schema id.
 */
final class WireDecoder {
  private final SchemaRegistry registry;
  private final Set<String> omitted;
  private final Map<Integer, GenericDatumReader<Object>> readers = new HashMap<>();

  /**
   * @param omitted top-level fields left out of every decoded value (read past, not decoded)
   */
  WireDecoder(SchemaRegistry registry, Set<String> omitted) {
    this.registry = registry;
    this.omitted = Set.copyOf(omitted);
  }

  /**
   * The value of schema {@code schemaId} in {@code value} (header included) as JSON.
   *
   * @throws IllegalStateException if the bytes are not one whole record of that schema
   */
  JsonNode decode(int schemaId, byte[] value) {
    GenericDatumReader<Object> reader = reader(schemaId);
    BinaryDecoder decoder =
        DecoderFactory.get()
            .binaryDecoder(
                value, WireFormat.HEADER_SIZE, value.length - WireFormat.HEADER_SIZE, null);
    try {
      Object datum = reader.read(null, decoder);
      if (!decoder.isEnd()) {
        throw new IllegalStateException("bytes left over after the record");
      }
      return AvroJson.of(datum, reader.getExpected());
    } catch (IOException | AvroRuntimeException e) {
      throw new IllegalStateException(e.getMessage(), e);
    }
  }

  /** The full name of the record type schema {@code schemaId} writes. */
  String typeName(int schemaId) {
    return reader(schemaId).getSchema().getFullName();
  }

  private GenericDatumReader<Object> reader(int schemaId) {
    GenericDatumReader<Object> reader = readers.get(schemaId);
    if (reader == null) {
      Schema writer = registry.schemaById(schemaId);
      reader = new GenericDatumReader<>(writer, without(writer, omitted));
      readers.put(schemaId, reader);
    }
    return reader;
  }

  /** A record schema without the top-level fields {@code omitted}, to read its records with. */
  static Schema without(Schema schema, Set<String> omitted) {
    if (schema.getType() != Schema.Type.RECORD
        || schema.getFields().stream().noneMatch(f -> omitted.contains(f.name()))) {
      return schema;
    }
    List<Schema.Field> kept = new ArrayList<>();
    for (Schema.Field field : schema.getFields()) {
      if (!omitted.contains(field.name())) {
        kept.add(new Schema.Field(field, field.schema()));
      }
    }
    return Schema.createRecord(
        schema.getName(), schema.getDoc(), schema.getNamespace(), schema.isError(), kept);
  }
}
