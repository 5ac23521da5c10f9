package dev.srlstream.method.data;

import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * A bundled, procedurally generated data set of the hard multi-step kind SRL is for: integer
 * arithmetic expressions reduced one operation per step.
 *
 * <p><b>Distribution.</b> For each draw: the number of operations S is uniform in {@code
 * minSteps..maxSteps}; the expression is a random binary tree with S operations, each node's
 * operations split uniformly between its left and right operand; leaves are uniform in {@code
 * 1..maxOperand}; each operator is uniform over {@code + - × ÷}, where ÷ is kept only when an exact
 * divisor of the left operand's value is found (a leaf divisor is uniform over the exact divisors
 * in {@code 2..maxOperand}, a sub-expression divisor gets 20 tries) and is otherwise redrawn from
 * {@code + - ×}. Every intermediate value (so every number a step writes) lies within {@code
 * ±maxAbsValue}; a draw that leaves the range is thrown away whole. Intermediate values and answers
 * may be negative. Defaults: 1..8 steps, operands 1..20, values within ±999 — small enough for a
 * tiny character-level transformer.
 *
 * <p>What comes out differs from the draw in two measured ways (defaults, seed 1, 10,000 / 500 /
 * 500 problems). The range rejection removes more products than quotients, so the operator mix is +
 * 24%, - 27%, × 19%, ÷ 31%. And there are only about 1,200 distinct one-step expressions, so
 * one-step problems fill up and become rarer (7% of train instead of 12.5%); steps 2..8 each make
 * 12-15%. 30% of answers are negative; |answer| is below 10 for 29%, below 100 for 75%. Questions
 * are at most 54 characters, actions 27 on average and at most 64.
 *
 * <p><b>Steps.</b> Step i reduces the next operation in the textbook order (the leftmost brackets
 * first, innermost first; then × and ÷ left to right; then + and - left to right); its title is a
 * short monologue ({@code brackets first: subtract 4 from 12}), its action the operation and what
 * remains ({@code 12 - 4 = 8 → 3 + 7 × 8}; the last step is just {@code 38 - 4 = 34}).
 *
 * <p><b>Splits.</b> An expression's split depends on its text alone ({@link Split#byHash} with
 * fractions 0.1 validation, 0.1 test): the same expression is in the same split for every seed and
 * every size, so no problem is ever shared between splits, even across data sets generated with
 * different seeds. Draws are deduplicated by expression; a draw whose split is already full is
 * dropped. Generation stops when every split has its size, and fails when the space of expressions
 * is too small to fill them. The same config always gives the same problems in the same order.
 */
public final class ArithmeticProblems {

  /** The source name of the generated solutions. */
  public static final String SOURCE = "arith-v1";

  /** The share of the expression space that belongs to validation, and to test. */
  static final double VALIDATION_FRACTION = 0.1;

  static final double TEST_FRACTION = 0.1;

  private static final char[] OPERATORS = {Expr.PLUS, Expr.MINUS, Expr.TIMES, Expr.DIVIDE};
  private static final char[] NON_DIVIDING = {Expr.PLUS, Expr.MINUS, Expr.TIMES};
  private static final int DIVISOR_TRIES = 20;

