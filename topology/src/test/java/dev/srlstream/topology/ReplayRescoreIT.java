package dev.srlstream.topology;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.srlstream.infra.LocalInfrastructure;
import dev.srlstream.method.reward.SequenceSimilarity;
import dev.srlstream.schemas.SampleRecords;
import dev.srlstream.schemas.Topics;
import dev.srlstream.schemas.avro.ExpertStep;
import dev.srlstream.schemas.avro.GroupRollout;
import dev.srlstream.schemas.avro.RolloutStep;
import dev.srlstream.schemas.avro.StepReward;
import dev.srlstream.schemas.avro.TrainingGroup;
import dev.srlstream.schemas.avro.TrainingMode;
import dev.srlstream.schemas.registry.SchemaRegistryClient;
import dev.srlstream.schemas.serde.AvroSerde;
import dev.srlstream.scorer.ScorerConfig;
import dev.srlstream.scorer.ScorerService;
import dev.srlstream.scorer.ScorerTopics;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code srl replay rescore} on the embedded broker and registry, over a recorded run of the real
 * scorer service: rollout steps of short arithmetic steps and of long (200+ character) prose steps,
 * written as exact copies, edits, truncations, other steps and malformed responses.
 *
 * <p>{@code -Dreplay.it.groups=N} records N groups of 4 (default 120) and prints the figures of a
 * bigger replay (records/s, the share of rewards --autojunk true changes).
 */
class ReplayRescoreIT {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int GROUP_SIZE = 4;
  private static final int GROUPS = Integer.getInteger("replay.it.groups", 120);

  /** The recording scorer's application id; the replay's state subjects differ from its. */
  private static final String RECORDING_APP = "replay-it-scorer";

  private static LocalInfrastructure infra;
  private static SchemaRegistryClient registry;

  /** Every recorded rollout step by rollout id, and the expert step of each instance. */
  private static final Map<String, RolloutStep> rollouts = new TreeMap<>();

  private static final Map<String, ExpertStep> experts = new TreeMap<>();
  private static Map<String, StepReward> recordedRewards;
  private static Map<String, TrainingGroup> recordedGroups;
  private static Instant recordedFrom;
  private static Instant recordedUntil;

  @TempDir static Path scorerState;
  @TempDir Path out;

  @BeforeAll
  static void recordAScorerRun() throws Exception {
    infra = LocalInfrastructure.start(LocalInfrastructure.Config.ephemeral());
    registry = new SchemaRegistryClient(infra.schemaRegistryUrl());
    Random random = new Random(14);
    int instances = GROUPS / 2;
    List<String> allTargets = new ArrayList<>();
    for (int i = 0; i < instances; i++) {
      ExpertStep e = SampleRecords.expertStep();
      e.setInstanceId("inst-" + i);
      e.setProblemId("problem-" + i);
      // Every sixth instance HOLISTIC (a whole solution), half the others long prose steps.
      e.setMode(i % 6 == 5 ? TrainingMode.HOLISTIC : TrainingMode.SRL);
      e.setTargetStep(i % 2 == 0 ? shortStep(i) : longStep(i));
      experts.put(e.getInstanceId(), e);
      allTargets.add(e.getTargetStep());
    }
    List<RolloutStep> steps = new ArrayList<>();
    for (int g = 0; g < GROUPS; g++) {
      ExpertStep expert = experts.get("inst-" + (g % instances));
      String groupId = "task-" + g + "/v" + (g / instances);
      for (int r = 0; r < GROUP_SIZE; r++) {
        RolloutStep step = SampleRecords.rolloutStep();
        step.setInstanceId(expert.getInstanceId());
        step.setProblemId(expert.getProblemId());
        step.setMode(expert.getMode());
        step.setStepIndex(expert.getStepIndex());
        step.setTaskId("task-" + g);
        step.setGroupId(groupId);
        step.setRolloutId(groupId + "/" + r);
        step.setRolloutIndex(r);
        step.setGroupSize(GROUP_SIZE);
        step.setPolicyVersion(g / instances);
        // Every tenth group answers alike (dynamic sampling filters it).
        String action = g % 10 == 3 ? expert.getTargetStep() : variant(expert, allTargets, random);
        step.setResponseText(
            action == null ? "no think block here" : "<think>step " + r + "</think>" + action);
        steps.add(step);
        rollouts.put(step.getRolloutId(), step);
      }
    }
    produce(Topics.EXPERT_STEPS.name(), List.copyOf(experts.values()), ExpertStep::getInstanceId);
    recordedFrom = Instant.now();
    // In four batches, so the rollouts span some time.
    int batch = steps.size() / 4 + 1;
    for (int i = 0; i < steps.size(); i += batch) {
      produce(
          Topics.ROLLOUT_STEPS.name(),
          steps.subList(i, Math.min(steps.size(), i + batch)),
          RolloutStep::getInstanceId);
      Thread.sleep(50);
    }
    recordedUntil = Instant.now();
    try (ScorerService scorer =
        ScorerService.start(
            new ScorerService.Settings(
                infra.bootstrapServers(),
                infra.schemaRegistryUrl(),
                RECORDING_APP,
                scorerState,
                1,
                ScorerConfig.DEFAULTS,
                ScorerTopics.LIVE,
                Map.of("commit.interval.ms", "100")),
            Duration.ofSeconds(60))) {
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(180);
      do {
        recordedRewards = read(Topics.STEP_REWARDS.name(), StepReward.class, r -> r.getRolloutId());
      } while (recordedRewards.size() < steps.size() && System.nanoTime() < deadline);
      Thread.sleep(1000); // the last groups' transaction
      recordedGroups =
          read(Topics.TRAINING_GROUPS.name(), TrainingGroup.class, g -> g.getGroupId());
    }
    assertThat(recordedRewards).hasSize(steps.size());
    assertThat(recordedGroups).isNotEmpty();
  }

