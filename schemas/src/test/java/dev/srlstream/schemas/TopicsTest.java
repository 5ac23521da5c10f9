package dev.srlstream.schemas;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.srlstream.schemas.TopicSpec.CleanupPolicy;
import dev.srlstream.schemas.avro.StepTask;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.apache.avro.Schema;
import org.apache.avro.specific.SpecificData;
import org.junit.jupiter.api.Test;

class TopicsTest {

  @Test
  void topicNamesAndValueTypesAreUnique() {
    Set<String> names = new HashSet<>();
    Set<Class<?>> types = new HashSet<>();
    for (TopicSpec<?> topic : Topics.ALL) {
      assertThat(names.add(topic.name())).as("duplicate topic %s", topic.name()).isTrue();
      assertThat(types.add(topic.valueType()))
          .as("two topics carry %s", topic.valueType())
          .isTrue();
    }
    assertThat(names).doesNotContain(Topics.SCHEMAS_TOPIC);
    assertThat(Topics.ALL).hasSize(7);
  }

  @Test
  void joinedTopicsAreCoPartitionedAndKeyedByTheSameField() {
    assertThat(Topics.JOINED).isNotEmpty();
    for (List<TopicSpec<?>> joined : Topics.JOINED) {
      TopicSpec<?> first = joined.get(0);
      for (TopicSpec<?> other : joined) {
        assertThat(other.partitions())
            .as("%s and %s are joined, so co-partitioned", first.name(), other.name())
            .isEqualTo(first.partitions());
        assertThat(other.keyField()).isEqualTo(first.keyField());
      }
    }
  }

  @Test
  void theKeyFieldOfEveryTopicIsAStringFieldOfItsValue() {
    for (TopicSpec<?> topic : Topics.ALL) {
      Schema schema = SpecificData.get().getSchema(topic.valueType());
      Schema.Field field = schema.getField(topic.keyField());
      assertThat(field).as("%s has key field %s", topic.name(), topic.keyField()).isNotNull();
      assertThat(field.schema().getType()).isEqualTo(Schema.Type.STRING);
    }
  }

  @Test
  void compactedTopicsKeepRecordsForeverAndReplayableTopicsForAWeek() {
    for (TopicSpec<?> topic : Topics.ALL) {
      if (topic.cleanupPolicy() == CleanupPolicy.COMPACT) {
        assertThat(topic.topicConfig()).as(topic.name()).containsEntry("retention.ms", "-1");
      } else {
        assertThat(topic.retention()).as(topic.name()).isGreaterThanOrEqualTo(Duration.ofDays(7));
        assertThat(topic.topicConfig())
            .containsEntry("retention.ms", Long.toString(topic.retention().toMillis()))
            .doesNotContainKey("min.compaction.lag.ms");
      }
    }
    assertThat(Topics.EXPERT_STEPS.cleanupPolicy()).isEqualTo(CleanupPolicy.COMPACT);
    assertThat(Topics.POLICY_VERSIONS.cleanupPolicy()).isEqualTo(CleanupPolicy.COMPACT);
  }

  @Test
  void aReplacedExpertStepStaysAWeekForReplayAndASupersededVersionDoesNot() {
    // A re-score of last week's rollouts must meet the expert step they were scored against.
    assertThat(Topics.EXPERT_STEPS.topicConfig())
        .containsEntry("min.compaction.lag.ms", Long.toString(Duration.ofDays(7).toMillis()));
    assertThat(Topics.EXPERT_STEPS.retentionConfig()).isEqualTo("min.compaction.lag.ms");
    // Each version carries the weights: keeping superseded ones would fill the disk.
    assertThat(Topics.POLICY_VERSIONS.topicConfig()).containsEntry("min.compaction.lag.ms", "0");
    assertThat(Topics.ROLLOUT_STEPS.retentionConfig()).isEqualTo("retention.ms");
    assertThat(Topics.ROLLOUT_STEPS.withRetention(null).topicConfig())
        .containsEntry("retention.ms", "-1");
    assertThat(Topics.ROLLOUT_STEPS.withRetention(Duration.ofDays(30)).retention())
        .isEqualTo(Duration.ofDays(30));
  }

