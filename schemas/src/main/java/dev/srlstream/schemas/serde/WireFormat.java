package dev.srlstream.schemas.serde;

import java.nio.ByteBuffer;
import org.apache.kafka.common.errors.SerializationException;

/**
 * Confluent's wire format: magic byte 0, the schema id as a 4-byte big-endian integer, then the
 * Avro binary encoding of the record.
 */
public final class WireFormat {

  public static final byte MAGIC_BYTE = 0;

  /** Magic byte plus schema id. */
  public static final int HEADER_SIZE = 5;

  private WireFormat() {}

  /** Writes the header for a schema id into the first five bytes of {@code target}. */
  static void writeHeader(ByteBuffer target, int schemaId) {
    target.put(MAGIC_BYTE).putInt(schemaId);
  }

  /**
   * Reads the schema id from a record in the wire format.
   *
   * @throws SerializationException naming the topic when the bytes are not in the wire format
   */
  public static int schemaId(byte[] data, String topic) {
    if (data.length < HEADER_SIZE) {
      throw new SerializationException(
          "record on topic "
              + topic
              + " is not in the Confluent Avro wire format: "
              + data.length
              + " bytes, fewer than the "
              + HEADER_SIZE
              + "-byte header");
    }
    if (data[0] != MAGIC_BYTE) {
      throw new SerializationException(
          String.format(
              "record on topic %s is not in the Confluent Avro wire format: magic byte must be 0,"
                  + " but was 0x%02x",
              topic, data[0] & 0xff));
    }
    return ByteBuffer.wrap(data, 1, 4).getInt();
  }
}
