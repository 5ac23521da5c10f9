package dev.srlstream.scorer;

import dev.srlstream.method.advantage.GroupAdvantages;
import dev.srlstream.method.reward.ActionAlignment;
import dev.srlstream.method.reward.ModeRewards;
import dev.srlstream.method.reward.Reward;
import dev.srlstream.schemas.AvroBytes;
import dev.srlstream.schemas.DeadLetters;
import dev.srlstream.schemas.DeadLetters.Source;
import dev.srlstream.schemas.PolicyNames;
import dev.srlstream.schemas.WarmupRecords;
import dev.srlstream.schemas.avro.DeadLetter;
import dev.srlstream.schemas.avro.ExpertStep;
import dev.srlstream.schemas.avro.GroupRollout;
import dev.srlstream.schemas.avro.RolloutStep;
import dev.srlstream.schemas.avro.StepReward;
import dev.srlstream.schemas.avro.TrainingGroup;
import dev.srlstream.schemas.avro.TrainingMode;
import dev.srlstream.schemas.registry.SchemaRegistry;
import dev.srlstream.schemas.serde.AvroSerde;
import dev.srlstream.scorer.avro.GroupProgress;
import dev.srlstream.scorer.avro.WaitingRollout;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.WindowStore;
import org.apache.kafka.streams.state.WindowStoreIterator;

/**
 * Scores rollout steps against expert steps and assembles scored groups; see {@link ScorerTopology}
 * for where it sits. For each rollout step, in order:
 *
 * <ol>
 *   <li>decode it, check its fields, and check its rollout id was not seen before;
 *   <li>find the expert step of its instance, or wait for a late one (up to the grace period);
 *   <li>check that no other group of its task was decided already (the task ledger);
 *   <li>reward it and emit a StepReward;
 *   <li>add it to its group; a full group gets GRPO advantages and is emitted if it passes dynamic
 *       sampling. A group still incomplete after the timeout is emitted partial or dropped.
 * </ol>
 *
 * Any record that fails a step goes to the dead letters with its reason and source coordinates, and
 * processing goes on.
 *
 * <p><b>At most one trained group per task.</b> A rollout id names its version ({@code
 * task/v<version>/i}), so a task sampled twice (an actor that crashed or lost its partition before
 * committing the task's offset, and a redo under a newer version) gives two sets of fresh ids that
 * the duplicate check cannot see. The task ledger closes that gap: the first group of a task to be
 * decided (emitted, or filtered as all alike) is recorded under the task id, in the same
 * exactly-once transaction as its output; a rollout of any other group of that task is then
 * dead-lettered as {@code DUPLICATE_TASK}, and another group of it still pending when it completes
 * is dropped and counted. A group dropped incomplete after the timeout decides nothing, so its redo
 * is trained: nothing lost, nothing twice. Every decision depends only on the stores, which Kafka
 * Streams restores from their changelogs, so a restarted scorer continues where the last commit
 * left it.
 */
final class StepScorer implements Processor<byte[], byte[], String, Object> {
  static final String SERVICE = "scorer-stream";
  private static final char KEY_SEPARATOR = '\u0000';

  private final ScorerConfig config;
  private final ScorerTopics topics;
  private final ScorerCounters counters;
  private final ModeRewards rewards;
  private final AvroSerde<RolloutStep> rolloutSerde;
  private final AvroSerde<ExpertStep> expertSerde;
  private final SegmentWarmup warmup;

  private ProcessorContext<String, Object> context;
  private KeyValueStore<String, ExpertStep> experts;
  private KeyValueStore<String, WaitingRollout> waiting;
  private KeyValueStore<String, TrainingGroup> groups;
  private KeyValueStore<String, GroupProgress> groupProgress;
  private KeyValueStore<String, GroupRollout> pendingRollouts;
  private WindowStore<String, Long> seen;
  private WindowStore<String, String> taskLedger;

