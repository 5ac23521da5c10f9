package dev.srlstream.learner;

import java.util.Map;
import java.util.Objects;

/**
 * What the learner needs to resume exactly: the policy version, the weights (the policy's weights
 * codec bytes), the optimiser state, and the input offsets consumed up to this version.
 *
 * @param policyName the policy trained
 * @param version the policy version these weights are
 * @param groupsTrained training groups (or SFT examples) consumed up to this version
 * @param weights the weights codec bytes
 * @param optimizerState the optimiser's slots and step, in the learner's own format
 * @param offsets next offset to consume, per "topic-partition"
 * @param freshestSampledVersion the newest sampling version among the groups trained up to this
 *     version, which the staleness of later groups is measured against ({@link GroupBatcher}); -1
 *     if not known (a checkpoint written before it was recorded)
 */
public record Checkpoint(
    String policyName,
    long version,
    long groupsTrained,
    byte[] weights,
    byte[] optimizerState,
    Map<String, Long> offsets,
    long freshestSampledVersion) {

  public Checkpoint {
    Objects.requireNonNull(policyName, "policyName");
    Objects.requireNonNull(weights, "weights");
    Objects.requireNonNull(optimizerState, "optimizerState");
    offsets = Map.copyOf(offsets);
    if (version < 0) {
      throw new IllegalArgumentException("version must be >= 0, but was " + version);
    }
  }
}
