package dev.srlstream.learner;

import dev.srlstream.schemas.ServiceGroups;
import java.nio.file.Path;
import java.util.Objects;

/**
 * The learner's settings. Immutable and validated ("X must be ..., but was ...").
 *
 * @param policyName the policy trained (key of its versions; part of the group and transactional
 *     ids, so one learner runs per policy)
 * @param batchGroups B: training groups per update
 * @param maxStaleness groups up to this many versions behind the freshest data trained on (the
 *     newest sampling version among the groups trained so far) train at full weight; see {@link
 *     GroupBatcher}
 * @param stalenessPolicy what happens to staler groups
 * @param checkpointDir where checkpoints go
 * @param keepCheckpoints how many checkpoints to keep (>= 2)
 * @param maxVersions stop after publishing this many new versions (0: run until stopped)
 */
public record LearnerConfig(
    String policyName,
    int batchGroups,
    int maxStaleness,
    StalenessPolicy stalenessPolicy,
    Path checkpointDir,
    int keepCheckpoints,
    long maxVersions) {

  /** Training groups per update unless set. */
  public static final int DEFAULT_BATCH_GROUPS = 8;

  /** Versions behind the freshest data trained that still train at full weight, unless set. */
  public static final int DEFAULT_MAX_STALENESS = 2;

  /** Checkpoints kept unless set. */
  public static final int DEFAULT_KEEP_CHECKPOINTS = 3;

  /**
   * The settings of {@code policyName}'s learner checkpointing into {@code checkpointDir}, every
   * other value at its default: {@value #DEFAULT_BATCH_GROUPS} groups per update, staler than
   * {@value #DEFAULT_MAX_STALENESS} versions dropped, {@value #DEFAULT_KEEP_CHECKPOINTS}
   * checkpoints kept, no version limit.
   */
  public static LearnerConfig defaults(String policyName, Path checkpointDir) {
    return new LearnerConfig(
        policyName,
        DEFAULT_BATCH_GROUPS,
        DEFAULT_MAX_STALENESS,
        StalenessPolicy.DROP,
        checkpointDir,
        DEFAULT_KEEP_CHECKPOINTS,
        0);
  }

  public LearnerConfig withBatchGroups(int value) {
    return new LearnerConfig(
        policyName,
        value,
        maxStaleness,
        stalenessPolicy,
        checkpointDir,
        keepCheckpoints,
        maxVersions);
  }

  public LearnerConfig withStaleness(int newMaxStaleness, StalenessPolicy newPolicy) {
    return new LearnerConfig(
        policyName,
        batchGroups,
        newMaxStaleness,
        newPolicy,
        checkpointDir,
        keepCheckpoints,
        maxVersions);
  }

  /** Keep the newest {@code value} checkpoints (a replay starts from one of them). */
  public LearnerConfig withKeepCheckpoints(int value) {
    return new LearnerConfig(
        policyName, batchGroups, maxStaleness, stalenessPolicy, checkpointDir, value, maxVersions);
  }

  public LearnerConfig withMaxVersions(long value) {
    return new LearnerConfig(
        policyName,
        batchGroups,
        maxStaleness,
        stalenessPolicy,
        checkpointDir,
        keepCheckpoints,
        value);
  }

  public LearnerConfig {
    if (policyName == null || !policyName.matches("[a-zA-Z0-9._-]{1,100}")) {
      throw new IllegalArgumentException(
          "policyName must be 1-100 letters, digits, '.', '_' or '-', but was " + policyName);
    }
    if (batchGroups < 1) {
      throw new IllegalArgumentException("batchGroups must be >= 1, but was " + batchGroups);
    }
    if (maxStaleness < 0 || maxStaleness > GroupBatcher.MAX_OFF_POLICY_VERSIONS) {
      throw new IllegalArgumentException(
          "maxStaleness must be in 0.."
              + GroupBatcher.MAX_OFF_POLICY_VERSIONS
              + " (the largest off-policy gap trained at), but was "
              + maxStaleness);
    }
    Objects.requireNonNull(
        stalenessPolicy, "stalenessPolicy must be DROP or DOWNWEIGHT, but was null");
    Objects.requireNonNull(checkpointDir, "checkpointDir must be a directory, but was null");
    if (keepCheckpoints < 2) {
      throw new IllegalArgumentException(
          "keepCheckpoints must be >= 2, but was " + keepCheckpoints);
    }
    if (maxVersions < 0) {
      throw new IllegalArgumentException("maxVersions must be >= 0, but was " + maxVersions);
    }
  }

  /** The consumer group and transactional id of this policy's learner. */
  public String clientId() {
    return ServiceGroups.learner(policyName);
  }
}
