package dev.srlstream.method.data;

import java.util.List;
import java.util.stream.Collectors;

/**
 * An expert solution of one problem: the question, the expert steps {@code y_1..y_N} in order and
 * the reference answer.
 *
 * @param id the problem id, stable across runs (instance ids are derived from it); never blank
 * @param question the problem statement (or the issue, for agent trajectories)
 * @param steps the expert steps, at least one
 * @param answer the reference final answer for the RLVR verifier, or null when there is none (agent
 *     trajectories)
 * @param source the data set the solution came from, e.g. {@code arith-v1} or a file name
 */
public record ExpertSolution(
    String id, String question, List<Step> steps, String answer, String source) {

  public ExpertSolution {
    Texts.requireNonBlank(id, "solution id");
    Texts.requireNonBlank(question, "question of solution " + id);
    if (steps == null || steps.isEmpty()) {
      throw new IllegalArgumentException(
          "steps of solution " + id + " must be a non-empty list, but was " + steps);
    }
    steps = List.copyOf(steps);
    if (answer != null && answer.isBlank()) {
      answer = null;
    }
    Texts.requireNonBlank(source, "source of solution " + id);
  }

  /**
   * The whole expert solution as one text, the target of the whole-solution modes (HOLISTIC
   * compares a rollout's actions with it): the actions, one after the other on their own lines.
   * Titles and observations are not part of it, since the policy writes its own monologue and
   * cannot write the environment's output; nor is a boxed answer added, since a policy solving step
   * by step writes its answer in its last action, as the expert did.
   */
  public String solutionText() {
    return steps.stream().map(Step::action).collect(Collectors.joining("\n"));
  }
}