  @Test
  void foreverOnACompactTopicKeepsEveryReplacedRecordAndZeroIsOnlyForCompactTopics() {
    assertThat(Topics.POLICY_VERSIONS.withRetention(null).topicConfig())
        .containsEntry("min.compaction.lag.ms", Long.toString(Long.MAX_VALUE))
        .containsEntry("retention.ms", "-1");
    assertThatThrownBy(() -> Topics.ROLLOUT_STEPS.withRetention(Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("srl.rollout-steps")
        .hasMessageContaining("PT0S");
  }

  @Test
  void compactedTopicsRollSegmentsThatHoldTheirLargestRecord() {
    // Compaction cleans closed segments only: a 1 GiB default segment would never close.
    assertThat(Topics.POLICY_VERSIONS.topicConfig())
        .containsEntry(
            "segment.bytes", Integer.toString(Topics.POLICY_VERSION_MAX_BYTES + 1024 * 1024))
        .containsEntry("segment.ms", "600000")
        .containsEntry("min.cleanable.dirty.ratio", "0.1");
    for (TopicSpec<?> topic : Topics.ALL) {
      String segment = topic.topicConfig().get("segment.bytes");
      if (topic.cleanupPolicy() == CleanupPolicy.COMPACT) {
        assertThat(Integer.parseInt(segment)).isGreaterThan(topic.maxMessageBytes());
      } else {
        assertThat(segment).as(topic.name()).isNull();
      }
    }
  }

  @Test
  void policyVersionsAreOrderedAndFitTheirWeights() {
    assertThat(Topics.POLICY_VERSIONS.partitions()).isEqualTo(1);
    assertThat(Topics.POLICY_VERSIONS.topicConfig())
        .containsEntry("max.message.bytes", Integer.toString(Topics.POLICY_VERSION_MAX_BYTES));
    assertThat(Topics.DEAD_LETTERS.maxMessageBytes())
        .isGreaterThan(Topics.POLICY_VERSIONS.maxMessageBytes());
  }

  @Test
  void scalingDataTopicsKeepsJoinsCoPartitionedAndOrderedTopicsSingle() {
    List<TopicSpec<?>> scaled = Topics.withDataPartitions(12);
    assertThat(scaled).hasSameSizeAs(Topics.ALL);
    for (TopicSpec<?> topic : scaled) {
      int expected =
          topic.name().equals("srl.policy-versions") || topic.name().equals("srl.dead-letters")
              ? 1
              : 12;
      assertThat(topic.partitions()).as(topic.name()).isEqualTo(expected);
    }
  }

  @Test
  void lookupByNameAndSubjects() {
    assertThat(Topics.byName("srl.rollout-steps")).contains(Topics.ROLLOUT_STEPS);
    assertThat(Topics.byName("nope")).isEmpty();
    assertThat(Topics.TASKS.valueSubject()).isEqualTo("srl.tasks-value");
    assertThat(Topics.TASKS.withPartitions(12).partitions()).isEqualTo(12);
  }

  @Test
  void badSpecsAreRefusedWithTheValueThatWasWrong() {
    assertThatThrownBy(
            () ->
                new TopicSpec<>(
                    "t", StepTask.class, "instance_id", 0, CleanupPolicy.DELETE, null, 2048))
        .hasMessage("partitions of t must be >= 1, but was 0");
    assertThatThrownBy(
            () ->
                new TopicSpec<>(
                    "bad name", StepTask.class, "instance_id", 1, CleanupPolicy.DELETE, null, 2048))
        .hasMessageContaining("but was 'bad name'");
    assertThatThrownBy(
            () ->
                new TopicSpec<>(
                    "t",
                    StepTask.class,
                    "instance_id",
                    1,
                    CleanupPolicy.DELETE,
                    Duration.ZERO,
                    2048))
        .hasMessage(
            "retention of t must be positive (or zero on a compact topic) or null, but was PT0S");
  }
}
