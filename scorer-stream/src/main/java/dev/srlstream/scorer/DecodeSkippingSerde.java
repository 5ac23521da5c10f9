package dev.srlstream.scorer;

import dev.srlstream.schemas.serde.AvroSerde;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

/**
 * A state-store serde that skips decoding what this thread has just encoded: {@link #serialize}
 * remembers the record under the very byte array it returns, and {@link #deserialize} of that same
 * array (by identity, not content) hands the record back once, instead of decoding it. Kafka
 * Streams' record cache keeps the array a put gave it and returns it to the next get or range scan
 * of the key, so a value written and read back within a commit interval (a pending group's header
 * and rollouts, in the scorer) is decoded never; a value read from RocksDB is a new array and is
 * decoded as usual. The store stays the only source of truth: a miss costs a decode, never a wrong
 * value.
 *
 * <p>Rules that keep a returned record equal to the bytes: the caller does not change a record
 * after putting it, and a record is handed back at most once (the next read of the same array
 * decodes), so a record the caller changes after reading it is not seen again. Per thread (stream
 * threads share the serde), at most {@code capacity} records are remembered; the oldest are
 * forgotten, and so is everything a thread remembers of values that were overwritten or deleted
 * unread.
 */
final class DecodeSkippingSerde<T extends SpecificRecord> implements Serde<T> {
  private final AvroSerde<T> avro;
  private final ThreadLocal<Map<byte[], T>> remembered;

  DecodeSkippingSerde(AvroSerde<T> avro, int capacity) {
    if (capacity < 1) {
      throw new IllegalArgumentException("capacity must be >= 1, but was " + capacity);
    }
    this.avro = avro;
    // byte[] has identity equality and hash, so this map is keyed by the array itself.
    this.remembered =
        ThreadLocal.withInitial(
            () ->
                new LinkedHashMap<>(64, 0.75f, false) {
                  @Override
                  protected boolean removeEldestEntry(Map.Entry<byte[], T> eldest) {
                    return size() > capacity;
                  }
                });
  }

  byte[] serialize(String topic, T record) {
    byte[] bytes = avro.serialize(topic, record);
    if (bytes != null) {
      remembered.get().put(bytes, record);
    }
    return bytes;
  }

  T deserialize(String topic, byte[] bytes) {
    if (bytes == null) {
      return null;
    }
    T record = remembered.get().remove(bytes);
    return record != null ? record : avro.deserialize(topic, bytes);
  }

  /** Records remembered by the calling thread (for tests). */
  int rememberedCount() {
    return remembered.get().size();
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
