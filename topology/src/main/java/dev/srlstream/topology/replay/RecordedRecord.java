package dev.srlstream.topology.replay;

import java.util.Objects;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;

/**
 * One record as the log holds it: its coordinates, its timestamp, and its key, value and headers as
 * bytes, undecoded (a replay feeds them to a topology that decodes them itself).
 */
public record RecordedRecord(
    String topic,
    int partition,
    long offset,
    long timestamp,
    byte[] key,
    byte[] value,
    Headers headers) {

  public RecordedRecord {
    Objects.requireNonNull(topic, "topic");
    headers = headers == null ? new RecordHeaders() : headers;
  }

  /** A record without headers (tests). */
  public RecordedRecord(
      String topic, int partition, long offset, long timestamp, byte[] key, byte[] value) {
    this(topic, partition, offset, timestamp, key, value, null);
  }

  @Override
  public String toString() {
    return topic + "-" + partition + "@" + offset + " (timestamp " + timestamp + ")";
  }
}
