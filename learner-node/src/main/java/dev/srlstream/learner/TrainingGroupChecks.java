package dev.srlstream.learner;

import dev.srlstream.schemas.RolloutSegments;
import dev.srlstream.schemas.avro.GroupRollout;
import dev.srlstream.schemas.avro.RolloutSegment;
import dev.srlstream.schemas.avro.TrainingGroup;
import java.util.List;
import java.util.Optional;

/**
 * The checks a training group must pass before the learner trains on it; a failure names the field
 * and value and sends the group to the dead letters (the learner goes on).
 */
public final class TrainingGroupChecks {
  private TrainingGroupChecks() {}

  /**
   * @param vocabSize token ids must be in {@code [0, vocabSize)}
   * @param contextLength each segment's prompt plus response must fit the model's context (a
   *     rollout without segments is one: the group's prompt plus the whole response)
   */
  public static Optional<String> problem(TrainingGroup group, int vocabSize, int contextLength) {
    if (group.getRollouts().isEmpty()) {
      return Optional.of("rollouts must not be empty");
    }
    if (group.getPromptTokenIds().isEmpty()) {
      // The trainer predicts the first response token from the prompt's last position.
      return Optional.of("prompt_token_ids must have at least 1 token (a BOS), but had 0");
    }
    Optional<String> prompt =
        tokenProblem("prompt_token_ids", group.getPromptTokenIds(), vocabSize);
    if (prompt.isPresent()) {
      return prompt;
    }
    for (int r = 0; r < group.getRollouts().size(); r++) {
      GroupRollout rollout = group.getRollouts().get(r);
      String where = "rollouts[" + r + "].";
      Optional<String> response =
          tokenProblem(where + "response_token_ids", rollout.getResponseTokenIds(), vocabSize);
      if (response.isPresent()) {
        return response;
      }
      int tokens = rollout.getResponseTokenIds().size();
      if (rollout.getBehaviourLogprobs().size() != tokens) {
        return Optional.of(
            where
                + "behaviour_logprobs must have one entry per response token ("
                + tokens
                + "), but had "
                + rollout.getBehaviourLogprobs().size());
      }
      for (int t = 0; t < tokens; t++) {
        float lp = rollout.getBehaviourLogprobs().get(t);
        if (!Float.isFinite(lp)) {
          return Optional.of(where + "behaviour_logprobs[" + t + "] must be finite, but was " + lp);
        }
      }
      if (!Double.isFinite(rollout.getAdvantage())) {
        return Optional.of(where + "advantage must be finite, but was " + rollout.getAdvantage());
      }
      Optional<String> segments = RolloutSegments.mismatch(group, rollout);
      if (segments.isPresent()) {
        return Optional.of(where + segments.get());
      }
      Optional<String> fit = segmentProblem(group, rollout, where, vocabSize, contextLength);
      if (fit.isPresent()) {
        return fit;
      }
    }
    return Optional.empty();
  }

  /**
   * Each segment is a row of its own: its prompt needs a first token and known ids (the first
   * segment's is the group's prompt, checked above), and prompt plus response must fit.
   */
  private static Optional<String> segmentProblem(
      TrainingGroup group, GroupRollout rollout, String where, int vocabSize, int contextLength) {
    List<RolloutSegment> segments = RolloutSegments.of(group, rollout);
    for (int s = 0; s < segments.size(); s++) {
      RolloutSegment segment = segments.get(s);
      // A rollout without recorded segments keeps the messages it always had.
      String at =
          rollout.getSegments() == null || rollout.getSegments().isEmpty()
              ? where
              : where + "segments[" + s + "].";
      if (segment.getPromptTokenIds().isEmpty()) {
        return Optional.of(at + "prompt_token_ids must have at least 1 token (a BOS), but had 0");
      }
      Optional<String> prompt =
          tokenProblem(at + "prompt_token_ids", segment.getPromptTokenIds(), vocabSize);
      if (prompt.isPresent()) {
        return prompt;
      }
      int length = segment.getPromptTokenIds().size() + segment.getResponseTokenIds().size();
      if (length > contextLength) {
        return Optional.of(
            at
                + "prompt plus response must fit the context of "
                + contextLength
                + " tokens, but had "
                + length);
      }
    }
    return Optional.empty();
  }

  private static Optional<String> tokenProblem(String field, List<Integer> ids, int vocabSize) {
    for (int i = 0; i < ids.size(); i++) {
      int id = ids.get(i);
      if (id < 0 || id >= vocabSize) {
        return Optional.of(
            field + "[" + i + "] must be a token id in [0, " + vocabSize + "), but was " + id);
      }
    }
    return Optional.empty();
  }
}