  @AfterAll
  static void stop() {
    if (infra != null) {
      infra.close();
    }
  }

  /** (1) The recorded settings reproduce every recorded reward and group bit for bit. */
  @Test
  void rescoringWithTheRecordedSettingsReproducesEveryRewardAndGroupBitForBit() throws Exception {
    CommandRun run = rescore("--json", "--out", out.toString());
    assertThat(run.exitCode()).as(run.err()).isZero();
    JsonNode diff = JSON.readTree(run.out());
    assertThat(diff.at("/rewards/compared").asLong()).isEqualTo(rollouts.size());
    assertThat(diff.at("/rewards/changed").asLong()).isZero();
    assertThat(diff.at("/rewards/recorded_only").asLong()).isZero();
    assertThat(diff.at("/rewards/replay_only").asLong()).isZero();
    assertThat(diff.at("/groups/flips").asLong()).isZero();
    assertThat(diff.at("/groups/kept_by_both_differ").asLong()).isZero();
    assertThat(diff.at("/groups/before/kept").asLong()).isEqualTo(recordedGroups.size());
    assertThat(diff.at("/settings/recorded/autojunk").asText()).isEqualTo("false");
    assertThat(diff.at("/settings/replayed/similarity_reward").asText()).isEqualTo("BY_MODE");
    assertThat(run.err()).contains("records/s");

    // Independently of the diff: the written rewards against the recorded ones, bit for bit.
    Map<String, JsonNode> replayed = lines(out.resolve("step-rewards.jsonl"), "rollout_id");
    assertThat(replayed.keySet()).isEqualTo(recordedRewards.keySet());
    for (StepReward recorded : recordedRewards.values()) {
      JsonNode again = replayed.get(recorded.getRolloutId()).path("value");
      assertThat(Double.doubleToLongBits(again.path("reward").asDouble()))
          .as(recorded.getRolloutId())
          .isEqualTo(Double.doubleToLongBits(recorded.getReward()));
      assertThat(again.path("reward_config").asText()).isEqualTo(recorded.getRewardConfig());
    }
    Map<String, JsonNode> groups = lines(out.resolve("training-groups.jsonl"), "group_id");
    assertThat(groups.keySet()).isEqualTo(recordedGroups.keySet());
    for (TrainingGroup recorded : recordedGroups.values()) {
      JsonNode again = groups.get(recorded.getGroupId()).path("value");
      assertThat(bits(again.path("reward_mean").asDouble()))
          .isEqualTo(bits(recorded.getRewardMean()));
      assertThat(bits(again.path("reward_std").asDouble()))
          .isEqualTo(bits(recorded.getRewardStd()));
      JsonNode replayedRollouts = again.path("rollouts");
      assertThat(replayedRollouts.size()).isEqualTo(recorded.getRollouts().size());
      for (int i = 0; i < recorded.getRollouts().size(); i++) {
        GroupRollout r = recorded.getRollouts().get(i);
        JsonNode x = replayedRollouts.get(i);
        assertThat(x.path("rollout_id").asText()).isEqualTo(r.getRolloutId());
        assertThat(bits(x.path("reward").asDouble())).isEqualTo(bits(r.getReward()));
        assertThat(bits(x.path("advantage").asDouble())).isEqualTo(bits(r.getAdvantage()));
      }
    }
  }

