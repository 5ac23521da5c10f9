package dev.srlstream.actor;

import dev.srlstream.policy.InvalidWeightsException;
import dev.srlstream.policy.ModelConfig;
import dev.srlstream.policy.WeightsCodec;
import dev.srlstream.schemas.AvroBytes;
import dev.srlstream.schemas.DeadLetters;
import dev.srlstream.schemas.WarmupRecords;
import dev.srlstream.schemas.avro.DeadLetter;
import dev.srlstream.schemas.avro.PolicyVersion;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.LongSupplier;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Follows one policy's versions on the (compacted, transactionally written) versions topic, for all
 * actor instances of a process: reads it from the start with {@code read_committed} (so an aborted
 * version is never seen), skips warm-up records, tombstones and other policies, checks each newer
 * version's weights once (SHA-256 against {@code weights_sha256}, the codec's own checks, the
 * header's version, and that they fit the actors' model) and hands the valid ones to the
 * subscribers. An invalid version is logged with its coordinates and dead-lettered as
 * INVALID_WEIGHTS; the actors keep their weights. Every version seen, valid or not, counts for the
 * staleness: a version that cannot be loaded still means the actors are behind.
 *
 * <p>The consumer is used on the caller's thread by {@link #catchUp} and then only on the feed's
 * own thread ({@link #follow}).
 */
final class PolicyVersionFeed implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(PolicyVersionFeed.class);

  /**
   * A valid version.
   *
   * @param version its number
   * @param weights its WeightsCodec bytes
   * @param coordinates topic-partition@offset, for log lines
   * @param groupsTrained the training groups the learner had trained on when it published it, since
   *     the policy's start
   */
  record VersionUpdate(long version, byte[] weights, String coordinates, long groupsTrained) {
    VersionUpdate(long version, byte[] weights, String coordinates) {
      this(version, weights, coordinates, 0);
    }
  }

  /** Receives versions; called on the feed's thread (or the subscriber's, on subscription). */
  interface Subscriber {
    /** A valid version newer than any before it. */
    void onVersion(VersionUpdate update);

    /** The newest version published (valid or not) is now {@code version}. */
    void onSeen(long version);
  }

  private final Consumer<byte[], byte[]> consumer;
  private final String topic;
  private final String policyName;
  private final ActorSerdes serdes;
  private final RecordSender sender;
  private final String deadLetterTopic;
  private final LongSupplier clock;
  private final List<Subscriber> subscribers = new CopyOnWriteArrayList<>();
  private volatile long newestSeen = -1;
  private volatile VersionUpdate latestValid;
  private volatile long invalidVersions;
  private volatile boolean closing;
  private ModelConfig reference;
  private String tokenizerId;
  private Thread thread;

  PolicyVersionFeed(
      Consumer<byte[], byte[]> consumer,
      String topic,
      String policyName,
      ActorSerdes serdes,
      RecordSender sender,
      String deadLetterTopic,
      LongSupplier clock) {
    this.consumer = consumer;
    this.topic = topic;
    this.policyName = policyName;
    this.serdes = serdes;
    this.sender = sender;
    this.deadLetterTopic = deadLetterTopic;
    this.clock = clock;
  }

  /**
   * Reads the topic from the start to its current end, on the caller's thread.
   *
   * @return the newest valid version, if any (its architecture is not checked: it may define it)
   * @throws IllegalStateException if the end is not reached within {@code timeout}
   */
  Optional<VersionUpdate> catchUp(Duration timeout) {
    List<TopicPartition> partitions =
        consumer.partitionsFor(topic, timeout).stream()
            .map(p -> new TopicPartition(topic, p.partition()))
            .toList();
    if (partitions.isEmpty()) {
      throw new IllegalStateException(
          "the policy versions topic " + topic + " does not exist; create the topics first");
    }
    consumer.assign(partitions);
    consumer.seekToBeginning(partitions);
    // With read_committed the end offsets are the last stable offsets: all before is decided.
    Map<TopicPartition, Long> ends = consumer.endOffsets(partitions, timeout);
    long deadline = System.nanoTime() + timeout.toNanos();
    while (partitions.stream().anyMatch(p -> consumer.position(p) < ends.get(p))) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException(
            "could not read " + topic + " to its end " + ends + " within " + timeout);
      }
      consumer.poll(Duration.ofMillis(200)).forEach(this::handle);
    }
    return Optional.ofNullable(latestValid);
  }

  /**
   * Follows the topic on a thread of its own from where {@link #catchUp} stopped, checking new
   * versions against the actors' architecture and tokenizer.
   */
  synchronized void follow(ModelConfig model, String tokenizer) {
    this.reference = model;
    this.tokenizerId = tokenizer;
    thread = new Thread(this::loop, "srl-actor-versions");
    thread.setDaemon(true);
    thread.start();
  }

  /** Adds a subscriber and tells it at once the newest valid version and the newest seen. */
  void subscribe(Subscriber subscriber) {
    subscribers.add(subscriber);
    VersionUpdate valid = latestValid;
    if (valid != null) {
      subscriber.onVersion(valid);
    }
    if (newestSeen >= 0) {
      subscriber.onSeen(newestSeen);
    }
  }

  /** The newest version published, valid or not; -1 if none. */
  long newestSeen() {
    return newestSeen;
  }

  /** Versions rejected for their weights (or undecodable) since start. */
  long invalidVersions() {
    return invalidVersions;
  }

  private void loop() {
    try {
      while (!closing) {
        try {
          consumer.poll(Duration.ofMillis(500)).forEach(this::handle);
        } catch (WakeupException e) {
          // closing
        }
      }
    } catch (RuntimeException e) {
      log.error("the policy version feed stopped; actors keep their current weights", e);
    } finally {
      consumer.close(CloseOptions.timeout(Duration.ofSeconds(5)));
    }
  }

  private void handle(ConsumerRecord<byte[], byte[]> record) {
    if (record.value() == null
        || WarmupRecords.isWarmup(record.headers())
        || record.key() == null
        || !policyName.equals(new String(record.key(), StandardCharsets.UTF_8))) {
      return;
    }
    String where = record.topic() + "-" + record.partition() + "@" + record.offset();
    PolicyVersion version;
    try {
      version = serdes.versions().deserialize(record.topic(), record.value());
    } catch (SerializationException e) {
      reject(record, null, DeadLetterReason.UNDECODABLE, e.getMessage(), where);
      return;
    }
    long number = version.getVersion();
    if (number <= newestSeen) {
      return; // an older or repeated version (compaction keeps the latest eventually)
    }
    newestSeen = number;
    subscribers.forEach(s -> s.onSeen(number));
    byte[] weights = AvroBytes.toArray(version.getWeights());
    Optional<String> problem = problem(version, weights);
    if (problem.isPresent()) {
      reject(
          record,
          policyName + "/v" + number,
          DeadLetterReason.INVALID_WEIGHTS,
          problem.get(),
          where);
      return;
    }
    VersionUpdate update = new VersionUpdate(number, weights, where, version.getGroupsTrained());
    latestValid = update;
    log.info("policy {} version {} at {} is valid", policyName, number, where);
    subscribers.forEach(s -> s.onVersion(update));
  }

  /** What is wrong with a version's weights, if anything. */
  private Optional<String> problem(PolicyVersion version, byte[] weights) {
    String sha = WeightsCodec.sha256Hex(weights);
    if (!sha.equalsIgnoreCase(version.getWeightsSha256())) {
      return Optional.of(
          "weights_sha256 must be the SHA-256 of weights ("
              + sha
              + "), but was "
              + version.getWeightsSha256());
    }
    try {
      WeightsCodec.Decoded decoded = WeightsCodec.decode(weights);
      if (decoded.policyVersion() != version.getVersion()) {
        return Optional.of(
            "weights header policy_version must be the record's version "
                + version.getVersion()
                + ", but was "
                + decoded.policyVersion());
      }
      if (reference != null) {
        decoded.requireCompatible(reference, tokenizerId);
      }
      return Optional.empty();
    } catch (InvalidWeightsException e) {
      return Optional.of(e.getMessage());
    }
  }

  private void reject(
      ConsumerRecord<byte[], byte[]> record,
      String recordId,
      DeadLetterReason reason,
      String message,
      String where) {
    invalidVersions++;
    log.error(
        "policy {} version record at {} rejected ({}): {}; the actors keep their current weights",
        policyName,
        where,
        reason,
        message);
    DeadLetter letter =
        DeadLetters.of(
            TaskProcessor.SERVICE,
            reason.name(),
            message,
            new DeadLetters.Source(
                record.topic(), record.partition(), record.offset(), record.timestamp()),
            recordId,
            record.key(),
            record.value(),
            clock.getAsLong());
    try {
      sender.send(
          new ProducerRecord<>(
              deadLetterTopic,
              record.topic(),
              serdes.deadLetters().serialize(deadLetterTopic, letter)),
          (metadata, error) -> {
            if (error != null) {
              log.error("could not write the dead letter of {}: {}", where, error.toString());
            }
          });
    } catch (RuntimeException e) {
      log.error("could not write the dead letter of {}: {}", where, e.toString());
    }
  }

  @Override
  public void close() {
    Thread t;
    synchronized (this) {
      closing = true;
      t = thread;
    }
    if (t == null) {
      consumer.close(CloseOptions.timeout(Duration.ofSeconds(5)));
      return;
    }
    consumer.wakeup();
    try {
      t.join(10_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
