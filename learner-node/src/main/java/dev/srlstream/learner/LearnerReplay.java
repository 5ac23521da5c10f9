package dev.srlstream.learner;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.srlstream.policy.ModelConfig;
import dev.srlstream.policy.SessionThreads;
import dev.srlstream.policy.Tokenizer;
import dev.srlstream.policy.WeightsCodec;
import dev.srlstream.schemas.AvroBytes;
import dev.srlstream.schemas.Topics;
import dev.srlstream.schemas.avro.PolicyVersion;
import dev.srlstream.schemas.avro.TrainedBatch;
import dev.srlstream.schemas.avro.TrainedGroup;
import dev.srlstream.schemas.avro.TrainingGroup;
import dev.srlstream.schemas.registry.SchemaRegistry;
import dev.srlstream.schemas.serde.AvroSerde;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Objects;
import java.util.TreeMap;
import java.util.TreeSet;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Re-derives recorded policy versions in a sandbox: restores checkpoint N (weights and optimiser
 * state), reads exactly the training groups that versions N+1..M recorded in their {@code
 * trained_batch} (by partition and offset, with an assigned consumer: no consumer group, nothing
 * committed), rebuilds each batch in the recorded order with the recorded weights, runs the same
 * {@link GrpoTrainer} update with the recorded settings, and compares each re-derived version's
 * weights SHA-256 with the one on {@code srl.policy-versions}. Writes nothing to Kafka and nothing
 * to the checkpoint directory.
 *
 * <p>Each replayed version continues from the replayed weights of the one before, as the learner
 * did, so once a version differs the later ones differ too; the first that differs is where to
 * look.
 */
public final class LearnerReplay {

  private static final ObjectMapper JSON = new ObjectMapper();

  /** How long to wait for one record of the groups topic before saying it cannot be read. */
  private static final Duration FETCH_TIMEOUT = Duration.ofSeconds(30);

  /**
   * What a replay can expect, as measured ({@code learner-node/bench/determinism.sh} and replays of
   * {@code srl train} runs): TF Java 1.1.0's CPU updates are bit-identical across processes on the
   * same intra-op thread count, and the replay runs on the count the learner recorded. On another
   * count the float sums split differently: 1 instead of 2 threads moved weights by up to 1.5e-6
   * after one update and 2.9e-6 after two.
   */
  public static final String EXPECTED =
      "bit-identical (same intra-op thread count as the learner: measured bit-reproducible across"
          + " processes; another count differs by about 1e-6 per update)";

  /**
   * What to replay.
   *
   * @param bootstrapServers the Kafka cluster
   * @param kafkaConfig further client settings (security)
   * @param policyName the policy whose versions are replayed
   * @param checkpointDir the learner's checkpoint store
   * @param fromVersion N: the checkpoint to start from
   * @param toVersion M: the last version to re-derive, or null for the newest recorded
   * @param referenceWeights the KL reference policy's weights file, or null (see {@link
   *     GrpoTrainer#setReference})
   * @param threads the session thread pools to replay on, or null for the recorded ones
   */
  public record Request(
      String bootstrapServers,
      Map<String, Object> kafkaConfig,
      String policyName,
      Path checkpointDir,
      long fromVersion,
      Long toVersion,
      byte[] referenceWeights,
      SessionThreads threads) {
    public Request {
      Objects.requireNonNull(bootstrapServers, "bootstrapServers");
      kafkaConfig = kafkaConfig == null ? Map.of() : Map.copyOf(kafkaConfig);
      Objects.requireNonNull(policyName, "policyName");
      Objects.requireNonNull(checkpointDir, "checkpointDir");
      if (fromVersion < 0) {
        throw new IllegalArgumentException("--from-version must be >= 0, but was " + fromVersion);
      }
      if (toVersion != null && toVersion <= fromVersion) {
        throw new IllegalArgumentException(
            "--to-version must be above --from-version ("
                + fromVersion
                + "), but was "
                + toVersion);
      }
    }
  }

  /**
   * What the replay will do, known before the first update.
   *
   * @param checkpoint the checkpoint directory restored
   * @param from N
   * @param to M
   * @param groupsTopic where the groups are read from
   * @param settings the learner settings of version N+1 (JSON)
   * @param caveats what keeps the replay from being exact, each a sentence; empty if nothing
   */
  public record Plan(
      Path checkpoint,
      long from,
      long to,
      String groupsTopic,
      String settings,
      List<String> caveats) {}