  /** (2) autojunk matters on long steps: those rewards change, and the diff says so. */
  @Test
  void autojunkChangesTheRewardsOfLongStepsAndTheDiffReportsThem() throws Exception {
    long began = System.nanoTime();
    CommandRun run = rescore("--json", "--autojunk", "true", "--out", out.toString());
    double seconds = (System.nanoTime() - began) / 1e9;
    assertThat(run.exitCode()).as(run.err()).isZero();
    JsonNode diff = JSON.readTree(run.out());
    Map<String, JsonNode> replayed = lines(out.resolve("step-rewards.jsonl"), "rollout_id");
    long expectedChanged = 0;
    double expectedMax = 0;
    for (RolloutStep r : rollouts.values()) {
      StepReward recorded = recordedRewards.get(r.getRolloutId());
      double again = replayed.get(r.getRolloutId()).at("/value/reward").asDouble();
      ExpertStep expert = experts.get(r.getInstanceId());
      String text = r.getResponseText();
      if (recorded.getFormatOk() && expert.getMode() == TrainingMode.SRL) {
        // The step reward with autojunk, computed here from the action and the expert step.
        String action = text.substring(text.indexOf("</think>") + "</think>".length()).strip();
        assertThat(bits(again))
            .as(r.getRolloutId())
            .isEqualTo(bits(SequenceSimilarity.ratio(action, expert.getTargetStep(), true)));
      }
      if (bits(again) != bits(recorded.getReward())) {
        expectedChanged++;
        expectedMax = Math.max(expectedMax, Math.abs(again - recorded.getReward()));
        // Autojunk only acts on a second text of 200 characters or more.
        assertThat(expert.getTargetStep().length()).isGreaterThanOrEqualTo(200);
      }
    }
    assertThat(expectedChanged).isPositive();
    assertThat(diff.at("/rewards/changed").asLong()).isEqualTo(expectedChanged);
    assertThat(diff.at("/rewards/max_abs_change").asDouble()).isEqualTo(expectedMax);
    assertThat(diff.at("/rewards/largest_changes").size()).isPositive();
    assertThat(diff.at("/settings/replayed/autojunk").asBoolean()).isTrue();
    assertThat(diff.at("/histogram/before/counts"))
        .isNotEqualTo(diff.at("/histogram/after/counts"));
    System.out.printf(
        "ReplayRescoreIT figures: %d rollouts in %d groups; replay %.0f records/s (command %.1f s);"
            + " --autojunk true changed %d rewards (%.1f%%), mean |change| %.4f, max |change|"
            + " %.4f; %d groups flip%n",
        rollouts.size(),
        GROUPS,
        diff.at("/replay/records_per_second").asDouble(),
        seconds,
        expectedChanged,
        100.0 * expectedChanged / rollouts.size(),
        diff.at("/rewards/mean_abs_change").asDouble(),
        expectedMax,
        diff.at("/groups/flips").asLong());
    System.out.println(rescore("--autojunk", "true", "--list", "5").out());
  }

  /** --mode-reward step scores the HOLISTIC rollouts by the step similarity; SRL stays. */
  @Test
  void modeRewardStepRescoresTheHolisticRolloutsOnly() throws Exception {
    CommandRun run = rescore("--json", "--mode-reward", "step", "--out", out.toString());
    assertThat(run.exitCode()).as(run.err()).isZero();
    JsonNode diff = JSON.readTree(run.out());
    assertThat(diff.at("/settings/replayed/similarity_reward").asText()).isEqualTo("STEP");
    Map<String, JsonNode> replayed = lines(out.resolve("step-rewards.jsonl"), "rollout_id");
    long changed = 0;
    for (RolloutStep r : rollouts.values()) {
      JsonNode again = replayed.get(r.getRolloutId()).path("value");
      assertThat(again.path("reward_config").asText()).isEqualTo("step-similarity;autojunk=false");
      boolean same =
          bits(again.path("reward").asDouble())
              == bits(recordedRewards.get(r.getRolloutId()).getReward());
      if (r.getMode() == TrainingMode.SRL) {
        assertThat(same).as(r.getRolloutId()).isTrue();
      } else if (!same) {
        changed++;
      }
    }
    assertThat(changed).isPositive();
    assertThat(diff.at("/rewards/changed").asLong()).isEqualTo(changed);
  }

