package dev.srlstream.learner;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.srlstream.schemas.avro.DroppedGroup;
import dev.srlstream.schemas.avro.TrainedBatch;
import dev.srlstream.schemas.avro.TrainedGroup;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What a version records of the update that made it ({@code PolicyVersion.trained_batch}): the
 * training groups of its batch by (partition, offset) in training order with their weights, the
 * groups consumed since the previous version and not trained on, and the learner's settings as
 * JSON. Pure: {@link LearnerService} feeds it, and {@code srl replay learner} reads what it wrote.
 *
 * <p>Not thread-safe: the learner's training loop owns it.
 */
public final class TrainedBatches {

  private static final ObjectMapper JSON =
      new ObjectMapper().configure(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS, false);

  /** Where a group of the batch came from, in the order it was added. */
  private final List<TrainedGroup> held = new ArrayList<>();

  private final List<DroppedGroup> dropped = new ArrayList<>();

  /** A group was added to the batch being built (its weight is known when the batch is taken). */
  public void held(int partition, long offset, String groupId) {
    held.add(
        TrainedGroup.newBuilder()
            .setPartition(partition)
            .setOffset(offset)
            .setGroupId(Objects.requireNonNull(groupId, "groupId"))
            .setWeight(1.0)
            .build());
  }

  /** A group of this policy was consumed and not trained on, for {@code reason}. */
  public void dropped(int partition, long offset, String groupId, String reason) {
    dropped.add(
        DroppedGroup.newBuilder()
            .setPartition(partition)
            .setOffset(offset)
            .setGroupId(groupId == null ? "" : groupId)
            .setReason(reason)
            .build());
  }

  /** The groups held for the next batch, in order. */
  int heldCount() {
    return held.size();
  }

  /**
   * The record of the batch just taken: {@code batch} is the batcher's, whose groups are the held
   * ones in the same order (checked by group id), and their weights are taken from it. Forgets the
   * held and dropped groups.
   *
   * @throws IllegalStateException if the batch is not the held groups in order
   */
  public TrainedBatch take(String groupsTopic, List<WeightedGroup> batch, String settingsJson) {
    if (batch.size() != held.size()) {
      throw new IllegalStateException(
          "the batch has " + batch.size() + " groups, but " + held.size() + " were held for it");
    }
    List<TrainedGroup> groups = new ArrayList<>();
    for (int i = 0; i < batch.size(); i++) {
      TrainedGroup g = held.get(i);
      String id = batch.get(i).group().getGroupId();
      if (!id.equals(g.getGroupId())) {
        throw new IllegalStateException(
            "group " + i + " of the batch is " + id + ", but " + g.getGroupId() + " was held");
      }
      groups.add(TrainedGroup.newBuilder(g).setWeight(batch.get(i).weight()).build());
    }
    TrainedBatch record =
        TrainedBatch.newBuilder()
            .setGroupsTopic(groupsTopic)
            .setGroups(groups)
            .setDropped(List.copyOf(dropped))
            .setLearnerSettings(settingsJson)
            .build();
    held.clear();
    dropped.clear();
    return record;
  }

  /** Forgets everything (a rollback: the groups are read again). */
  public void reset() {
    held.clear();
    dropped.clear();
  }

  /**
   * The learner's settings as JSON: {@code learner} (batch size, staleness rule, the largest
   * off-policy gap) and the trainer's {@link Trainer#settings()} beside it.
   */
  public static String settingsJson(LearnerConfig learner, Map<String, Object> trainer) {
    Map<String, Object> root = new LinkedHashMap<>();
    Map<String, Object> l = new LinkedHashMap<>();
    l.put("batch_groups", learner.batchGroups());
    l.put("max_staleness", learner.maxStaleness());
    l.put("staleness_policy", learner.stalenessPolicy().name());
    l.put("max_off_policy_versions", GroupBatcher.MAX_OFF_POLICY_VERSIONS);
    root.put("learner", l);
    root.putAll(trainer);
    try {
      return JSON.writeValueAsString(root);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("the learner's settings cannot be written as JSON", e);
    }
  }
}
