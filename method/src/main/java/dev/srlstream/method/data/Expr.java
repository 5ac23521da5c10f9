package dev.srlstream.method.data;

import java.util.ArrayList;
import java.util.List;

/**
 * An arithmetic expression tree over integers with {@code + - × ÷}, its rendering with the fewest
 * brackets that keep the usual reading, and its reduction one operation at a time.
 */
sealed interface Expr permits Expr.Lit, Expr.Op {

  long value();

  /** The number of operations in the expression. */
  int operations();

  /** An integer. */
  record Lit(long value) implements Expr {
    @Override
    public int operations() {
      return 0;
    }
  }

  /** A binary operation; its value is computed once, when it is built. */
  record Op(char symbol, Expr left, Expr right, long value) implements Expr {
    static Op of(char symbol, Expr left, Expr right) {
      return new Op(symbol, left, right, apply(symbol, left.value(), right.value()));
    }

    @Override
    public int operations() {
      return 1 + left.operations() + right.operations();
    }
  }

  char PLUS = '+';
  char MINUS = '-';
  char TIMES = '×';
  char DIVIDE = '÷';

  static long apply(char symbol, long a, long b) {
    return switch (symbol) {
      case PLUS -> a + b;
      case MINUS -> a - b;
      case TIMES -> a * b;
      case DIVIDE -> {
        if (b == 0 || a % b != 0) {
          throw new ArithmeticException(a + " ÷ " + b + " is not an exact division");
        }
        yield a / b;
      }
      default -> throw new IllegalArgumentException("unknown operator " + symbol);
    };
  }

  static int precedence(Expr e) {
    if (e instanceof Op op) {
      return op.symbol() == PLUS || op.symbol() == MINUS ? 1 : 2;
    }
    return 3;
  }

  /**
   * The expression as text, e.g. {@code 3 + 7 × (12 - 4)}. A sub-expression is bracketed when it
   * binds more loosely than its parent, or as tightly on the right ({@code 8 - (3 + 2)}, {@code 2 ×
   * (6 ÷ 3)}), so reading left to right with × and ÷ before + and - gives exactly this tree. A
   * negative number is bracketed where it is an operand: {@code 5 - (-3)}.
   */
  static String render(Expr e) {
    if (e instanceof Op op) {
      return operand(op.left(), op, false)
          + " "
          + op.symbol()
          + " "
          + operand(op.right(), op, true);
    }
    return Long.toString(e.value());
  }

  private static String operand(Expr child, Op parent, boolean right) {
    return needsBrackets(child, parent, right) ? "(" + render(child) + ")" : render(child);
  }

  static boolean needsBrackets(Expr child, Op parent, boolean right) {
    if (child instanceof Lit lit) {
      return lit.value() < 0;
    }
    int c = precedence(child);
    int p = precedence(parent);
    return c < p || (right && c == p);
  }

  /** A number as an operand: negative numbers in brackets. */
  static String operandText(long value) {
    return value < 0 ? "(" + value + ")" : Long.toString(value);
  }

  /**
   * One reduction: the operation {@code left symbol right = result} was replaced by its result,
   * giving {@code remaining}.
   *
   * @param inBrackets whether the operation sat inside brackets
   * @param beforeAddition whether the operation is × or ÷ done before a + or - beside it
   */
  record Reduction(
      long left,
      char symbol,
      long right,
      long result,
      Expr remaining,
      boolean inBrackets,
      boolean beforeAddition) {}

  /**
   * Reduces the operation a person evaluates next, the textbook order: brackets first (the leftmost
   * bracket, and inside it the same rules), then × and ÷ from left to right, then + and - from left
   * to right.
   */
  static Reduction reduceNext(Expr e) {
    if (!(e instanceof Op op)) {
      throw new IllegalArgumentException("a number has nothing left to reduce");
    }
    return reduceGroup(op, op, false);
  }

  /**
   * Reduces the next operation of a group (a sub-expression not split by brackets) rooted at {@code
   * group}, and returns the whole tree {@code root} with that operation replaced.
   */
  private static Reduction reduceGroup(Expr root, Op group, boolean inBrackets) {
    List<Op> operations = new ArrayList<>();
    List<Op> bracketed = new ArrayList<>();
    collect(group, operations, bracketed);
    if (!bracketed.isEmpty()) {
      return reduceGroup(root, bracketed.get(0), true);
    }
    // Without brackets, the leftmost × or ÷ (else + or -) has two numbers as operands.
    Op next =
        operations.stream().filter(op -> precedence(op) == 2).findFirst().orElse(operations.get(0));
    boolean additionBeside = operations.stream().anyMatch(op -> precedence(op) == 1);
    return new Reduction(
        next.left().value(),
        next.symbol(),
        next.right().value(),
        next.value(),
        replace(root, next, new Lit(next.value())),
        inBrackets,
        precedence(next) == 2 && additionBeside);
  }

  /** The operations of a group in reading order, and its bracketed sub-expressions in order. */
  private static void collect(Op op, List<Op> operations, List<Op> bracketed) {
    collectOperand(op.left(), op, false, operations, bracketed);
    operations.add(op);
    collectOperand(op.right(), op, true, operations, bracketed);
  }

  private static void collectOperand(
      Expr child, Op parent, boolean right, List<Op> operations, List<Op> bracketed) {
    if (child instanceof Op op) {
      if (needsBrackets(op, parent, right)) {
        bracketed.add(op);
      } else {
        collect(op, operations, bracketed);
      }
    }
  }

  /** The tree with the node {@code target} (by identity) replaced. */
  private static Expr replace(Expr tree, Op target, Expr replacement) {
    if (tree == target) {
      return replacement;
    }
    if (tree instanceof Op op) {
      Expr left = replace(op.left(), target, replacement);
      Expr right = replace(op.right(), target, replacement);
      return left == op.left() && right == op.right() ? op : Op.of(op.symbol(), left, right);
    }
    return tree;
  }
}
