package dev.srlstream.scorer;

import dev.srlstream.schemas.RolloutSegments;
import dev.srlstream.schemas.avro.ExpertStep;
import dev.srlstream.schemas.avro.RolloutStep;
import dev.srlstream.schemas.avro.TrainingMode;
import dev.srlstream.scorer.avro.GroupProgress;
import java.util.List;
import java.util.Optional;

/**
 * The checks a rollout step must pass before it is scored; each failure names the field and the
 * value, and becomes an INVALID_FIELD dead letter.
 */
final class RolloutChecks {

  /** Rounding can make the log of a probability of 1 a hair above 0; more is a bug upstream. */
  private static final double MAX_LOGPROB = 1e-4;

  private RolloutChecks() {}

  /** Checks that need only the record and its key. */
  static Optional<String> problem(String key, RolloutStep r, int maxResponseChars) {
    if (r.getInstanceId().isBlank() || r.getRolloutId().isBlank() || r.getGroupId().isBlank()) {
      return Optional.of("instance_id, rollout_id and group_id must not be blank");
    }
    if (r.getGroupId().indexOf('\u0000') >= 0 || r.getInstanceId().indexOf('\u0000') >= 0) {
      // The scorer's store keys join ids with U+0000.
      return Optional.of("group_id and instance_id must not contain U+0000");
    }
    if (!r.getInstanceId().equals(key)) {
      return Optional.of(
          "the record key must equal instance_id '"
              + r.getInstanceId()
              + "', but was '"
              + key
              + "'");
    }
    if (r.getMode() == TrainingMode.SFT) {
      return Optional.of("mode must be SRL, RLVR or HOLISTIC for a rollout, but was SFT");
    }
    if (r.getStepIndex() < 0) {
      return Optional.of("step_index must be >= 0, but was " + r.getStepIndex());
    }
    if (r.getGroupSize() < 1) {
      return Optional.of("group_size must be >= 1, but was " + r.getGroupSize());
    }
    if (r.getRolloutIndex() < 0 || r.getRolloutIndex() >= r.getGroupSize()) {
      return Optional.of(
          "rollout_index must be in [0, " + r.getGroupSize() + "), but was " + r.getRolloutIndex());
    }
    if (r.getPolicyVersion() < 0) {
      return Optional.of("policy_version must be >= 0, but was " + r.getPolicyVersion());
    }
    List<Float> logprobs = r.getBehaviourLogprobs();
    if (logprobs.size() != r.getResponseTokenIds().size()) {
      return Optional.of(
          "behaviour_logprobs must have one entry per response token ("
              + r.getResponseTokenIds().size()
              + "), but had "
              + logprobs.size());
    }
    for (int i = 0; i < logprobs.size(); i++) {
      float lp = logprobs.get(i);
      if (!Float.isFinite(lp) || lp > MAX_LOGPROB) {
        return Optional.of(
            "behaviour_logprobs[" + i + "] must be a finite log-probability <= 0, but was " + lp);
      }
    }
    // Segments must agree with the flat fields just checked, which makes their log-probs valid too.
    Optional<String> segments = RolloutSegments.mismatch(r);
    if (segments.isPresent()) {
      return segments;
    }
    if (r.getResponseText().length() > maxResponseChars) {
      return Optional.of(
          "response_text must have at most "
              + maxResponseChars
              + " chars, but had "
              + r.getResponseText().length());
    }
    return Optional.empty();
  }

  /** Checks of a rollout against the expert step of its instance. */
  static Optional<String> problem(RolloutStep r, ExpertStep expert) {
    if (r.getMode() != expert.getMode()) {
      return Optional.of(
          "mode must be the instance's " + expert.getMode() + ", but was " + r.getMode());
    }
    if (r.getStepIndex() != expert.getStepIndex()) {
      return Optional.of(
          "step_index must be the instance's "
              + expert.getStepIndex()
              + ", but was "
              + r.getStepIndex());
    }
    if (r.getMode() == TrainingMode.RLVR
        && (expert.getFinalAnswer() == null || expert.getFinalAnswer().isBlank())) {
      return Optional.of(
          "the expert step of RLVR instance " + expert.getInstanceId() + " has no final_answer");
    }
    return Optional.empty();
  }

  /** Checks of a rollout against the group it claims to belong to. */
  static Optional<String> problem(RolloutStep r, GroupProgress group, boolean indexTaken) {
    if (!r.getInstanceId().equals(group.getInstanceId())
        || r.getPolicyVersion() != group.getPolicyVersion()
        || r.getGroupSize() != group.getExpectedSize()) {
      return Optional.of(
          "group "
              + r.getGroupId()
              + " is instance "
              + group.getInstanceId()
              + ", policy version "
              + group.getPolicyVersion()
              + ", size "
              + group.getExpectedSize()
              + ", but this rollout says "
              + r.getInstanceId()
              + ", "
              + r.getPolicyVersion()
              + ", "
              + r.getGroupSize());
    }
    if (indexTaken) {
      return Optional.of(
          "rollout_index "
              + r.getRolloutIndex()
              + " of group "
              + r.getGroupId()
              + " arrived twice under different rollout ids");
    }
    return Optional.empty();
  }
}
