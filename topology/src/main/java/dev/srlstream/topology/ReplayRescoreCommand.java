package dev.srlstream.topology;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.srlstream.schemas.AdminSettings;
import dev.srlstream.schemas.PolicyNames;
import dev.srlstream.schemas.avro.RolloutStep;
import dev.srlstream.schemas.avro.StepReward;
import dev.srlstream.schemas.avro.TrainingGroup;
import dev.srlstream.schemas.serde.AvroSerde;
import dev.srlstream.scorer.ScorerConfig;
import dev.srlstream.scorer.ScorerTopics;
import dev.srlstream.scorer.SimilarityReward;
import dev.srlstream.topology.replay.RecordedRecord;
import dev.srlstream.topology.replay.RecordedSettings;
import dev.srlstream.topology.replay.RecordedTopics;
import dev.srlstream.topology.replay.ReplayRegistry;
import dev.srlstream.topology.replay.RescoreDiff;
import dev.srlstream.topology.replay.RescoreOutputs;
import dev.srlstream.topology.replay.Rescorer;
import dev.srlstream.topology.replay.TimestampMerge;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListOffsetsResult.ListOffsetsResultInfo;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code srl replay rescore}: the scorer's topology over recorded rollout steps. */
@Command(
    name = "rescore",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = {
      "Re-score recorded rollout steps with the scorer's own topology (Kafka Streams'"
          + " TopologyTestDriver, in this process) and compare with what the scorer recorded:"
          + " how many rewards changed and by how much, the reward histogram before and after,"
          + " and the groups whose keep/filter decision or an advantage sign flips.",
      "Reads srl.rollout-steps in the range given and every expert step of srl.expert-steps up"
          + " to --until-time (the scorer's state: an instance's expert step is usually published"
          + " long before its rollouts), merged in timestamp order with the recorded timestamps."
          + " The settings default to the recorded ones (the rewards' reward_config);"
          + " --autojunk, --mode-reward and --epsilon change them.",
      "Writes nothing unless asked: --out DIR writes the re-scored records as JSON lines,"
          + " --into-topics SUFFIX produces them to <topic>SUFFIX. Never writes to live topics,"
          + " and registers no schema in the registry (it only reads it)."
    })
final class ReplayRescoreCommand implements Callable<Integer> {
  private static final ObjectMapper JSON =
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
  private static final ObjectMapper LINES = new ObjectMapper();
  private static final long PROGRESS_EVERY_NANOS = TimeUnit.SECONDS.toNanos(2);

  @Spec CommandSpec spec;

  @Mixin ClusterOptions cluster;

  @ArgGroup(exclusive = true)
  From from;

  /** Where the replayed rollout steps start: one of them (default: the beginning). */
  static final class From {
    @Option(
        names = "--from-time",
        paramLabel = "TIME",
        description =
            "From the first rollout step at or after TIME (ISO-8601, e.g."
                + " 2026-12-04T01:00:00Z), in every partition.")
    String time;

    @Option(
        names = "--from-offset",
        paramLabel = "P:O",
        description =
            "From offset O of partition P of srl.rollout-steps; repeatable (one per partition),"
                + " and only the partitions named are replayed.")
    List<String> offsets;
  }

  @Option(
      names = "--until-time",
      paramLabel = "TIME",
      description =
          "Stop each partition at its first record after TIME (ISO-8601); the expert steps too.")
  String until;

  @Option(
      names = "--policy",
      paramLabel = "NAME",
      description =
          "The policy whose rollouts to re-score (default: the one the recorded rollout steps"
              + " name, if they name one; else srl).")
  String policy;

  @Option(
      names = "--autojunk",
      arity = "1",
      paramLabel = "true|false",
      description = "difflib's autojunk for the similarity (default: the recorded one).")
  Boolean autojunk;

  @Option(
      names = "--mode-reward",
      paramLabel = "holistic|step",
      description =
          "Score SRL and HOLISTIC rollouts by the step similarity (step: the action against the"
              + " expert step) or the whole-solution similarity (holistic) (default: as recorded,"
              + " each rollout by its mode).")
  ModeReward modeReward;

  /** The values of {@code --mode-reward}. */
  enum ModeReward {
    HOLISTIC,
    STEP
  }

