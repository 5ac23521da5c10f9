package dev.srlstream.policy;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Tiny policies for tests: fresh random weights of a small model, and hand-made "bigram" weights
 * whose greedy next token depends only on the current token, so a test knows exactly what the
 * policy writes.
 */
public final class TinyPolicies {

  /** Byte vocabulary, d_model 16, 1 layer, 2 heads, context 256, FFN 32, tied embeddings. */
  public static final ModelConfig SMALL =
      new ModelConfig(ByteTokenizer.VOCAB_SIZE, 16, 1, 2, 256, 32, true);

  /** Another architecture than {@link #SMALL} (d_model 24). */
  public static final ModelConfig OTHER =
      new ModelConfig(ByteTokenizer.VOCAB_SIZE, 24, 1, 2, 256, 32, true);

  /** The width of the bigram models: room for 16 source tokens. */
  private static final int BIGRAM_WIDTH = 32;

  private TinyPolicies() {}

  /** Fresh random weights of {@code config} (version 0), as the weights codec writes them. */
  public static byte[] random(ModelConfig config, long seed) {
    try (Policy policy = Policy.initialize(config, seed)) {
      return policy.exportWeights();
    }
  }

  /**
   * Weights whose greedy policy, after the last token of its input, writes a fixed text: {@code
   * next} maps a token to the token that follows it. A token missing from the map embeds as zero,
   * so all logits after it are equal; keep every token the policy writes a key.
   *
   * <p>Every block writes nothing into the residual stream (zero output projections and biases) and
   * the position embeddings are zero, so the hidden state of a position is its token embedding.
   * Source token i embeds as a zero-mean unit vector u_i (orthogonal to the others), and the untied
   * output projection maps u_i to the next token's logit only.
   *
   * @param next token id to the id of the token that follows it (at most 16 entries)
   * @param contextLength the model's context
   */
  public static byte[] bigram(Map<Integer, Integer> next, int contextLength) {
    int d = BIGRAM_WIDTH;
    if (next.size() > d / 2) {
      throw new IllegalArgumentException("at most " + d / 2 + " bigrams, but got " + next.size());
    }
    ModelConfig config =
        new ModelConfig(ByteTokenizer.VOCAB_SIZE, d, 1, 2, contextLength, 16, false);
    int vocab = config.vocabSize();
    List<ParameterSpec> specs = ParameterSpec.forConfig(config);
    List<float[]> values = new ArrayList<>();
    for (ParameterSpec spec : specs) {
      float[] value = new float[spec.size()];
      if (spec.name().endsWith("/gamma")) {
        java.util.Arrays.fill(value, 1f);
      }
      values.add(value);
    }
    float[] tokEmb = values.get(indexOf(specs, "tok_emb"));
    float[] lmHead = values.get(indexOf(specs, "lm_head"));
    float half = (float) Math.sqrt(0.5);
    int i = 0;
    for (Map.Entry<Integer, Integer> e : next.entrySet()) {
      int source = e.getKey();
      int target = e.getValue();
      // u_i = (e_2i - e_2i+1) / sqrt 2: zero mean, unit length, orthogonal to the other u_j.
      tokEmb[source * d + 2 * i] = half;
      tokEmb[source * d + 2 * i + 1] = -half;
      lmHead[(2 * i) * vocab + target] += 10 * half;
      lmHead[(2 * i + 1) * vocab + target] -= 10 * half;
      i++;
    }
    return WeightsCodec.encode(config, ByteTokenizer.ID, 0, ModelWeights.of(specs, values));
  }

  /**
   * Bigram weights that answer every "Step N:" prompt with {@code text} and EOS: ':' is followed by
   * the first character of {@code text}, each character by the next, the last by EOS. The
   * characters of {@code text} must be distinct single-byte characters other than ':'.
   */
  public static byte[] writing(String text, int contextLength) {
    Map<Integer, Integer> next = new LinkedHashMap<>();
    int previous = token(":");
    for (int c = 0; c < text.length(); c++) {
      int token = token(text.substring(c, c + 1));
      if (next.putIfAbsent(previous, token) != null) {
        throw new IllegalArgumentException("repeated character in " + text);
      }
      previous = token;
    }
    next.put(previous, ByteTokenizer.EOS);
    return bigram(next, contextLength);
  }

  /**
   * Bigram weights that answer every "Step N:" prompt with the well-formed response {@code
   * <think></think>text} and EOS (the tags are single tokens). The characters of {@code text} must
   * be distinct single-byte characters other than ':'.
   */
  public static byte[] thinkingThenWriting(String text, int contextLength) {
    Map<Integer, Integer> next = new LinkedHashMap<>();
    next.put(token(":"), ByteTokenizer.THINK_OPEN);
    next.put(ByteTokenizer.THINK_OPEN, ByteTokenizer.THINK_CLOSE);
    int previous = ByteTokenizer.THINK_CLOSE;
    for (int c = 0; c < text.length(); c++) {
      int token = token(text.substring(c, c + 1));
      if (next.putIfAbsent(previous, token) != null) {
        throw new IllegalArgumentException("repeated character in " + text);
      }
      previous = token;
    }
    next.put(previous, ByteTokenizer.EOS);
    return bigram(next, contextLength);
  }

  /** The single token of a one-byte text. */
  public static int token(String oneByte) {
    int[] ids = ByteTokenizer.INSTANCE.encode(oneByte);
    if (ids.length != 1) {
      throw new IllegalArgumentException(oneByte + " is not one token");
    }
    return ids[0];
  }

  private static int indexOf(List<ParameterSpec> specs, String name) {
    for (int i = 0; i < specs.size(); i++) {
      if (specs.get(i).name().equals(name)) {
        return i;
      }
    }
    throw new IllegalStateException("no variable " + name);
  }
}
