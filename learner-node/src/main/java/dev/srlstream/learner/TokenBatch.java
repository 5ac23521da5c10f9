package dev.srlstream.learner;

import dev.srlstream.policy.Tokenizer;
import dev.srlstream.schemas.RolloutSegments;
import dev.srlstream.schemas.avro.GroupRollout;
import dev.srlstream.schemas.avro.RolloutSegment;
import dev.srlstream.schemas.avro.TrainingGroup;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A training batch as the model is fed it: one row per sequence {@code prompt ++ response}, teacher
 * forced and right-padded to the longest row. Pure Java.
 *
 * <p>A rollout gives one sequence per segment ({@link RolloutSegments#of}): each segment's response
 * is scored after exactly the prompt it was sampled on, so with the behaviour weights the
 * recomputed log-probs equal the recorded ones and every ratio is exact, also for whole solutions
 * written step after step on the actor's own context. A one-segment rollout (SRL, or any record
 * from before segments) is the row {@code group prompt ++ response}. Every segment row carries its
 * rollout's advantage, and the loss's token mean counts each response token once whatever row it
 * sits in, so splitting a rollout into rows does not change what the mean means.
 *
 * <p>Row {@code r} of a sequence {@code s} of length L is fed {@code tokens[t] = s[t]} and scored
 * on {@code targets[t] = s[t + 1]} for {@code t < L - 1}; {@code mask[t] = 1} exactly where that
 * target is a response token ({@code t >= promptLength - 1}). At those positions {@code
 * behaviourLogProbs[t]} is the actor's log-prob of the target and {@code advantages[t]} the
 * rollout's advantage times its group's weight, times the token's share under {@link Credit}
 * (always 1 for {@link Credit#SEQUENCE}); everywhere else (prompt and padding) all three are 0.
 * Sequences without a response token score nothing and get no row.
 *
 * @param rows the number of rows B
 * @param length the number of positions per row T (at least 1)
 * @param tokens {@code [B, T]} row-major
 * @param targets {@code [B, T]}
 * @param mask {@code [B, T]}
 * @param behaviourLogProbs {@code [B, T]}
 * @param advantages {@code [B, T]}
 * @param tokenCount the number of response tokens scored: the sum of the mask
 */
record TokenBatch(
    int rows,
    int length,
    int[] tokens,
    int[] targets,
    float[] mask,
    float[] behaviourLogProbs,
    float[] advantages,
    int tokenCount) {

  /** One sequence before padding. */
  private record Sequence(
      int[] prompt, int[] response, float[] behaviour, float advantage, float[] shares) {}

  /**
   * The batch of B groups times G rollouts, one row per segment of each rollout.
   *
   * @throws IllegalArgumentException if a group fails {@link TrainingGroupChecks}
   *     (out-of-vocabulary ids, mismatched behaviour log-probs, a sequence longer than the context,
   *     ...), has an empty prompt, or has a weight that is negative or not finite
   */
  static TokenBatch ofGroups(
      List<WeightedGroup> batch,
      int vocabSize,
      int contextLength,
      Credit credit,
      Tokenizer tokenizer) {
    List<Sequence> sequences = new ArrayList<>();
    for (int g = 0; g < batch.size(); g++) {
      WeightedGroup weighted = batch.get(g);
      TrainingGroup group = weighted.group();
      String where = "batch[" + g + "] (group " + group.getGroupId() + ")";
      Optional<String> problem = TrainingGroupChecks.problem(group, vocabSize, contextLength);
      if (problem.isPresent()) {
        throw new IllegalArgumentException(where + ": " + problem.get());
      }
      if (!(weighted.weight() >= 0 && Double.isFinite(weighted.weight()))) {
        throw new IllegalArgumentException(
            where + ": weight must be finite and >= 0, but was " + weighted.weight());
      }
      for (GroupRollout rollout : group.getRollouts()) {
        float advantage = (float) (rollout.getAdvantage() * weighted.weight());
        List<RolloutSegment> segments = RolloutSegments.of(group, rollout);
        for (RolloutSegment segment : segments) {
          int[] response = ints(segment.getResponseTokenIds());
          // An alignment refers to the text of one response: a one-step rollout's only segment.
          float[] shares =
              segments.size() == 1
                  ? credit.shares(response, rollout.getAlignment(), advantage, tokenizer)
                  : null;
          sequences.add(
              new Sequence(
                  ints(segment.getPromptTokenIds()),
                  response,
                  floats(segment.getBehaviourLogprobs()),
                  advantage,
                  shares));
        }
      }
    }
    return assemble(sequences, "group prompt_token_ids");
  }

  /**
   * The batch of expert texts for SFT: row {@code i} is {@code prompts[i] ++ targets[i]}, scored on
   * the target tokens (advantage 1 and behaviour log-prob 0 there, unused by the SFT loss).
   *
   * @throws IllegalArgumentException if the lists differ in size, a prompt is empty, an id is
   *     outside the vocabulary, or a row is longer than the context
   */
  static TokenBatch ofExpert(
      List<int[]> prompts, List<int[]> targets, int vocabSize, int contextLength) {
    if (prompts.size() != targets.size()) {
      throw new IllegalArgumentException(
          "targetIds must have one entry per prompt ("
              + prompts.size()
              + "), but had "
              + targets.size());
    }
    List<Sequence> sequences = new ArrayList<>();
    for (int i = 0; i < prompts.size(); i++) {
      int[] prompt = prompts.get(i);
      int[] target = targets.get(i);
      requireIds("promptIds[" + i + "]", prompt, vocabSize);
      requireIds("targetIds[" + i + "]", target, vocabSize);
      if (prompt.length + target.length > contextLength) {
        throw new IllegalArgumentException(
            "promptIds["
                + i
                + "] plus targetIds["
                + i
                + "] must fit the context of "
                + contextLength
                + " tokens, but had "
                + (prompt.length + target.length));
      }
      sequences.add(new Sequence(prompt, target, new float[target.length], 1f, null));
    }
    return assemble(sequences, "promptIds");
  }

  private static TokenBatch assemble(List<Sequence> sequences, String promptField) {
    List<Sequence> scored = new ArrayList<>();
    int length = 1;
    for (int i = 0; i < sequences.size(); i++) {
      Sequence s = sequences.get(i);
      if (s.prompt().length == 0) {
        // The first response token must be predicted from some position: BOS at least.
        throw new IllegalArgumentException(
            promptField + " must have at least 1 token (a BOS), but sequence " + i + " had 0");
      }
      if (s.response().length > 0) {
        scored.add(s);
        length = Math.max(length, s.prompt().length + s.response().length - 1);
      }
    }
    int rows = scored.size();
    int[] tokens = new int[rows * length];
    int[] targets = new int[rows * length];
    float[] mask = new float[rows * length];
    float[] behaviour = new float[rows * length];
    float[] advantages = new float[rows * length];
    int tokenCount = 0;
    for (int r = 0; r < rows; r++) {
      Sequence s = scored.get(r);
      int p = s.prompt().length;
      int end = p + s.response().length - 1; // positions fed: 0 .. end-1
      for (int t = 0; t < end; t++) {
        int i = r * length + t;
        tokens[i] = t < p ? s.prompt()[t] : s.response()[t - p];
        int target = t + 1;
        targets[i] = target < p ? s.prompt()[target] : s.response()[target - p];
        if (target >= p) {
          mask[i] = 1f;
          behaviour[i] = s.behaviour()[target - p];
          advantages[i] =
              s.shares() == null ? s.advantage() : s.advantage() * s.shares()[target - p];
          tokenCount++;
        }
      }
    }
    return new TokenBatch(rows, length, tokens, targets, mask, behaviour, advantages, tokenCount);
  }

  private static void requireIds(String field, int[] ids, int vocabSize) {
    for (int i = 0; i < ids.length; i++) {
      if (ids[i] < 0 || ids[i] >= vocabSize) {
        throw new IllegalArgumentException(
            field + "[" + i + "] must be a token id in [0, " + vocabSize + "), but was " + ids[i]);
      }
    }
  }

  private static int[] ints(List<Integer> values) {
    return values.stream().mapToInt(Integer::intValue).toArray();
  }

  private static float[] floats(List<Float> values) {
    float[] out = new float[values.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = values.get(i);
    }
    return out;
  }
}