  StepScorer(
      ScorerConfig config,
      ScorerTopics topics,
      SchemaRegistry registry,
      ScorerCounters counters,
      SegmentWarmup warmup) {
    this.config = config;
    this.topics = topics;
    this.counters = counters;
    this.warmup = warmup;
    this.rewards = new ModeRewards(config.autojunk());
    this.rolloutSerde = new AvroSerde<>(RolloutStep.class, registry);
    this.expertSerde = new AvroSerde<>(ExpertStep.class, registry);
  }

  @Override
  public void init(ProcessorContext<String, Object> context) {
    this.context = context;
    this.experts = context.getStateStore(ScorerTopology.EXPERT_STORE);
    this.waiting = context.getStateStore(ScorerTopology.WAITING_STORE);
    this.groups = context.getStateStore(ScorerTopology.GROUP_STORE);
    this.groupProgress = context.getStateStore(ScorerTopology.GROUP_PROGRESS_STORE);
    this.pendingRollouts = context.getStateStore(ScorerTopology.PENDING_ROLLOUT_STORE);
    this.seen = context.getStateStore(ScorerTopology.SEEN_STORE);
    this.taskLedger = context.getStateStore(ScorerTopology.TASK_LEDGER_STORE);
    // Timeouts are in wall-clock time: a straggler is late in real time, whatever the records say.
    context.schedule(
        config.punctuateInterval(), PunctuationType.WALL_CLOCK_TIME, this::expireTimeouts);
    if (warmup.enabled()) {
      warmUpSegments(); // before the task reads its first record
    }
  }

  /** Opens the window stores' segments before the first rollout: see {@link SegmentWarmup}. */
  private void warmUpSegments() {
    seen.put(SegmentWarmup.KEY, null, warmup.timestamp());
    taskLedger.put(SegmentWarmup.KEY, null, warmup.timestamp());
    warmup.warmed(context.taskId());
  }

  @Override
  public void process(Record<byte[], byte[]> record) {
    RecordMetadata meta = context.recordMetadata().orElseThrow();
    Source source = new Source(meta.topic(), meta.partition(), meta.offset(), record.timestamp());
    if (WarmupRecords.isWarmup(record.headers())) {
      return; // the topic provisioner's warm-up tombstone on a compacted topic; never data
    }
    if (meta.topic().equals(topics.expertSteps())) {
      onExpertStep(record, source);
    } else {
      onRolloutStep(record, source);
    }
  }

  private void onExpertStep(Record<byte[], byte[]> record, Source source) {
    String key = keyOf(record);
    if (record.value() == null) {
      experts.put(key, null); // a tombstone retires an instance (put: no decode of the old value)
      return;
    }
    ExpertStep expert;
    try {
      expert = expertSerde.deserialize(source.topic(), record.value());
    } catch (SerializationException e) {
      deadLetter(DeadLetterReason.UNDECODABLE, e.getMessage(), source, null, record);
      return;
    }
    if (!expert.getInstanceId().equals(key)) {
      deadLetter(
          DeadLetterReason.INVALID_FIELD,
          "the record key must equal instance_id '"
              + expert.getInstanceId()
              + "', but was '"
              + key
              + "'",
          source,
          expert.getInstanceId(),
          record);
      return;
    }
    experts.put(key, expert);
    // Rollouts that arrived before their expert step are scored now, in arrival order.
    for (KeyValue<String, WaitingRollout> entry : waitingFor(key)) {
      waiting.put(entry.key, null); // a delete that does not decode the old value
      WaitingRollout w = entry.value;
      RolloutStep rollout =
          rolloutSerde.deserialize(w.getSourceTopic(), AvroBytes.toArray(w.getValue()));
      Source waitedSource =
          new Source(
              w.getSourceTopic(),
              w.getSourcePartition(),
              w.getSourceOffset(),
              w.getSourceTimestamp());
      score(
          rollout,
          expert,
          waitedSource,
          AvroBytes.toArray(w.getKey()),
          AvroBytes.toArray(w.getValue()),
          record.timestamp());
    }
  }