  /**
   * What to generate.
   *
   * @param seed the seed: the same config gives the same data set
   * @param minSteps the fewest operations (steps) of a problem, at least 1
   * @param maxSteps the most operations, at least minSteps and at most 30
   * @param maxOperand operands are drawn from 1..maxOperand (2..99)
   * @param maxAbsValue every intermediate value lies within ±maxAbsValue (maxOperand..999999)
   * @param trainSize problems in train
   * @param validationSize problems in validation
   * @param testSize problems in test
   */
  public record Config(
      long seed,
      int minSteps,
      int maxSteps,
      int maxOperand,
      int maxAbsValue,
      int trainSize,
      int validationSize,
      int testSize) {

    public Config {
      if (minSteps < 1) {
        throw new IllegalArgumentException("minSteps must be >= 1, but was " + minSteps);
      }
      if (maxSteps < minSteps || maxSteps > 30) {
        throw new IllegalArgumentException(
            "maxSteps must be in minSteps.." + Math.max(minSteps, 30) + ", but was " + maxSteps);
      }
      if (maxOperand < 2 || maxOperand > 99) {
        throw new IllegalArgumentException("maxOperand must be in 2..99, but was " + maxOperand);
      }
      if (maxAbsValue < maxOperand || maxAbsValue > 999_999) {
        throw new IllegalArgumentException(
            "maxAbsValue must be in maxOperand..999999, but was " + maxAbsValue);
      }
      if (trainSize < 0 || validationSize < 0 || testSize < 0) {
        throw new IllegalArgumentException(
            "split sizes must be >= 0, but were train "
                + trainSize
                + ", validation "
                + validationSize
                + ", test "
                + testSize);
      }
      if ((long) trainSize + validationSize + testSize == 0) {
        throw new IllegalArgumentException("at least one split size must be > 0, but all were 0");
      }
    }

    /** Seed 1, 1..8 steps, operands 1..20, values within ±999, 10000 / 500 / 500 problems. */
    public static Config defaults() {
      return new Config(1, 1, 8, 20, 999, 10_000, 500, 500);
    }

    public Config withSeed(long newSeed) {
      return new Config(
          newSeed,
          minSteps,
          maxSteps,
          maxOperand,
          maxAbsValue,
          trainSize,
          validationSize,
          testSize);
    }

    public Config withSteps(int newMin, int newMax) {
      return new Config(
          seed, newMin, newMax, maxOperand, maxAbsValue, trainSize, validationSize, testSize);
    }

    public Config withNumbers(int newMaxOperand, int newMaxAbsValue) {
      return new Config(
          seed,
          minSteps,
          maxSteps,
          newMaxOperand,
          newMaxAbsValue,
          trainSize,
          validationSize,
          testSize);
    }

    public Config withSizes(int train, int validation, int test) {
      return new Config(seed, minSteps, maxSteps, maxOperand, maxAbsValue, train, validation, test);
    }

    int size(Split split) {
      return switch (split) {
        case TRAIN -> trainSize;
        case VALIDATION -> validationSize;
        case TEST -> testSize;
      };
    }
  }

  /** The generated problems of each split, in generation order. */
  public record DataSet(Map<Split, List<ArithmeticProblem>> splits) {
    public DataSet {
      EnumMap<Split, List<ArithmeticProblem>> copy = new EnumMap<>(Split.class);
      for (Split split : Split.values()) {
        copy.put(split, List.copyOf(splits.getOrDefault(split, List.of())));
      }
      splits = Collections.unmodifiableMap(copy);
    }

    public List<ArithmeticProblem> get(Split split) {
      return splits.get(split);
    }

    /** Every problem: train, then validation, then test. */
    public List<ArithmeticProblem> all() {
      List<ArithmeticProblem> all = new ArrayList<>();
      splits.values().forEach(all::addAll);
      return all;
    }
  }

  private ArithmeticProblems() {}

  /** Generates the data set of a config. */
  public static DataSet generate(Config config) {
    Random random = new Random(config.seed());
    Map<Split, List<ArithmeticProblem>> splits = new EnumMap<>(Split.class);
    for (Split split : Split.values()) {
      splits.put(split, new ArrayList<>());
    }
    Map<String, String> expressionOfId = new HashMap<>();
    long wanted = (long) config.trainSize() + config.validationSize() + config.testSize();
    long maxDraws = 100 * wanted + 100_000;
    long found = 0;
    for (long draw = 0; found < wanted; draw++) {
      if (draw == maxDraws) {
        throw new IllegalStateException(
            "could only generate "
                + found
                + " of "
                + wanted
                + " distinct problems in "
                + maxDraws
                + " draws: the expressions with "
                + config.minSteps()
                + ".."
                + config.maxSteps()
                + " steps are too few for the split sizes; allow more steps or ask for fewer");
      }
      int steps = config.minSteps() + random.nextInt(config.maxSteps() - config.minSteps() + 1);
      Expr expr = expression(steps, config, random);
      if (expr == null) {
        continue;
      }
      String expression = Expr.render(expr);
      Split split = Split.byHash(expression, VALIDATION_FRACTION, TEST_FRACTION);
      String id = "arith-" + Hashes.hexHash(expression, 12);
      String before = expressionOfId.putIfAbsent(id, expression);
      if (before != null && !before.equals(expression)) {
        throw new IllegalStateException("two expressions share the id " + id + ": " + before);
      }
      if (before != null || splits.get(split).size() >= config.size(split)) {
        continue; // a repeat, or its split is full
      }
      splits.get(split).add(solve(id, expr, split));
      found++;
    }
    return new DataSet(splits);
  }