  /**
   * One re-derived version.
   *
   * @param version the version
   * @param identical whether the replayed weights hash to the recorded {@code weights_sha256}
   * @param maxAbsDiff the largest |replayed - recorded| over all parameters (0 when identical)
   * @param recordedSha256 the recorded hash
   * @param replayedSha256 the replayed hash
   * @param groups the groups trained on
   * @param dropped the groups the learner recorded as consumed and not trained on
   * @param recordedLoss the recorded update's loss (NaN if not recorded)
   * @param replayedLoss the replayed update's loss
   * @param recordedMetrics every metric the learner recorded for the update
   * @param replayedMetrics every metric of the replayed update
   */
  public record Outcome(
      long version,
      boolean identical,
      double maxAbsDiff,
      String recordedSha256,
      String replayedSha256,
      int groups,
      int dropped,
      double recordedLoss,
      double replayedLoss,
      Map<String, Double> recordedMetrics,
      Map<String, Double> replayedMetrics) {}

  /** Hears the plan, then each version as it is re-derived. */
  public interface Listener {
    void planned(Plan plan);

    void replayed(Outcome outcome);
  }

  private LearnerReplay() {}

  /**
   * The checkpoint a replay from {@code time} starts from: the newest version kept in the
   * checkpoint store that was published at or before {@code time}, as its record on the versions
   * topic says.
   *
   * @throws IllegalArgumentException if no kept checkpoint is that old (naming what is kept)
   */
  public static long checkpointAt(
      String bootstrapServers,
      Map<String, Object> kafkaConfig,
      String policyName,
      Path checkpointDir,
      SchemaRegistry registry,
      java.time.Instant time) {
    List<Long> kept = new CheckpointStore(checkpointDir, Integer.MAX_VALUE).versions();
    if (kept.isEmpty()) {
      throw new IllegalArgumentException(
          "--checkpoint-dir " + checkpointDir + " holds no checkpoint");
    }
    NavigableMap<Long, PolicyVersion> recorded =
        PolicyVersions.all(
            bootstrapServers,
            kafkaConfig,
            policyName,
            new AvroSerde<>(PolicyVersion.class, registry));
    long best = -1;
    for (long version : kept) {
      PolicyVersion record = recorded.get(version);
      if (record != null && !record.getCreatedAt().isAfter(time)) {
        best = Math.max(best, version);
      }
    }
    if (best < 0) {
      throw new IllegalArgumentException(
          "--from-time "
              + time
              + ": no checkpoint in "
              + checkpointDir
              + " is of a version of policy "
              + policyName
              + " published at or before it (kept: versions "
              + ranges(kept)
              + "; recorded on "
              + Topics.POLICY_VERSIONS.name()
              + ": "
              + (recorded.isEmpty() ? "none" : ranges(List.copyOf(recorded.keySet())))
              + ")");
    }
    return best;
  }