  /** (3) A replay writes to no live topic and registers no schema in the live registry. */
  @Test
  void aReplayWritesNothingLiveAndRegistersNoSchema() throws Exception {
    Map<TopicPartition, Long> offsetsBefore = endOffsets();
    List<String> subjectsBefore = registry.subjects();

    CommandRun run =
        rescore("--json", "--autojunk", "true", "--epsilon", "0.2", "--out", out.toString());

    assertThat(run.exitCode()).as(run.err()).isZero();
    JsonNode diff = JSON.readTree(run.out());
    assertThat(diff.at("/settings/replayed/epsilon").asDouble()).isEqualTo(0.2);
    // The replay did need schemas registered: its state stores' changelog subjects.
    assertThat(diff.path("local_schemas")).isNotEmpty();
    diff.path("local_schemas")
        .forEach(s -> assertThat(s.asText()).startsWith("srl-scorer-").endsWith("-value"));
    assertThat(endOffsets()).isEqualTo(offsetsBefore);
    assertThat(registry.subjects()).isEqualTo(subjectsBefore);
    // The replay's state stores are the live scorer's application id's (srl-scorer), whose
    // subjects this recording (by another application id) never registered: the replay needed
    // them, and registered them locally only.
    assertThat(subjectsBefore).noneMatch(s -> s.startsWith("srl-scorer-"));
    assertThat(subjectsBefore).anyMatch(s -> s.startsWith(RECORDING_APP + "-"));
  }

  /** (4) --into-topics writes the re-scored records to suffixed topics only. */
  @Test
  void intoTopicsWritesToSuffixedTopicsOnly() throws Exception {
    Map<TopicPartition, Long> offsetsBefore = endOffsets();
    List<String> subjectsBefore = registry.subjects();

    CommandRun run = rescore("--into-topics", ".replay-it");

    assertThat(run.exitCode()).as(run.err()).isZero();
    Map<TopicPartition, Long> offsetsAfter = endOffsets();
    Set<String> changed = new TreeSet<>();
    offsetsAfter.forEach(
        (p, end) -> {
          if (!end.equals(offsetsBefore.get(p))) {
            changed.add(p.topic());
          }
        });
    // The new topics only (srl.dead-letters.replay-it holds just the provisioner's warm-up record).
    assertThat(changed)
        .allMatch(t -> t.endsWith(".replay-it"))
        .contains("srl.step-rewards.replay-it", "srl.training-groups.replay-it");
    assertThat(registry.subjects()).isEqualTo(subjectsBefore);
    // Readable with the live registry: the replay used the live schema ids.
    Map<String, StepReward> written =
        read("srl.step-rewards.replay-it", StepReward.class, StepReward::getRolloutId);
    assertThat(written.keySet()).isEqualTo(recordedRewards.keySet());
    written.forEach(
        (id, r) ->
            assertThat(bits(r.getReward())).isEqualTo(bits(recordedRewards.get(id).getReward())));
    assertThat(
            read("srl.training-groups.replay-it", TrainingGroup.class, TrainingGroup::getGroupId))
        .hasSameSizeAs(recordedGroups);
  }

