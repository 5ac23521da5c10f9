package dev.srlstream.learner;

import dev.srlstream.schemas.avro.TrainingGroup;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Gathers training groups into batches of B: checks each group, applies the staleness policy, and
 * says what became of it. Pure: the caller owns the Kafka side and the offsets.
 *
 * <p>Staleness is measured against the freshest data trained on, not against the learner's own
 * version: a group is as many versions stale as it is behind the newest sampling version among the
 * groups accepted so far (from the learner's version when it starts). Sampled data grows stale
 * because the fleet has moved on to a newer policy, and that is what the limit bounds: a straggler
 * sampled long after the fleet swapped weights is dropped (or down-weighted) as before. But a
 * backlog that built up while the learner or the scorer was down is the freshest data there is:
 * measured against the learner's version it went stale while it was being trained on (the learner
 * publishes a version every B groups), and all but the first B x (limit + 1) of it were thrown
 * away. Now it is trained on; the learner's own drift while it works through the backlog is what
 * the clipped importance ratio against the recorded behaviour log-probs corrects, as for any group.
 * {@link WeightedGroup#staleness()} still reports the versions between sampling and training, the
 * off-policy gap the ratio covers.
 */
final class GroupBatcher {

  /**
   * The largest gap, in versions between sampling and training, that a group is trained at. At the
   * demo's learning rate (1e-4) 600 versions moved the policy a KL of 0.03-0.04 from its base
   * (README, what the demo shows), so 64 versions keep the importance ratio close to 1, while a 15
   * s outage of one service builds a backlog of about 200 groups, 50 versions of B = 4.
   */
  static final long MAX_OFF_POLICY_VERSIONS = 64;

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
  // The newest sampling version among the groups accepted; -1 (none) before the first offer.
  private long freshest = -1;

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
    if (freshest < 0) {
      freshest = learnerVersion; // the version the learner resumed at
    }
    long gap = learnerVersion - group.getPolicyVersion();
    if (gap > MAX_OFF_POLICY_VERSIONS) {
      return new Outcome.DroppedStale(gap);
    }
    long behind = Math.max(0, freshest - group.getPolicyVersion());
    double weight = stalenessPolicy.weight(behind, maxStaleness);
    if (weight == 0) {
      return new Outcome.DroppedStale(behind);
    }
    freshest = Math.max(freshest, group.getPolicyVersion());
    WeightedGroup weighted = new WeightedGroup(group, weight, gap);
    batch.add(weighted);
    return new Outcome.Added(weighted);
  }

  boolean full() {
    return batch.size() >= batchSize;
  }

  /**
   * The newest sampling version among the groups accepted so far, or -1 before the first. Once the
   * batch is trained and committed, it goes in the checkpoint, so that a restarted learner measures
   * staleness as the one that stopped did.
   */
  long freshest() {
    return freshest;
  }

  /**
   * Forgets the batch and goes back to a committed state (a restart, or a rollback to the last
   * committed version): the freshest sampling version recorded with it, or, if none is known (-1),
   * the learner's version at the next offer.
   */
  void reset(long committedFreshest) {
    batch.clear();
    freshest = Math.max(-1, committedFreshest);
  }

  /** The batch, emptied for the next one. */
  List<WeightedGroup> take() {
    List<WeightedGroup> taken = List.copyOf(batch);
    batch.clear();
    return taken;
  }
}