  private void onRolloutStep(Record<byte[], byte[]> record, Source source) {
    String key = keyOf(record);
    if (record.value() == null) {
      deadLetter(
          DeadLetterReason.INVALID_FIELD,
          "a rollout step must have a value, but was null",
          source,
          null,
          record);
      return;
    }
    RolloutStep rollout;
    try {
      rollout = rolloutSerde.deserialize(source.topic(), record.value());
    } catch (SerializationException e) {
      deadLetter(DeadLetterReason.UNDECODABLE, e.getMessage(), source, null, record);
      return;
    }
    if (!PolicyNames.belongsTo(rollout.getPolicyName(), config.policyName())) {
      // Another policy's scorer (its own application id) rewards it, and checks it.
      counters.foreignRollouts.increment();
      return;
    }
    Optional<String> problem = RolloutChecks.problem(key, rollout, config.maxResponseChars());
    if (problem.isPresent()) {
      deadLetter(
          DeadLetterReason.INVALID_FIELD, problem.get(), source, rollout.getRolloutId(), record);
      return;
    }
    if (seenBefore(rollout.getRolloutId(), record.timestamp())) {
      deadLetter(
          DeadLetterReason.DUPLICATE_ROLLOUT,
          "rollout_id " + rollout.getRolloutId() + " was seen before",
          source,
          rollout.getRolloutId(),
          record);
      return;
    }
    ExpertStep expert = experts.get(key);
    if (expert == null) {
      waiting.put(
          key + KEY_SEPARATOR + rollout.getRolloutId(),
          WaitingRollout.newBuilder()
              .setArrivedAt(context.currentSystemTimeMs())
              .setSourceTopic(source.topic())
              .setSourcePartition(source.partition())
              .setSourceOffset(source.offset())
              .setSourceTimestamp(source.timestamp())
              .setKey(ByteBuffer.wrap(record.key() == null ? new byte[0] : record.key()))
              .setValue(ByteBuffer.wrap(record.value()))
              .build());
      return;
    }
    score(rollout, expert, source, record.key(), record.value(), record.timestamp());
  }

  /** Remembers the rollout id and says whether it was already remembered. */
  private boolean seenBefore(String rolloutId, long timestamp) {
    // The long-millis fetch, not the Instant one: WindowStore's Instant overload formats its
    // validation messages with String.format on every call (2-5% of the stream thread's samples in
    // the scorer benchmark). The same range: all time (puts are clamped to >= 0).
    try (WindowStoreIterator<Long> it = seen.fetch(rolloutId, 0L, Long.MAX_VALUE)) {
      if (it.hasNext()) {
        return true;
      }
    }
    seen.put(rolloutId, timestamp, Math.max(0, timestamp));
    return false;
  }

  /** The group other than {@code groupId} that decided {@code taskId}, or null if none did. */
  private String decidedByAnother(String taskId, String groupId) {
    try (WindowStoreIterator<String> it = taskLedger.fetch(taskId, 0L, Long.MAX_VALUE)) {
      String decided = it.hasNext() ? it.next().value : null;
      return groupId.equals(decided) ? null : decided;
    }
  }

