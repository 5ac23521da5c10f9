package dev.srlstream.scorer;

import dev.srlstream.schemas.PolicyNames;
import java.time.Duration;
import java.util.Objects;

/**
 * The scorer's settings. Immutable and validated: a bad value fails here with "X must be ..., but
 * was ...".
 *
 * @param policyName the policy whose rollouts this scorer rewards: rollouts naming another are
 *     skipped and counted (that policy's own scorer rewards them), so several policies can share
 *     the topics; default {@link PolicyNames#DEFAULT}
 * @param autojunk difflib's autojunk heuristic for the similarity; {@link #DEFAULT_AUTOJUNK} unless
 *     replicating the paper exactly
 * @param dynamicSamplingEpsilon a group is trained on only if the std of its rewards exceeds this
 * @param groupTimeout how long after its first rollout an incomplete group waits for the rest
 * @param partialGroups what to do with a group still incomplete after {@code groupTimeout}
 * @param unknownInstanceGrace how long a rollout waits for a late expert step of its instance
 * @param duplicateRetention how long rollout ids are remembered to detect duplicates
 * @param maxResponseChars longer response texts are dead-lettered (INVALID_FIELD)
 * @param punctuateInterval how often timeouts are checked (wall clock)
 * @param similarityReward which similarity reward scores SRL and HOLISTIC rollouts; {@link
 *     #DEFAULT_SIMILARITY_REWARD} (each by its own mode) unless a replay asks for another
 */
public record ScorerConfig(
    String policyName,
    boolean autojunk,
    double dynamicSamplingEpsilon,
    Duration groupTimeout,
    PartialGroupPolicy partialGroups,
    Duration unknownInstanceGrace,
    Duration duplicateRetention,
    int maxResponseChars,
    Duration punctuateInterval,
    SimilarityReward similarityReward) {

  /** Each rollout rewarded as its mode says: SRL by the step, HOLISTIC by the whole solution. */
  public static final SimilarityReward DEFAULT_SIMILARITY_REWARD = SimilarityReward.BY_MODE;

  /**
   * The reward's autojunk unless asked otherwise: {@code false}, not CPython's {@code true}. With
   * autojunk difflib ignores the popular characters of an expert step of 200 or more characters, so
   * a close paraphrase of a long step scores near 0 (DESIGN.md, Reward); {@code true} stays
   * available for paper-exact replication.
   */
  public static final boolean DEFAULT_AUTOJUNK = false;

  /** The defaults: DESIGN.md's epsilon 1e-3, {@link #DEFAULT_AUTOJUNK}. */
  public static final ScorerConfig DEFAULTS =
      new ScorerConfig(
          PolicyNames.DEFAULT,
          DEFAULT_AUTOJUNK,
          1e-3,
          Duration.ofSeconds(60),
          PartialGroupPolicy.EMIT,
          Duration.ofSeconds(30),
          Duration.ofHours(24),
          16_384,
          Duration.ofSeconds(1),
          DEFAULT_SIMILARITY_REWARD);

  public ScorerConfig {
    PolicyNames.requireValid("policyName", policyName);
    Objects.requireNonNull(partialGroups, "partialGroups must be EMIT or DROP, but was null");
    Objects.requireNonNull(
        similarityReward, "similarityReward must be BY_MODE, STEP or HOLISTIC, but was null");
    if (!(dynamicSamplingEpsilon >= 0) || Double.isInfinite(dynamicSamplingEpsilon)) {
      throw new IllegalArgumentException(
          "dynamicSamplingEpsilon must be a finite number >= 0, but was " + dynamicSamplingEpsilon);
    }
    requirePositive("groupTimeout", groupTimeout);
    requirePositive("unknownInstanceGrace", unknownInstanceGrace);
    requirePositive("duplicateRetention", duplicateRetention);
    requirePositive("punctuateInterval", punctuateInterval);
    if (maxResponseChars < 1) {
      throw new IllegalArgumentException(
          "maxResponseChars must be >= 1, but was " + maxResponseChars);
    }
  }

  private static void requirePositive(String name, Duration value) {
    if (value == null || value.isNegative() || value.isZero()) {
      throw new IllegalArgumentException(name + " must be a positive duration, but was " + value);
    }
  }

  public ScorerConfig withPolicyName(String value) {
    return new ScorerConfig(
        value,
        autojunk,
        dynamicSamplingEpsilon,
        groupTimeout,
        partialGroups,
        unknownInstanceGrace,
        duplicateRetention,
        maxResponseChars,
        punctuateInterval,
        similarityReward);
  }

  public ScorerConfig withAutojunk(boolean value) {
    return new ScorerConfig(
        policyName,
        value,
        dynamicSamplingEpsilon,
        groupTimeout,
        partialGroups,
        unknownInstanceGrace,
        duplicateRetention,
        maxResponseChars,
        punctuateInterval,
        similarityReward);
  }

  public ScorerConfig withGroupTimeout(Duration value, PartialGroupPolicy policy) {
    return new ScorerConfig(
        policyName,
        autojunk,
        dynamicSamplingEpsilon,
        value,
        policy,
        unknownInstanceGrace,
        duplicateRetention,
        maxResponseChars,
        punctuateInterval,
        similarityReward);
  }

  public ScorerConfig withUnknownInstanceGrace(Duration value) {
    return new ScorerConfig(
        policyName,
        autojunk,
        dynamicSamplingEpsilon,
        groupTimeout,
        partialGroups,
        value,
        duplicateRetention,
        maxResponseChars,
        punctuateInterval,
        similarityReward);
  }

  public ScorerConfig withMaxResponseChars(int value) {
    return new ScorerConfig(
        policyName,
        autojunk,
        dynamicSamplingEpsilon,
        groupTimeout,
        partialGroups,
        unknownInstanceGrace,
        duplicateRetention,
        value,
        punctuateInterval,
        similarityReward);
  }

  public ScorerConfig withDynamicSamplingEpsilon(double value) {
    return new ScorerConfig(
        policyName,
        autojunk,
        value,
        groupTimeout,
        partialGroups,
        unknownInstanceGrace,
        duplicateRetention,
        maxResponseChars,
        punctuateInterval,
        similarityReward);
  }

  public ScorerConfig withSimilarityReward(SimilarityReward value) {
    return new ScorerConfig(
        policyName,
        autojunk,
        dynamicSamplingEpsilon,
        groupTimeout,
        partialGroups,
        unknownInstanceGrace,
        duplicateRetention,
        maxResponseChars,
        punctuateInterval,
        value);
  }
}
