package dev.srlstream.learner;

import dev.srlstream.schemas.avro.TrainingGroup;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Gathers training groups into batches of B: checks each group, applies the staleness policy, and
 * says what became of it. Pure: the caller owns the Kafka side and the offsets.
 */
final class GroupBatcher {

  /** What became of an offered group. */
  sealed interface Outcome {
    /** Added to the batch (with its weight). */
    record Added(WeightedGroup group) implements Outcome {}

    /** Too stale under {@link StalenessPolicy#DROP}: counted, not trained on. */
    record DroppedStale(long staleness) implements Outcome {}

    /** Failed a check: goes to the dead letters with this reason. */
    record Invalid(String reason) implements Outcome {}
  }

  private final int batchSize;
  private final int maxStaleness;
  private final StalenessPolicy stalenessPolicy;
  private final int vocabSize;
  private final int contextLength;
  private final List<WeightedGroup> batch = new ArrayList<>();

  GroupBatcher(
      int batchSize,
      int maxStaleness,
      StalenessPolicy stalenessPolicy,
      int vocabSize,
      int contextLength) {
    this.batchSize = batchSize;
    this.maxStaleness = maxStaleness;
    this.stalenessPolicy = stalenessPolicy;
    this.vocabSize = vocabSize;
    this.contextLength = contextLength;
  }

  /**
   * Offers a group to the batch being trained at {@code learnerVersion} (the version the update
   * starts from).
   */
  Outcome offer(TrainingGroup group, long learnerVersion) {
    Optional<String> problem = TrainingGroupChecks.problem(group, vocabSize, contextLength);
    if (problem.isPresent()) {
      return new Outcome.Invalid(problem.get());
    }
    if (group.getPolicyVersion() > learnerVersion) {
      return new Outcome.Invalid(
          "policy_version must be at most the learner's "
              + learnerVersion
              + ", but was "
              + group.getPolicyVersion());
    }
    long staleness = learnerVersion - group.getPolicyVersion();
    double weight = stalenessPolicy.weight(staleness, maxStaleness);
    if (weight == 0) {
      return new Outcome.DroppedStale(staleness);
    }
    WeightedGroup weighted = new WeightedGroup(group, weight, staleness);
    batch.add(weighted);
    return new Outcome.Added(weighted);
  }

  boolean full() {
    return batch.size() >= batchSize;
  }

  /** The batch, emptied for the next one. */
  List<WeightedGroup> take() {
    List<WeightedGroup> taken = List.copyOf(batch);
    batch.clear();
    return taken;
  }
}