  private void score(
      RolloutStep rollout,
      ExpertStep expert,
      Source source,
      byte[] key,
      byte[] value,
      long timestamp) {
    Optional<String> problem = RolloutChecks.problem(rollout, expert);
    if (problem.isPresent()) {
      deadLetter(
          DeadLetterReason.INVALID_FIELD,
          problem.get(),
          source,
          rollout.getRolloutId(),
          key,
          value);
      return;
    }
    String decidedBy = decidedByAnother(rollout.getTaskId(), rollout.getGroupId());
    if (decidedBy != null) {
      deadLetter(
          DeadLetterReason.DUPLICATE_TASK,
          "task "
              + rollout.getTaskId()
              + " was decided as group "
              + decidedBy
              + "; group "
              + rollout.getGroupId()
              + " samples it again",
          source,
          rollout.getRolloutId(),
          key,
          value);
      return;
    }
    GroupProgress progress = groupProgress.get(rollout.getGroupId());
    if (progress != null) {
      boolean indexTaken =
          pendingRollouts.get(rolloutKey(rollout.getGroupId(), rollout.getRolloutIndex())) != null;
      Optional<String> groupProblem = RolloutChecks.problem(rollout, progress, indexTaken);
      if (groupProblem.isPresent()) {
        deadLetter(
            DeadLetterReason.INVALID_FIELD,
            groupProblem.get(),
            source,
            rollout.getRolloutId(),
            key,
            value);
        return;
      }
    }
    // The mode whose reward applies: the rollout's own, unless the config names one (a replay).
    TrainingMode rewardMode = config.similarityReward().rewardModeFor(rollout.getMode());
    Reward reward = rewards.score(rewardMode, rollout.getResponseText(), expert);
    long now = context.currentSystemTimeMs();
    StepReward stepReward =
        StepReward.newBuilder()
            .setRolloutId(rollout.getRolloutId())
            .setGroupId(rollout.getGroupId())
            .setInstanceId(rollout.getInstanceId())
            .setProblemId(rollout.getProblemId())
            .setMode(rollout.getMode())
            .setStepIndex(rollout.getStepIndex())
            .setRolloutIndex(rollout.getRolloutIndex())
            .setPolicyVersion(rollout.getPolicyVersion())
            .setActorId(rollout.getActorId())
            .setReward(reward.reward())
            .setSimilarity(reward.similarity())
            .setFormatOk(reward.formatOk())
            .setReason(reward.reason())
            .setRewardConfig(rewards.forMode(rewardMode).config())
            .setRolloutSampledAt(rollout.getSampledAt())
            .setScoredAt(Instant.ofEpochMilli(now))
            .setPolicyName(config.policyName())
            .build();
    context.forward(
        new Record<String, Object>(rollout.getGroupId(), stepReward, timestamp),
        ScorerTopology.REWARDS_SINK);
    counters.rewards.increment();
    addToGroup(progress, rollout, stepReward, reward.alignment(), timestamp);
  }

  /**
   * Stores a scored rollout in its group; the last one completes the group. The group's header
   * (with the prompt) and each rollout are written once; only the small progress record is
   * rewritten per rollout, so a rollout costs the same whatever the group size.
   */
  private void addToGroup(
      GroupProgress progress,
      RolloutStep rollout,
      StepReward reward,
      ActionAlignment alignment,
      long timestamp) {
    String groupId = rollout.getGroupId();
    if (progress == null) {
      groups.put(
          groupId,
          TrainingGroup.newBuilder()
              .setGroupId(groupId)
              .setTaskId(rollout.getTaskId())
              .setInstanceId(rollout.getInstanceId())
              .setProblemId(rollout.getProblemId())
              .setMode(rollout.getMode())
              .setStepIndex(rollout.getStepIndex())
              .setPolicyVersion(rollout.getPolicyVersion())
              .setExpectedSize(rollout.getGroupSize())
              .setComplete(false)
              .setPromptTokenIds(rollout.getPromptTokenIds())
              .setRollouts(List.of())
              .setRewardMean(0)
              .setRewardStd(0)
              .setRewardConfig(reward.getRewardConfig())
              .setAssembledAt(Instant.ofEpochMilli(context.currentSystemTimeMs()))
              .setPolicyName(config.policyName())
              .build());
      progress =
          GroupProgress.newBuilder()
              .setInstanceId(rollout.getInstanceId())
              .setPolicyVersion(rollout.getPolicyVersion())
              .setExpectedSize(rollout.getGroupSize())
              .setArrived(0)
              .setStartedAt(context.currentSystemTimeMs())
              .build();
    }
    pendingRollouts.put(
        rolloutKey(groupId, rollout.getRolloutIndex()),
        GroupRollout.newBuilder()
            .setRolloutId(rollout.getRolloutId())
            .setRolloutIndex(rollout.getRolloutIndex())
            .setActorId(rollout.getActorId())
            .setResponseTokenIds(rollout.getResponseTokenIds())
            .setBehaviourLogprobs(rollout.getBehaviourLogprobs())
            // The learner scores each segment in the context it was sampled in.
            .setSegments(rollout.getSegments())
            .setReward(reward.getReward())
            .setAdvantage(0)
            .setFormatOk(reward.getFormatOk())
            .setAlignment(alignment == null ? null : toRecord(alignment))
            .build());
    progress.setArrived(progress.getArrived() + 1);
    if (progress.getArrived() == progress.getExpectedSize()) {
      finish(groupId, true, timestamp);
    } else {
      groupProgress.put(groupId, progress);
    }
  }

