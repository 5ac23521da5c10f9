package dev.srlstream.scorer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;
import static org.assertj.core.api.Assertions.within;

import dev.srlstream.method.reward.LongStepParaphrase;
import dev.srlstream.method.reward.SequenceSimilarity;
import dev.srlstream.schemas.PrometheusText;
import dev.srlstream.schemas.RolloutSegments;
import dev.srlstream.schemas.SampleRecords;
import dev.srlstream.schemas.Topics;
import dev.srlstream.schemas.WarmupRecords;
import dev.srlstream.schemas.avro.ActionAlignment;
import dev.srlstream.schemas.avro.DeadLetter;
import dev.srlstream.schemas.avro.ExpertStep;
import dev.srlstream.schemas.avro.GroupRollout;
import dev.srlstream.schemas.avro.RolloutSegment;
import dev.srlstream.schemas.avro.RolloutStep;
import dev.srlstream.schemas.avro.StepReward;
import dev.srlstream.schemas.avro.TrainingGroup;
import dev.srlstream.schemas.avro.TrainingMode;
import dev.srlstream.schemas.serde.AvroSerde;
import dev.srlstream.schemas.serde.InMemorySchemaRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.stream.Stream;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.processor.TaskId;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The whole scorer graph on TopologyTestDriver: rewards, groups, filtering, every dead letter. */
class ScorerTopologyTest {
  private static final String EXPERT_TARGET = "6 ÷ 2 = 3";

  @TempDir Path stateDir;

  private final InMemorySchemaRegistry registry = new InMemorySchemaRegistry();
  private final AvroSerde<RolloutStep> rolloutSerde =
      AvroSerde.forTopic(Topics.ROLLOUT_STEPS, registry);
  private final AvroSerde<ExpertStep> expertSerde =
      AvroSerde.forTopic(Topics.EXPERT_STEPS, registry);
  private final PrometheusMeterRegistry meters =
      new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private final ScorerCounters counters = new ScorerCounters(meters);

  private TopologyTestDriver driver;
  private TestInputTopic<String, byte[]> rollouts;
  private TestInputTopic<String, byte[]> experts;
  private TestOutputTopic<String, StepReward> rewards;
  private TestOutputTopic<String, TrainingGroup> groups;
  private TestOutputTopic<String, DeadLetter> deadLetters;

  private void start(ScorerConfig config) {
    start(config, SegmentWarmup.NONE);
  }

