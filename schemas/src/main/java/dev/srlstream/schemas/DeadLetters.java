package dev.srlstream.schemas;

import dev.srlstream.schemas.avro.DeadLetter;
import java.nio.ByteBuffer;
import java.time.Instant;

/** Builds the dead letter of a record a service gave up on, the same way for every service. */
public final class DeadLetters {

  private DeadLetters() {}

  /** Where a record came from: its topic, partition, offset and timestamp (-1 if unknown). */
  public record Source(String topic, int partition, long offset, long timestamp) {}

  /**
   * @param service the service giving up, e.g. {@code scorer-stream}
   * @param reason a stable code, e.g. {@code UNDECODABLE}
   * @param message what was wrong, naming the field and value
   * @param recordId the rollout, group or task id when it could be read, else null
   * @param key the original key bytes (kept so the record can be inspected and replayed)
   * @param value the original value bytes
   * @param now when the service gave up, epoch millis
   */
  public static DeadLetter of(
      String service,
      String reason,
      String message,
      Source source,
      String recordId,
      byte[] key,
      byte[] value,
      long now) {
    return DeadLetter.newBuilder()
        .setReason(reason)
        .setMessage(message)
        .setService(service)
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