  /**
   * Runs the replay; every version's outcome goes to {@code listener} as it is known.
   *
   * @return the outcomes, in version order
   * @throws IllegalArgumentException for bad input, naming the value and what is valid: no
   *     checkpoint N, a version beyond the recorded ones, one no longer on the topic, one recorded
   *     without {@code trained_batch}, a group no longer on its topic
   */
  public static List<Outcome> run(Request request, SchemaRegistry registry, Listener listener) {
    CheckpointStore store = new CheckpointStore(request.checkpointDir(), 2);
    List<Long> onDisk = store.versions();
    if (!onDisk.contains(request.fromVersion())) {
      throw new IllegalArgumentException(
          "--checkpoint-dir "
              + request.checkpointDir()
              + (onDisk.isEmpty()
                  ? " holds no checkpoint"
                  : " has no checkpoint of version "
                      + request.fromVersion()
                      + "; it has versions "
                      + ranges(onDisk)));
    }
    Checkpoint checkpoint = store.read(request.fromVersion());
    if (!checkpoint.policyName().equals(request.policyName())) {
      throw new IllegalArgumentException(
          "--policy must be the checkpoint's policy ("
              + checkpoint.policyName()
              + "), but was "
              + request.policyName());
    }
    AvroSerde<PolicyVersion> versionSerde = new AvroSerde<>(PolicyVersion.class, registry);
    NavigableMap<Long, PolicyVersion> recorded =
        PolicyVersions.all(
            request.bootstrapServers(), request.kafkaConfig(), request.policyName(), versionSerde);
    long from = request.fromVersion();
    long to = checkRange(request, recorded);
    List<PolicyVersion> versions = new ArrayList<>();
    for (long v = from + 1; v <= to; v++) {
      PolicyVersion version = recorded.get(v);
      if (version == null) {
        throw new IllegalArgumentException(
            "version "
                + v
                + " of policy "
                + request.policyName()
                + " is not on "
                + Topics.POLICY_VERSIONS.name()
                + " (compacted away? the topic is compacted by policy name: once a segment rolls,"
                + " after 10 minutes, only each policy's newest version is sure to stay; it has "
                + ranges(List.copyOf(recorded.keySet()))
                + "). To keep versions longer for replay, e.g. a day: srl topics create"
                + " --retention "
                + Topics.POLICY_VERSIONS.name()
                + "=P1D (every version keeps its weights: megabytes each)");
      }
      if (version.getTrainedBatch() == null) {
        throw new IllegalArgumentException(
            "version "
                + v
                + " of policy "
                + request.policyName()
                + " has no trained_batch: it was recorded before the learner recorded its"
                + " batches (PolicyVersion v2), or was not made by a batch update; only versions"
                + " with one can be replayed");
      }
      versions.add(version);
    }
    TrainedBatch first = versions.get(0).getTrainedBatch();
    JsonNode settings = parse(first.getLearnerSettings(), from + 1);
    byte[] startWeights = checkpoint.weights();
    ModelConfig model = WeightsCodec.decode(startWeights).config();
    Tokenizer tokenizer = WeightsCodec.tokenizer(startWeights);
    List<String> caveats = new ArrayList<>();
    PolicyVersion atFrom = recorded.get(from);
    if (atFrom != null && !atFrom.getWeightsSha256().equals(WeightsCodec.sha256Hex(startWeights))) {
      caveats.add(
          "checkpoint "
              + from
              + " is not the recorded version "
              + from
              + " (its weights hash differently): the replay starts from other weights than the"
              + " learner did, so every version will differ");
    }
    if (checkpoint.optimizerState().length == 0) {
      caveats.add(
          "checkpoint "
              + from
              + " has no optimiser state: the replay starts with a fresh optimiser (zero moments,"
              + " step 0), so it differs unless the learner started fresh too");
    }
    GrpoTrainer trainer = trainer(model, tokenizer, settings, from + 1, request.threads());
    try {
      trainer.restore(startWeights, checkpoint.optimizerState());
      reference(trainer, settings, request.referenceWeights(), caveats);
      threadsCaveat(
          settings,
          request.threads() != null ? request.threads() : recordedPools(settings),
          caveats);
      listener.planned(
          new Plan(
              store.pathOf(from),
              from,
              to,
              first.getGroupsTopic(),
              first.getLearnerSettings(),
              List.copyOf(caveats)));
      Map<GroupRef, TrainingGroup> groups = fetchGroups(request, registry, versions);
      List<Outcome> outcomes = new ArrayList<>();
      String currentSettings = first.getLearnerSettings();
      for (PolicyVersion version : versions) {
        TrainedBatch batch = version.getTrainedBatch();
        if (!batch.getLearnerSettings().equals(currentSettings)) {
          // The learner's settings changed between versions (a restart with other options):
          // carry the state over into a trainer built with the new ones.
          GrpoTrainer next =
              trainer(
                  model,
                  tokenizer,
                  parse(batch.getLearnerSettings(), version.getVersion()),
                  version.getVersion(),
                  request.threads());
          try {
            next.restore(
                trainer.exportWeights(version.getVersion() - 1), trainer.exportOptimizerState());
            reference(
                next,
                parse(batch.getLearnerSettings(), version.getVersion()),
                request.referenceWeights(),
                new ArrayList<>());
          } catch (RuntimeException e) {
            next.close();
            throw e;
          }
          trainer.close();
          trainer = next;
          currentSettings = batch.getLearnerSettings();
        }
        Outcome outcome = replayOne(trainer, version, groups);
        outcomes.add(outcome);
        listener.replayed(outcome);
      }
      return outcomes;
    } finally {
      trainer.close();
    }
  }