  /** (5) Bad input fails with the bad value and what is valid. */
  @Test
  void badInputFailsClearly() {
    assertThat(rescore("--epsilon", "1.5").err())
        .contains("--epsilon must be a number in [0, 1]")
        .contains("but was 1.5");
    assertThat(rescore("--epsilon", "-0.1").err()).contains("but was -0.1");
    assertThat(rescore("--from-time", "yesterday").err())
        .contains(
            "--from-time must be an ISO-8601 instant (e.g. 2026-12-04T01:00:00Z), but was"
                + " yesterday");
    assertThat(rescore("--from-offset", "0-4").err())
        .contains("--from-offset must be PARTITION:OFFSET (two whole numbers >= 0), but was 0-4");
    assertThat(rescore("--from-offset", "99:0").err())
        .contains("--from-offset partition must be 0..5 of srl.rollout-steps, but was 99");
    assertThat(rescore("--from-offset", "0:99999999").err())
        .contains("--from-offset 0:99999999 must be an offset of partition 0 of srl.rollout-steps");
    CommandRun future = rescore("--from-time", "2999-01-01T00:00:00Z");
    assertThat(future.exitCode()).isNotZero();
    assertThat(future.err())
        .contains("no recorded rollout steps from 2999-01-01T00:00:00Z")
        .contains("srl.rollout-steps holds records from ");
    CommandRun past =
        rescore("--from-time", "2000-01-01T00:00:00Z", "--until-time", "2000-01-02T00:00:00Z");
    assertThat(past.err()).contains("until 2000-01-02T00:00:00Z");
    assertThat(
            rescore("--until-time", "2000-01-01T00:00:00Z", "--from-time", "2001-01-01T00:00:00Z")
                .err())
        .contains("--until-time must not be before --from-time");
    assertThat(rescore("--into-topics", "").err())
        .contains("--into-topics must be a non-empty suffix");
    assertThat(rescore("--into-topics", "/x").err())
        .contains("--into-topics suffix must make topic names of [a-zA-Z0-9._-]");
    assertThat(rescore("--mode-reward", "sideways").exitCode()).isEqualTo(2);
    assertThat(rescore("--policy", "bad name").err()).contains("bad name");
  }

  /** The time range and the offsets select the replayed rollout steps. */
  @Test
  void aTimeRangeReplaysTheRolloutsInIt() throws Exception {
    CommandRun all = rescore("--json", "--from-time", recordedFrom.minusSeconds(1).toString());
    assertThat(all.exitCode()).as(all.err()).isZero();
    assertThat(JSON.readTree(all.out()).at("/range/rollout_steps").asLong())
        .isEqualTo(rollouts.size());
    Map<TopicPartition, Long> firsts;
    try (KafkaConsumer<byte[], byte[]> consumer = consumer()) {
      firsts =
          consumer.beginningOffsets(
              List.of(
                  new TopicPartition(Topics.ROLLOUT_STEPS.name(), 0),
                  new TopicPartition(Topics.ROLLOUT_STEPS.name(), 1)));
    }
    CommandRun one =
        rescore(
            "--json",
            "--from-offset",
            "0:" + firsts.get(new TopicPartition(Topics.ROLLOUT_STEPS.name(), 0)),
            "--from-offset",
            "1:" + firsts.get(new TopicPartition(Topics.ROLLOUT_STEPS.name(), 1)));
    assertThat(one.exitCode()).as(one.err()).isZero();
    JsonNode diff = JSON.readTree(one.out());
    long inTwoPartitions = diff.at("/range/rollout_steps").asLong();
    assertThat(inTwoPartitions).isPositive().isLessThan(rollouts.size());
    assertThat(diff.at("/rewards/changed").asLong()).isZero();
    assertThat(diff.at("/rewards/compared").asLong()).isEqualTo(inTwoPartitions);
  }

  private static CommandRun rescore(String... options) {
    List<String> args =
        new ArrayList<>(
            List.of(
                "replay",
                "rescore",
                "--bootstrap-servers",
                infra.bootstrapServers(),
                "--schema-registry",
                infra.schemaRegistryUrl()));
    args.addAll(List.of(options));
    return CommandRun.of(args.toArray(String[]::new));
  }

  private static long bits(double d) {
    return Double.doubleToLongBits(d);
  }

  /** A JSON lines file's records by a field of their value. */
  private static Map<String, JsonNode> lines(Path file, String idField) throws Exception {
    Map<String, JsonNode> byId = new HashMap<>();
    for (String line : Files.readAllLines(file)) {
      JsonNode node = JSON.readTree(line);
      byId.put(node.path("value").path(idField).asText(), node);
    }
    return byId;
  }

  /** A short arithmetic step. */
  private static String shortStep(int i) {
    int a = 3 + i % 17;
    int b = 2 + i % 9;
    return a + " × " + b + " = " + (a * b);
  }

  /** A prose step of 200+ characters, where autojunk finds popular characters. */
  private static String longStep(int i) {
    int a = 2 + i % 7;
    int c = 5 + i % 11;
    int x = 3 + i % 5;
    int rhs = a * x + c;
    String step =
        "We subtract "
            + c
            + " from both sides of the equation "
            + a
            + "x + "
            + c
            + " = "
            + rhs
            + ", which gives "
            + a
            + "x = "
            + (rhs - c)
            + "; then we divide both sides by "
            + a
            + " and get x = "
            + x
            + ", and we check it by putting it back into the original equation: "
            + a
            + " * "
            + x
            + " + "
            + c
            + " = "
            + rhs
            + ".";
    assertThat(step.length()).isGreaterThanOrEqualTo(200);
    return step;
  }

