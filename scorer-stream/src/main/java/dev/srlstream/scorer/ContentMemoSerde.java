package dev.srlstream.scorer;

import dev.srlstream.schemas.serde.AvroSerde;
import java.nio.ByteBuffer;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

/**
 * A state-store serde for values that are read far more often than written (the expert step of an
 * instance, read for every rollout of it): decoding is memoized by the bytes' content, so the same
 * bytes decode once per thread while they stay among the {@code capacity} most recently read. The
 * records handed out are shared between reads, so callers must not change them.
 */
final class ContentMemoSerde<T extends SpecificRecord> implements Serde<T> {
  private final AvroSerde<T> avro;
  private final ThreadLocal<Map<ByteBuffer, T>> decoded;

  ContentMemoSerde(AvroSerde<T> avro, int capacity) {
    if (capacity < 1) {
      throw new IllegalArgumentException("capacity must be >= 1, but was " + capacity);
    }
    this.avro = avro;
    this.decoded =
        ThreadLocal.withInitial(
            () ->
                new LinkedHashMap<>(64, 0.75f, true) {
                  @Override
                  protected boolean removeEldestEntry(Map.Entry<ByteBuffer, T> eldest) {
                    return size() > capacity;
                  }
                });
  }

  T deserialize(String topic, byte[] bytes) {
    if (bytes == null) {
      return null;
    }
    // ByteBuffer equality and hash are by content; the store never changes an array it returned.
    ByteBuffer key = ByteBuffer.wrap(bytes);
    Map<ByteBuffer, T> memo = decoded.get();
    T record = memo.get(key);
    if (record == null) {
      record = avro.deserialize(topic, bytes);
      memo.put(key, record);
    }
    return record;
  }

  @Override
  public Serializer<T> serializer() {
    return avro::serialize;
  }

  @Override
  public Deserializer<T> deserializer() {
    return this::deserialize;
  }
}
