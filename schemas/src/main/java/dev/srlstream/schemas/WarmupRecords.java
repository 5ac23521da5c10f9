package dev.srlstream.schemas;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;

/**
 * The warm-up records the topic provisioner writes to every partition it creates, two per partition
 * (a workaround for KAFKA-15591, and the partition's first index entries: see {@code
 * TopicProvisioner}): key {@value #KEY}, null value, header {@value #HEADER}{@code =1}, the first
 * also a padding header. On delete-policy topics they are deleted at once; on compacted topics they
 * stay as tombstones until compaction, so every consumer of a compacted topic skips records for
 * which {@link #isWarmup(Headers)} holds.
 */
public final class WarmupRecords {

  /** The key of a warm-up record. */
  public static final String KEY = "__srl_warmup__";

  /** The header marking a warm-up record (its value is {@code "1"}). */
  public static final String HEADER = "srl.warmup";

  private static final byte[] HEADER_VALUE = "1".getBytes(StandardCharsets.UTF_8);

  private WarmupRecords() {}

  /** The header value that marks a warm-up record. */
  public static byte[] headerValue() {
    return HEADER_VALUE.clone();
  }

  /** Whether a record with these headers is a warm-up record. */
  public static boolean isWarmup(Headers headers) {
    if (headers == null) {
      return false;
    }
    Header header = headers.lastHeader(HEADER);
    return header != null && Arrays.equals(header.value(), HEADER_VALUE);
  }
}
