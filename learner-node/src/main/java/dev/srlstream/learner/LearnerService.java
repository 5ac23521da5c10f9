package dev.srlstream.learner;

import dev.srlstream.policy.WeightsCodec;
import dev.srlstream.schemas.AvroBytes;
import dev.srlstream.schemas.BrokerProbe;
import dev.srlstream.schemas.DeadLetters;
import dev.srlstream.schemas.Health;
import dev.srlstream.schemas.PolicyNames;
import dev.srlstream.schemas.Topics;
import dev.srlstream.schemas.avro.DeadLetter;
import dev.srlstream.schemas.avro.PolicyVersion;
import dev.srlstream.schemas.avro.TrainedBatch;
import dev.srlstream.schemas.avro.TrainingGroup;
import dev.srlstream.schemas.avro.TrainingMode;
import dev.srlstream.schemas.registry.SchemaRegistry;
import dev.srlstream.schemas.serde.AvroSerde;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.ProducerFencedException;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The learner's Kafka side: consumes training groups, has the {@link Trainer} update the policy
 * once per batch of B, and publishes each new version.
 *
 * <p><b>Exactly once.</b> Each version is committed in one Kafka transaction together with the
 * input offsets it consumed (and the dead letters of the groups it refused), so the committed
 * versions and the committed offsets always agree: a crash neither trains on a group twice nor
 * skips one. The checkpoint of version v+1 is written to disk <em>before</em> that transaction
 * commits; on start the learner reads the last committed version from {@code srl.policy-versions}
 * and resumes from the checkpoint of exactly that version (the store keeps at least two), with the
 * consumer at the group's committed offsets, which are that version's. A transaction that fails is
 * aborted and the trainer rolled back to the committed checkpoint, so the weights never run ahead
 * of what Kafka says was consumed.
 */