  private static long checkRange(Request request, NavigableMap<Long, PolicyVersion> recorded) {
    if (recorded.isEmpty()) {
      throw new IllegalArgumentException(
          "policy "
              + request.policyName()
              + " has no version on "
              + Topics.POLICY_VERSIONS.name()
              + " (is --policy right, and the cluster the learner ran on?)");
    }
    long newest = recorded.lastKey();
    long to = request.toVersion() == null ? newest : request.toVersion();
    if (to > newest) {
      throw new IllegalArgumentException(
          "--to-version must be at most the newest recorded version of policy "
              + request.policyName()
              + " ("
              + newest
              + "), but was "
              + to);
    }
    if (to <= request.fromVersion()) {
      throw new IllegalArgumentException(
          "nothing to replay: the newest recorded version of policy "
              + request.policyName()
              + " is "
              + newest
              + ", not above --from-version "
              + request.fromVersion());
    }
    return to;
  }

  private static Outcome replayOne(
      GrpoTrainer trainer, PolicyVersion version, Map<GroupRef, TrainingGroup> groups) {
    TrainedBatch recorded = version.getTrainedBatch();
    long start = version.getVersion() - 1;
    List<WeightedGroup> batch = new ArrayList<>();
    for (TrainedGroup ref : recorded.getGroups()) {
      TrainingGroup group = groups.get(GroupRef.of(ref));
      batch.add(
          new WeightedGroup(group, ref.getWeight(), Math.max(0, start - group.getPolicyVersion())));
    }
    Map<String, Double> metrics = trainer.train(batch);
    byte[] weights = trainer.exportWeights(version.getVersion());
    String sha = WeightsCodec.sha256Hex(weights);
    boolean identical = sha.equals(version.getWeightsSha256());
    double diff =
        identical ? 0 : WeightsDiff.maxAbsDiff(AvroBytes.toArray(version.getWeights()), weights);
    Double recordedLoss = version.getMetrics().get("loss");
    return new Outcome(
        version.getVersion(),
        identical,
        diff,
        version.getWeightsSha256(),
        sha,
        batch.size(),
        recorded.getDropped().size(),
        recordedLoss == null ? Double.NaN : recordedLoss,
        metrics.getOrDefault("loss", Double.NaN),
        new TreeMap<>(version.getMetrics()),
        new TreeMap<>(metrics));
  }

