package dev.srlstream.scorer;

import dev.srlstream.schemas.avro.DeadLetter;
import dev.srlstream.schemas.avro.ExpertStep;
import dev.srlstream.schemas.avro.GroupRollout;
import dev.srlstream.schemas.avro.StepReward;
import dev.srlstream.schemas.avro.TrainingGroup;
import dev.srlstream.schemas.registry.SchemaRegistry;
import dev.srlstream.schemas.serde.AvroSerde;
import dev.srlstream.scorer.avro.GroupProgress;
import dev.srlstream.scorer.avro.WaitingRollout;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.state.Stores;

/**
 * The scorer as a Kafka Streams topology, built by a pure function (no I/O until it runs):
 *
 * <pre>
 *   srl.rollout-steps ─┐                                  ┌─► srl.step-rewards    (one per rollout)
 *                      ├─► step-scorer (stores: experts, ─┼─► srl.training-groups (kept groups)
 *   srl.expert-steps ──┘    waiting, groups, seen)        └─► srl.dead-letters    (with reasons)
 * </pre>
 *
 * <p>Both inputs are keyed by {@code instance_id} and co-partitioned, so one task sees a rollout,
 * the expert step of its instance and every rollout of its group (a group is one instance): joins
 * and group assembly need no repartition. Inputs are read as bytes and decoded in the processor, so
 * an undecodable record becomes a dead letter with its coordinates instead of stopping the stream.
 * Run it with {@code processing.guarantee=exactly_once_v2}: outputs, store changes and input
 * offsets then commit in one transaction, so a crash neither loses nor repeats a reward or a group.
 */
public final class ScorerTopology {
  static final String ROLLOUTS_SOURCE = "rollout-steps";
  static final String EXPERTS_SOURCE = "expert-steps";
  static final String SCORER = "step-scorer";
  static final String REWARDS_SINK = "step-rewards";
  static final String GROUPS_SINK = "training-groups";
  static final String DEAD_LETTERS_SINK = "dead-letters";

  static final String EXPERT_STORE = "scorer-expert-steps";
  static final String WAITING_STORE = "scorer-waiting-rollouts";
  static final String GROUP_STORE = "scorer-pending-groups";
  static final String GROUP_PROGRESS_STORE = "scorer-group-progress";
  static final String PENDING_ROLLOUT_STORE = "scorer-pending-rollouts";
  static final String SEEN_STORE = "scorer-seen-rollouts";
  static final String TASK_LEDGER_STORE = "scorer-task-ledger";

  /** Expert steps kept decoded per stream thread. */
  static final int DECODED_EXPERTS = 4096;

  /**
   * Pending groups whose header and rollouts a stream thread remembers undecoded (see {@link
   * DecodeSkippingSerde}); a group beyond it is decoded from the store when it completes.
   */
  static final int REMEMBERED_GROUPS = 1024;

  /** Rollouts per remembered group. */
  static final int MAX_REMEMBERED_GROUP_SIZE = 16;

  private ScorerTopology() {}

  /**
   * The schemas the topology registers as it writes, by subject ({@code <topic>-value}): its output
   * topics' and its Avro stores' changelogs'. Kafka Streams names a store's changelog {@code
   * <application id>-<store>-changelog}. {@code ScorerTopologyTest} checks these are the very
   * subjects the running topology registers.
   */
  static Map<String, Schema> writtenSchemas(String applicationId, ScorerTopics topics) {
    Map<String, Schema> schemas = new LinkedHashMap<>();
    schemas.put(topics.stepRewards() + "-value", StepReward.getClassSchema());
    schemas.put(topics.trainingGroups() + "-value", TrainingGroup.getClassSchema());
    schemas.put(topics.deadLetters() + "-value", DeadLetter.getClassSchema());
    Map<String, Schema> stores =
        Map.of(
            EXPERT_STORE, ExpertStep.getClassSchema(),
            WAITING_STORE, WaitingRollout.getClassSchema(),
            GROUP_STORE, TrainingGroup.getClassSchema(),
            GROUP_PROGRESS_STORE, GroupProgress.getClassSchema(),
            PENDING_ROLLOUT_STORE, GroupRollout.getClassSchema());
    stores.forEach(
        (store, schema) -> schemas.put(applicationId + "-" + store + "-changelog-value", schema));
    return schemas;
  }

  /** The topology for live training on the catalogue's topics. */
  public static Topology build(
      ScorerConfig config, SchemaRegistry registry, ScorerCounters counters) {
    return build(config, ScorerTopics.LIVE, registry, counters);
  }

  /** The topology, reading and writing the given topics. */
  public static Topology build(
      ScorerConfig config, ScorerTopics topics, SchemaRegistry registry, ScorerCounters counters) {
    return build(config, topics, registry, counters, SegmentWarmup.NONE);
  }