  @Option(
      names = "--epsilon",
      paramLabel = "E",
      description =
          "Dynamic sampling: keep a group only if the std of its rewards exceeds E, in [0, 1]"
              + " (default: the scorer's default, 0.001; the recording does not record it).")
  Double epsilon;

  @ArgGroup(exclusive = true)
  Output output;

  /** Where the re-scored records go: one of them, or nowhere. */
  static final class Output {
    @Option(
        names = "--out",
        paramLabel = "DIR",
        description =
            "Write the re-scored records to DIR as JSON lines (step-rewards.jsonl,"
                + " training-groups.jsonl, dead-letters.jsonl) and the diff (diff.json).")
    Path dir;

    @Option(
        names = "--into-topics",
        paramLabel = "SUFFIX",
        description =
            "Produce the re-scored records to <topic>SUFFIX (srl.step-rewards<SUFFIX>, ...),"
                + " creating those topics; a SUFFIX naming a live topic is refused.")
    String suffix;
  }

  @Option(
      names = "--list",
      defaultValue = "20",
      paramLabel = "N",
      description =
          "List the first N flipped groups and the N largest reward changes (all are counted;"
              + " default: ${DEFAULT-VALUE}).")
  int list;

  @Option(names = "--json", description = "Print the diff as JSON instead of text.")
  boolean json;

