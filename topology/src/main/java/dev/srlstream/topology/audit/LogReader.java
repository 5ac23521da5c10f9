package dev.srlstream.topology.audit;

import dev.srlstream.schemas.AdminSettings;
import dev.srlstream.schemas.PolicyNames;
import dev.srlstream.schemas.ServiceGroups;
import dev.srlstream.schemas.TopicSpec;
import dev.srlstream.schemas.Topics;
import dev.srlstream.schemas.WarmupRecords;
import dev.srlstream.schemas.avro.PolicyVersion;
import dev.srlstream.schemas.avro.RolloutStep;
import dev.srlstream.schemas.avro.StepReward;
import dev.srlstream.schemas.avro.StepTask;
import dev.srlstream.schemas.avro.TrainingGroup;
import dev.srlstream.schemas.registry.SchemaRegistry;
import dev.srlstream.schemas.serde.AvroSerde;
import dev.srlstream.topology.audit.LogAudit.Entry;
import dev.srlstream.topology.replay.TimeOffsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import java.util.function.LongConsumer;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Reads one policy's records from every topic of a cluster, to the end each topic had when the read
 * began ({@code read_committed}: an aborted transaction's records are not work), and the offsets
 * its actors, scorer and learner have committed: the {@link LogAudit.Snapshot} the audit checks.
 * Records of other policies are left out and counted; records that cannot be decoded are counted
 * (their dead letters are on the log).
 */
public final class LogReader {

  /** What the read skipped. */
  public record Skipped(long otherPolicies, long undecodable) {}

  private final String bootstrapServers;
  private final Map<String, String> clientConfig;
  private final SchemaRegistry registry;
  private final Duration timeout;
  private long otherPolicies;
  private long undecodable;

  /**
   * @param clientConfig further Kafka client settings (security), for every client it makes
   */
  public LogReader(
      String bootstrapServers,
      Map<String, String> clientConfig,
      SchemaRegistry registry,
      Duration timeout) {
    this.bootstrapServers = bootstrapServers;
    this.clientConfig = Map.copyOf(clientConfig);
    this.registry = registry;
    this.timeout = timeout;
  }

  /**
   * @param from read the tasks, rollouts, rewards, groups and dead letters from their first record
   *     at or after this time (the versions whole: the audit checks their order); null: from the
   *     beginning
   * @param progress told the records read so far, now and then
   * @throws IllegalStateException if a topic cannot be read to its end within the timeout
   */
  public LogAudit.Snapshot read(String policy, Instant from, LongConsumer progress) {
    // The order of the reads makes each check sound while the services run:
    // - the actors' and the scorer's committed offsets before their topics and their outputs, so
    //   everything a service committed past has its output on the log by the time it is read (the
    //   scorer commits in the same transaction as its rewards and dead letters);
    // - the versions before the groups, and the learner's offsets after them, so every group the
    //   newest version read had trained is among the groups read and behind those offsets.
    Map<Integer, Long> actors = committed(ServiceGroups.actors(policy), Topics.TASKS.name());
    Map<Integer, Long> scorer =
        committed(ServiceGroups.scorer(policy), Topics.ROLLOUT_STEPS.name());
    long[] total = {0};
    LongConsumer counted =
        n -> {
          total[0] += n;
          progress.accept(total[0]);
        };
    var versions =
        read(Topics.POLICY_VERSIONS, null, policy, PolicyVersion::getPolicyName, counted);
    var tasks = read(Topics.TASKS, from, policy, StepTask::getPolicyName, counted);
    var rollouts = read(Topics.ROLLOUT_STEPS, from, policy, RolloutStep::getPolicyName, counted);
    var rewards = read(Topics.STEP_REWARDS, from, policy, StepReward::getPolicyName, counted);
    var groups = read(Topics.TRAINING_GROUPS, from, policy, TrainingGroup::getPolicyName, counted);
    Map<Integer, Long> learner =
        committed(ServiceGroups.learner(policy), Topics.TRAINING_GROUPS.name());
    var deadLetters =
        read(Topics.DEAD_LETTERS, from, policy, d -> policy, counted).stream()
            .map(Entry::value)
            .toList();
    return new LogAudit.Snapshot(
        policy,
        tasks,
        rollouts,
        rewards,
        groups,
        versions,
        deadLetters,
        actors,
        scorer,
        learner,
        from);
  }

  public Skipped skipped() {
    return new Skipped(otherPolicies, undecodable);
  }

  private <V extends SpecificRecord> List<Entry<V>> read(
      TopicSpec<V> topic,
      Instant from,
      String policy,
      Function<V, String> policyOf,
      LongConsumer counted) {
    AvroSerde<V> serde = AvroSerde.forTopic(topic, registry);
    List<Entry<V>> entries = new ArrayList<>();
    Map<String, Object> config = new HashMap<>(clientConfig);
    config.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    config.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 5_000);
    try (KafkaConsumer<byte[], byte[]> consumer =
        new KafkaConsumer<>(config, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
      List<TopicPartition> partitions =
          consumer.partitionsFor(topic.name(), timeout).stream()
              .map(p -> new TopicPartition(p.topic(), p.partition()))
              .toList();
      if (partitions.isEmpty()) {
        throw new IllegalStateException("topic " + topic.name() + " does not exist");
      }
      consumer.assign(partitions);
      Map<TopicPartition, Long> ends = consumer.endOffsets(partitions, timeout);
      if (from == null) {
        consumer.seekToBeginning(partitions);
      } else {
        Map<TopicPartition, Long> found =
            TimeOffsets.firstAtOrAfter(consumer, partitions, from, timeout);
        for (TopicPartition p : partitions) {
          consumer.seek(p, found.getOrDefault(p, ends.get(p))); // none: nothing to read
        }
      }
      long deadline = System.nanoTime() + timeout.toNanos();
      while (partitions.stream().anyMatch(p -> consumer.position(p, timeout) < ends.get(p))) {
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException(
              "could not read " + topic.name() + " to its end " + ends + " within " + timeout);
        }
        int n = 0;
        for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(200))) {
          n++;
          if (record.value() == null
              || WarmupRecords.isWarmup(record.headers())
              || record.offset()
                  >= ends.get(new TopicPartition(topic.name(), record.partition()))) {
            continue;
          }
          V value;
          try {
            value = serde.deserialize(record.topic(), record.value());
          } catch (KafkaException e) {
            undecodable++;
            continue;
          }
          if (!PolicyNames.belongsTo(policyOf.apply(value), policy)) {
            otherPolicies++;
            continue;
          }
          entries.add(new Entry<>(record.partition(), record.offset(), value));
        }
        if (n > 0) {
          counted.accept(n);
        }
      }
    }
    return entries;
  }

  /** A consumer group's committed offsets on one topic, by partition (none: nothing committed). */
  private Map<Integer, Long> committed(String group, String topic) {
    try (Admin admin = Admin.create(AdminSettings.of(bootstrapServers, clientConfig))) {
      Map<TopicPartition, OffsetAndMetadata> offsets =
          admin
              .listConsumerGroupOffsets(group)
              .partitionsToOffsetAndMetadata()
              .get(timeout.toMillis(), TimeUnit.MILLISECONDS);
      Map<Integer, Long> byPartition = new HashMap<>();
      offsets.forEach(
          (tp, o) -> {
            if (o != null && tp.topic().equals(topic)) {
              byPartition.put(tp.partition(), o.offset());
            }
          });
      return byPartition;
    } catch (ExecutionException | TimeoutException e) {
      throw new IllegalStateException(
          "could not read the committed offsets of " + group + ": " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }
}
