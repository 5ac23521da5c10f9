package dev.srlstream.scorer;

import dev.srlstream.schemas.avro.DeadLetter;
import java.nio.ByteBuffer;
import java.time.Instant;

/** Builds the dead letter of a record the scorer gave up on. */
final class DeadLetters {
  static final String SERVICE = "scorer-stream";

  private DeadLetters() {}

  /** Where a record came from: its topic, partition, offset and timestamp. */
  record Source(String topic, int partition, long offset, long timestamp) {}

  static DeadLetter of(
      DeadLetterReason reason,
      String message,
      Source source,
      String recordId,
      byte[] key,
      byte[] value,
      long now) {
    return DeadLetter.newBuilder()
        .setReason(reason.name())
        .setMessage(message)
        .setService(SERVICE)
        .setSourceTopic(source.topic())
        .setSourcePartition(source.partition())
        .setSourceOffset(source.offset())
        .setSourceTimestamp(
            source.timestamp() < 0 ? null : Instant.ofEpochMilli(source.timestamp()))
        .setRecordId(recordId)
        .setOriginalKey(key == null ? null : ByteBuffer.wrap(key))
        .setOriginalValue(value == null ? null : ByteBuffer.wrap(value))
        .setFailedAt(Instant.ofEpochMilli(now))
        .build();
  }
}