  /** A rollout's action for an expert step: copies, edits, cuts, other steps, or malformed. */
  private static String variant(ExpertStep expert, List<String> targets, Random random) {
    String t = expert.getTargetStep();
    switch (random.nextInt(6)) {
      case 0:
        return t;
      case 1:
        {
          StringBuilder b = new StringBuilder(t);
          int edits = 1 + random.nextInt(Math.max(1, t.length() / 15));
          for (int k = 0; k < edits; k++) {
            b.setCharAt(
                random.nextInt(b.length()), "abcdefxyz0123456789 +=".charAt(random.nextInt(22)));
          }
          return b.toString().strip().isEmpty() ? t : b.toString();
        }
      case 2:
        return t.substring(0, Math.max(1, (int) (t.length() * (0.4 + 0.5 * random.nextDouble()))));
      case 3:
        {
          // A paraphrase: the words in another order around the middle.
          String[] words = t.split(" ");
          int cut = words.length / 2;
          return String.join(" ", java.util.Arrays.copyOfRange(words, cut, words.length))
              + " "
              + String.join(" ", java.util.Arrays.copyOfRange(words, 0, cut));
        }
      case 4:
        return targets.get(random.nextInt(targets.size()));
      default:
        return null; // malformed
    }
  }

  private static <V> void produce(String topic, List<V> records, Function<V, String> key)
      throws Exception {
    @SuppressWarnings("unchecked")
    AvroSerde<org.apache.avro.specific.SpecificRecord> serde =
        new AvroSerde<>(
            (Class<org.apache.avro.specific.SpecificRecord>) records.get(0).getClass(), registry);
    try (KafkaProducer<String, byte[]> producer =
        new KafkaProducer<>(
            Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, infra.bootstrapServers()),
            new StringSerializer(),
            new org.apache.kafka.common.serialization.ByteArraySerializer())) {
      for (V record : records) {
        producer.send(
            new ProducerRecord<>(
                topic,
                key.apply(record),
                serde.serialize(topic, (org.apache.avro.specific.SpecificRecord) record)));
      }
      producer.flush();
    }
  }

  /** Every committed record of a topic now, by an id. */
  private static <V extends org.apache.avro.specific.SpecificRecord> Map<String, V> read(
      String topic, Class<V> type, Function<V, String> id) {
    AvroSerde<V> serde = new AvroSerde<>(type, registry);
    Map<String, V> values = new HashMap<>();
    try (KafkaConsumer<byte[], byte[]> consumer = consumer()) {
      List<TopicPartition> partitions =
          consumer.partitionsFor(topic).stream()
              .map(p -> new TopicPartition(topic, p.partition()))
              .toList();
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      Map<TopicPartition, Long> ends = consumer.endOffsets(partitions);
      while (partitions.stream().anyMatch(p -> consumer.position(p) < ends.get(p))) {
        for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
          if (r.value() != null && !dev.srlstream.schemas.WarmupRecords.isWarmup(r.headers())) {
            V value = serde.deserialize(topic, r.value());
            values.put(id.apply(value), value);
          }
        }
      }
    }
    return values;
  }

  /** The end offset of every partition of every topic on the broker. */
  private static Map<TopicPartition, Long> endOffsets() throws Exception {
    try (Admin admin = Admin.create(Map.of("bootstrap.servers", infra.bootstrapServers()));
        KafkaConsumer<byte[], byte[]> consumer = consumer()) {
      Set<String> names =
          admin
              .listTopics(new org.apache.kafka.clients.admin.ListTopicsOptions().listInternal(true))
              .names()
              .get(30, TimeUnit.SECONDS);
      List<TopicPartition> partitions = new ArrayList<>();
      for (String name : names) {
        consumer
            .partitionsFor(name)
            .forEach(p -> partitions.add(new TopicPartition(name, p.partition())));
      }
      return new HashMap<>(consumer.endOffsets(partitions));
    }
  }

  private static KafkaConsumer<byte[], byte[]> consumer() {
    return new KafkaConsumer<>(
        Map.of(
            ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
            infra.bootstrapServers(),
            ConsumerConfig.ISOLATION_LEVEL_CONFIG,
            "read_committed"),
        new ByteArrayDeserializer(),
        new ByteArrayDeserializer());
  }
}
