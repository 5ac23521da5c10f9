package dev.srlstream.policy;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.stream.IntStream;

/**
 * The Java side of sampling a group, shared by both samplers: validates the prompt, turns each
 * row's logits into a token and its behaviour log-prob, and decides when a row is finished. The
 * samplers only compute logits.
 */
final class Generation {

  /** The most rows one call may sample: far above a GRPO group, far below memory trouble. */
  static final int MAX_ROWS = 1024;

  private final int[] prompt;
  private final SamplingParams params;
  private final int vocabSize;
  private final int contextLength;
  private final Row[] rows;

  private static final class Row {
    final long seed;
    final Random random;
    int[] tokens = new int[16];
    float[] logProbs = new float[16];
    int length;
    FinishReason finish;

    Row(long seed) {
      this.seed = seed;
      this.random = new Random(seed);
    }

    void append(int token, float logProb) {
      if (length == tokens.length) {
        tokens = Arrays.copyOf(tokens, length * 2);
        logProbs = Arrays.copyOf(logProbs, length * 2);
      }
      tokens[length] = token;
      logProbs[length] = logProb;
      length++;
    }
  }

  Generation(int[] prompt, int rowCount, SamplingParams params, ModelConfig config) {
    this.prompt = prompt.clone();
    this.params = params;
    this.vocabSize = config.vocabSize();
    this.contextLength = config.contextLength();
    if (rowCount < 1 || rowCount > MAX_ROWS) {
      throw new IllegalArgumentException(
          "rows must be in 1.." + MAX_ROWS + ", but was " + rowCount);
    }
    if (prompt.length == 0) {
      throw new IllegalArgumentException("prompt must have at least 1 token, but had 0");
    }
    if (prompt.length > contextLength) {
      throw new IllegalArgumentException(
          "prompt has " + prompt.length + " tokens, but the context holds " + contextLength);
    }
    for (int i = 0; i < prompt.length; i++) {
      if (prompt[i] < 0 || prompt[i] >= vocabSize) {
        throw new IllegalArgumentException(
            "prompt token " + i + " must be in 0.." + (vocabSize - 1) + ", but was " + prompt[i]);
      }
    }
    this.rows = new Row[rowCount];
    for (int i = 0; i < rowCount; i++) {
      rows[i] = new Row(params.rowSeed(i));
      if (prompt.length == contextLength) {
        rows[i].finish = FinishReason.CONTEXT_FULL;
      }
    }
  }

  int[] prompt() {
    return prompt;
  }

  int rowCount() {
    return rows.length;
  }

  boolean done() {
    return active().length == 0;
  }

  /** The unfinished rows, in order. */
  int[] active() {
    return IntStream.range(0, rows.length).filter(r -> rows[r].finish == null).toArray();
  }

  /** The last generated token of each given row. */
  int[] lastTokens(int[] rowIndices) {
    int[] last = new int[rowIndices.length];
    for (int i = 0; i < rowIndices.length; i++) {
      Row row = rows[rowIndices[i]];
      last[i] = row.tokens[row.length - 1];
    }
    return last;
  }

  /**
   * Prompt and generated tokens of the given rows, row-major; the rows must have the same length.
   */
  int[] sequences(int[] rowIndices) {
    int length = sequenceLength(rowIndices[0]);
    int[] flat = new int[rowIndices.length * length];
    for (int i = 0; i < rowIndices.length; i++) {
      Row row = rows[rowIndices[i]];
      if (sequenceLength(rowIndices[i]) != length) {
        throw new IllegalStateException("rows in one batch must have the same length");
      }
      System.arraycopy(prompt, 0, flat, i * length, prompt.length);
      System.arraycopy(row.tokens, 0, flat, i * length + prompt.length, row.length);
    }
    return flat;
  }

  /** Prompt plus generated tokens of one row. */
  int sequenceLength(int row) {
    return prompt.length + rows[row].length;
  }

  /**
   * Chooses row {@code row}'s next token from {@code logits[offset .. offset + vocabSize)} and
   * finishes the row if that token is the stop token or fills the budget or the context.
   */
  void advance(int row, float[] logits, int offset) {
    Row r = rows[row];
    if (r.finish != null) {
      throw new IllegalStateException("row " + row + " is already finished: " + r.finish);
    }
    if (params.greedy()) {
      int best = argmax(logits, offset);
      r.append(best, logSoftmaxAt(logits, offset, 1.0, best));
    } else {
      int token = draw(logits, offset, params.temperature(), r.random);
      r.append(token, logSoftmaxAt(logits, offset, params.temperature(), token));
    }
    int token = r.tokens[r.length - 1];
    if (token == params.stopTokenId()) {
      r.finish = FinishReason.STOP;
    } else if (r.length == params.maxNewTokens()) {
      r.finish = FinishReason.MAX_TOKENS;
    } else if (prompt.length + r.length == contextLength) {
      r.finish = FinishReason.CONTEXT_FULL;
    }
  }

  List<SampleResult> results() {
    List<SampleResult> results = new ArrayList<>(rows.length);
    for (Row row : rows) {
      if (row.finish == null) {
        throw new IllegalStateException("a row is not finished");
      }
      results.add(
          new SampleResult(
              Arrays.copyOf(row.tokens, row.length),
              Arrays.copyOf(row.logProbs, row.length),
              row.finish,
              row.seed));
    }
    return results;
  }

  private int argmax(float[] logits, int offset) {
    int best = 0;
    for (int v = 0; v < vocabSize; v++) {
      float logit = logits[offset + v];
      if (!Float.isFinite(logit)) {
        throw new IllegalStateException(
            "the model produced a non-finite logit (" + logit + "): its weights are broken");
      }
      if (logit > logits[offset + best]) {
        best = v;
      }
    }
    return best;
  }

  /** Samples from softmax(logits / temperature) by inverting the cumulative distribution. */
  private int draw(float[] logits, int offset, double temperature, Random random) {
    double max = logits[offset + argmax(logits, offset)] / temperature;
    double total = 0;
    double[] weights = new double[vocabSize];
    for (int v = 0; v < vocabSize; v++) {
      weights[v] = Math.exp(logits[offset + v] / temperature - max);
      total += weights[v];
    }
    double u = random.nextDouble() * total;
    double cumulative = 0;
    int last = 0;
    for (int v = 0; v < vocabSize; v++) {
      if (weights[v] > 0) {
        cumulative += weights[v];
        last = v;
        if (u < cumulative) {
          return v;
        }
      }
    }
    return last; // u fell past the rounded total: the last token with any weight
  }

  /** {@code log softmax(logits / temperature)[token]}, in double, rounded once to float. */
  private float logSoftmaxAt(float[] logits, int offset, double temperature, int token) {
    double max = Double.NEGATIVE_INFINITY;
    for (int v = 0; v < vocabSize; v++) {
      max = Math.max(max, logits[offset + v] / temperature);
    }
    double sum = 0;
    for (int v = 0; v < vocabSize; v++) {
      sum += Math.exp(logits[offset + v] / temperature - max);
    }
    return (float) (logits[offset + token] / temperature - max - Math.log(sum));
  }
}
