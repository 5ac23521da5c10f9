package dev.srlstream.topology.replay;

import dev.srlstream.scorer.ScorerConfig;
import dev.srlstream.scorer.ScorerCounters;
import dev.srlstream.scorer.ScorerService;
import dev.srlstream.scorer.ScorerTopics;
import dev.srlstream.scorer.ScorerTopology;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.stream.Stream;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.test.TestRecord;

/**
 * Runs the scorer's own topology ({@link ScorerTopology}) over recorded records on Kafka Streams'
 * {@link TopologyTestDriver}: in this process, with a state directory of its own, reading and
 * writing no topic. Records go in in the order given (see {@link TimestampMerge}), each with its
 * recorded timestamp and headers.
 *
 * <p>The state stores live in a fresh directory under {@code .srl/} of the working directory,
 * deleted when the replay ends.
 *
 * <p><b>Time.</b> The driver's wall clock starts at the first record's timestamp and is moved to
 * each record's timestamp before the record goes in (never backwards), so the scorer's wall-clock
 * timeouts (partial groups, late expert steps) fire as they would have for a scorer that processed
 * each record the moment it was written. Where the live scorer lagged (it was down, or behind), its
 * timeouts fired later than the replay's; {@code scored_at} and {@code assembled_at} are replay
 * times. The replay does not run the clock on after the last record: groups still incomplete then
 * stay so.
 */
public final class Rescorer {

  /** One output record: its topic (the live name the topology wrote to), key, value, timestamp. */
  public record Output(String topic, byte[] key, byte[] value, long timestamp) {}

  /** What a replay produced, per output topic in production order, and what the scorer counted. */
  public record Result(
      List<Output> rewards,
      List<Output> groups,
      List<Output> deadLetters,
      Map<String, Long> counters,
      long records,
      long nanos) {

    /** Records per second of the replay (0 if it took no time). */
    public double recordsPerSecond() {
      return nanos == 0 ? 0 : records * 1e9 / nanos;
    }
  }

  /** Told every so often how many records went in. */
  public interface Progress {
    void at(long done, long total, long nanos);
  }

  private Rescorer() {}

  /**
   * Replays {@code records} (of {@code topics.rolloutSteps()} and {@code topics.expertSteps()}; the
   * others are refused) through the scorer topology.
   *
   * @param registry resolves the recorded schema ids and takes the outputs' registrations
   */
  public static Result run(
      ScorerConfig config,
      ScorerTopics topics,
      ReplayRegistry registry,
      List<RecordedRecord> records,
      Progress progress) {
    for (RecordedRecord r : records) {
      if (!r.topic().equals(topics.rolloutSteps()) && !r.topic().equals(topics.expertSteps())) {
        throw new IllegalArgumentException(
            "the scorer reads "
                + topics.rolloutSteps()
                + " and "
                + topics.expertSteps()
                + ", not "
                + r.topic());
      }
    }
    Path stateDir;
    try {
      // Under .srl/ of the working directory, as srl scorer's state: Kafka Streams warns about a
      // state directory in the OS's temporary directory.
      Path parent = Files.createDirectories(Path.of(".srl"));
      stateDir = Files.createTempDirectory(parent, "replay-rescore-");
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create the replay's state directory", e);
    }
    ScorerCounters counters = new ScorerCounters(new SimpleMeterRegistry());
    Properties props = new Properties();
    // The live scorer's application id: the driver contacts no broker, and its store changelogs'
    // subjects are then the live scorer's, whose schemas the live registry already holds.
    props.put(
        StreamsConfig.APPLICATION_ID_CONFIG,
        ScorerService.defaultApplicationId(config.policyName()));
    props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "127.0.0.1:1"); // never contacted
    props.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
    props.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
    // No global stores; set only so that Kafka Streams does not warn that it is unset.
    props.put(StreamsConfig.PROCESSING_EXCEPTION_HANDLER_GLOBAL_ENABLED_CONFIG, true);
    long start = records.isEmpty() ? 0 : records.get(0).timestamp();
    List<Output> rewards = new ArrayList<>();
    List<Output> groups = new ArrayList<>();
    List<Output> deadLetters = new ArrayList<>();
    long began = System.nanoTime();
    try (TopologyTestDriver driver =
        new TopologyTestDriver(
            ScorerTopology.build(config, topics, registry, counters),
            props,
            Instant.ofEpochMilli(start))) {
      Map<String, TestInputTopic<byte[], byte[]>> inputs = new HashMap<>();
      for (String topic : List.of(topics.rolloutSteps(), topics.expertSteps())) {
        inputs.put(
            topic,
            driver.createInputTopic(topic, new ByteArraySerializer(), new ByteArraySerializer()));
      }
      TestOutputTopic<byte[], byte[]> rewardsOut = output(driver, topics.stepRewards());
      TestOutputTopic<byte[], byte[]> groupsOut = output(driver, topics.trainingGroups());
      TestOutputTopic<byte[], byte[]> lettersOut = output(driver, topics.deadLetters());
      long wallClock = start;
      long done = 0;
      for (RecordedRecord r : records) {
        if (r.timestamp() > wallClock) {
          driver.advanceWallClockTime(Duration.ofMillis(r.timestamp() - wallClock));
          wallClock = r.timestamp();
        }
        inputs
            .get(r.topic())
            .pipeInput(new TestRecord<>(r.key(), r.value(), r.headers(), r.timestamp()));
        done++;
        if (done % 1000 == 0) {
          drain(rewardsOut, topics.stepRewards(), rewards);
          drain(groupsOut, topics.trainingGroups(), groups);
          drain(lettersOut, topics.deadLetters(), deadLetters);
          progress.at(done, records.size(), System.nanoTime() - began);
        }
      }
      drain(rewardsOut, topics.stepRewards(), rewards);
      drain(groupsOut, topics.trainingGroups(), groups);
      drain(lettersOut, topics.deadLetters(), deadLetters);
    } finally {
      deleteQuietly(stateDir);
    }
    return new Result(
        List.copyOf(rewards),
        List.copyOf(groups),
        List.copyOf(deadLetters),
        counters.snapshot(),
        records.size(),
        System.nanoTime() - began);
  }

  private static TestOutputTopic<byte[], byte[]> output(TopologyTestDriver driver, String topic) {
    return driver.createOutputTopic(
        topic, new ByteArrayDeserializer(), new ByteArrayDeserializer());
  }

  private static void drain(TestOutputTopic<byte[], byte[]> topic, String name, List<Output> into) {
    for (TestRecord<byte[], byte[]> r : topic.readRecordsToList()) {
      into.add(new Output(name, r.key(), r.value(), r.timestamp()));
    }
  }

  private static void deleteQuietly(Path dir) {
    try (Stream<Path> paths = Files.walk(dir)) {
      paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      // A leftover temporary directory is harmless.
    }
  }
}