  /** The topology, with its window stores' segments opened before the first rollout. */
  static Topology build(
      ScorerConfig config,
      ScorerTopics topics,
      SchemaRegistry registry,
      ScorerCounters counters,
      SegmentWarmup warmup) {
    AvroSerde<ExpertStep> expertSerde = new AvroSerde<>(ExpertStep.class, registry);
    AvroSerde<TrainingGroup> groupSerde = new AvroSerde<>(TrainingGroup.class, registry);
    Topology topology = new Topology();
    topology.addSource(
        ROLLOUTS_SOURCE,
        new ByteArrayDeserializer(),
        new ByteArrayDeserializer(),
        topics.rolloutSteps());
    topology.addSource(
        EXPERTS_SOURCE,
        new ByteArrayDeserializer(),
        new ByteArrayDeserializer(),
        topics.expertSteps());
    topology.addProcessor(
        SCORER,
        () -> new StepScorer(config, topics, registry, counters, warmup),
        ROLLOUTS_SOURCE,
        EXPERTS_SOURCE);
    // Each expert step is read for every rollout of its instance: decoded once, while it is among
    // the most recently read (scorer benchmark: 2.5% of the stream thread decoded expert steps).
    topology.addStateStore(
        Stores.keyValueStoreBuilder(
            Stores.persistentKeyValueStore(EXPERT_STORE),
            Serdes.String(),
            new ContentMemoSerde<>(expertSerde, DECODED_EXPERTS)),
        SCORER);
    topology.addStateStore(
        Stores.keyValueStoreBuilder(
            Stores.persistentKeyValueStore(WAITING_STORE),
            Serdes.String(),
            new AvroSerde<>(WaitingRollout.class, registry)),
        SCORER);
    // A pending group lives in three stores: its header (with the prompt) and each scored rollout
    // are written once, and a small progress record is rewritten per rollout; all are deleted when
    // the group completes, usually within one commit interval. The record cache
    // (statestore.cache.max.bytes, shared by the stream threads) keeps those short-lived writes in
    // memory and flushes only the latest value of each key, or its delete, to RocksDB and the
    // changelog before each commit, so the changelog stays consistent with the outputs under
    // exactly_once_v2 (scorer benchmark, 40k rollouts: the pending-group changelog fell from
    // 145 MiB to 1.4 MiB with caching on). A header or rollout is read back from the cache when its
    // group completes, as the very array its put gave: DecodeSkippingSerde hands back the record
    // that array was encoded from instead of decoding it.
    topology.addStateStore(
        Stores.keyValueStoreBuilder(
                Stores.persistentKeyValueStore(GROUP_STORE),
                Serdes.String(),
                new DecodeSkippingSerde<>(
                    new AvroSerde<>(TrainingGroup.class, registry), REMEMBERED_GROUPS))
            .withCachingEnabled(),
        SCORER);
    topology.addStateStore(
        Stores.keyValueStoreBuilder(
                Stores.persistentKeyValueStore(GROUP_PROGRESS_STORE),
                Serdes.String(),
                new AvroSerde<>(GroupProgress.class, registry))
            .withCachingEnabled(),
        SCORER);
    topology.addStateStore(
        Stores.keyValueStoreBuilder(
                Stores.persistentKeyValueStore(PENDING_ROLLOUT_STORE),
                Serdes.String(),
                new DecodeSkippingSerde<>(
                    new AvroSerde<>(GroupRollout.class, registry),
                    REMEMBERED_GROUPS * MAX_REMEMBERED_GROUP_SIZE))
            .withCachingEnabled(),
        SCORER);
    Duration retention = config.duplicateRetention();
    topology.addStateStore(
        Stores.windowStoreBuilder(
            Stores.persistentWindowStore(SEEN_STORE, retention, Duration.ofMillis(1), false),
            Serdes.String(),
            Serdes.Long()),
        SCORER);
    // task id -> the group id that decided it, for as long as rollout ids are remembered: a task
    // is trained at most once, whatever version a redo of it is sampled under.
    topology.addStateStore(
        Stores.windowStoreBuilder(
            Stores.persistentWindowStore(TASK_LEDGER_STORE, retention, Duration.ofMillis(1), false),
            Serdes.String(),
            Serdes.String()),
        SCORER);
    topology.addSink(
        REWARDS_SINK,
        topics.stepRewards(),
        new StringSerializer(),
        new AvroSerde<>(StepReward.class, registry).serializer(),
        SCORER);
    topology.addSink(
        GROUPS_SINK,
        topics.trainingGroups(),
        new StringSerializer(),
        groupSerde.serializer(),
        SCORER);
    topology.addSink(
        DEAD_LETTERS_SINK,
        topics.deadLetters(),
        new StringSerializer(),
        new AvroSerde<>(DeadLetter.class, registry).serializer(),
        SCORER);
    return topology;
  }
}
