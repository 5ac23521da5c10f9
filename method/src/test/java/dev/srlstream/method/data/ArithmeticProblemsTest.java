package dev.srlstream.method.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.srlstream.method.data.ArithmeticProblems.Config;
import dev.srlstream.method.reward.BoxedAnswerVerifier;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ArithmeticProblemsTest {
  /** The verifier the outcome reward and the evaluation use. */
  private static final BoxedAnswerVerifier VERIFIER = new BoxedAnswerVerifier();

  private static final Config THOUSANDS = Config.defaults().withSizes(4_000, 1_000, 1_000);

  @Test
  void theSameSeedGivesTheSameDataSet() {
    Config config = Config.defaults().withSizes(500, 50, 50).withSeed(42);

    ArithmeticProblems.DataSet first = ArithmeticProblems.generate(config);
    ArithmeticProblems.DataSet second = ArithmeticProblems.generate(config);
    ArithmeticProblems.DataSet other = ArithmeticProblems.generate(config.withSeed(43));

    assertThat(second).isEqualTo(first);
    assertThat(expressions(other.all())).isNotEqualTo(expressions(first.all()));
  }

  @Test
  void aPinnedProblemOfTheDefaultSeed() {
    // A change to the generator changes this problem: bump SOURCE (arith-v1) when it is intended.
    ArithmeticProblem first =
        ArithmeticProblems.generate(Config.defaults().withSizes(1, 0, 0)).get(Split.TRAIN).get(0);

    assertThat(first.expression()).isEqualTo("7 - 19 + (4 ÷ 4 + 15) - 17 ÷ 17");
    assertThat(first.answer()).isEqualTo(3);
    assertThat(first.steps())
        .containsExactly(
            new Step("brackets first: divide 4 by 4", "4 ÷ 4 = 1 → 7 - 19 + (1 + 15) - 17 ÷ 17"),
            new Step("brackets first: add 1 and 15", "1 + 15 = 16 → 7 - 19 + 16 - 17 ÷ 17"),
            new Step("× and ÷ before + and -: divide 17 by 17", "17 ÷ 17 = 1 → 7 - 19 + 16 - 1"),
            new Step("left to right: subtract 19 from 7", "7 - 19 = -12 → (-12) + 16 - 1"),
            new Step("left to right: add -12 and 16", "(-12) + 16 = 4 → 4 - 1"),
            new Step("one operation left: subtract 1 from 4", "4 - 1 = 3"));
  }

  @ParameterizedTest(name = "{0}..{1} steps")
  @CsvSource({"1, 8", "3, 5", "8, 8", "1, 12"})
  void stepCountsStayWithinTheBounds(int min, int max) {
    List<ArithmeticProblem> problems =
        ArithmeticProblems.generate(Config.defaults().withSteps(min, max).withSizes(600, 0, 0))
            .all();

    assertThat(problems).hasSize(600);
    Set<Integer> seen = new HashSet<>();
    for (ArithmeticProblem problem : problems) {
      assertThat(problem.difficulty()).isBetween(min, max);
      assertThat(Evaluator.operations(problem.expression())).isEqualTo(problem.difficulty());
      seen.add(problem.difficulty());
    }
    assertThat(seen).as("every difficulty occurs").hasSize(max - min + 1);
  }

  @Test
  void everyStepIsACorrectReduction() {
    for (ArithmeticProblem problem : ArithmeticProblems.generate(THOUSANDS).all()) {
      String current = problem.expression();
      long value = Evaluator.evaluate(current);
      assertThat(value).as(current).isEqualTo(problem.answer());
      assertOperandsAndValuesInRange(current);
      for (int i = 0; i < problem.steps().size(); i++) {
        Step step = problem.steps().get(i);
        boolean last = i == problem.steps().size() - 1;
        String context = problem.expression() + " step " + i + ": " + step.action();

        Reduction r = Reduction.parse(step.action());
        assertThat(Evaluator.apply(r.a, r.op, r.b)).as(context).isEqualTo(r.result);
        assertThat(step.title()).as(context).isNotBlank().contains(Long.toString(r.a));
        assertThat(current)
            .as("the operation is in the expression: " + context)
            .contains(r.operation);
        String next = last ? Long.toString(r.result) : r.remaining;
        assertThat(last).as(context).isEqualTo(r.remaining == null);
        assertThat(Evaluator.evaluate(next)).as(context).isEqualTo(value);
        assertThat(Evaluator.operations(next))
            .as(context)
            .isEqualTo(Evaluator.operations(current) - 1);
        assertThat(Math.abs(r.result)).as(context).isLessThanOrEqualTo(999);
        current = next;
      }
      assertThat(current).isEqualTo(Long.toString(problem.answer()));
    }
  }

  @Test
  void theExpertSolutionVerifies() {
    for (ArithmeticProblem problem : ArithmeticProblems.generate(THOUSANDS).all()) {
      ExpertSolution solution = problem.toExpertSolution();
      String answer = Long.toString(problem.answer());
      assertThat(VERIFIER.isCorrect(solution.solutionText(), answer)).isTrue();
      assertThat(VERIFIER.isCorrect(problem.steps().get(problem.difficulty() - 1).action(), answer))
          .as("the last step ends with the answer")
          .isTrue();
      assertThat(VERIFIER.isCorrect("\\boxed{" + (problem.answer() + 1) + "}", answer)).isFalse();
      assertThat(solution.answer()).isEqualTo(Long.toString(problem.answer()));
      assertThat(solution.source()).isEqualTo("arith-v1");
    }
  }

  @Test
  void splitsNeverShareAProblem() {
    ArithmeticProblems.DataSet data = ArithmeticProblems.generate(THOUSANDS);
    ArithmeticProblems.DataSet otherSeed = ArithmeticProblems.generate(THOUSANDS.withSeed(7));

    assertThat(data.get(Split.TRAIN)).hasSize(4_000);
    assertThat(data.get(Split.VALIDATION)).hasSize(1_000);
    assertThat(data.get(Split.TEST)).hasSize(1_000);
    List<String> all = expressions(data.all());
    assertThat(all).doesNotHaveDuplicates();
    assertThat(data.all().stream().map(ArithmeticProblem::id)).doesNotHaveDuplicates();
    for (Split split : Split.values()) {
      assertThat(data.get(split)).allSatisfy(p -> assertThat(p.split()).isEqualTo(split));
    }
    // Across seeds too: held-out expressions of one data set never train another.
    Set<String> train = new HashSet<>(expressions(data.get(Split.TRAIN)));
    train.addAll(expressions(otherSeed.get(Split.TRAIN)));
    Set<String> heldOut = new HashSet<>();
    for (ArithmeticProblems.DataSet d : List.of(data, otherSeed)) {
      heldOut.addAll(expressions(d.get(Split.VALIDATION)));
      heldOut.addAll(expressions(d.get(Split.TEST)));
    }
    assertThat(heldOut).doesNotContainAnyElementsOf(train);
    Set<String> validation = new HashSet<>(expressions(data.get(Split.VALIDATION)));
    validation.addAll(expressions(otherSeed.get(Split.VALIDATION)));
    assertThat(expressions(otherSeed.get(Split.TEST))).doesNotContainAnyElementsOf(validation);
  }

  @Test
  void tooSmallASpaceFailsWithAMessage() {
    Config oneStep = Config.defaults().withSteps(1, 1).withSizes(5_000, 0, 0);

    assertThatThrownBy(() -> ArithmeticProblems.generate(oneStep))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("distinct problems in")
        .hasMessageContaining("the expressions with 1..1 steps are too few for the split sizes");
  }

  @Test
  void configIsValidated() {
    Config d = Config.defaults();
    assertThatThrownBy(() -> d.withSteps(0, 3)).hasMessage("minSteps must be >= 1, but was 0");
    assertThatThrownBy(() -> d.withSteps(4, 3))
        .hasMessage("maxSteps must be in minSteps..30, but was 3");
    assertThatThrownBy(() -> d.withSteps(1, 31))
        .hasMessage("maxSteps must be in minSteps..30, but was 31");
    assertThatThrownBy(() -> d.withSizes(-1, 0, 0))
        .hasMessage("split sizes must be >= 0, but were train -1, validation 0, test 0");
    assertThatThrownBy(() -> d.withSizes(0, 0, 0))
        .hasMessage("at least one split size must be > 0, but all were 0");
    assertThatThrownBy(() -> new Config(1, 1, 8, 1, 999, 1, 0, 0))
        .hasMessage("maxOperand must be in 2..99, but was 1");
    assertThatThrownBy(() -> new Config(1, 1, 8, 20, 10, 1, 0, 0))
        .hasMessage("maxAbsValue must be in maxOperand..999999, but was 10");
  }

  private static void assertOperandsAndValuesInRange(String expression) {
    Matcher number = Pattern.compile("\\d+").matcher(expression);
    while (number.find()) {
      assertThat(Long.parseLong(number.group())).as(expression).isBetween(1L, 20L);
    }
  }

  private static List<String> expressions(List<ArithmeticProblem> problems) {
    return problems.stream().map(ArithmeticProblem::expression).toList();
  }

  /** A step's action {@code a op b = r → remaining}, parsed independently of the generator. */
  private record Reduction(
      String operation, long a, char op, long b, long result, String remaining) {
    private static final Pattern ACTION =
        Pattern.compile(
            "^((\\(-\\d+\\)|\\d+) ([-+×÷]) (\\(-\\d+\\)|\\d+)) = (-?\\d+)(?: → (.+))?$");

    static Reduction parse(String action) {
      Matcher m = ACTION.matcher(action);
      assertThat(m.matches()).as("action format: " + action).isTrue();
      return new Reduction(
          m.group(1),
          number(m.group(2)),
          m.group(3).charAt(0),
          number(m.group(4)),
          Long.parseLong(m.group(5)),
          m.group(6));
    }

    private static long number(String text) {
      return Long.parseLong(text.replace("(", "").replace(")", ""));
    }
  }

  /**
   * A recursive-descent evaluator written for this test, independent of the generator: {@code expr
   * := term (('+'|'-') term)*}, {@code term := factor (('×'|'÷') factor)*}, {@code factor := number
   * | '(' '-' number ')' | '(' expr ')'}; ÷ must be exact.
   */
  static final class Evaluator {
    private final String text;
    private int pos;
    private int operations;

    private Evaluator(String text) {
      this.text = text.replace(" ", "");
    }

    static long evaluate(String text) {
      Evaluator e = new Evaluator(text);
      long value = e.expr();
      assertThat(e.pos).as("parsed all of " + text).isEqualTo(e.text.length());
      return value;
    }

    static int operations(String text) {
      Evaluator e = new Evaluator(text);
      e.expr();
      return e.operations;
    }

    static long apply(long a, char op, long b) {
      return switch (op) {
        case '+' -> a + b;
        case '-' -> a - b;
        case '×' -> a * b;
        case '÷' -> {
          assertThat(b).isNotZero();
          assertThat(a % b).as(a + " ÷ " + b + " is exact").isZero();
          yield a / b;
        }
        default -> throw new AssertionError("operator " + op);
      };
    }

    private long expr() {
      long value = term();
      while (pos < text.length() && (peek() == '+' || peek() == '-')) {
        char op = text.charAt(pos++);
        operations++;
        value = apply(value, op, term());
      }
      return value;
    }

    private long term() {
      long value = factor();
      while (pos < text.length() && (peek() == '×' || peek() == '÷')) {
        char op = text.charAt(pos++);
        operations++;
        value = apply(value, op, factor());
      }
      return value;
    }

    private long factor() {
      if (peek() == '(') {
        pos++;
        long value;
        if (peek() == '-') {
          pos++;
          value = -number();
        } else {
          value = expr();
        }
        assertThat(peek()).as("closing bracket in " + text).isEqualTo(')');
        pos++;
        return value;
      }
      return number();
    }

    private long number() {
      int start = pos;
      if (peek() == '-' && start == 0) {
        pos++; // a negative final result, "-12"
      }
      while (pos < text.length() && Character.isDigit(text.charAt(pos))) {
        pos++;
      }
      assertThat(pos).as("a number at " + start + " in " + text).isGreaterThan(start);
      return Long.parseLong(text.substring(start, pos));
    }

    private char peek() {
      return pos < text.length() ? text.charAt(pos) : '\0';
    }
  }
}