  private static dev.srlstream.schemas.avro.ActionAlignment toRecord(ActionAlignment alignment) {
    return dev.srlstream.schemas.avro.ActionAlignment.newBuilder()
        .setTextBytes(alignment.textBytes())
        .setActionStart(alignment.actionStart())
        .setActionEnd(alignment.actionEnd())
        .setMatched(Arrays.stream(alignment.matched()).boxed().toList())
        .build();
  }

  /**
   * Computes the advantages, applies dynamic sampling, emits or counts, and forgets the group.
   * Returns false, having emitted nothing, when another group of its task was decided first.
   */
  private boolean finish(String groupId, boolean complete, long timestamp) {
    TrainingGroup group = groups.get(groupId);
    List<GroupRollout> rollouts = forget(groupId);
    if (decidedByAnother(group.getTaskId(), groupId) != null) {
      // Two samplings of the task were in flight at once and the other one finished first.
      counters.duplicateTaskGroups.increment();
      return false;
    }
    taskLedger.put(group.getTaskId(), groupId, Math.max(0, timestamp));
    rollouts.sort(Comparator.comparingInt(GroupRollout::getRolloutIndex));
    double[] rewardValues = rollouts.stream().mapToDouble(GroupRollout::getReward).toArray();
    GroupAdvantages advantages = GroupAdvantages.of(rewardValues);
    if (!advantages.keep(config.dynamicSamplingEpsilon())) {
      counters.groupsFiltered.increment();
      return true;
    }
    for (int i = 0; i < rollouts.size(); i++) {
      rollouts.get(i).setAdvantage(advantages.advantages()[i]);
    }
    group.setRollouts(rollouts);
    group.setComplete(complete);
    group.setRewardMean(advantages.mean());
    group.setRewardStd(advantages.std());
    group.setAssembledAt(Instant.ofEpochMilli(context.currentSystemTimeMs()));
    context.forward(
        new Record<String, Object>(group.getGroupId(), group, timestamp),
        ScorerTopology.GROUPS_SINK);
    counters.groupsKept.increment();
    return true;
  }

  /** Dead-letters rollouts whose expert never came, and closes groups that timed out. */
  private void expireTimeouts(long now) {
    long graceMillis = config.unknownInstanceGrace().toMillis();
    for (KeyValue<String, WaitingRollout> entry : all(waiting)) {
      WaitingRollout w = entry.value;
      if (w.getArrivedAt() + graceMillis <= now) {
        waiting.put(entry.key, null); // a delete that does not decode the old value
        String instance = entry.key.substring(0, entry.key.indexOf(KEY_SEPARATOR));
        String rolloutId = entry.key.substring(entry.key.indexOf(KEY_SEPARATOR) + 1);
        Source source =
            new Source(
                w.getSourceTopic(),
                w.getSourcePartition(),
                w.getSourceOffset(),
                w.getSourceTimestamp());
        emitDeadLetter(
            DeadLetterReason.UNKNOWN_INSTANCE,
            "no expert step for instance "
                + instance
                + " arrived within "
                + config.unknownInstanceGrace().toSeconds()
                + " s of the rollout step",
            source,
            rolloutId,
            AvroBytes.toArray(w.getKey()),
            AvroBytes.toArray(w.getValue()),
            now);
      }
    }
    long timeoutMillis = config.groupTimeout().toMillis();
    for (KeyValue<String, GroupProgress> entry : all(groupProgress)) {
      if (entry.value.getStartedAt() + timeoutMillis > now) {
        continue;
      }
      if (config.partialGroups() == PartialGroupPolicy.EMIT && entry.value.getArrived() >= 2) {
        if (finish(entry.key, false, now)) {
          counters.partialGroupsEmitted.increment();
        }
      } else {
        forget(entry.key);
        counters.partialGroupsDropped.increment();
      }
    }
  }

