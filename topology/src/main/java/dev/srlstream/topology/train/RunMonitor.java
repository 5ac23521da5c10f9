package dev.srlstream.topology.train;

import dev.srlstream.method.advantage.GroupAdvantages;
import dev.srlstream.schemas.AvroBytes;
import dev.srlstream.schemas.PolicyNames;
import dev.srlstream.schemas.Topics;
import dev.srlstream.schemas.avro.PolicyVersion;
import dev.srlstream.schemas.avro.StepReward;
import dev.srlstream.schemas.registry.SchemaRegistry;
import dev.srlstream.schemas.serde.AvroSerde;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * Watches a run from the outside, on the topics alone: the committed step rewards of the run's
 * tasks, and the run's policy versions. It tallies, per policy version, the mean reward of the
 * rollouts sampled under it and its groups kept or filtered by dynamic sampling (the scorer's rule:
 * the population std of a complete group's rewards above epsilon), and keeps the newest version's
 * weights for validation.
 *
 * <p>It reads with {@code read_committed} and no consumer group, from where the topics ended when
 * the run started (rewards) and from the beginning (policy versions, a compacted topic), so it
 * neither disturbs the services nor sees an aborted transaction's records.
 */
final class RunMonitor implements AutoCloseable {

  /** The rewards and groups of rollouts sampled under one policy version. */
  record VersionPoint(long version, long rewards, double meanReward, long kept, long filtered) {}

  /** What the run has produced so far. */
  record Snapshot(
      long rewards,
      long tasksRewarded,
      double recentMeanReward,
      long kept,
      long filtered,
      long newestVersion,
      List<VersionPoint> curve) {}

  private static final int RECENT = 256;

  private final String runId;
  private final String policyName;
  private final int groupSize;
  private final double epsilon;
  private final KafkaConsumer<String, byte[]> consumer;
  private final AvroSerde<StepReward> rewardSerde;
  private final AvroSerde<PolicyVersion> versionSerde;
  private final Thread thread;
  private final AtomicBoolean running = new AtomicBoolean(true);
  private volatile Throwable failure;
  private volatile Map<TopicPartition, Long> positions = Map.of();

  // Guarded by this.
  private final Map<Long, Tally> tallies = new TreeMap<>();
  private final Set<String> tasksRewarded = new HashSet<>();
  private final double[] recent = new double[RECENT];
  private long rewards;
  private long newestVersion = -1;
  private byte[] newestWeights;

  private static final class Tally {
    long rewards;
    double sum;
    long kept;
    long filtered;
    final Map<String, double[]> open = new HashMap<>();
    final Map<String, Integer> openCounts = new HashMap<>();
  }

  RunMonitor(
      ClusterAccess cluster,
      SchemaRegistry registry,
      String runId,
      String policyName,
      int groupSize,
      double epsilon) {
    this.runId = runId;
    this.policyName = policyName;
    this.groupSize = groupSize;
    this.epsilon = epsilon;
    this.rewardSerde = AvroSerde.forTopic(Topics.STEP_REWARDS, registry);
    this.versionSerde = AvroSerde.forTopic(Topics.POLICY_VERSIONS, registry);
    this.consumer =
        new KafkaConsumer<>(
            cluster.client(
                Map.of(
                    ConsumerConfig.ISOLATION_LEVEL_CONFIG,
                    "read_committed",
                    ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG,
                    false,
                    ConsumerConfig.CLIENT_ID_CONFIG,
                    "srl-run-monitor-" + runId,
                    ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG,
                    64 * 1024 * 1024,
                    ConsumerConfig.FETCH_MAX_BYTES_CONFIG,
                    64 * 1024 * 1024)),
            new StringDeserializer(),
            new ByteArrayDeserializer());
    List<TopicPartition> rewardPartitions = partitions(Topics.STEP_REWARDS.name());
    List<TopicPartition> versionPartitions = partitions(Topics.POLICY_VERSIONS.name());
    List<TopicPartition> all = new ArrayList<>(rewardPartitions);
    all.addAll(versionPartitions);
    consumer.assign(all);
    consumer.seekToEnd(rewardPartitions);
    rewardPartitions.forEach(consumer::position); // fixes the start before the run sends anything
    consumer.seekToBeginning(versionPartitions);
    this.thread = new Thread(this::loop, "srl-run-monitor");
    this.thread.setDaemon(true);
  }

  void start() {
    thread.start();
  }

  private List<TopicPartition> partitions(String topic) {
    return consumer.partitionsFor(topic, Duration.ofSeconds(30)).stream()
        .map(p -> new TopicPartition(topic, p.partition()))
        .toList();
  }

  private void loop() {
    try {
      while (running.get()) {
        for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(200))) {
          if (record.value() == null) {
            continue;
          }
          if (record.topic().equals(Topics.STEP_REWARDS.name())) {
            onReward(rewardSerde.deserialize(record.topic(), record.value()));
          } else {
            onVersion(versionSerde.deserialize(record.topic(), record.value()));
          }
        }
        Map<TopicPartition, Long> now = new HashMap<>();
        for (TopicPartition partition : consumer.assignment()) {
          now.put(partition, consumer.position(partition));
        }
        positions = Map.copyOf(now);
      }
    } catch (WakeupException e) {
      // closing
    } catch (RuntimeException e) {
      failure = e;
    }
  }

  private synchronized void onReward(StepReward reward) {
    String groupId = reward.getGroupId();
    if (!PolicyNames.belongsTo(reward.getPolicyName(), policyName)
        || !TaskFeeder.isOfRun(groupId, runId)) {
      return;
    }
    recent[(int) (rewards % RECENT)] = reward.getReward();
    rewards++;
    int versionAt = groupId.lastIndexOf("/v");
    tasksRewarded.add(versionAt < 0 ? groupId : groupId.substring(0, versionAt));
    Tally tally = tallies.computeIfAbsent(reward.getPolicyVersion(), v -> new Tally());
    tally.rewards++;
    tally.sum += reward.getReward();
    int index = reward.getRolloutIndex();
    if (index < 0 || index >= groupSize) {
      return;
    }
    double[] group = tally.open.computeIfAbsent(groupId, g -> new double[groupSize]);
    group[index] = reward.getReward();
    int count = tally.openCounts.merge(groupId, 1, Integer::sum);
    if (count == groupSize) {
      tally.open.remove(groupId);
      tally.openCounts.remove(groupId);
      if (GroupAdvantages.of(group).std() > epsilon) {
        tally.kept++;
      } else {
        tally.filtered++;
      }
    }
  }

  private synchronized void onVersion(PolicyVersion version) {
    if (policyName.equals(version.getPolicyName()) && version.getVersion() > newestVersion) {
      newestVersion = version.getVersion();
      newestWeights = AvroBytes.toArray(version.getWeights());
    }
  }

  synchronized Snapshot snapshot() {
    List<VersionPoint> curve = new ArrayList<>(tallies.size());
    long kept = 0;
    long filtered = 0;
    for (Map.Entry<Long, Tally> e : tallies.entrySet()) {
      Tally t = e.getValue();
      curve.add(new VersionPoint(e.getKey(), t.rewards, t.sum / t.rewards, t.kept, t.filtered));
      kept += t.kept;
      filtered += t.filtered;
    }
    int n = (int) Math.min(rewards, RECENT);
    double recentSum = 0;
    for (int i = 0; i < n; i++) {
      recentSum += recent[i];
    }
    return new Snapshot(
        rewards,
        tasksRewarded.size(),
        n == 0 ? Double.NaN : recentSum / n,
        kept,
        filtered,
        newestVersion,
        List.copyOf(curve));
  }

  /** The newest version of the run's policy seen on the topic and its weights, or null. */
  synchronized VersionedWeights newestWeights() {
    return newestWeights == null ? null : new VersionedWeights(newestVersion, newestWeights);
  }

  record VersionedWeights(long version, byte[] weights) {}

  /**
   * Waits until the monitor has read the step rewards up to {@code ends} (the last stable offsets,
   * read by the caller when the services had stopped), so the final tallies miss none.
   *
   * @return whether it caught up within {@code timeout}
   */
  boolean awaitRewardsUpTo(Map<TopicPartition, Long> ends, Duration timeout)
      throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline && failure == null) {
      Map<TopicPartition, Long> read = positions;
      if (ends.entrySet().stream()
          .allMatch(e -> read.getOrDefault(e.getKey(), -1L) >= e.getValue())) {
        return true;
      }
      Thread.sleep(50);
    }
    return false;
  }

  /** The error that stopped the monitor, or null. */
  Throwable failure() {
    return failure;
  }

  @Override
  public void close() {
    running.set(false);
    consumer.wakeup();
    try {
      thread.join(5_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    if (!thread.isAlive()) {
      consumer.close(Duration.ofSeconds(2));
    }
  }
}