  @Override
  public Integer call() throws Exception {
    // Every option is checked before the cluster is touched.
    Instant untilTime = until == null ? null : Instants.parse(until, "--until-time");
    Instant fromTime =
        from == null || from.time == null ? null : Instants.parse(from.time, "--from-time");
    Map<Integer, Long> fromOffsets =
        from == null || from.offsets == null ? Map.of() : offsets(from.offsets);
    if (fromTime != null && untilTime != null && untilTime.isBefore(fromTime)) {
      throw new IllegalArgumentException(
          "--until-time must not be before --from-time, but " + until + " is before " + from.time);
    }
    if (epsilon != null && !(epsilon >= 0 && epsilon <= 1)) {
      throw new IllegalArgumentException(
          "--epsilon must be a number in [0, 1] (the std of rewards in [-1, 1] is at most 1), but"
              + " was "
              + epsilon);
    }
    if (list < 0) {
      throw new IllegalArgumentException("--list must be >= 0, but was " + list);
    }
    if (policy != null) {
      PolicyNames.requireValid("--policy", policy);
    }
    ScorerTopics live = ScorerTopics.LIVE;
    Map<String, String> replayTopics =
        output != null && output.suffix != null
            ? RescoreOutputs.replayTopics(live, output.suffix)
            : Map.of();
    if (output != null
        && output.dir != null
        && Files.exists(output.dir)
        && !Files.isDirectory(output.dir)) {
      throw new IllegalArgumentException(
          "--out must be a directory, but " + output.dir + " is a file");
    }

    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    ReplayRegistry registry = new ReplayRegistry(ReplayRegistry.LiveSchemas.of(cluster.registry()));
    Map<String, Object> props = new HashMap<>(cluster.kafkaConfig());
    props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.bootstrapServers);
    props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    props.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 2000);

    Recording recording = read(props, fromTime, fromOffsets, untilTime, registry, err);
    List<List<RecordedRecord>> inputs = recording.inputs();
    // What the replay is fed: the rollout ids and group sizes of the policy's rollouts.
    AvroSerde<RolloutStep> rolloutSerde = new AvroSerde<>(RolloutStep.class, registry);
    Map<String, RolloutStep> fed = new LinkedHashMap<>();
    Set<String> policies = new TreeSet<>();
    for (List<RecordedRecord> partition : inputs) {
      for (RecordedRecord r : partition) {
        if (r.topic().equals(live.rolloutSteps())) {
          RolloutStep rollout = decode(rolloutSerde, r);
          if (rollout != null) {
            policies.add(PolicyNames.of(rollout.getPolicyName()));
            fed.put(rollout.getRolloutId(), rollout);
          }
        }
      }
    }
    String policyName = policy != null ? policy : onlyPolicy(policies);
    Map<String, Integer> groupSizes = new HashMap<>();
    Set<String> replayed = new HashSet<>();
    for (RolloutStep r : fed.values()) {
      if (PolicyNames.belongsTo(r.getPolicyName(), policyName)) {
        replayed.add(r.getRolloutId());
        groupSizes.put(r.getGroupId(), r.getGroupSize());
      }
    }
    // The policy's recorded outputs only: runs sharing a cluster may reuse rollout and group ids.
    Map<String, StepReward> recordedRewards = new HashMap<>();
    for (StepReward r : recording.rewards()) {
      if (PolicyNames.belongsTo(r.getPolicyName(), policyName)) {
        recordedRewards.put(r.getRolloutId(), r);
      }
    }
    Map<String, TrainingGroup> recordedGroups = new HashMap<>();
    for (TrainingGroup g : recording.groups()) {
      if (PolicyNames.belongsTo(g.getPolicyName(), policyName)) {
        recordedGroups.put(g.getGroupId(), g);
      }
    }
    List<StepReward> inScope =
        recordedRewards.values().stream().filter(r -> replayed.contains(r.getRolloutId())).toList();
    RecordedSettings recordedSettings = RecordedSettings.of(inScope);
    ScorerConfig config =
        ScorerConfig.DEFAULTS
            .withPolicyName(policyName)
            .withAutojunk(
                autojunk != null
                    ? autojunk
                    : recordedSettings.autojunk().orElse(ScorerConfig.DEFAULT_AUTOJUNK))
            .withSimilarityReward(
                modeReward == null
                    ? recordedSettings.similarityReward()
                    : modeReward == ModeReward.STEP
                        ? SimilarityReward.STEP
                        : SimilarityReward.HOLISTIC)
            .withDynamicSamplingEpsilon(
                epsilon != null ? epsilon : ScorerConfig.DEFAULTS.dynamicSamplingEpsilon());

    List<RecordedRecord> merged =
        TimestampMerge.merge(inputs, List.of(live.expertSteps(), live.rolloutSteps()));
    long[] lastProgress = {System.nanoTime()};
    Rescorer.Result result =
        Rescorer.run(
            config,
            live,
            registry,
            merged,
            (done, total, nanos) -> {
              if (System.nanoTime() - lastProgress[0] >= PROGRESS_EVERY_NANOS) {
                lastProgress[0] = System.nanoTime();
                err.printf(
                    Locale.ROOT,
                    "srl replay rescore: %d of %d records (%.0f records/s)%n",
                    done,
                    total,
                    done * 1e9 / nanos);
                err.flush();
              }
            });
    err.printf(
        Locale.ROOT,
        "srl replay rescore: replayed %d records in %.1f s (%.0f records/s)%n",
        result.records(),
        result.nanos() / 1e9,
        result.recordsPerSecond());
    err.flush();

    AvroSerde<StepReward> rewardSerde = new AvroSerde<>(StepReward.class, registry);
    AvroSerde<TrainingGroup> groupSerde = new AvroSerde<>(TrainingGroup.class, registry);
    Map<String, StepReward> replayedRewards = new HashMap<>();
    for (Rescorer.Output o : result.rewards()) {
      StepReward r = rewardSerde.deserialize(o.topic(), o.value());
      replayedRewards.put(r.getRolloutId(), r);
    }
    Map<String, TrainingGroup> replayedGroups = new HashMap<>();
    for (Rescorer.Output o : result.groups()) {
      TrainingGroup g = groupSerde.deserialize(o.topic(), o.value());
      replayedGroups.put(g.getGroupId(), g);
    }
    RescoreDiff diff =
        RescoreDiff.of(
            replayed,
            groupSizes,
            recordedRewards,
            replayedRewards,
            recordedGroups,
            replayedGroups,
            list);

    ObjectNode report = report(recording, policyName, replayed.size(), recordedSettings, config);
    report.putPOJO("scorer_counters", result.counters());
    // Schemas the live registry does not hold (the replay's state stores under another
    // application id, or a newer schema): registered in this process only.
    report.putPOJO("local_schemas", registry.localSubjects());
    ObjectNode throughput = report.putObject("replay");
    throughput.put("records", result.records());
    throughput.put("seconds", result.nanos() / 1e9);
    throughput.put("records_per_second", result.recordsPerSecond());
    report.setAll(diff.toJson());

    if (output != null && output.dir != null) {
      RescoreOutputs.writeFiles(output.dir, result, registry, JSON.writeValueAsString(report));
    }
    if (output != null && output.suffix != null) {
      List<String> created =
          RescoreOutputs.produce(
              replayTopics, result, registry, cluster.bootstrapServers, cluster.kafkaConfig());
      err.printf("srl replay rescore: created topics %s%n", created);
    }
    if (json) {
      out.println(JSON.writeValueAsString(report));
    } else {
      printText(out, recording, policyName, replayed.size(), recordedSettings, config);
      out.printf("scorer     %s%n", result.counters());
      if (!registry.localSubjects().isEmpty()) {
        out.printf(
            "registry   schemas registered in this process only: %s%n", registry.localSubjects());
      }
      out.print(diff.toText());
      if (output != null && output.dir != null) {
        out.printf("wrote      %s%n", output.dir);
      }
      if (output != null && output.suffix != null) {
        out.printf("produced   to %s%n", new TreeSet<>(replayTopics.values()));
      }
    }
    out.flush();
    return 0;
  }

  /**
   * The recorded inputs of the range (the rollout steps, every expert step up to {@code untilTime})
   * and the rewards and groups recorded from the first of those rollouts on.
   *
   * @param inputs the records to replay, partition by partition
   * @param rewards the recorded rewards (every policy's)
   * @param groups the recorded training groups (every policy's)
   */
  private record Recording(
      List<List<RecordedRecord>> inputs,
      List<StepReward> rewards,
      List<TrainingGroup> groups,
      long rolloutRecords,
      long expertRecords,
      Instant firstRollout,
      Instant lastRollout) {}

  private Recording read(
      Map<String, Object> props,
      Instant fromTime,
      Map<Integer, Long> fromOffsets,
      Instant untilTime,
      ReplayRegistry registry,
      PrintWriter err) {
    ScorerTopics live = ScorerTopics.LIVE;
    List<List<RecordedRecord>> inputs = new ArrayList<>();
    List<StepReward> recordedRewardList = new ArrayList<>();
    List<TrainingGroup> recordedGroupList = new ArrayList<>();
    try (KafkaConsumer<byte[], byte[]> consumer =
        new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
      RecordedTopics topics = new RecordedTopics(consumer);
      List<TopicPartition> rolloutPartitions = topics.partitions(live.rolloutSteps());
      Map<TopicPartition, Long> starts =
          rolloutStarts(topics, rolloutPartitions, fromTime, fromOffsets);
      Map<TopicPartition, List<RecordedRecord>> rollouts =
          topics.read(
              starts, untilTime, n -> err.printf("srl replay rescore: read %d rollout steps%n", n));
      long rolloutRecords = rollouts.values().stream().mapToLong(List::size).sum();
      if (rolloutRecords == 0) {
        throw new IllegalArgumentException(
            noRecords(topics, live.rolloutSteps(), fromTime, fromOffsets, untilTime));
      }
      Instant firstRollout =
          Instant.ofEpochMilli(
              rollouts.values().stream()
                  .flatMap(List::stream)
                  .mapToLong(RecordedRecord::timestamp)
                  .min()
                  .orElseThrow());
      Instant lastRollout =
          Instant.ofEpochMilli(
              rollouts.values().stream()
                  .flatMap(List::stream)
                  .mapToLong(RecordedRecord::timestamp)
                  .max()
                  .orElseThrow());
      List<TopicPartition> expertPartitions = topics.partitions(live.expertSteps());
      Map<TopicPartition, List<RecordedRecord>> experts =
          topics.read(
              topics.beginnings(expertPartitions),
              untilTime,
              n -> err.printf("srl replay rescore: read %d expert steps%n", n));
      long expertRecords = experts.values().stream().mapToLong(List::size).sum();
      inputs.addAll(experts.values());
      inputs.addAll(rollouts.values());

      // The recorded outputs of those rollouts: written at or after the earliest of them.
      AvroSerde<StepReward> rewardSerde = new AvroSerde<>(StepReward.class, registry);
      AvroSerde<TrainingGroup> groupSerde = new AvroSerde<>(TrainingGroup.class, registry);
      for (List<RecordedRecord> partition : recorded(topics, live.stepRewards(), firstRollout)) {
        for (RecordedRecord r : partition) {
          StepReward reward = decode(rewardSerde, r);
          if (reward != null) {
            recordedRewardList.add(reward);
          }
        }
      }
      for (List<RecordedRecord> partition : recorded(topics, live.trainingGroups(), firstRollout)) {
        for (RecordedRecord r : partition) {
          TrainingGroup group = decode(groupSerde, r);
          if (group != null) {
            recordedGroupList.add(group);
          }
        }
      }
      return new Recording(
          inputs,
          recordedRewardList,
          recordedGroupList,
          rolloutRecords,
          expertRecords,
          firstRollout,
          lastRollout);
    }
  }

  /** The report's range and settings. */
  private static ObjectNode report(
      Recording recording,
      String policyName,
      int policyRollouts,
      RecordedSettings recordedSettings,
      ScorerConfig config) {
    ObjectNode report = JsonNodeFactory.instance.objectNode();
    ObjectNode range = report.putObject("range");
    range.put("rollout_steps", recording.rolloutRecords());
    range.put("expert_steps", recording.expertRecords());
    range.put("first_rollout", recording.firstRollout().toString());
    range.put("last_rollout", recording.lastRollout().toString());
    range.put("policy", policyName);
    range.put("policy_rollouts", policyRollouts);
    ObjectNode settings = report.putObject("settings");
    ObjectNode recordedJson = settings.putObject("recorded");
    recordedJson.put(
        "autojunk", recordedSettings.autojunk().map(String::valueOf).orElse("not recorded"));
    recordedJson.put("similarity_reward", recordedSettings.similarityReward().name());
    recordedJson.putPOJO("reward_configs", List.copyOf(recordedSettings.configs()));
    recordedJson.put("epsilon", "not recorded");
    ObjectNode replayedJson = settings.putObject("replayed");
    replayedJson.put("autojunk", config.autojunk());
    replayedJson.put("similarity_reward", config.similarityReward().name());
    replayedJson.put("epsilon", config.dynamicSamplingEpsilon());
    return report;
  }

  /** The text report's range and settings lines. */
  private void printText(
      PrintWriter out,
      Recording recording,
      String policyName,
      int policyRollouts,
      RecordedSettings recordedSettings,
      ScorerConfig config) {
    out.printf(
        Locale.ROOT,
        "srl replay rescore: %d rollout steps of %s (%s .. %s), %d of policy %s; %d expert"
            + " steps%n",
        recording.rolloutRecords(),
        ScorerTopics.LIVE.rolloutSteps(),
        recording.firstRollout(),
        recording.lastRollout(),
        policyRollouts,
        policyName,
        recording.expertRecords());
    out.printf(
        Locale.ROOT,
        "settings   recorded: autojunk %s, similarity reward %s, reward configs %s; epsilon not"
            + " recorded%n",
        recordedSettings.autojunk().map(String::valueOf).orElse("not recorded"),
        recordedSettings.similarityReward(),
        recordedSettings.configs());
    out.printf(
        Locale.ROOT,
        "           replayed: autojunk %s%s, similarity reward %s%s, epsilon %s%s%n",
        config.autojunk(),
        autojunk == null ? "" : " (--autojunk)",
        config.similarityReward(),
        modeReward == null ? "" : " (--mode-reward)",
        config.dynamicSamplingEpsilon(),
        epsilon == null ? " (the scorer's default)" : " (--epsilon)");
  }

  /** Where each partition's replayed rollout steps start. */
  private static Map<TopicPartition, Long> rolloutStarts(
      RecordedTopics topics,
      List<TopicPartition> partitions,
      Instant fromTime,
      Map<Integer, Long> fromOffsets) {
    if (fromTime != null) {
      return topics.offsetsAt(partitions, fromTime);
    }
    if (fromOffsets.isEmpty()) {
      return topics.beginnings(partitions);
    }
    Map<TopicPartition, Long> starts = new LinkedHashMap<>();
    Map<TopicPartition, Long> ends = topics.ends(partitions);
    Map<TopicPartition, Long> beginnings = topics.beginnings(partitions);
    for (Map.Entry<Integer, Long> e : fromOffsets.entrySet()) {
      TopicPartition p = new TopicPartition(partitions.get(0).topic(), e.getKey());
      if (!partitions.contains(p)) {
        throw new IllegalArgumentException(
            "--from-offset partition must be 0.."
                + (partitions.size() - 1)
                + " of "
                + p.topic()
                + ", but was "
                + e.getKey());
      }
      if (e.getValue() < beginnings.get(p) || e.getValue() >= ends.get(p)) {
        throw new IllegalArgumentException(
            "--from-offset "
                + e.getKey()
                + ":"
                + e.getValue()
                + " must be an offset of partition "
                + e.getKey()
                + " of "
                + p.topic()
                + ", which holds "
                + (ends.get(p) > beginnings.get(p)
                    ? "offsets " + beginnings.get(p) + ".." + (ends.get(p) - 1)
                    : "no records"));
      }
      starts.put(p, e.getValue());
    }
    return starts;
  }

  /** The records of a recorded output topic from {@code from} to its end. */
  private static java.util.Collection<List<RecordedRecord>> recorded(
      RecordedTopics topics, String topic, Instant from) {
    List<TopicPartition> partitions = topics.partitions(topic);
    return topics.read(topics.offsetsAt(partitions, from), null, n -> {}).values();
  }

  /** The error when the range holds no rollout step, with the topic's time span. */
  private String noRecords(
      RecordedTopics topics,
      String topic,
      Instant fromTime,
      Map<Integer, Long> fromOffsets,
      Instant untilTime) {
    String asked =
        (fromTime != null
                ? "from " + fromTime
                : fromOffsets.isEmpty() ? "from the beginning" : "from offsets " + fromOffsets)
            + (untilTime != null ? " until " + untilTime : "");
    Optional<Instant> first = topics.firstTimestamp(topic);
    if (first.isEmpty()) {
      return "no recorded rollout steps " + asked + ": " + topic + " holds no records";
    }
    return "no recorded rollout steps "
        + asked
        + ": "
        + topic
        + " holds records from "
        + first.get()
        + " to "
        + lastTimestamp(topic).map(Instant::toString).orElse("?");
  }

  /** The newest record timestamp of a topic (the admin's max-timestamp offset query). */
  private Optional<Instant> lastTimestamp(String topic) {
    Map<String, Object> config = AdminSettings.of(cluster.bootstrapServers, cluster.kafkaConfig());
    try (Admin admin = Admin.create(config)) {
      int partitions =
          admin
              .describeTopics(List.of(topic))
              .allTopicNames()
              .get(30, TimeUnit.SECONDS)
              .get(topic)
              .partitions()
              .size();
      Map<TopicPartition, OffsetSpec> query = new HashMap<>();
      for (int p = 0; p < partitions; p++) {
        query.put(new TopicPartition(topic, p), OffsetSpec.maxTimestamp());
      }
      return admin.listOffsets(query).all().get(30, TimeUnit.SECONDS).values().stream()
          .map(ListOffsetsResultInfo::timestamp)
          .filter(t -> t >= 0)
          .max(Long::compare)
          .map(Instant::ofEpochMilli);
    } catch (Exception e) {
      return Optional.empty(); // only for the error message
    }
  }

  private static String onlyPolicy(Set<String> policies) {
    if (policies.size() > 1) {
      throw new IllegalArgumentException(
          "the recorded rollout steps are of policies "
              + policies
              + "; give --policy NAME to re-score one of them");
    }
    return policies.isEmpty() ? PolicyNames.DEFAULT : policies.iterator().next();
  }

  private static <T extends org.apache.avro.specific.SpecificRecord> T decode(
      AvroSerde<T> serde, RecordedRecord r) {
    try {
      return serde.deserialize(r.topic(), r.value());
    } catch (SerializationException e) {
      return null; // the scorer dead-letters it; the recording did too
    }
  }

  private static Map<Integer, Long> offsets(List<String> values) {
    Map<Integer, Long> offsets = new LinkedHashMap<>();
    for (String value : values) {
      String[] parts = value.split(":", 2);
      try {
        int partition = Integer.parseInt(parts[0]);
        long offset = Long.parseLong(parts[1]);
        if (partition < 0 || offset < 0) {
          throw new NumberFormatException();
        }
        if (offsets.put(partition, offset) != null) {
          throw new IllegalArgumentException(
              "--from-offset names partition " + partition + " twice; give each partition once");
        }
      } catch (NumberFormatException | ArrayIndexOutOfBoundsException e) {
        throw new IllegalArgumentException(
            "--from-offset must be PARTITION:OFFSET (two whole numbers >= 0), but was " + value);
      }
    }
    return offsets;
  }
}