  private void start(ScorerConfig config, SegmentWarmup warmup) {
    Properties props = new Properties();
    props.put(StreamsConfig.APPLICATION_ID_CONFIG, "scorer-test");
    props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "127.0.0.1:1");
    props.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
    props.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
    driver =
        new TopologyTestDriver(
            ScorerTopology.build(config, ScorerTopics.LIVE, registry, counters, warmup),
            props,
            Instant.ofEpochMilli(1_000_000));
    rollouts =
        driver.createInputTopic(
            Topics.ROLLOUT_STEPS.name(), new StringSerializer(), new ByteArraySerializer());
    experts =
        driver.createInputTopic(
            Topics.EXPERT_STEPS.name(), new StringSerializer(), new ByteArraySerializer());
    rewards =
        driver.createOutputTopic(
            Topics.STEP_REWARDS.name(),
            new StringDeserializer(),
            AvroSerde.forTopic(Topics.STEP_REWARDS, registry).deserializer());
    groups =
        driver.createOutputTopic(
            Topics.TRAINING_GROUPS.name(),
            new StringDeserializer(),
            AvroSerde.forTopic(Topics.TRAINING_GROUPS, registry).deserializer());
    deadLetters =
        driver.createOutputTopic(
            Topics.DEAD_LETTERS.name(),
            new StringDeserializer(),
            AvroSerde.forTopic(Topics.DEAD_LETTERS, registry).deserializer());
  }

  @AfterEach
  void close() {
    if (driver != null) {
      driver.close();
    }
  }

  // ---- rewards ----

  @Test
  void aRolloutIsRewardedByTheSimilarityOfItsActionToTheExpertStep() {
    start(ScorerConfig.DEFAULTS);
    sendExpert(expert("i1", TrainingMode.SRL, EXPERT_TARGET));
    sendRollout(rollout("i1", "g1", "r0", 0, 2, "<think>the monologue is free</think>6 ÷ 2 = 4"));

    StepReward reward = rewards.readValue();
    assertThat(reward.getRolloutId()).isEqualTo("r0");
    assertThat(reward.getReward())
        .isEqualTo(
            SequenceSimilarity.ratio("6 ÷ 2 = 4", EXPERT_TARGET, ScorerConfig.DEFAULT_AUTOJUNK));
    assertThat(reward.getSimilarity()).isEqualTo(reward.getReward());
    assertThat(reward.getFormatOk()).isTrue();
    assertThat(reward.getRewardConfig()).isEqualTo("step-similarity;autojunk=false");
    assertThat(reward.getPolicyVersion()).isEqualTo(3L);
    assertThat(counters.rewards()).isEqualTo(1);
  }

  @Test
  void theConfigsSimilarityRewardScoresAnSrlRolloutAsAWholeSolution() {
    start(ScorerConfig.DEFAULTS.withSimilarityReward(SimilarityReward.HOLISTIC));
    sendExpert(expert("i1", TrainingMode.SRL, EXPERT_TARGET));
    sendRollout(rollout("i1", "g1", "r0", 0, 2, "<think>m</think>so 6 ÷ 2 = 3"));

    StepReward reward = rewards.readValue();
    assertThat(reward.getRewardConfig()).isEqualTo("whole-solution-similarity;autojunk=false");
    // The whole solution "so 6 ÷ 2 = 3" is compared, where the step reward compares the action.
    assertThat(reward.getReward())
        .isEqualTo(SequenceSimilarity.ratio("so 6 ÷ 2 = 3", EXPERT_TARGET, false));
  }

  @Test
  void aNewExpertStepOfAnInstanceReplacesTheOldOneForLaterRollouts() {
    // Continuous training: srl feed publishes an instance's expert step again, keyed by its
    // instance (a compacted topic), and rollouts after it are scored against the new one.
    start(ScorerConfig.DEFAULTS);
    String action = "3 + 4 = 7";
    sendExpert(expert("i1", TrainingMode.SRL, EXPERT_TARGET));
    sendRollout(rollout("i1", "g1", "r0", 0, 2, "<think>t</think>" + action));
    sendExpert(expert("i1", TrainingMode.SRL, "3 + 4 = 7"));
    sendRollout(rollout("i1", "g2", "r1", 0, 2, "<think>t</think>" + action));

    assertThat(rewards.readValue().getReward())
        .isEqualTo(SequenceSimilarity.ratio(action, EXPERT_TARGET, false));
    assertThat(rewards.readValue().getReward()).isEqualTo(1.0); // the new step, word for word
  }

  @Test
  void theRegistryServesEveryCounterUnderItsDocumentedName() {
    start(ScorerConfig.DEFAULTS);
    rollouts.pipeInput("i1", new byte[] {1, 2, 3});
    sendExpert(expert("i1", TrainingMode.SRL, EXPERT_TARGET));
    String[] actions = {"6 ÷ 2 = 3", "nonsense", "6 ÷ 2 = 3"};
    for (int i = 0; i < actions.length; i++) {
      sendRollout(rollout("i1", "g1", "r" + i, i, actions.length, "<think>t</think>" + actions[i]));
    }

    PrometheusText scrape = PrometheusText.parse(meters.scrape());

    assertThat(scrape.value("srl_scorer_rewards_total")).isEqualTo(3);
    assertThat(scrape.value("srl_scorer_groups_kept_total")).isEqualTo(1);
    assertThat(scrape.value("srl_scorer_groups_filtered_total")).isZero();
    assertThat(scrape.value("srl_scorer_dead_letters_undecodable_total")).isEqualTo(1);
    assertThat(scrape.types())
        .containsOnlyKeys(
            "srl_scorer_rewards_total",
            "srl_scorer_groups_kept_total",
            "srl_scorer_groups_filtered_total",
            "srl_scorer_partial_groups_emitted_total",
            "srl_scorer_partial_groups_dropped_total",
            "srl_scorer_duplicate_task_groups_total",
            "srl_scorer_foreign_rollouts_total",
            "srl_scorer_dead_letters_undecodable_total",
            "srl_scorer_dead_letters_invalid_field_total",
            "srl_scorer_dead_letters_duplicate_rollout_total",
            "srl_scorer_dead_letters_unknown_instance_total",
            "srl_scorer_dead_letters_duplicate_task_total")
        .allSatisfy((name, type) -> assertThat(type).as(name).isEqualTo("counter"));
    assertThat(counters.snapshot())
        .as("the log line's names are the metrics' without prefix and suffix")
        .containsEntry("rewards", 3L)
        .containsEntry("dead_letters_undecodable", 1L);
  }

  /** A close paraphrase of a 226-character expert step: autojunk is off unless turned on. */
  @Test
  void aLongExpertStepIsScoredWithoutAutojunkByDefault() {
    start(ScorerConfig.DEFAULTS);
    sendExpert(expert("i1", TrainingMode.SRL, LongStepParaphrase.EXPERT_STEP));
    sendRollout(rollout("i1", "g1", "r0", 0, 2, "<think>t</think>" + LongStepParaphrase.ACTION));

    StepReward reward = rewards.readValue();
    assertThat(reward.getReward()).isEqualTo(LongStepParaphrase.CPYTHON_NO_AUTOJUNK);
    assertThat(reward.getRewardConfig()).isEqualTo("step-similarity;autojunk=false");
  }

  @Test
  void autojunkCanBeTurnedOnForPaperExactReplication() {
    start(ScorerConfig.DEFAULTS.withAutojunk(true));
    sendExpert(expert("i1", TrainingMode.SRL, LongStepParaphrase.EXPERT_STEP));
    sendRollout(rollout("i1", "g1", "r0", 0, 2, "<think>t</think>" + LongStepParaphrase.ACTION));

    StepReward reward = rewards.readValue();
    assertThat(reward.getReward()).isEqualTo(LongStepParaphrase.CPYTHON_AUTOJUNK);
    assertThat(reward.getRewardConfig()).isEqualTo("step-similarity;autojunk=true");
  }

  @Test
  void aMalformedResponseScoresMinusOneWithItsReason() {
    start(ScorerConfig.DEFAULTS);
    sendExpert(expert("i1", TrainingMode.SRL, EXPERT_TARGET));
    sendRollout(rollout("i1", "g1", "r0", 0, 2, "6 ÷ 2 = 3 but no think block"));

    StepReward reward = rewards.readValue();
    assertThat(reward.getReward()).isEqualTo(-1.0);
    assertThat(reward.getFormatOk()).isFalse();
    assertThat(reward.getReason()).isNotBlank();
    assertThat(reward.getSimilarity()).isNull();
  }

  @Test
  void rlvrAndHolisticModesUseTheirOwnRewards() {
    start(ScorerConfig.DEFAULTS);
    ExpertStep rlvr = expert("i-rlvr", TrainingMode.RLVR, "3 + 4 = 7\n7 × 5 = 35");
    rlvr.setFinalAnswer("35");
    sendExpert(rlvr);
    sendExpert(expert("i-hol", TrainingMode.HOLISTIC, "3 + 4 = 7\n7 × 5 = 35"));

    RolloutStep right =
        rollout("i-rlvr", "g1", "r0", 0, 2, "<think>x</think>7 × 5 = 35\n\\boxed{35}");
    right.setMode(TrainingMode.RLVR);
    sendRollout(right);
    RolloutStep holistic =
        rollout("i-hol", "g2", "r1", 0, 2, "<think>x</think>3 + 4 = 7\n7 × 5 = 36");
    holistic.setMode(TrainingMode.HOLISTIC);
    sendRollout(holistic);

    List<StepReward> out = rewards.readValuesToList();
    assertThat(out.get(0).getReward()).isEqualTo(1.0);
    assertThat(out.get(0).getRewardConfig()).startsWith("outcome");
    assertThat(out.get(1).getReward()).isGreaterThan(0.9).isLessThan(1.0);
    assertThat(out.get(1).getRewardConfig()).startsWith("whole-solution-similarity");
  }

  // ---- groups, advantages, dynamic sampling ----

  @Test
  void aFullGroupGetsGrpoAdvantagesAndGoesToTheLearner() {
    start(ScorerConfig.DEFAULTS);
    sendExpert(expert("i1", TrainingMode.SRL, EXPERT_TARGET));
    String[] actions = {"6 ÷ 2 = 3", "6 ÷ 2 = 4", "nonsense", "6 / 2 = 3"};
    // Out of order on purpose: the group is sorted by rollout index.
    for (int i : new int[] {2, 0, 3, 1}) {
      sendRollout(rollout("i1", "g1", "r" + i, i, 4, "<think>t</think>" + actions[i]));
    }

    TestRecord<String, TrainingGroup> record = groups.readRecord();
    TrainingGroup group = record.value();
    assertThat(record.key()).isEqualTo("g1");
    assertThat(group.getComplete()).isTrue();
    assertThat(group.getRollouts())
        .extracting(GroupRollout::getRolloutIndex)
        .containsExactly(0, 1, 2, 3);
    double[] r = new double[4];
    for (int i = 0; i < 4; i++) {
      r[i] = SequenceSimilarity.ratio(actions[i], EXPERT_TARGET, ScorerConfig.DEFAULT_AUTOJUNK);
    }
    double mean = (r[0] + r[1] + r[2] + r[3]) / 4;
    double var = 0;
    for (double x : r) {
      var += (x - mean) * (x - mean) / 4;
    }
    double std = Math.sqrt(var);
    assertThat(group.getRewardMean()).isCloseTo(mean, within(1e-12));
    assertThat(group.getRewardStd()).isCloseTo(std, within(1e-12));
    for (int i = 0; i < 4; i++) {
      GroupRollout g = group.getRollouts().get(i);
      assertThat(g.getReward()).isEqualTo(r[i]);
      assertThat(g.getAdvantage()).isCloseTo((r[i] - mean) / (std + 1e-6), within(1e-12));
    }
    // The alignment behind each reward travels with it, in UTF-8 bytes of the response: the
    // action starts after "<think>t</think>" (16 bytes); "÷" is 2 bytes.
    assertThat(group.getRollouts().get(0).getAlignment())
        .isEqualTo(new ActionAlignment(26, 16, 26, List.of(16, 26)));
    assertThat(group.getRollouts().get(1).getAlignment())
        .as("all of '6 ÷ 2 = 4' but its result")
        .isEqualTo(new ActionAlignment(26, 16, 26, List.of(16, 25)));
    assertThat(rewards.readValuesToList()).hasSize(4);
    assertThat(counters.groupsKept()).isEqualTo(1);
  }

  @Test
  void aMultiStepRolloutsSegmentsGoToTheLearnerAsRecorded() {
    start(ScorerConfig.DEFAULTS);
    sendExpert(expert("i-hol", TrainingMode.HOLISTIC, "3 + 4 = 7\n7 × 5 = 35"));
    String[] texts = {
      "<think>add</think>3 + 4 = 7\n<think>then</think>7 × 5 = 35", "<think>x</think>nonsense"
    };
    List<RolloutStep> sent = new ArrayList<>();
    for (int i = 0; i < 2; i++) {
      RolloutStep r = rollout("i-hol", "g1", "r" + i, i, 2, texts[i]);
      r.setMode(TrainingMode.HOLISTIC);
      RolloutSegment first =
          new RolloutSegment(List.of(1, 17), List.of(5, 2 + i), List.of(-0.5f, -0.25f));
      RolloutSegment second =
          new RolloutSegment(List.of(1, 17, 40, 41), List.of(8, 9, 2), List.of(-1f, -2f, -0.5f));
      List<RolloutSegment> segments = i == 0 ? List.of(first, second) : List.of(first);
      RolloutSegments.Flat flat = RolloutSegments.flat(segments);
      r.setPromptTokenIds(flat.prompt());
      r.setResponseTokenIds(flat.response());
      r.setBehaviourLogprobs(flat.behaviour());
      r.setSegments(segments);
      sent.add(r);
      sendRollout(r);
    }

    TrainingGroup group = groups.readValue();
    assertThat(group.getPromptTokenIds()).containsExactly(1, 17);
    for (int i = 0; i < 2; i++) {
      GroupRollout g = group.getRollouts().get(i);
      assertThat(g.getSegments()).isEqualTo(sent.get(i).getSegments());
      assertThat(g.getResponseTokenIds()).isEqualTo(sent.get(i).getResponseTokenIds());
      assertThat(RolloutSegments.mismatch(group, g)).isEmpty();
    }
  }

  @Test
  void aRolloutFromBeforeSegmentsReachesTheLearnerWithout() {
    start(ScorerConfig.DEFAULTS);
    sendExpert(expert("i1", TrainingMode.SRL, EXPERT_TARGET));
    sendRollout(rollout("i1", "g1", "r0", 0, 2, "<think>t</think>6 ÷ 2 = 3"));
    sendRollout(rollout("i1", "g1", "r1", 1, 2, "<think>t</think>nonsense"));

    TrainingGroup group = groups.readValue();
    // No segments means one: the group's prompt and the rollout's response (RolloutSegments.of).
    assertThat(group.getRollouts()).extracting(GroupRollout::getSegments).containsOnlyNulls();
  }

  @Test
  void aGroupWhoseRewardsAreAllAlikeIsFilteredAndCounted() {
    start(ScorerConfig.DEFAULTS);
    sendExpert(expert("i1", TrainingMode.SRL, EXPERT_TARGET));
    for (int i = 0; i < 3; i++) {
      sendRollout(rollout("i1", "g1", "r" + i, i, 3, "<think>t</think>6 ÷ 2 = 3"));
    }
    assertThat(rewards.readValuesToList()).hasSize(3);
    assertThat(groups.isEmpty()).isTrue();
    assertThat(counters.groupsFiltered()).isEqualTo(1);
    assertThat(counters.groupsKept()).isZero();
  }

  @Test
  void aStragglerGroupIsEmittedPartialAfterTheTimeout() {
    start(ScorerConfig.DEFAULTS.withGroupTimeout(Duration.ofSeconds(10), PartialGroupPolicy.EMIT));
    sendExpert(expert("i1", TrainingMode.SRL, EXPERT_TARGET));
    sendRollout(rollout("i1", "g1", "r0", 0, 4, "<think>t</think>6 ÷ 2 = 3"));
    sendRollout(rollout("i1", "g1", "r2", 2, 4, "<think>t</think>7"));
    driver.advanceWallClockTime(Duration.ofSeconds(5));
    assertThat(groups.isEmpty()).isTrue();

    driver.advanceWallClockTime(Duration.ofSeconds(6));

    TrainingGroup group = groups.readValue();
    assertThat(group.getComplete()).isFalse();
    assertThat(group.getExpectedSize()).isEqualTo(4);
    assertThat(group.getRollouts()).extracting(GroupRollout::getRolloutIndex).containsExactly(0, 2);
    assertThat(group.getRollouts().get(0).getAdvantage()).isPositive();
    assertThat(counters.partialGroupsEmitted()).isEqualTo(1);
    // The group is gone: a late rollout of it starts a new (and, alone, doomed) group.
    driver.advanceWallClockTime(Duration.ofSeconds(60));
    assertThat(groups.isEmpty()).isTrue();
  }

  @Test
  void aStragglerGroupIsDroppedWhenConfiguredOrTooSmall() {
    start(ScorerConfig.DEFAULTS.withGroupTimeout(Duration.ofSeconds(10), PartialGroupPolicy.DROP));
    sendExpert(expert("i1", TrainingMode.SRL, EXPERT_TARGET));
    sendRollout(rollout("i1", "g1", "r0", 0, 4, "<think>t</think>6 ÷ 2 = 3"));
    sendRollout(rollout("i1", "g1", "r1", 1, 4, "<think>t</think>7"));
    driver.advanceWallClockTime(Duration.ofSeconds(11));
    assertThat(groups.isEmpty()).isTrue();
    assertThat(counters.partialGroupsDropped()).isEqualTo(1);
  }

  @Test
  void aPartialGroupOfOneRolloutIsDroppedEvenUnderEmit() {
    start(ScorerConfig.DEFAULTS.withGroupTimeout(Duration.ofSeconds(10), PartialGroupPolicy.EMIT));
    sendExpert(expert("i1", TrainingMode.SRL, EXPERT_TARGET));
    sendRollout(rollout("i1", "g1", "r0", 0, 4, "<think>t</think>6 ÷ 2 = 3"));
    driver.advanceWallClockTime(Duration.ofSeconds(11));
    assertThat(groups.isEmpty()).isTrue();
    assertThat(counters.partialGroupsDropped()).isEqualTo(1);
  }

  // ---- late expert steps and unknown instances ----

  @Test
  void rolloutsThatArriveBeforeTheirExpertStepAreScoredWhenItComes() {
    start(ScorerConfig.DEFAULTS);
    sendRollout(rollout("i1", "g1", "r0", 0, 2, "<think>t</think>6 ÷ 2 = 3"));
    sendRollout(rollout("i1", "g1", "r1", 1, 2, "<think>t</think>6"));
    assertThat(rewards.isEmpty()).isTrue();

    driver.advanceWallClockTime(Duration.ofSeconds(5));
    sendExpert(expert("i1", TrainingMode.SRL, EXPERT_TARGET));

    assertThat(rewards.readValuesToList())
        .extracting(StepReward::getRolloutId)
        .containsExactly("r0", "r1");
    assertThat(groups.readValue().getRollouts()).hasSize(2);
    assertThat(deadLetters.isEmpty()).isTrue();
  }

  @Test
  void aRolloutWhoseInstanceNeverArrivesIsDeadLetteredAfterTheGrace() {
    start(ScorerConfig.DEFAULTS.withUnknownInstanceGrace(Duration.ofSeconds(30)));
    byte[] value =
        rolloutSerde.serialize(Topics.ROLLOUT_STEPS.name(), rollout("nope", "g1", "r0", 0, 2, "x"));
    rollouts.pipeInput("nope", value);
    driver.advanceWallClockTime(Duration.ofSeconds(29));
    assertThat(deadLetters.isEmpty()).isTrue();

    driver.advanceWallClockTime(Duration.ofSeconds(2));

    DeadLetter letter = deadLetters.readValue();
    assertThat(letter.getReason()).isEqualTo("UNKNOWN_INSTANCE");
    assertThat(letter.getMessage()).contains("instance nope", "30 s");
    assertThat(letter.getSourceTopic()).isEqualTo("srl.rollout-steps");
    assertThat(letter.getSourcePartition()).isZero();
    assertThat(letter.getSourceOffset()).isZero();
    assertThat(letter.getRecordId()).isEqualTo("r0");
    assertThat(bytes(letter.getOriginalValue())).isEqualTo(value);
    assertThat(new String(bytes(letter.getOriginalKey()), StandardCharsets.UTF_8))
        .isEqualTo("nope");
    assertThat(counters.deadLetters(DeadLetterReason.UNKNOWN_INSTANCE)).isEqualTo(1);
  }

  // ---- dead letters, and processing goes on ----

  @Test
  void undecodableRecordsAreDeadLetteredAndProcessingGoesOn() {
    start(ScorerConfig.DEFAULTS);
    sendExpert(expert("i1", TrainingMode.SRL, EXPERT_TARGET));
    byte[] garbage = "{\"not\": \"avro\"}".getBytes(StandardCharsets.UTF_8);
    rollouts.pipeInput("i1", garbage);
    rollouts.pipeInput("i1", new byte[] {0, 0, 0, 0x7f, 0x7f, 1, 2}); // unknown schema id
    experts.pipeInput("i2", new byte[] {9});
    sendRollout(rollout("i1", "g1", "r0", 0, 2, "<think>t</think>6 ÷ 2 = 3"));

    List<DeadLetter> letters = deadLetters.readValuesToList();
    assertThat(letters).extracting(DeadLetter::getReason).containsOnly("UNDECODABLE");
    assertThat(letters).hasSize(3);
    assertThat(letters.get(0).getMessage()).contains("magic byte must be 0, but was 0x7b");
    assertThat(letters.get(0).getSourceOffset()).isEqualTo(0);
    assertThat(letters.get(1).getMessage()).contains("schema id 32639");
    assertThat(letters.get(1).getSourceOffset()).isEqualTo(1);
    assertThat(letters.get(2).getSourceTopic()).isEqualTo("srl.expert-steps");
    assertThat(bytes(letters.get(0).getOriginalValue())).isEqualTo(garbage);
    assertThat(rewards.readValue().getRolloutId()).isEqualTo("r0");
  }

  @Test
  void everyInvalidFieldIsNamedInItsDeadLetter() {
    start(ScorerConfig.DEFAULTS.withMaxResponseChars(40));
    sendExpert(expert("i1", TrainingMode.SRL, EXPERT_TARGET));

    RolloutStep negativeStep = rollout("i1", "g1", "a", 0, 2, "<think>t</think>x");
    negativeStep.setStepIndex(-1);
    RolloutStep nanLogprob = rollout("i1", "g1", "b", 0, 2, "<think>t</think>x");
    nanLogprob.setBehaviourLogprobs(List.of(-0.5f, Float.NaN, -0.1f));
    RolloutStep infLogprob = rollout("i1", "g1", "c", 0, 2, "<think>t</think>x");
    infLogprob.setBehaviourLogprobs(List.of(-0.5f, Float.NEGATIVE_INFINITY, -0.1f));
    RolloutStep tooLong = rollout("i1", "g1", "d", 0, 2, "<think>" + "t".repeat(50) + "</think>x");
    RolloutStep mismatched = rollout("i1", "g1", "e", 0, 2, "<think>t</think>x");
    mismatched.setBehaviourLogprobs(List.of(-0.5f));
    RolloutStep badIndex = rollout("i1", "g1", "f", 2, 2, "<think>t</think>x");
    RolloutStep wrongMode = rollout("i1", "g1", "g", 0, 2, "<think>t</think>x");
    wrongMode.setMode(TrainingMode.HOLISTIC);
    RolloutStep wrongStep = rollout("i1", "g1", "h", 0, 2, "<think>t</think>x");
    wrongStep.setStepIndex(5);
    RolloutStep sft = rollout("i1", "g1", "i", 0, 2, "<think>t</think>x");
    sft.setMode(TrainingMode.SFT);
    RolloutStep badSegments = rollout("i1", "g1", "k", 0, 2, "<think>t</think>x");
    badSegments.setSegments(
        List.of(
            new RolloutSegment(
                badSegments.getPromptTokenIds(), List.of(5, 6), List.of(-0.5f, -1.25f))));
    for (RolloutStep r :
        List.of(
            negativeStep,
            nanLogprob,
            infLogprob,
            tooLong,
            mismatched,
            badIndex,
            wrongMode,
            wrongStep,
            sft,
            badSegments)) {
      sendRollout(r);
    }
    rollouts.pipeInput(
        "other-key",
        rolloutSerde.serialize("t", rollout("i1", "g1", "j", 0, 2, "<think>t</think>x")));

    List<DeadLetter> letters = deadLetters.readValuesToList();
    assertThat(letters).extracting(DeadLetter::getReason).containsOnly("INVALID_FIELD");
    assertThat(letters)
        .extracting(DeadLetter::getMessage)
        .containsExactly(
            "step_index must be >= 0, but was -1",
            "behaviour_logprobs[1] must be a finite log-probability <= 0, but was NaN",
            "behaviour_logprobs[1] must be a finite log-probability <= 0, but was -Infinity",
            "response_text must have at most 40 chars, but had 66",
            "behaviour_logprobs must have one entry per response token (3), but had 1",
            "rollout_index must be in [0, 2), but was 2",
            "mode must be the instance's SRL, but was HOLISTIC",
            "step_index must be the instance's 2, but was 5",
            "mode must be SRL, RLVR or HOLISTIC for a rollout, but was SFT",
            "response_token_ids must be the segments' response_token_ids concatenated (2 values),"
                + " but had 3",
            "the record key must equal instance_id 'i1', but was 'other-key'");
    assertThat(letters).extracting(DeadLetter::getRecordId).startsWith("a", "b", "c");
    assertThat(letters).extracting(DeadLetter::getSourceOffset).startsWith(0L, 1L, 2L);
    assertThat(rewards.isEmpty()).isTrue();
    assertThat(counters.deadLetters(DeadLetterReason.INVALID_FIELD)).isEqualTo(11);
  }

  // ---- at most one trained group per task ----

  @Test
  void aRedoOfATrainedTaskUnderANewerVersionIsDeadLetteredNotTrained() {
    start(ScorerConfig.DEFAULTS);
    sendExpert(expert("i1", TrainingMode.SRL, EXPERT_TARGET));
    String[] actions = {"6 ÷ 2 = 3", "7"};
    for (int i = 0; i < 2; i++) {
      sendSampling(3, i, 2, actions[i]);
    }
    // The same task sampled again under version 5 (fresh rollout ids, a second group id).
    for (int i = 0; i < 2; i++) {
      sendSampling(5, i, 2, actions[i]);
    }

    assertThat(groups.readValuesToList())
        .extracting(TrainingGroup::getGroupId)
        .containsExactly("t1/v3");
    assertThat(rewards.readValuesToList())
        .extracting(StepReward::getRolloutId)
        .containsExactly("t1/v3/0", "t1/v3/1");
    List<DeadLetter> letters = deadLetters.readValuesToList();
    assertThat(letters)
        .extracting(DeadLetter::getReason)
        .containsExactly("DUPLICATE_TASK", "DUPLICATE_TASK");
    assertThat(letters).extracting(DeadLetter::getRecordId).containsExactly("t1/v5/0", "t1/v5/1");
    assertThat(letters.get(0).getMessage())
        .isEqualTo("task t1 was decided as group t1/v3; group t1/v5 samples it again");
    assertThat(counters.deadLetters(DeadLetterReason.DUPLICATE_TASK)).isEqualTo(2);
  }

  @Test
  void aFilteredGroupDecidesItsTaskToo() {
    start(ScorerConfig.DEFAULTS);
    sendExpert(expert("i1", TrainingMode.SRL, EXPERT_TARGET));
    for (int i = 0; i < 2; i++) {
      sendSampling(1, i, 2, "6 ÷ 2 = 3");
    }
    sendSampling(2, 0, 2, "7");

    assertThat(counters.groupsFiltered()).isEqualTo(1);
    assertThat(deadLetters.readValuesToList())
        .extracting(DeadLetter::getReason)
        .containsExactly("DUPLICATE_TASK");
  }

  @Test
  void ofTwoSamplingsOfATaskInFlightAtOnceOnlyTheFirstToCompleteIsTrained() {
    start(ScorerConfig.DEFAULTS.withGroupTimeout(Duration.ofSeconds(10), PartialGroupPolicy.EMIT));
    sendExpert(expert("i1", TrainingMode.SRL, EXPERT_TARGET));
    String[] actions = {"6 ÷ 2 = 3", "7", "6 ÷ 2 = 4"};
    // Version 1's sampling is two rollouts in when version 2's arrives whole.
    for (int i = 0; i < 2; i++) {
      sendSampling(1, i, 3, actions[i]);
    }
    for (int i = 0; i < 3; i++) {
      sendSampling(2, i, 3, actions[i]);
    }
    sendSampling(1, 2, 3, actions[2]);
    // Version 1's group, pending without its last rollout, times out; emitting it would train the
    // task twice.
    driver.advanceWallClockTime(Duration.ofSeconds(11));

    assertThat(groups.readValuesToList())
        .extracting(TrainingGroup::getGroupId)
        .containsExactly("t1/v2");
    assertThat(deadLetters.readValuesToList())
        .extracting(DeadLetter::getRecordId)
        .containsExactly("t1/v1/2");
    assertThat(counters.duplicateTaskGroups()).isEqualTo(1);
    assertThat(counters.groupsKept()).isEqualTo(1);
    assertThat(counters.partialGroupsEmitted()).isZero();
  }

  @Test
  void aTaskWhoseGroupWasDroppedIncompleteIsTrainedWhenRedone() {
    start(ScorerConfig.DEFAULTS.withGroupTimeout(Duration.ofSeconds(10), PartialGroupPolicy.DROP));
    sendExpert(expert("i1", TrainingMode.SRL, EXPERT_TARGET));
    // The actor died after one of the group's two rollouts; the group times out and is dropped.
    sendSampling(1, 0, 2, "6 ÷ 2 = 3");
    driver.advanceWallClockTime(Duration.ofSeconds(11));
    assertThat(counters.partialGroupsDropped()).isEqualTo(1);

    sendSampling(4, 0, 2, "6 ÷ 2 = 3");
    sendSampling(4, 1, 2, "7");

    assertThat(groups.readValuesToList())
        .extracting(TrainingGroup::getGroupId)
        .containsExactly("t1/v4");
    assertThat(deadLetters.isEmpty()).isTrue();
  }

  /**
   * Sends rollout {@code index} of task t1 (instance i1) as sampled under {@code version}: group
   * {@code t1/v<version>}, rollout id {@code t1/v<version>/<index>}, the action after a monologue.
   */
  private void sendSampling(int version, int index, int groupSize, String action) {
    String group = "t1/v" + version;
    RolloutStep rollout =
        rollout("i1", group, group + "/" + index, index, groupSize, "<think>t</think>" + action);
    rollout.setTaskId("t1");
    sendRollout(rollout);
  }

  @Test
  void aRepeatedRolloutIdIsADuplicate() {
    start(ScorerConfig.DEFAULTS);
    sendExpert(expert("i1", TrainingMode.SRL, EXPERT_TARGET));
    RolloutStep r = rollout("i1", "g1", "r0", 0, 2, "<think>t</think>6 ÷ 2 = 3");
    sendRollout(r);
    sendRollout(r);
    RolloutStep sameIndex = rollout("i1", "g1", "r0-again", 0, 2, "<think>t</think>6 ÷ 2 = 3");
    sendRollout(sameIndex);

    assertThat(rewards.readValuesToList()).hasSize(1);
    List<DeadLetter> letters = deadLetters.readValuesToList();
    assertThat(letters)
        .extracting(DeadLetter::getReason)
        .containsExactly("DUPLICATE_ROLLOUT", "INVALID_FIELD");
    assertThat(letters.get(0).getMessage()).isEqualTo("rollout_id r0 was seen before");
    assertThat(letters.get(1).getMessage()).contains("rollout_index 0 of group g1 arrived twice");
    assertThat(counters.deadLetters(DeadLetterReason.DUPLICATE_ROLLOUT)).isEqualTo(1);
  }

  @Test
  void aDuplicateIsFoundWhenTheCopiesHaveDifferentTimestampsInEitherOrder() {
    start(ScorerConfig.DEFAULTS);
    sendExpert(expert("i1", TrainingMode.SRL, EXPERT_TARGET));
    Instant t = Instant.parse("2026-11-26T06:00:00Z");
    byte[] first =
        rolloutSerde.serialize(
            Topics.ROLLOUT_STEPS.name(),
            rollout("i1", "g1", "r0", 0, 2, "<think>t</think>6 ÷ 2 = 3"));
    byte[] second =
        rolloutSerde.serialize(
            Topics.ROLLOUT_STEPS.name(),
            rollout("i1", "g2", "r1", 0, 2, "<think>t</think>6 ÷ 2 = 3"));
    // Within the retention (24 h), the copy may come an hour later or an hour earlier.
    rollouts.pipeInput("i1", first, t);
    rollouts.pipeInput("i1", first, t.plus(Duration.ofHours(1)));
    rollouts.pipeInput("i1", second, t.plus(Duration.ofHours(2)));
    rollouts.pipeInput("i1", second, t.plus(Duration.ofMinutes(70)));

    assertThat(rewards.readValuesToList())
        .extracting(StepReward::getRolloutId)
        .containsExactly("r0", "r1");
    assertThat(deadLetters.readValuesToList())
        .extracting(DeadLetter::getMessage)
        .containsExactly("rollout_id r0 was seen before", "rollout_id r1 was seen before");
  }

  @Test
  void theSegmentWarmupOpensBothWindowStoresBeforeTheFirstRolloutAndDuplicatesAreStillFound()
      throws Exception {
    // The driver's wall clock starts at 1,000 s; the scorer warms at the time it started.
    SegmentWarmup warmup = SegmentWarmup.at(1_000_000);
    assertThat(warmup.covers(List.of(new TaskId(0, 0)))).isFalse();

    start(ScorerConfig.DEFAULTS, warmup);

    // One RocksDB segment per window store, opened by the warm-up's tombstone as the task started:
    // the segment a rollout stamped at or after the warm-up writes into (segments are 12 h here).
    assertThat(segments(ScorerTopology.SEEN_STORE)).hasSize(1);
    assertThat(segments(ScorerTopology.TASK_LEDGER_STORE)).hasSize(1);
    assertThat(warmup.covers(List.of(new TaskId(0, 0)))).isTrue();
    sendExpert(expert("i1", TrainingMode.SRL, EXPERT_TARGET));
    RolloutStep r = rollout("i1", "g1", "r0", 0, 2, "<think>t</think>6 ÷ 2 = 3");
    byte[] value = rolloutSerde.serialize(Topics.ROLLOUT_STEPS.name(), r);
    rollouts.pipeInput("i1", value, Instant.ofEpochMilli(1_000_500));
    rollouts.pipeInput("i1", value, Instant.ofEpochMilli(1_000_700));

    assertThat(rewards.readValuesToList())
        .extracting(StepReward::getRolloutId)
        .containsExactly("r0");
    assertThat(deadLetters.readValuesToList())
        .extracting(DeadLetter::getMessage)
        .containsExactly("rollout_id r0 was seen before");
    assertThat(segments(ScorerTopology.SEEN_STORE)).hasSize(1);
  }

  /** The segment directories of a window store of task 0_0 (Kafka Streams' layout on disk). */
  private List<Path> segments(String store) throws java.io.IOException {
    Path dir = stateDir.resolve("scorer-test").resolve("0_0").resolve(store);
    if (!Files.isDirectory(dir)) {
      return List.of();
    }
    try (Stream<Path> children = Files.list(dir)) {
      return children.filter(Files::isDirectory).toList();
    }
  }

  @Test
  void theSchemasRegisteredBeforeTheScorerStartsAreTheOnesItWrites() {
    start(ScorerConfig.DEFAULTS);
    // Every store and output: a rollout that waits for its expert, a group completed by a second
    // rollout, and a dead letter.
    sendRollout(rollout("i1", "g1", "r0", 0, 2, "<think>t</think>6 ÷ 2 = 3"));
    sendExpert(expert("i1", TrainingMode.SRL, EXPERT_TARGET));
    sendRollout(rollout("i1", "g1", "r1", 1, 2, "<think>t</think>6 ÷ 2 = 4"));
    rollouts.pipeInput("i1", new byte[] {42});
    assertThat(groups.readValuesToList()).hasSize(1);
    assertThat(deadLetters.readValuesToList()).hasSize(1);

    Map<String, org.apache.avro.Schema> written = new HashMap<>(registry.subjects());
    written.remove(Topics.ROLLOUT_STEPS.name() + "-value"); // this test's own producers
    written.remove(Topics.EXPERT_STEPS.name() + "-value");
    assertThat(written).isEqualTo(ScorerTopology.writtenSchemas("scorer-test", ScorerTopics.LIVE));
  }

  @Test
  void warmupTombstonesAreSkippedAndExpertTombstonesRetireAnInstance() {
    start(ScorerConfig.DEFAULTS.withUnknownInstanceGrace(Duration.ofSeconds(5)));
    RecordHeaders warmup = new RecordHeaders();
    warmup.add(WarmupRecords.HEADER, WarmupRecords.headerValue());
    experts.pipeInput(new TestRecord<>(WarmupRecords.KEY, null, warmup));
    sendExpert(expert("i1", TrainingMode.SRL, EXPERT_TARGET));
    experts.pipeInput("i1", (byte[]) null);
    sendRollout(rollout("i1", "g1", "r0", 0, 2, "<think>t</think>6 ÷ 2 = 3"));
    driver.advanceWallClockTime(Duration.ofSeconds(6));

    assertThat(rewards.isEmpty()).isTrue();
    assertThat(deadLetters.readValue().getReason()).isEqualTo("UNKNOWN_INSTANCE");
  }

  // ---- policies ----

  @Test
  void onlyTheScorersOwnPolicyIsRewardedAndItsNameTravelsToTheLearner() {
    start(ScorerConfig.DEFAULTS.withPolicyName("alpha"));
    sendExpert(expert("i1", TrainingMode.SRL, EXPERT_TARGET));
    String[] actions = {"6 ÷ 2 = 3", "6 ÷ 2 = 4"};
    for (String policy : new String[] {"beta", null, "alpha"}) {
      for (int i = 0; i < 2; i++) {
        RolloutStep r =
            rollout("i1", "g-" + policy, "r-" + policy + i, i, 2, "<think>t</think>" + actions[i]);
        r.setPolicyName(policy);
        sendRollout(r);
      }
    }

    assertThat(rewards.readValuesToList())
        .extracting(StepReward::getRolloutId, StepReward::getPolicyName)
        .containsExactly(tuple("r-alpha0", "alpha"), tuple("r-alpha1", "alpha"));
    assertThat(groups.readValuesToList())
        .extracting(TrainingGroup::getGroupId, TrainingGroup::getPolicyName)
        .containsExactly(tuple("g-alpha", "alpha"));
    assertThat(deadLetters.isEmpty())
        .as("another policy's records are not ours to refuse")
        .isTrue();
    assertThat(counters.foreignRollouts()).isEqualTo(4);
    assertThat(counters.snapshot()).containsEntry("foreign_rollouts", 4L);
  }

  @Test
  void aRolloutNamingNoPolicyBelongsToTheDefaultPolicy() {
    start(ScorerConfig.DEFAULTS);
    sendExpert(expert("i1", TrainingMode.SRL, EXPERT_TARGET));
    RolloutStep named = rollout("i1", "g2", "r-named", 0, 2, "<think>t</think>6 ÷ 2 = 3");
    named.setPolicyName("alpha");
    sendRollout(named);
    sendRollout(rollout("i1", "g1", "r-unnamed", 0, 2, "<think>t</think>6 ÷ 2 = 3"));

    StepReward reward = rewards.readValue();
    assertThat(reward.getRolloutId()).isEqualTo("r-unnamed");
    assertThat(reward.getPolicyName()).as("named on the way out").isEqualTo("srl");
    assertThat(rewards.isEmpty()).isTrue();
    assertThat(counters.foreignRollouts()).isEqualTo(1);
  }

  // ---- helpers ----

  private void sendExpert(ExpertStep expert) {
    experts.pipeInput(
        expert.getInstanceId(), expertSerde.serialize(Topics.EXPERT_STEPS.name(), expert));
  }

  private void sendRollout(RolloutStep rollout) {
    rollouts.pipeInput(
        rollout.getInstanceId(), rolloutSerde.serialize(Topics.ROLLOUT_STEPS.name(), rollout));
  }

  static ExpertStep expert(String instanceId, TrainingMode mode, String target) {
    ExpertStep e = SampleRecords.expertStep();
    e.setInstanceId(instanceId);
    e.setMode(mode);
    e.setTargetStep(target);
    return e;
  }

  static RolloutStep rollout(
      String instanceId, String groupId, String rolloutId, int index, int groupSize, String text) {
    RolloutStep r = SampleRecords.rolloutStep();
    r.setInstanceId(instanceId);
    r.setTaskId("task-" + groupId); // one task per group unless a test says otherwise
    r.setGroupId(groupId);
    r.setRolloutId(rolloutId);
    r.setRolloutIndex(index);
    r.setGroupSize(groupSize);
    r.setResponseText(text);
    return r;
  }

  private static byte[] bytes(ByteBuffer buffer) {
    byte[] b = new byte[buffer.remaining()];
    buffer.duplicate().get(b);
    return b;
  }
}