  /** A trainer as the recorded settings describe it. */
  private static GrpoTrainer trainer(
      ModelConfig model,
      Tokenizer tokenizer,
      JsonNode settings,
      long version,
      SessionThreads override) {
    TrainerConfig config;
    try {
      config = JSON.treeToValue(settings.path("trainer"), TrainerConfig.class);
    } catch (JsonProcessingException | IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "the learner_settings of version "
              + version
              + " name no trainer configuration this replay can build: "
              + e.getMessage(),
          e);
    }
    if (config == null || config.mode() != TrainerConfig.Mode.GRPO) {
      throw new IllegalArgumentException(
          "version "
              + version
              + " was not trained by a GRPO learner (learner_settings.trainer.mode: "
              + (config == null ? "missing" : config.mode())
              + "): only GRPO updates can be replayed");
    }
    SessionThreads pools = override != null ? override : recordedPools(settings);
    return GrpoTrainer.create(model, tokenizer, config, pools);
  }

  /** Sets the KL reference policy the learner had, or says why it cannot be. */
  private static void reference(
      GrpoTrainer trainer, JsonNode settings, byte[] given, List<String> caveats) {
    JsonNode recorded = settings.path("reference");
    if (recorded.isMissingNode() || recorded.isNull()) {
      if (given != null) {
        caveats.add("--reference is ignored: the learner trained without a KL penalty (kl_coef 0)");
      }
      return;
    }
    String wanted = recorded.path("weights_sha256").asText();
    if (given != null) {
      trainer.setReference(given);
    }
    if (!wanted.equals(trainer.referenceSha256())) {
      caveats.add(
          "the learner trained with a KL penalty (kl_coef "
              + recorded.path("kl_coef").asDouble()
              + ") to reference weights (sha256 "
              + wanted
              + ", from "
              + recorded.path("source").asText()
              + ") that are not in the checkpoint"
              + (given == null
                  ? ": give them with --reference FILE (srl train: the run's base.bin);"
                  : ", and --reference holds others (sha256 " + trainer.referenceSha256() + ");")
              + " without them every version differs");
    }
  }

  /**
   * The pools the learner's updates really ran on: its process's first session's ({@code
   * process_intra_op}, recorded since the learner knows them; else what it asked for), with
   * TensorFlow's choice (0) resolved to the processors the learner's machine had, so a replay on
   * another machine uses as many intra-op threads.
   */
  static SessionThreads recordedPools(JsonNode settings) {
    JsonNode threads = settings.path("session_threads");
    int intra = threads.path("process_intra_op").asInt(threads.path("intra_op").asInt(0));
    int inter = threads.path("process_inter_op").asInt(threads.path("inter_op").asInt(0));
    int processors = threads.path("available_processors").asInt(0);
    return new SessionThreads(
        intra == 0 && processors > 0 ? processors : intra,
        inter == 0 && processors > 0 ? processors : inter);
  }

  /** Says so when this process's pools are not those the learner ran on. */
  private static void threadsCaveat(JsonNode settings, SessionThreads asked, List<String> caveats) {
    int processors = Runtime.getRuntime().availableProcessors();
    SessionThreads process = SessionThreads.processPools().orElse(asked);
    SessionThreads recorded = recordedPools(settings);
    if (process.resolvedIntraOp(processors) != recorded.resolvedIntraOp(processors)) {
      caveats.add(
          "the learner's updates ran on "
              + recorded.resolvedIntraOp(processors)
              + " intra-op threads, this replay on "
              + process.resolvedIntraOp(processors)
              + " (TensorFlow sizes a process's pools by its first session): the float sums"
              + " split differently, expect differences of about 1e-6 per update");
    }
  }

  private static JsonNode parse(String json, long version) {
    try {
      return JSON.readTree(json);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException(
          "the learner_settings of version " + version + " are not JSON: " + e.getMessage(), e);
    }
  }

  /** A recorded group's place. */
  record GroupRef(int partition, long offset) {
    static GroupRef of(TrainedGroup group) {
      return new GroupRef(group.getPartition(), group.getOffset());
    }
  }

  /**
   * Reads every recorded group by partition and offset (assigned, read_committed, no group, nothing
   * committed) and checks it is the group recorded there.
   */
  static Map<GroupRef, TrainingGroup> fetchGroups(
      Request request, SchemaRegistry registry, List<PolicyVersion> versions) {
    Map<String, Map<Integer, TreeSet<Long>>> wanted = new TreeMap<>();
    Map<GroupRef, String> ids = new HashMap<>();
    Map<GroupRef, Long> usedBy = new HashMap<>();
    for (PolicyVersion version : versions) {
      TrainedBatch batch = version.getTrainedBatch();
      for (TrainedGroup g : batch.getGroups()) {
        wanted
            .computeIfAbsent(batch.getGroupsTopic(), t -> new TreeMap<>())
            .computeIfAbsent(g.getPartition(), p -> new TreeSet<>())
            .add(g.getOffset());
        ids.put(GroupRef.of(g), g.getGroupId());
        usedBy.putIfAbsent(GroupRef.of(g), version.getVersion());
      }
    }
    if (wanted.size() > 1) {
      throw new IllegalArgumentException(
          "versions "
              + versions.get(0).getVersion()
              + ".."
              + versions.get(versions.size() - 1).getVersion()
              + " read groups from more than one topic "
              + wanted.keySet()
              + ": replay one topic's range at a time");
    }
    AvroSerde<TrainingGroup> serde = new AvroSerde<>(TrainingGroup.class, registry);
    Map<String, Object> config = new HashMap<>(request.kafkaConfig());
    config.remove(ConsumerConfig.GROUP_ID_CONFIG); // assigned, not subscribed: no group
    config.remove(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG);
    config.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, request.bootstrapServers());
    config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "none");
    Map<GroupRef, TrainingGroup> groups = new LinkedHashMap<>();
    try (KafkaConsumer<byte[], byte[]> consumer =
        new KafkaConsumer<>(config, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
      for (Map.Entry<String, Map<Integer, TreeSet<Long>>> topic : wanted.entrySet()) {
        for (Map.Entry<Integer, TreeSet<Long>> entry : topic.getValue().entrySet()) {
          TopicPartition tp = new TopicPartition(topic.getKey(), entry.getKey());
          TreeSet<Long> offsets = entry.getValue();
          consumer.assign(List.of(tp));
          long begin = consumer.beginningOffsets(List.of(tp)).get(tp);
          long end = consumer.endOffsets(List.of(tp)).get(tp);
          long lowest = offsets.first();
          long highest = offsets.last();
          if (lowest < begin || highest >= end) {
            long missing = lowest < begin ? lowest : highest;
            GroupRef ref = new GroupRef(tp.partition(), missing);
            throw new IllegalArgumentException(
                trainedGroup(ref, tp, ids, usedBy)
                    + " is no longer on "
                    + tp.topic()
                    + ", which holds offsets "
                    + begin
                    + ".."
                    + (end - 1)
                    + " of partition "
                    + tp.partition()
                    + " (retention removed it?)");
          }
          fetchPartition(consumer, serde, tp, offsets, ids, usedBy, groups);
        }
      }
    }
    return groups;
  }

  /** "the group version V trained on (ID, TOPIC-P offset O)", for errors about it. */
  private static String trainedGroup(
      GroupRef ref, TopicPartition tp, Map<GroupRef, String> ids, Map<GroupRef, Long> usedBy) {
    return "the group version "
        + usedBy.get(ref)
        + " trained on ("
        + ids.get(ref)
        + ", "
        + tp
        + " offset "
        + ref.offset()
        + ")";
  }

  private static void fetchPartition(
      KafkaConsumer<byte[], byte[]> consumer,
      AvroSerde<TrainingGroup> serde,
      TopicPartition tp,
      TreeSet<Long> offsets,
      Map<GroupRef, String> ids,
      Map<GroupRef, Long> usedBy,
      Map<GroupRef, TrainingGroup> into) {
    TreeSet<Long> left = new TreeSet<>(offsets);
    while (!left.isEmpty()) {
      consumer.seek(tp, left.first());
      long deadline = System.nanoTime() + FETCH_TIMEOUT.toNanos();
      boolean reading = true;
      while (reading) {
        List<ConsumerRecord<byte[], byte[]>> records =
            consumer.poll(Duration.ofMillis(500)).records(tp);
        if (records.isEmpty()) {
          if (System.nanoTime() > deadline) {
            throw new IllegalStateException(
                "no record of "
                    + tp
                    + " arrived within "
                    + FETCH_TIMEOUT.toSeconds()
                    + " s of seeking offset "
                    + left.first());
          }
          continue;
        }
        for (ConsumerRecord<byte[], byte[]> record : records) {
          if (left.remove(record.offset())) {
            into.put(
                new GroupRef(tp.partition(), record.offset()), checked(serde, record, ids, usedBy));
          }
        }
        long last = records.get(records.size() - 1).offset();
        Long skipped = left.floor(last);
        if (skipped != null) {
          // Read past a wanted offset without seeing it: an aborted or removed record.
          GroupRef ref = new GroupRef(tp.partition(), skipped);
          throw new IllegalArgumentException(
              trainedGroup(ref, tp, ids, usedBy)
                  + " cannot be read: there is no committed record at that offset");
        }
        // Read on while the next wanted offset is near; seek to it past a long gap.
        reading = !left.isEmpty() && left.first() - last <= 1000;
      }
    }
  }

  /** The group at a record, which must be the one recorded there. */
  private static TrainingGroup checked(
      AvroSerde<TrainingGroup> serde,
      ConsumerRecord<byte[], byte[]> record,
      Map<GroupRef, String> ids,
      Map<GroupRef, Long> usedBy) {
    GroupRef ref = new GroupRef(record.partition(), record.offset());
    TrainingGroup group =
        record.value() == null ? null : serde.deserialize(record.topic(), record.value());
    if (group == null || !group.getGroupId().equals(ids.get(ref))) {
      throw new IllegalArgumentException(
          record.topic()
              + "-"
              + record.partition()
              + " offset "
              + record.offset()
              + " holds "
              + (group == null ? "no group" : "group " + group.getGroupId())
              + ", but version "
              + usedBy.get(ref)
              + " recorded group "
              + ids.get(ref)
              + " there: the topic is not the one the learner read (recreated since?)");
    }
    return group;
  }

  /** Versions as ranges: "3..5, 9". */
  static String ranges(List<Long> versions) {
    StringBuilder out = new StringBuilder();
    int i = 0;
    while (i < versions.size()) {
      int j = i;
      while (j + 1 < versions.size() && versions.get(j + 1) == versions.get(j) + 1) {
        j++;
      }
      if (out.length() > 0) {
        out.append(", ");
      }
      out.append(versions.get(i));
      if (j > i) {
        out.append("..").append(versions.get(j));
      }
      i = j + 1;
    }
    return out.toString();
  }
}
