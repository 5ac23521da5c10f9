package dev.srlstream.topology.inspect;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;

/**
 * What the learner did with one kept training group, read from the policy versions it published.
 *
 * <p><b>Exact</b> when a version records its batch: a version whose {@code trained_batch.groups}
 * names the group trained on it; one whose {@code trained_batch.dropped} names it dropped it (with
 * the reason, e.g. stale) before publishing. <b>A lower bound</b> otherwise: the learner publishes
 * a version only after it consumed and trained the groups of the version's batch (LearnerService
 * commits the version in the transaction that commits their offsets), so a version created before
 * the group was assembled cannot have trained it, nor can one whose recorded batch leaves it out.
 * The first other version of the policy created at or after the group's {@code assembled_at} is
 * therefore the earliest that can have trained it; versions that record only {@code groups_trained}
 * (a running count) cannot say which groups they took, and the learner may also have dropped it as
 * stale. Pure: the caller reads the versions.
 */
public final class LearnerFate {

  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  /** What is known of the group's training. */
  public enum Kind {
    /** A version's recorded batch holds the group: exact. */
    TRAINED,
    /** A version's recorded batch lists the group as dropped: exact. */
    DROPPED,
    /** No version records the group; the first that can have trained it is given: a bound. */
    TRAINED_BY_OR_AFTER,
    /** No version that could have trained it was published (yet). */
    NOT_TRAINED_YET
  }

  /**
   * One published version as the topic holds it.
   *
   * @param trainedBatch the version's {@code trained_batch} (null when the schema has no such
   *     field, or the version recorded none)
   */
  public record Version(
      long version, Instant createdAt, long groupsTrained, JsonNode trainedBatch) {
    public Version {
      Objects.requireNonNull(createdAt, "createdAt");
      trainedBatch = trainedBatch == null || trainedBatch.isNull() ? null : trainedBatch;
    }

    /**
     * A version from its value decoded as JSON ({@code srl read}'s value): {@code version}, {@code
     * created_at} (an ISO-8601 instant or epoch milliseconds), {@code groups_trained} and, if the
     * schema has it, {@code trained_batch}.
     */
    public static Version fromJson(JsonNode value) {
      JsonNode created = value.path("created_at");
      Instant createdAt =
          created.isNumber()
              ? Instant.ofEpochMilli(created.asLong())
              : Instant.parse(created.asText());
      return new Version(
          value.path("version").asLong(),
          createdAt,
          value.path("groups_trained").asLong(),
          value.get("trained_batch"));
    }
  }

  /**
   * @param kind what is known
   * @param version the version that trained or dropped it, or the first that can have trained it;
   *     null for {@link Kind#NOT_TRAINED_YET}
   * @param reason the learner's reason for a drop, else null
   * @param weight the group's weight in the exact batch, else null
   * @param text one sentence for the user, saying whether it is exact or a bound
   */
  public record Fate(Kind kind, Long version, String reason, Double weight, String text) {
    /** The fate as a JSON object. */
    public ObjectNode toJson() {
      ObjectNode json = NODES.objectNode();
      json.put("fate", kind.name().toLowerCase(java.util.Locale.ROOT));
      json.put("exact", kind == Kind.TRAINED || kind == Kind.DROPPED);
      if (version == null) {
        json.putNull("version");
      } else {
        json.put("version", version);
      }
      if (reason != null) {
        json.put("reason", reason);
      }
      if (weight != null) {
        json.put("weight", weight);
      }
      json.put("text", text);
      return json;
    }
  }

  private LearnerFate() {}

  /**
   * The fate of group {@code groupId}, assembled at {@code assembledAt} and read from {@code
   * groupsTopic}, among a policy's {@code versions} (any order; version 0, the base, trains
   * nothing).
   */
  public static Fate of(
      String groupId, String groupsTopic, Instant assembledAt, List<Version> versions) {
    List<Version> sorted = new ArrayList<>(versions);
    sorted.sort(Comparator.comparingLong(Version::version));
    for (Version v : sorted) {
      JsonNode batch = v.trainedBatch();
      if (batch == null || !sameTopic(batch, groupsTopic)) {
        continue;
      }
      for (JsonNode g : batch.path("groups")) {
        if (groupId.equals(g.path("group_id").asText(null))) {
          Double weight = g.path("weight").isNumber() ? g.path("weight").asDouble() : null;
          return new Fate(
              Kind.TRAINED,
              v.version(),
              null,
              weight,
              "trained by version "
                  + v.version()
                  + (weight == null ? "" : " (weight " + weight + ")")
                  + ", as the version records");
        }
      }
      for (JsonNode d : batch.path("dropped")) {
        if (groupId.equals(d.path("group_id").asText(null))) {
          String reason = d.path("reason").asText("unknown");
          return new Fate(
              Kind.DROPPED,
              v.version(),
              reason,
              null,
              "dropped by the learner ("
                  + reason
                  + ") before version "
                  + v.version()
                  + ", as the version records");
        }
      }
    }
    int silent = 0;
    for (Version v : sorted) {
      if (v.version() == 0 || v.createdAt().isBefore(assembledAt)) {
        continue;
      }
      if (v.trainedBatch() != null && sameTopic(v.trainedBatch(), groupsTopic)) {
        silent++; // it records its batch, and the group is not in it
        continue;
      }
      return new Fate(
          Kind.TRAINED_BY_OR_AFTER,
          v.version(),
          null,
          null,
          "trained by version "
              + v.version()
              + " or later, if at all (a lower bound: "
              + v.version()
              + " is the first version published after the group was assembled"
              + (silent == 0 ? "" : " whose batch is not recorded")
              + "; versions record how many groups they trained in all (groups_trained "
              + v.groupsTrained()
              + " at version "
              + v.version()
              + "), not which, and the learner may have dropped it as stale)");
    }
    return new Fate(
        Kind.NOT_TRAINED_YET,
        null,
        null,
        null,
        "not trained yet: no version published after the group was assembled ("
            + assembledAt
            + ")"
            + (silent == 0 ? "" : " trained it (" + silent + " recorded batches leave it out)")
            + "; the learner may still train it or drop it as stale");
  }

  /** Whether a recorded batch is of {@code groupsTopic} (a batch naming no topic is). */
  private static boolean sameTopic(JsonNode batch, String groupsTopic) {
    JsonNode topic = batch.get("groups_topic");
    return topic == null || topic.isNull() || topic.asText().equals(groupsTopic);
  }
}