  /** Deletes a pending group from every store and returns its stored rollouts. */
  private List<GroupRollout> forget(String groupId) {
    List<GroupRollout> rollouts = new ArrayList<>();
    List<String> keys = new ArrayList<>();
    try (KeyValueIterator<String, GroupRollout> it =
        pendingRollouts.prefixScan(groupId + KEY_SEPARATOR, new StringSerializer())) {
      it.forEachRemaining(
          kv -> {
            keys.add(kv.key);
            rollouts.add(kv.value);
          });
    }
    // put(key, null), not delete(key): the same tombstone, but delete returns the old value,
    // which the metered store decodes first (10% of the stream thread's samples in the scorer
    // benchmark went into decoding rollouts only to drop them).
    keys.forEach(key -> pendingRollouts.put(key, null));
    groups.put(groupId, null);
    groupProgress.put(groupId, null);
    return rollouts;
  }

  /** Rollouts of a group sort by index under their group's prefix. */
  static String rolloutKey(String groupId, int rolloutIndex) {
    // Zero-padded to six digits as String.format("%06d") did (3% of the stream thread's samples in
    // the scorer benchmark), so the keys of existing stores stay the same.
    String digits = Integer.toString(rolloutIndex);
    StringBuilder key = new StringBuilder(groupId.length() + 1 + Math.max(6, digits.length()));
    key.append(groupId).append(KEY_SEPARATOR);
    for (int pad = digits.length(); pad < 6; pad++) {
      key.append('0');
    }
    return key.append(digits).toString();
  }

  private List<KeyValue<String, WaitingRollout>> waitingFor(String instanceId) {
    List<KeyValue<String, WaitingRollout>> found = new ArrayList<>();
    try (KeyValueIterator<String, WaitingRollout> it =
        waiting.prefixScan(instanceId + KEY_SEPARATOR, new StringSerializer())) {
      it.forEachRemaining(found::add);
    }
    found.sort(Comparator.comparingLong(kv -> kv.value.getSourceOffset()));
    return found;
  }

  /** A copy of a store's entries, so the store can be changed while going through them. */
  private static <V> List<KeyValue<String, V>> all(KeyValueStore<String, V> store) {
    List<KeyValue<String, V>> entries = new ArrayList<>();
    try (KeyValueIterator<String, V> it = store.all()) {
      it.forEachRemaining(entries::add);
    }
    return entries;
  }

  private void deadLetter(
      DeadLetterReason reason,
      String message,
      Source source,
      String recordId,
      Record<byte[], byte[]> record) {
    deadLetter(reason, message, source, recordId, record.key(), record.value());
  }

  private void deadLetter(
      DeadLetterReason reason,
      String message,
      Source source,
      String recordId,
      byte[] key,
      byte[] value) {
    emitDeadLetter(reason, message, source, recordId, key, value, context.currentSystemTimeMs());
  }

  private void emitDeadLetter(
      DeadLetterReason reason,
      String message,
      Source source,
      String recordId,
      byte[] key,
      byte[] value,
      long now) {
    DeadLetter letter =
        DeadLetters.of(SERVICE, reason.name(), message, source, recordId, key, value, now);
    context.forward(
        new Record<String, Object>(source.topic(), letter, now), ScorerTopology.DEAD_LETTERS_SINK);
    counters.deadLetter(reason);
  }

  private static String keyOf(Record<byte[], byte[]> record) {
    return record.key() == null ? "" : new String(record.key(), StandardCharsets.UTF_8);
  }
}
