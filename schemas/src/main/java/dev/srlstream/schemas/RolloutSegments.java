package dev.srlstream.schemas;

import dev.srlstream.schemas.avro.GroupRollout;
import dev.srlstream.schemas.avro.RolloutSegment;
import dev.srlstream.schemas.avro.RolloutStep;
import dev.srlstream.schemas.avro.TrainingGroup;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * How a rollout's {@code segments} and its flat fields ({@code prompt_token_ids}, {@code
 * response_token_ids}, {@code behaviour_logprobs}) relate, in one place for every reader and
 * writer:
 *
 * <ul>
 *   <li>no segments (null: a record written before they existed; an empty list means the same)
 *       means one segment made of the flat fields ({@link #of});
 *   <li>with segments, the flat fields summarise them: the prompt is the first segment's, the
 *       response and the log-probs are the segments' concatenated ({@link #flat}, checked by {@link
 *       #mismatch}).
 * </ul>
 */
public final class RolloutSegments {
  private RolloutSegments() {}

  /** The flat fields of a rollout, as its segments determine them. */
  public record Flat(List<Integer> prompt, List<Integer> response, List<Float> behaviour) {}

  /** The segments a rollout step was sampled in: the recorded ones, or one from its flat fields. */
  public static List<RolloutSegment> of(RolloutStep step) {
    return of(
        step.getPromptTokenIds(),
        step.getResponseTokenIds(),
        step.getBehaviourLogprobs(),
        step.getSegments());
  }

  /** The segments of one rollout of a group: the recorded ones, or one from the flat fields. */
  public static List<RolloutSegment> of(TrainingGroup group, GroupRollout rollout) {
    return of(
        group.getPromptTokenIds(),
        rollout.getResponseTokenIds(),
        rollout.getBehaviourLogprobs(),
        rollout.getSegments());
  }

  private static List<RolloutSegment> of(
      List<Integer> prompt,
      List<Integer> response,
      List<Float> behaviour,
      List<RolloutSegment> segments) {
    if (recorded(segments)) {
      return segments;
    }
    return List.of(new RolloutSegment(prompt, response, behaviour));
  }

  /**
   * Whether a rollout records its segments. (The field is nullable rather than an array with
   * default {@code []}: building a record with a default of record type makes Avro load the
   * generated class, which it refuses before {@code AvroSerde} has trusted our package.)
   */
  private static boolean recorded(List<RolloutSegment> segments) {
    return segments != null && !segments.isEmpty();
  }

  /**
   * The flat fields of a rollout made of {@code segments}.
   *
   * @throws IllegalArgumentException if there are no segments
   */
  public static Flat flat(List<RolloutSegment> segments) {
    if (segments.isEmpty()) {
      throw new IllegalArgumentException("a rollout has at least one segment, but had none");
    }
    List<Integer> response = new ArrayList<>();
    List<Float> behaviour = new ArrayList<>();
    for (RolloutSegment s : segments) {
      response.addAll(s.getResponseTokenIds());
      behaviour.addAll(s.getBehaviourLogprobs());
    }
    return new Flat(segments.get(0).getPromptTokenIds(), response, behaviour);
  }

  /** Why a rollout step's segments disagree with its flat fields, if they do. */
  public static Optional<String> mismatch(RolloutStep step) {
    return mismatch(
        step.getPromptTokenIds(),
        step.getResponseTokenIds(),
        step.getBehaviourLogprobs(),
        step.getSegments());
  }

  /** Why a group rollout's segments disagree with the group's prompt or its flat fields. */
  public static Optional<String> mismatch(TrainingGroup group, GroupRollout rollout) {
    return mismatch(
        group.getPromptTokenIds(),
        rollout.getResponseTokenIds(),
        rollout.getBehaviourLogprobs(),
        rollout.getSegments());
  }

  private static Optional<String> mismatch(
      List<Integer> prompt,
      List<Integer> response,
      List<Float> behaviour,
      List<RolloutSegment> segments) {
    if (!recorded(segments)) {
      return Optional.empty();
    }
    for (int s = 0; s < segments.size(); s++) {
      RolloutSegment segment = segments.get(s);
      if (segment.getBehaviourLogprobs().size() != segment.getResponseTokenIds().size()) {
        return Optional.of(
            "segments["
                + s
                + "].behaviour_logprobs must have one entry per response token ("
                + segment.getResponseTokenIds().size()
                + "), but had "
                + segment.getBehaviourLogprobs().size());
      }
    }
    Flat flat = flat(segments);
    if (!flat.prompt().equals(prompt)) {
      return Optional.of("segments[0].prompt_token_ids must equal prompt_token_ids");
    }
    Optional<String> tokens = sameList("response_token_ids", flat.response(), response);
    if (tokens.isPresent()) {
      return tokens;
    }
    return sameList("behaviour_logprobs", flat.behaviour(), behaviour);
  }

  /** Why a flat field is not its segments' values concatenated, if it is not. */
  private static Optional<String> sameList(String field, List<?> concatenated, List<?> actual) {
    String rule = field + " must be the segments' " + field + " concatenated";
    if (concatenated.size() != actual.size()) {
      return Optional.of(rule + " (" + concatenated.size() + " values), but had " + actual.size());
    }
    for (int i = 0; i < actual.size(); i++) {
      if (!concatenated.get(i).equals(actual.get(i))) {
        return Optional.of(
            rule
                + ", but differs at ["
                + i
                + "]: "
                + actual.get(i)
                + " instead of "
                + concatenated.get(i));
      }
    }
    return Optional.empty();
  }
}
