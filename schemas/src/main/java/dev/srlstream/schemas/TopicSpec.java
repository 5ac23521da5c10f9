package dev.srlstream.schemas;

import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import org.apache.avro.specific.SpecificRecord;

/**
 * One topic of the catalogue: its name, the types of its keys and values, how many partitions it
 * has, and the topic-level configuration it is created with.
 *
 * <p>Keys are UTF-8 strings (an id); values are Avro records in the Confluent wire format, with the
 * value schema registered under the subject {@code <name>-value}.
 *
 * @param name the topic name
 * @param valueType the Avro class of the values
 * @param keyField the value field whose content is the record key (documentation and checks)
 * @param partitions partition count when the topic is created
 * @param cleanupPolicy {@code delete} or {@code compact}
 * @param retention how long records stay readable for replay ({@code null}: forever): on a {@code
 *     delete} topic, how long a record is kept ({@code retention.ms}); on a {@code compact} topic,
 *     where the newest record of each key is kept forever, how long a replaced one is kept before
 *     compaction may remove it ({@code min.compaction.lag.ms}; zero: not kept)
 * @param maxMessageBytes the largest record batch the topic accepts
 */
public record TopicSpec<V extends SpecificRecord>(
    String name,
    Class<V> valueType,
    String keyField,
    int partitions,
    CleanupPolicy cleanupPolicy,
    Duration retention,
    int maxMessageBytes) {

  /** Kafka's {@code cleanup.policy}. */
  public enum CleanupPolicy {
    DELETE("delete"),
    COMPACT("compact");

    private final String configValue;

    CleanupPolicy(String configValue) {
      this.configValue = configValue;
    }

    public String configValue() {
      return configValue;
    }
  }

  /** Kafka's default {@code max.message.bytes} (1 MiB plus record-batch overhead). */
  public static final int DEFAULT_MAX_MESSAGE_BYTES = 1_048_588;

  public TopicSpec {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(valueType, "valueType");
    Objects.requireNonNull(keyField, "keyField");
    Objects.requireNonNull(cleanupPolicy, "cleanupPolicy");
    if (!name.matches("[a-zA-Z0-9._-]{1,249}")) {
      throw new IllegalArgumentException(
          "topic name must be 1-249 characters of [a-zA-Z0-9._-], but was '" + name + "'");
    }
    if (partitions < 1) {
      throw new IllegalArgumentException(
          "partitions of " + name + " must be >= 1, but was " + partitions);
    }
    if (retention != null
        && (retention.isNegative()
            || retention.isZero() && cleanupPolicy == CleanupPolicy.DELETE)) {
      throw new IllegalArgumentException(
          "retention of "
              + name
              + " must be positive (or zero on a compact topic) or null, but was "
              + retention);
    }
    if (maxMessageBytes < 1024) {
      throw new IllegalArgumentException(
          "maxMessageBytes of " + name + " must be >= 1024, but was " + maxMessageBytes);
    }
  }

  /** The schema-registry subject of the value schema (Confluent's TopicNameStrategy). */
  public String valueSubject() {
    return name + "-value";
  }

  /** The topic-level configuration to create the topic with. */
  public Map<String, String> topicConfig() {
    Map<String, String> config = new TreeMap<>();
    config.put("cleanup.policy", cleanupPolicy.configValue());
    if (cleanupPolicy == CleanupPolicy.DELETE) {
      config.put("retention.ms", retention == null ? "-1" : Long.toString(retention.toMillis()));
    } else {
      config.put("retention.ms", "-1");
      // Long.MAX_VALUE: a replaced record is never old enough to be compacted away.
      config.put(
          "min.compaction.lag.ms",
          Long.toString(retention == null ? Long.MAX_VALUE : retention.toMillis()));
    }
    config.put("max.message.bytes", Integer.toString(maxMessageBytes));
    if (cleanupPolicy == CleanupPolicy.COMPACT) {
      // Compaction only cleans closed segments. With Kafka's 1 GiB segments the policy versions
      // (megabytes each, a few per second) never left the active segment: the topic grew to
      // 1.1 GB in 40 minutes. A segment just large enough for one record, rolled at least every
      // 10 minutes, and cleaned once a tenth of it is superseded, keeps a few segments at most.
      config.put("segment.bytes", Integer.toString(segmentBytes()));
      config.put("segment.ms", Long.toString(Duration.ofMinutes(10).toMillis()));
      config.put("min.cleanable.dirty.ratio", "0.1");
    }
    return config;
  }

  /** A compacted topic's segment size: its largest record and 1 MiB to spare. */
  int segmentBytes() {
    return maxMessageBytes + 1024 * 1024;
  }

  /** The topic-level setting that {@link #retention} is kept in. */
  public String retentionConfig() {
    return cleanupPolicy == CleanupPolicy.DELETE ? "retention.ms" : "min.compaction.lag.ms";
  }

  /** The same topic keeping records for another time (null: forever). */
  public TopicSpec<V> withRetention(Duration newRetention) {
    return new TopicSpec<>(
        name, valueType, keyField, partitions, cleanupPolicy, newRetention, maxMessageBytes);
  }

  /** The same topic with another partition count (for {@code srl topics create --partitions}). */
  public TopicSpec<V> withPartitions(int newPartitions) {
    return new TopicSpec<>(
        name, valueType, keyField, newPartitions, cleanupPolicy, retention, maxMessageBytes);
  }
}
