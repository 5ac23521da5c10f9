package dev.srlstream.method.data;

import java.util.List;

/**
 * One generated arithmetic problem with its expert solution: one step per operation.
 *
 * @param id {@code arith-} and 12 hex digits of the SHA-256 of the expression: the same expression
 *     has the same id whatever the seed
 * @param expression the problem, e.g. {@code 3 + 7 × (12 - 4)}; it is also the question
 * @param steps the expert steps: title the monologue ("brackets first: subtract 4 from 12"), action
 *     the operation and what is left ({@code 12 - 4 = 8 → 3 + 7 × 8}; the last step has no arrow)
 * @param answer the value of the expression
 * @param split the split the expression belongs to
 */
public record ArithmeticProblem(
    String id, String expression, List<Step> steps, long answer, Split split) {

  public ArithmeticProblem {
    Texts.requireNonBlank(id, "id");
    Texts.requireNonBlank(expression, "expression");
    steps = List.copyOf(steps);
  }

  /** The number of steps (operations): the difficulty. */
  public int difficulty() {
    return steps.size();
  }

  /** The problem as an expert solution, with source {@link ArithmeticProblems#SOURCE}. */
  public ExpertSolution toExpertSolution() {
    return new ExpertSolution(
        id, expression, steps, Long.toString(answer), ArithmeticProblems.SOURCE);
  }
}