  /** A random expression with exactly {@code operations} operations, or null when out of range. */
  private static Expr expression(int operations, Config config, Random random) {
    if (operations == 0) {
      return new Expr.Lit(1 + random.nextInt(config.maxOperand()));
    }
    int leftOperations = random.nextInt(operations);
    int rightOperations = operations - 1 - leftOperations;
    char symbol = OPERATORS[random.nextInt(OPERATORS.length)];
    Expr left = expression(leftOperations, config, random);
    if (left == null) {
      return null;
    }
    Expr right = null;
    if (symbol == Expr.DIVIDE) {
      right = divisor(left.value(), rightOperations, config, random);
      if (right == null) {
        symbol = NON_DIVIDING[random.nextInt(NON_DIVIDING.length)];
      }
    }
    if (right == null) {
      right = expression(rightOperations, config, random);
      if (right == null) {
        return null;
      }
    }
    Expr.Op op = Expr.Op.of(symbol, left, right);
    return Math.abs(op.value()) <= config.maxAbsValue() ? op : null;
  }

  /** A right operand that divides {@code dividend} exactly, or null when none was found. */
  private static Expr divisor(long dividend, int operations, Config config, Random random) {
    if (operations == 0) {
      List<Integer> divisors = new ArrayList<>();
      for (int d = 2; d <= config.maxOperand(); d++) {
        if (dividend % d == 0) {
          divisors.add(d);
        }
      }
      return divisors.isEmpty()
          ? null
          : new Expr.Lit(divisors.get(random.nextInt(divisors.size())));
    }
    for (int i = 0; i < DIVISOR_TRIES; i++) {
      Expr candidate = expression(operations, config, random);
      if (candidate != null && candidate.value() != 0 && dividend % candidate.value() == 0) {
        return candidate;
      }
    }
    return null;
  }

  /** The expert solution: one reduction per step. */
  private static ArithmeticProblem solve(String id, Expr expr, Split split) {
    List<Step> steps = new ArrayList<>();
    Expr current = expr;
    while (current instanceof Expr.Op) {
      Expr.Reduction r = Expr.reduceNext(current);
      String operation =
          Expr.operandText(r.left())
              + " "
              + r.symbol()
              + " "
              + Expr.operandText(r.right())
              + " = "
              + r.result();
      boolean last = r.remaining() instanceof Expr.Lit;
      String action = last ? operation : operation + " → " + Expr.render(r.remaining());
      steps.add(new Step(title(r, last), action));
      current = r.remaining();
    }
    return new ArithmeticProblem(id, Expr.render(expr), steps, expr.value(), split);
  }

  /** The monologue of a step: why this operation now, and what it does. */
  private static String title(Expr.Reduction r, boolean last) {
    String a = Long.toString(r.left());
    String b = Long.toString(r.right());
    String what =
        switch (r.symbol()) {
          case Expr.PLUS -> "add " + a + " and " + b;
          case Expr.MINUS -> "subtract " + b + " from " + a;
          case Expr.TIMES -> "multiply " + a + " by " + b;
          default -> "divide " + a + " by " + b;
        };
    if (last) {
      return "one operation left: " + what;
    }
    if (r.inBrackets()) {
      return "brackets first: " + what;
    }
    if (r.beforeAddition()) {
      return "× and ÷ before + and -: " + what;
    }
    return "left to right: " + what;
  }
}