public final class LearnerService implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(LearnerService.class);

  /**
   * How often the offsets of records passed over without training (other policies' groups, dead
   * letters, stale groups) are committed while no version is published: the actors measure the work
   * waiting for the learner by its committed offsets, so a learner that met only other policies'
   * groups must not look as if it had not read them.
   */
  private static final Duration PROGRESS_COMMIT_INTERVAL = Duration.ofSeconds(1);

  static final String SERVICE = "learner-node";

  /**
   * The least time the training loop may go without committing (or finding nothing to commit)
   * before {@code /health} says it is stuck; three times the longest update so far if that is
   * longer, since nothing is committed while an update trains.
   */
  static final Duration MIN_COMMIT_SILENCE = Duration.ofSeconds(60);

  /**
   * @param bootstrapServers the Kafka cluster
   * @param learner the learner's settings
   * @param groupsTopic where training groups come from (a replay can name a recorded one)
   * @param kafkaOverrides further client settings, passed through
   */
  public record Settings(
      String bootstrapServers,
      LearnerConfig learner,
      String groupsTopic,
      Map<String, Object> kafkaOverrides) {
    public Settings {
      Objects.requireNonNull(bootstrapServers, "bootstrapServers must be host:port, but was null");
      Objects.requireNonNull(learner, "learner");
      Objects.requireNonNull(groupsTopic, "groupsTopic");
      kafkaOverrides = kafkaOverrides == null ? Map.of() : Map.copyOf(kafkaOverrides);
    }
  }

  private final Settings settings;
  private final Trainer trainer;
  private final CheckpointStore checkpoints;
  private final AvroSerde<TrainingGroup> groupSerde;
  private final AvroSerde<PolicyVersion> versionSerde;
  private final AvroSerde<DeadLetter> deadLetterSerde;
  private final KafkaConsumer<byte[], byte[]> consumer;
  private final KafkaProducer<String, byte[]> producer;
  private final LearnerCounters counters;
  private final BrokerProbe probe;
  private final GroupBatcher batcher;

  // Where the held groups came from and what was passed over, for each version's trained_batch.
  private final TrainedBatches trainedBatches = new TrainedBatches();

  /** The version the weights are at, committed to Kafka. */
  private long version;

  private long groupsTrained;
  private final Map<TopicPartition, Long> nextOffsets = new HashMap<>();
  // Per partition, the offset of the first group held in the batch and not yet trained: no commit
  // may pass it, or a crash would lose the held groups.
  private final Map<TopicPartition, Long> heldFrom = new HashMap<>();
  private Map<TopicPartition, Long> committedOffsets = Map.of();
  private long lastCommitNanos = System.nanoTime();
  private final List<PendingLetter> pendingDeadLetters = new ArrayList<>();

  /** A dead letter waiting for the commit of the offset past its record. */
  private record PendingLetter(
      TopicPartition partition, long offset, ProducerRecord<String, byte[]> letter) {}

  private final Deque<ConsumerRecord<byte[], byte[]>> unprocessed = new ArrayDeque<>();

  // The training loop's state: written by the thread running it, read by /health's.
  private volatile boolean looping;
  private volatile String notLooping = "the training loop has not started";
  // The last time the loop committed, or found nothing to commit.
  private volatile long settledNanos = System.nanoTime();
  private volatile long longestUpdateNanos;

  private LearnerService(
      Settings settings, Trainer trainer, SchemaRegistry registry, MeterRegistry meterRegistry) {
    this.settings = settings;
    this.trainer = trainer;
    this.counters = new LearnerCounters(meterRegistry);
    LearnerConfig config = settings.learner();
    this.checkpoints = new CheckpointStore(config.checkpointDir(), config.keepCheckpoints());
    this.groupSerde = new AvroSerde<>(TrainingGroup.class, registry);
    this.versionSerde = new AvroSerde<>(PolicyVersion.class, registry);
    this.deadLetterSerde = new AvroSerde<>(DeadLetter.class, registry);
    this.batcher =
        new GroupBatcher(
            config.batchGroups(),
            config.maxStaleness(),
            config.stalenessPolicy(),
            trainer.vocabSize(),
            trainer.contextLength());
    this.consumer = new KafkaConsumer<>(consumerConfig(settings));
    this.producer = new KafkaProducer<>(producerConfig(settings));
    // The clients retry on their own while the cluster is gone: the probe shows it.
    this.probe =
        BrokerProbe.start(
            settings.bootstrapServers(), settings.kafkaOverrides(), config.clientId());
    counters.watch(probe::reachable);
  }

  /**
   * Connects, fences any earlier learner of the same policy, and resumes from the last committed
   * version (publishing the trainer's initial weights as version 0 if there is none).
   */
  public static LearnerService start(Settings settings, Trainer trainer, SchemaRegistry registry) {
    return start(
        settings, trainer, registry, new PrometheusMeterRegistry(PrometheusConfig.DEFAULT));
  }

  /**
   * Starts as {@link #start(Settings, Trainer, SchemaRegistry)} does, with the meters ({@link
   * LearnerCounters}, {@code srl_learner_broker_reachable}) on the process's registry.
   */
  public static LearnerService start(
      Settings settings, Trainer trainer, SchemaRegistry registry, MeterRegistry meterRegistry) {
    LearnerService service = new LearnerService(settings, trainer, registry, meterRegistry);
    try {
      service.resume();
    } catch (RuntimeException e) {
      service.close();
      throw e;
    }
    return service;
  }

  static Map<String, Object> consumerConfig(Settings s) {
    Map<String, Object> c = new HashMap<>();
    c.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, s.bootstrapServers());
    c.put(ConsumerConfig.GROUP_ID_CONFIG, s.learner().clientId());
    // Static membership under the same stable id as the transactional producer: the learner is its
    // policy's only member, so a learner restarted after a crash takes the partitions back at once
    // instead of waiting out the dead member's session (45 s by default), and a second learner of
    // the same policy fences the first here as its producer does.
    c.put(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG, s.learner().clientId());
    c.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    c.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    c.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    // Small fetches, so that a backlog is read from every partition in turn: staleness is measured
    // against the newest sampling version trained so far, and fresh groups of a partition read
    // first would make the backlog still waiting in the others look stale (GroupBatcher).
    c.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, 64 * 1024);
    c.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
    c.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
    c.putAll(s.kafkaOverrides());
    return c;
  }

  private static Map<String, Object> producerConfig(Settings s) {
    Map<String, Object> c = new HashMap<>();
    c.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, s.bootstrapServers());
    // One transactional id per policy: a second learner of the same policy fences this one.
    c.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, s.learner().clientId());
    c.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, Topics.POLICY_VERSION_MAX_BYTES);
    c.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class);
    c.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
    c.putAll(s.kafkaOverrides());
    return c;
  }

  private void resume() {
    producer.initTransactions();
    Optional<PolicyVersion> committed =
        PolicyVersions.latest(
            settings.bootstrapServers(),
            settings.kafkaOverrides(),
            settings.learner().policyName(),
            versionSerde);
    if (committed.isEmpty()) {
      version = 0;
      commit(null, Map.of("initial", 1.0), TrainingMode.SRL);
      log.info("no version of policy {} yet: published the initial weights as version 0", policy());
    } else {
      PolicyVersion v = committed.get();
      version = v.getVersion();
      groupsTrained = v.getGroupsTrained();
      if (checkpoints.versions().contains(version)) {
        // Staleness is measured as before the stop, so the rest of a backlog is not dropped.
        batcher.reset(restoreFrom(version).freshestSampledVersion());
        log.info(
            "resumed policy {} at version {} from {}", policy(), version, checkpoints.directory());
      } else {
        // The disk lost the checkpoint (a new machine): the weights travel in the version record.
        trainer.restore(AvroBytes.toArray(v.getWeights()), new byte[0]);
        log.warn(
            "no checkpoint of version {} in {}: resumed from the weights in {} with a fresh"
                + " optimiser state",
            version,
            checkpoints.directory(),
            Topics.POLICY_VERSIONS.name());
      }
    }
    consumer.subscribe(List.of(settings.groupsTopic()));
  }

  /**
   * Trains until {@code keepGoing} is false or the version budget is spent; {@link #health()} is
   * ready only while this runs.
   */
  public void run(BooleanSupplier keepGoing) {
    looping = true;
    try {
      train(keepGoing);
      notLooping = "the training loop has ended";
    } catch (RuntimeException | Error e) {
      notLooping = "the training loop failed: " + e;
      throw e;
    } finally {
      looping = false;
    }
  }

  private void train(BooleanSupplier keepGoing) {
    long budget = settings.learner().maxVersions();
    long startVersion = version;
    while (keepGoing.getAsBoolean() && (budget == 0 || version - startVersion < budget)) {
      if (System.nanoTime() - lastCommitNanos > PROGRESS_COMMIT_INTERVAL.toNanos()) {
        commitProgress();
      }
      if (unprocessed.isEmpty()) {
        // Nothing left to process: the learner waits for input, however long the poll blocks.
        long waitFrom = System.nanoTime();
        consumer.poll(Duration.ofMillis(200)).forEach(unprocessed::add);
        counters.waitingSeconds.increment((System.nanoTime() - waitFrom) / 1e9);
        if (unprocessed.isEmpty()) {
          commitProgress();
          continue;
        }
      }
      ConsumerRecord<byte[], byte[]> record = unprocessed.poll();
      TopicPartition partition = new TopicPartition(record.topic(), record.partition());
      if (offer(record)) {
        heldFrom.putIfAbsent(partition, record.offset());
      }
      nextOffsets.put(partition, record.offset() + 1);
      if (batcher.full()) {
        long started = System.nanoTime();
        List<WeightedGroup> batch = batcher.take();
        heldFrom.clear(); // the whole batch is trained and committed with this version
        TrainedBatch trained =
            trainedBatches.take(
                settings.groupsTopic(),
                batch,
                TrainedBatches.settingsJson(settings.learner(), trainer.settings()));
        Map<String, Double> metrics = trainer.train(batch);
        batch.forEach(counters::trained);
        counters.lastMetrics(metrics);
        groupsTrained += batch.size();
        version++;
        commit(trained, metrics, batch.get(0).group().getMode());
        long took = System.nanoTime() - started;
        longestUpdateNanos = Math.max(longestUpdateNanos, took);
        counters.updated(Duration.ofNanos(took));
      }
    }
  }

  /**
   * Hands a record to the batcher, or counts, drops or dead-letters it.
   *
   * @return whether the batcher now holds it for the next update
   */
  private boolean offer(ConsumerRecord<byte[], byte[]> record) {
    TrainingGroup group;
    try {
      group =
          record.value() == null ? null : groupSerde.deserialize(record.topic(), record.value());
    } catch (SerializationException e) {
      deadLetter(record, "UNDECODABLE", e.getMessage(), null);
      trainedBatches.dropped(
          record.partition(),
          record.offset(),
          record.key() == null ? "" : new String(record.key(), StandardCharsets.UTF_8),
          "undecodable: " + e.getMessage());
      return false;
    }
    if (group == null) {
      return false; // a tombstone carries no group
    }
    if (!PolicyNames.belongsTo(group.getPolicyName(), policy())) {
      // Another policy's group: its own learner (its own consumer group) trains on it.
      counters.foreignGroups.increment();
      if (counters.foreignGroups() == 1) {
        log.warn(
            "skipping training groups of other policies on {} (first: {} of policy {}); this"
                + " learner trains {}. They are counted in srl_learner_foreign_groups_total.",
            record.topic(),
            group.getGroupId(),
            PolicyNames.of(group.getPolicyName()),
            policy());
      }
      return false;
    }
    GroupBatcher.Outcome outcome = batcher.offer(group, version);
    if (outcome instanceof GroupBatcher.Outcome.DroppedStale stale) {
      counters.groupsDroppedStale.increment();
      trainedBatches.dropped(
          record.partition(),
          record.offset(),
          group.getGroupId(),
          "stale: sampled "
              + stale.staleness()
              + " versions behind (max_staleness "
              + settings.learner().maxStaleness()
              + ", "
              + settings.learner().stalenessPolicy()
              + ")");
    } else if (outcome instanceof GroupBatcher.Outcome.Invalid invalid) {
      deadLetter(record, "INVALID_FIELD", invalid.reason(), group.getGroupId());
      trainedBatches.dropped(
          record.partition(), record.offset(), group.getGroupId(), "invalid: " + invalid.reason());
    } else {
      trainedBatches.held(record.partition(), record.offset(), group.getGroupId());
    }
    return outcome instanceof GroupBatcher.Outcome.Added;
  }

  /**
   * Publishes the current version with the offsets consumed so far, in one transaction; on failure
   * rolls everything back to the last committed version.
   */
  private void commit(TrainedBatch trained, Map<String, Double> metrics, TrainingMode mode) {
    byte[] weights = trainer.exportWeights(version);
    Map<String, Long> offsets = new HashMap<>();
    nextOffsets.forEach((tp, o) -> offsets.put(tp.topic() + "-" + tp.partition(), o));
    String path =
        checkpoints
            .write(
                new Checkpoint(
                    policy(),
                    version,
                    groupsTrained,
                    weights,
                    trainer.exportOptimizerState(),
                    offsets,
                    batcher.freshest()))
            .toString();
    PolicyVersion record =
        PolicyVersion.newBuilder()
            .setPolicyName(policy())
            .setVersion(version)
            .setWeights(ByteBuffer.wrap(weights))
            .setWeightsSha256(WeightsCodec.sha256Hex(weights))
            .setArchitecture(trainer.architecture())
            .setMode(mode)
            .setGroupsTrained(groupsTrained)
            .setMetrics(metrics)
            .setCheckpointPath(path)
            .setCreatedAt(Instant.now())
            .setTrainedBatch(trained)
            .build();
    try {
      producer.beginTransaction();
      producer.send(
          new ProducerRecord<>(
              Topics.POLICY_VERSIONS.name(),
              policy(),
              versionSerde.serialize(Topics.POLICY_VERSIONS.name(), record)));
      pendingDeadLetters.forEach(p -> producer.send(p.letter()));
      sendOffsets();
      producer.commitTransaction();
    } catch (ProducerFencedException e) {
      throw new IllegalStateException(
          "another learner of policy " + policy() + " took over (transactional id fenced)", e);
    } catch (KafkaException e) {
      rollBack(e);
      return;
    }
    counters.deadLetters.increment(pendingDeadLetters.size());
    pendingDeadLetters.clear();
    committedOffsets = Map.copyOf(nextOffsets);
    lastCommitNanos = System.nanoTime();
    settledNanos = lastCommitNanos;
    counters.versionsPublished.increment();
    log.info(
        "published {} version {} after {} groups: {}", policy(), version, groupsTrained, metrics);
  }

  /**
   * Commits, without a version, the dead letters produced since the last commit and the offsets of
   * what was passed over without training (other policies' groups, refused and stale ones), up to
   * the first group held for the next update: the weights did not change, so the version and its
   * checkpoint still match what is committed, and a restarted learner reads the held groups again.
   */
  private void commitProgress() {
    lastCommitNanos = System.nanoTime();
    Map<TopicPartition, Long> offsets = safeOffsets();
    // Only the dead letters of records before those offsets: one after a held group is read
    // again after a crash, and must not be dead-lettered twice.
    List<PendingLetter> due =
        pendingDeadLetters.stream()
            .filter(p -> p.offset() < offsets.getOrDefault(p.partition(), 0L))
            .toList();
    if (due.isEmpty() && offsets.equals(committedOffsets)) {
      settledNanos = System.nanoTime(); // nothing to commit
      return;
    }
    try {
      producer.beginTransaction();
      due.forEach(p -> producer.send(p.letter()));
      sendOffsets(offsets);
      producer.commitTransaction();
      committedOffsets = offsets;
      settledNanos = System.nanoTime();
      counters.deadLetters.increment(due.size());
      pendingDeadLetters.removeAll(due);
    } catch (ProducerFencedException e) {
      throw new IllegalStateException(
          "another learner of policy " + policy() + " took over (transactional id fenced)", e);
    } catch (KafkaException e) {
      rollBack(e);
    }
  }

  /** The offsets read so far, but none past a group held for the next update. */
  private Map<TopicPartition, Long> safeOffsets() {
    Map<TopicPartition, Long> safe = new HashMap<>(nextOffsets);
    heldFrom.forEach((tp, first) -> safe.merge(tp, first, Math::min));
    return Map.copyOf(safe);
  }

  private void sendOffsets() {
    sendOffsets(nextOffsets);
  }

  private void sendOffsets(Map<TopicPartition, Long> next) {
    if (next.isEmpty()) {
      return; // version 0 is published before anything is consumed
    }
    Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
    next.forEach((tp, o) -> offsets.put(tp, new OffsetAndMetadata(o)));
    producer.sendOffsetsToTransaction(offsets, consumer.groupMetadata());
  }

  /** Aborts, restores the committed weights and rewinds the consumer to the committed offsets. */
  private void rollBack(KafkaException cause) {
    log.warn(
        "transaction for {} version {} failed, rolling back: {}",
        policy(),
        version,
        cause.toString());
    producer.abortTransaction();
    pendingDeadLetters.clear();
    trainedBatches.reset();
    unprocessed.clear();
    nextOffsets.clear();
    heldFrom.clear();
    committedOffsets = Map.of();
    Optional<PolicyVersion> committed =
        PolicyVersions.latest(
            settings.bootstrapServers(), settings.kafkaOverrides(), policy(), versionSerde);
    version = committed.map(PolicyVersion::getVersion).orElse(0L);
    Checkpoint restored = restoreFrom(version);
    groupsTrained = restored.groupsTrained();
    batcher.reset(restored.freshestSampledVersion());
    Map<TopicPartition, OffsetAndMetadata> committedOffsets =
        consumer.committed(consumer.assignment());
    committedOffsets.forEach((tp, o) -> consumer.seek(tp, o == null ? 0 : o.offset()));
  }

  /**
   * Restores the trainer from a checkpoint; one that is corrupt or belongs to another model is
   * refused with a message naming its directory.
   */
  private Checkpoint restoreFrom(long checkpointVersion) {
    Checkpoint checkpoint = checkpoints.read(checkpointVersion);
    try {
      trainer.restore(checkpoint.weights(), checkpoint.optimizerState());
    } catch (RuntimeException e) {
      throw new IllegalStateException(
          "checkpoint "
              + checkpoints.pathOf(checkpointVersion)
              + " cannot be loaded: "
              + e.getMessage(),
          e);
    }
    return checkpoint;
  }

  private void deadLetter(
      ConsumerRecord<byte[], byte[]> record, String reason, String message, String id) {
    DeadLetter letter =
        DeadLetters.of(
            SERVICE,
            reason,
            message,
            new DeadLetters.Source(
                record.topic(), record.partition(), record.offset(), record.timestamp()),
            id,
            record.key(),
            record.value(),
            System.currentTimeMillis());
    pendingDeadLetters.add(
        new PendingLetter(
            new TopicPartition(record.topic(), record.partition()),
            record.offset(),
            new ProducerRecord<>(
                Topics.DEAD_LETTERS.name(),
                record.topic(),
                deadLetterSerde.serialize(Topics.DEAD_LETTERS.name(), letter))));
  }

  /** The version the weights are at (the last one committed). */
  public long version() {
    return version;
  }

  public LearnerCounters counters() {
    return counters;
  }

  /**
   * The training loop as {@code /health} judges it.
   *
   * @param running whether {@link #run} is running
   * @param notRunning why not (not started, ended, failed with what)
   * @param sinceSettled the time since the loop last committed, or found nothing to commit
   * @param longestUpdate the longest update so far (train, checkpoint, publish)
   */
  record LoopState(
      boolean running, String notRunning, Duration sinceSettled, Duration longestUpdate) {}

  /** What {@code /health} answers now: see {@link #health(LoopState, boolean)}. */
  public Health health() {
    boolean running = looping;
    return health(
        new LoopState(
            running,
            notLooping,
            Duration.ofNanos(System.nanoTime() - settledNanos),
            Duration.ofNanos(longestUpdateNanos)),
        probe.reachable());
  }

  /**
   * Ready while the training loop runs, the cluster answers, and the loop has committed (or had
   * nothing to commit) within {@link #MIN_COMMIT_SILENCE} or three times the longest update,
   * whichever is longer: a loop stuck anywhere, or whose transactions keep failing, is not.
   */
  static Health health(LoopState loop, boolean brokerReachable) {
    if (!loop.running()) {
      return Health.notReady(loop.notRunning());
    }
    if (!brokerReachable) {
      return Health.notReady("the Kafka cluster does not answer");
    }
    Duration allowed = loop.longestUpdate().multipliedBy(3);
    if (allowed.compareTo(MIN_COMMIT_SILENCE) < 0) {
      allowed = MIN_COMMIT_SILENCE;
    }
    if (loop.sinceSettled().compareTo(allowed) > 0) {
      return Health.notReady(
          "nothing committed for "
              + loop.sinceSettled().toSeconds()
              + " s (allowed: "
              + allowed.toSeconds()
              + " s)");
    }
    return Health.OK;
  }

  private String policy() {
    return settings.learner().policyName();
  }

  @Override
  public void close() {
    consumer.close(Duration.ofSeconds(10));
    producer.close(Duration.ofSeconds(10));
    probe.close();
    counters.close();
  }
}
