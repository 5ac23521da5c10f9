package dev.srlstream.topology.inspect;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.srlstream.topology.inspect.LearnerFate.Fate;
import dev.srlstream.topology.inspect.LearnerFate.Kind;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class LearnerFateTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String TOPIC = "srl.training-groups";
  private static final Instant ASSEMBLED = Instant.parse("2026-12-04T10:00:00Z");

  /** A version value as srl read prints it, {@code trainedBatch} JSON or null for no field. */
  private static LearnerFate.Version version(
      long version, String createdAt, long groupsTrained, String trainedBatch) throws Exception {
    String json =
        "{\"policy_name\":\"srl\",\"version\":"
            + version
            + ",\"weights_sha256\":\"ab\",\"groups_trained\":"
            + groupsTrained
            + ",\"created_at\":"
            + Instant.parse(createdAt).toEpochMilli()
            + (trainedBatch == null ? "" : ",\"trained_batch\":" + trainedBatch)
            + "}";
    return LearnerFate.Version.fromJson(JSON.readTree(json));
  }

  private static String batch(String groupsTopic, String groups, String dropped) {
    return "{\"groups_topic\":\""
        + groupsTopic
        + "\",\"groups\":["
        + groups
        + "],\"dropped\":["
        + dropped
        + "],\"learner_settings\":\"{\\\"seed\\\":1}\"}";
  }

  private static String group(String id, int offset, double weight) {
    return "{\"partition\":0,\"offset\":"
        + offset
        + ",\"group_id\":\""
        + id
        + "\",\"weight\":"
        + weight
        + "}";
  }

  @Test
  void withoutRecordedBatchesTheFirstVersionAfterAssemblyIsALowerBound() throws Exception {
    List<LearnerFate.Version> versions =
        List.of(
            version(2, "2026-12-04T10:00:05Z", 8, null),
            version(0, "2026-12-04T09:00:00Z", 0, null),
            version(1, "2026-12-04T09:59:59Z", 4, null));

    Fate fate = LearnerFate.of("t/v0", TOPIC, ASSEMBLED, versions);

    assertThat(fate.kind()).isEqualTo(Kind.TRAINED_BY_OR_AFTER);
    assertThat(fate.version()).isEqualTo(2L);
    assertThat(fate.text()).startsWith("trained by version 2 or later, if at all (a lower bound");
    JsonNode json = fate.toJson();
    assertThat(json.path("exact").asBoolean()).isFalse();
    assertThat(json.path("fate").asText()).isEqualTo("trained_by_or_after");
  }

  @Test
  void aVersionPublishedAtTheAssemblyMillisecondCounts() throws Exception {
    Fate fate =
        LearnerFate.of(
            "t/v0", TOPIC, ASSEMBLED, List.of(version(3, "2026-12-04T10:00:00Z", 12, null)));

    assertThat(fate.version()).isEqualTo(3L);
  }

  @Test
  void noVersionAfterAssemblyIsNotTrainedYet() throws Exception {
    Fate fate =
        LearnerFate.of(
            "t/v0",
            TOPIC,
            ASSEMBLED,
            List.of(
                version(0, "2026-12-04T09:00:00Z", 0, null),
                version(1, "2026-12-04T09:30:00Z", 4, null)));

    assertThat(fate.kind()).isEqualTo(Kind.NOT_TRAINED_YET);
    assertThat(fate.version()).isNull();
    assertThat(fate.toJson().path("version").isNull()).isTrue();
    assertThat(fate.text()).startsWith("not trained yet: no version published after the group");
  }

  @Test
  void aRecordedBatchThatHoldsTheGroupIsExact() throws Exception {
    List<LearnerFate.Version> versions =
        List.of(
            version(1, "2026-12-04T10:00:01Z", 2, batch(TOPIC, group("other/v0", 3, 1.0), "")),
            version(
                2,
                "2026-12-04T10:00:02Z",
                4,
                batch(TOPIC, group("other/v1", 4, 1.0) + "," + group("t/v0", 12, 0.5), "")));

    Fate fate = LearnerFate.of("t/v0", TOPIC, ASSEMBLED, versions);

    assertThat(fate.kind()).isEqualTo(Kind.TRAINED);
    assertThat(fate.version()).isEqualTo(2L);
    assertThat(fate.weight()).isEqualTo(0.5);
    assertThat(fate.text()).isEqualTo("trained by version 2 (weight 0.5), as the version records");
    assertThat(fate.toJson().path("exact").asBoolean()).isTrue();
  }

  @Test
  void aRecordedDropIsExact() throws Exception {
    String dropped = "{\"partition\":0,\"offset\":3,\"group_id\":\"t/v0\",\"reason\":\"stale\"}";
    Fate fate =
        LearnerFate.of(
            "t/v0",
            TOPIC,
            ASSEMBLED,
            List.of(
                version(
                    5, "2026-12-04T10:00:09Z", 20, batch(TOPIC, group("x/v4", 1, 1.0), dropped))));

    assertThat(fate.kind()).isEqualTo(Kind.DROPPED);
    assertThat(fate.version()).isEqualTo(5L);
    assertThat(fate.reason()).isEqualTo("stale");
    assertThat(fate.text())
        .isEqualTo("dropped by the learner (stale) before version 5, as the version records");
  }

  @Test
  void versionsWhoseRecordedBatchLeavesTheGroupOutAreSkippedByTheBound() throws Exception {
    List<LearnerFate.Version> versions = new ArrayList<>();
    versions.add(version(1, "2026-12-04T10:00:01Z", 2, batch(TOPIC, group("a/v0", 1, 1.0), "")));
    // A null trained_batch (the field is there, the version recorded none) is no record.
    versions.add(version(2, "2026-12-04T10:00:02Z", 4, "null"));

    Fate fate = LearnerFate.of("t/v0", TOPIC, ASSEMBLED, versions);

    assertThat(fate.kind()).isEqualTo(Kind.TRAINED_BY_OR_AFTER);
    assertThat(fate.version()).isEqualTo(2L);

    Fate none = LearnerFate.of("t/v0", TOPIC, ASSEMBLED, versions.subList(0, 1));
    assertThat(none.kind()).isEqualTo(Kind.NOT_TRAINED_YET);
    assertThat(none.text()).contains("1 recorded batches leave it out");
  }

  @Test
  void aBatchOfAnotherGroupsTopicSaysNothingAboutThisOne() throws Exception {
    Fate fate =
        LearnerFate.of(
            "t/v0",
            TOPIC,
            ASSEMBLED,
            List.of(
                version(
                    4,
                    "2026-12-04T10:00:03Z",
                    9,
                    batch("replay.groups", group("t/v0", 0, 1), ""))));

    assertThat(fate.kind()).isEqualTo(Kind.TRAINED_BY_OR_AFTER);
    assertThat(fate.version()).isEqualTo(4L);
  }
}
