package dev.srlstream.policy;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.op.linalg.MatMul;
import org.tensorflow.op.math.Mean;
import org.tensorflow.op.train.BatchMatMul;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;

/**
 * Builds the decoder-only transformer's forward pass into a graph: token embeddings and the
 * configured {@link PositionEncoding} (learned embeddings, ALiBi score biases or rotary queries and
 * keys), pre-norm blocks of the configured {@link ModelFamily} (causal attention, multi-head or
 * grouped-query, and an MLP), final norm, output projection.
 *
 * <p>Every op here has a C++ gradient that is correct in TF Java 1.1.0 (see PLATFORM-NOTES): the
 * embedding lookup is GatherV2 (Gather v1 has no gradient), LayerNorm and GELU are built from
 * elementwise ops (Gelu has no gradient), and softmax is only ever applied to rank-2 tensors
 * because the Softmax/LogSoftmax gradients are silently wrong above rank 2. The residual stream is
 * kept as {@code [B*S, D]} so its matmuls are plain MatMul; it is reshaped to {@code [B, H, S,
 * head]} only inside attention. SiLU is {@code x * sigmoid(x)}, RMSNorm elementwise ops too.
 */
final class Transformer {

  /** Added to the scores of future positions: exp of it underflows to exactly 0 in float32. */
  private static final float MASKED_SCORE = -1e9f;

  /** sqrt(2/pi), of GELU's tanh approximation. */
  private static final float GELU_SCALE = (float) Math.sqrt(2.0 / Math.PI);

  private final Ops tf;
  private final ModelConfig config;
  private final Map<String, Operand<TFloat32>> weights;

  /** One layer's keys and values, each {@code [B, H_kv, positions, head]}. */
  record LayerCache(Operand<TFloat32> keys, Operand<TFloat32> values) {}

  /**
   * The result of a forward pass over {@code ids [B, S]}.
   *
   * @param hidden the final-norm output, {@code [B*S, D]}
   * @param batch B, a scalar
   * @param length S, a scalar
   * @param present per layer, the past keys and values followed by this pass's
   */
  record Pass(
      Operand<TFloat32> hidden,
      Operand<TInt32> batch,
      Operand<TInt32> length,
      List<LayerCache> present) {}

  /**
   * @param weights every variable by its {@link ParameterSpec} name: for a graph that is
   *     differentiated, the variables' values read through Identity (gradients of ops fed
   *     reference-typed {@code float_ref} outputs can fail to build, as BatchMatMulV3's does); for
   *     decoding, the variables themselves (one kernel fewer per variable per step)
   */
  Transformer(Ops tf, ModelConfig config, Map<String, Operand<TFloat32>> weights) {
    this.tf = tf;
    this.config = config;
    this.weights = weights;
  }

  /**
   * The forward pass of {@code ids [B, S]} at positions {@code P..P+S-1}, where P is the number of
   * positions in {@code past} (0 if it is empty). Position {@code i} attends to positions {@code <=
   * P+i}. The caller keeps {@code P + S <= contextLength} (the lookup of a larger position fails).
   *
   * @param past one entry per layer, or empty for no cache
   */
  Pass forward(Operand<TInt32> ids, List<LayerCache> past) {
    Operand<TInt32> idsShape = tf.shape(ids);
    Operand<TInt32> batch = element(idsShape, 0);
    Operand<TInt32> length = element(idsShape, 1);
    Operand<TInt32> offset =
        past.isEmpty() ? tf.constant(0) : element(tf.shape(past.get(0).keys()), 2);
    Operand<TInt32> positions = tf.range(offset, tf.math.add(offset, length), tf.constant(1));

    // [B, S, D] (+ [S, D] with learned positions), then flat: the residual stream is [B*S, D].
    Operand<TFloat32> embedded = tf.gather(weight("tok_emb"), ids, tf.constant(0));
    if (config.positions() == PositionEncoding.LEARNED) {
      embedded = tf.math.add(embedded, tf.gather(weight("pos_emb"), positions, tf.constant(0)));
    }
    Operand<TFloat32> x = tf.reshape(embedded, tf.constant(new int[] {-1, config.dModel()}));

    Operand<TFloat32> bias = attentionBias(offset, positions);
    Rotation rotation = config.positions() == PositionEncoding.ROPE ? rotation(positions) : null;
    // Shared by every layer: op count, not arithmetic, bounds a decoding step at this size.
    Operand<TInt32> headsShape = headsShape(batch, length, config.heads());
    Operand<TInt32> kvHeadsShape = headsShape(batch, length, config.kvHeads());
    List<LayerCache> present = new ArrayList<>();
    for (int layer = 0; layer < config.layers(); layer++) {
      String block = "block" + layer + "/";
      LayerCache layerPast = past.isEmpty() ? null : past.get(layer);
      Attention attention =
          attention(
              norm(x, block + "ln1"), block, headsShape, kvHeadsShape, bias, rotation, layerPast);
      present.add(attention.cache());
      x = tf.math.add(x, attention.output());
      x = tf.math.add(x, mlp(norm(x, block + "ln2"), block));
    }
    return new Pass(norm(x, "final_ln"), batch, length, present);
  }

  /** Logits {@code [N, V]} of hidden states {@code [N, D]}. */
  Operand<TFloat32> logits(Operand<TFloat32> hidden) {
    if (config.tiedEmbeddings()) {
      return tf.linalg.matMul(hidden, weight("tok_emb"), MatMul.transposeB(true));
    }
    return tf.linalg.matMul(hidden, weight("lm_head"));
  }

  /** Logits {@code [B, V]} of the last position of each row: only that position is projected. */
  Operand<TFloat32> lastLogits(Pass pass) {
    Operand<TFloat32> hidden =
        tf.reshape(
            pass.hidden(),
            tf.stack(List.of(pass.batch(), pass.length(), tf.constant(config.dModel()))));
    Operand<TInt32> last = tf.math.sub(pass.length(), tf.constant(1));
    return logits(tf.gather(hidden, last, tf.constant(1)));
  }

  private record Attention(Operand<TFloat32> output, LayerCache cache) {}

  private Attention attention(
      Operand<TFloat32> x,
      String block,
      Operand<TInt32> headsShape,
      Operand<TInt32> kvHeadsShape,
      Operand<TFloat32> bias,
      Rotation rotation,
      LayerCache past) {
    Operand<TFloat32> q = heads(x, block + "attn/wq", block + "attn/bq", headsShape);
    Operand<TFloat32> k = heads(x, block + "attn/wk", block + "attn/bk", kvHeadsShape);
    Operand<TFloat32> v = heads(x, block + "attn/wv", block + "attn/bv", kvHeadsShape);
    if (rotation != null) {
      // Keys are cached rotated at their own positions, so a cached key needs no more work.
      q = rotation.apply(q);
      k = rotation.apply(k);
    }
    if (past != null) {
      k = tf.concat(List.of(past.keys(), k), tf.constant(2));
      v = tf.concat(List.of(past.values(), v), tf.constant(2));
    }
    Operand<TFloat32> context = attend(q, k, v, bias);
    // [B, H, S, head] -> [B, S, H, head] -> [B*S, D]
    Operand<TFloat32> merged =
        tf.reshape(
            tf.linalg.transpose(context, tf.constant(new int[] {0, 2, 1, 3})),
            tf.constant(new int[] {-1, config.dModel()}));
    Operand<TFloat32> output =
        config.family() == ModelFamily.QWEN2
            ? tf.linalg.matMul(merged, weight(block + "attn/wo"))
            : dense(merged, block + "attn/wo", block + "attn/bo");
    return new Attention(output, new LayerCache(k, v));
  }

  /**
   * Scaled dot-product attention of queries {@code [B, H, S, head]} over keys and values {@code [B,
   * H_kv, P+S, head]}, with {@code bias} added to the scores: {@code [B, H, S, head]}.
   *
   * <p>With grouped-query attention, query head {@code h} reads key/value head {@code h / (H /
   * H_kv)} (Qwen2's {@code repeat_kv} order). Rather than copying each key/value head that many
   * times, the queries of a group are stacked along the sequence axis: {@code [B, H, S, head]} is
   * {@code [B, H_kv, (H/H_kv)*S, head]} in memory, so one batched matmul per group serves them all.
   * The scores are viewed as {@code [B, H, S, P+S]} only to add the bias.
   */
  private Operand<TFloat32> attend(
      Operand<TFloat32> q, Operand<TFloat32> k, Operand<TFloat32> v, Operand<TFloat32> bias) {
    int group = config.heads() / config.kvHeads();
    Operand<TInt32> qShape = tf.shape(q);
    if (group > 1) {
      q = tf.reshape(q, groupedShape(qShape, tf.constant(config.headDim())));
    }
    // [B, H_kv, G*S, head] x [B, H_kv, P+S, head]^T -> [B, H_kv, G*S, P+S]
    Operand<TFloat32> scores =
        tf.math.mul(
            tf.train.batchMatMul(q, k, TFloat32.class, BatchMatMul.adjY(true)),
            tf.constant((float) (1.0 / Math.sqrt(config.headDim()))));
    if (group == 1) {
      Operand<TFloat32> probabilities = softmaxLastAxis(tf.math.add(scores, bias), 4);
      return tf.train.batchMatMul(probabilities, v, TFloat32.class);
    }
    Operand<TInt32> keys = element(tf.shape(k), 2);
    Operand<TFloat32> perHead =
        tf.reshape(
            scores,
            tf.stack(
                List.of(
                    element(qShape, 0), tf.constant(config.heads()), element(qShape, 2), keys)));
    Operand<TFloat32> probabilities =
        tf.reshape(softmaxLastAxis(tf.math.add(perHead, bias), 4), groupedShape(qShape, keys));
    return tf.reshape(tf.train.batchMatMul(probabilities, v, TFloat32.class), qShape);
  }

  /** {@code [B, H_kv, (H/H_kv)*S, last]} of a query shape {@code [B, H, S, head]}. */
  private Operand<TInt32> groupedShape(Operand<TInt32> qShape, Operand<TInt32> last) {
    int group = config.heads() / config.kvHeads();
    return tf.stack(
        List.of(
            element(qShape, 0),
            tf.constant(config.kvHeads()),
            tf.math.mul(element(qShape, 2), tf.constant(group)),
            last));
  }

  /** {@code [B, S, heads, head]}, the shape a projection is split into heads by. */
  private Operand<TInt32> headsShape(Operand<TInt32> batch, Operand<TInt32> length, int heads) {
    return tf.stack(List.of(batch, length, tf.constant(heads), tf.constant(config.headDim())));
  }

  /**
   * {@code x [B*S, D]} projected and split into heads: {@code [B, H, S, head]}.
   *
   * @param headsShape {@code [B, S, H, head]}
   */
  private Operand<TFloat32> heads(
      Operand<TFloat32> x, String w, String b, Operand<TInt32> headsShape) {
    Operand<TFloat32> split = tf.reshape(dense(x, w, b), headsShape);
    return tf.linalg.transpose(split, tf.constant(new int[] {0, 2, 1, 3}));
  }

  /**
   * The bias added to every attention score, broadcast over the batch: {@code [S, P+S]} (or {@code
   * [H, S, P+S]} with ALiBi). Query {@code i} sits at position P+i and may attend key {@code j}
   * only if {@code j <= P+i}; a future key gets a large negative number. With ALiBi, an allowed key
   * at distance {@code d = P+i-j} also gets {@code -slope_h * d}.
   */
  private Operand<TFloat32> attentionBias(Operand<TInt32> offset, Operand<TInt32> queryPositions) {
    Operand<TInt32> keyPositions =
        tf.range(
            tf.constant(0),
            tf.math.add(offset, element(tf.shape(queryPositions), 0)),
            tf.constant(1));
    // [S, P+S]: query position minus key position; negative for future keys.
    Operand<TFloat32> distance =
        tf.dtypes.cast(
            tf.math.sub(
                tf.expandDims(queryPositions, tf.constant(1)),
                tf.expandDims(keyPositions, tf.constant(0))),
            TFloat32.class);
    Operand<TFloat32> future =
        tf.dtypes.cast(tf.math.less(distance, tf.constant(0f)), TFloat32.class);
    Operand<TFloat32> causal = tf.math.mul(future, tf.constant(MASKED_SCORE));
    if (config.positions() != PositionEncoding.ALIBI) {
      return causal;
    }
    // [H, 1, 1] * [S, P+S] -> [H, S, P+S]; future keys are masked whatever their ALiBi term.
    Operand<TFloat32> slopes =
        tf.reshape(tf.constant(alibiSlopes(config.heads())), tf.constant(new int[] {-1, 1, 1}));
    return tf.math.sub(causal, tf.math.mul(slopes, distance));
  }

  /**
   * ALiBi's head slopes: the geometric sequence {@code 2^(-8h/H)} for {@code h = 1..H}, so the
   * first head looks mostly at recent tokens and the last nearly uniformly.
   */
  static float[] alibiSlopes(int heads) {
    float[] slopes = new float[heads];
    for (int h = 1; h <= heads; h++) {
      slopes[h - 1] = (float) Math.pow(2.0, -8.0 * h / heads);
    }
    return slopes;
  }

  /** The rotary tables of one pass's query positions, shared by every layer. */
  private record Rotation(Ops tf, Operand<TFloat32> cos, Operand<TFloat32> sin, float[][] half) {

    /**
     * {@code x [B, H, S, head]} rotated: {@code x * cos + rotateHalf(x) * sin}, where {@code
     * rotateHalf([x1, x2]) = [-x2, x1]} on the two halves of the head (the convention of Qwen2 and
     * Llama). rotateHalf is a matmul with a constant signed permutation, so every op here is an
     * elementwise op or a MatMul, whose gradients are right in TF Java 1.1.0.
     */
    Operand<TFloat32> apply(Operand<TFloat32> x) {
      Operand<TInt32> shape = tf.shape(x);
      int head = half.length;
      Operand<TFloat32> flat = tf.reshape(x, tf.constant(new int[] {-1, head}));
      Operand<TFloat32> rotated = tf.reshape(tf.linalg.matMul(flat, tf.constant(half)), shape);
      return tf.math.add(tf.math.mul(x, cos), tf.math.mul(rotated, sin));
    }
  }

  /**
   * RoPE's tables for query positions {@code [S]}: angle {@code p * base^(-2i/head)} for frequency
   * {@code i < head/2}, repeated for the second half of the head, as {@code cos} and {@code sin}
   * {@code [S, head]}.
   */
  private Rotation rotation(Operand<TInt32> positions) {
    int head = config.headDim();
    float[] frequencies = new float[head];
    for (int i = 0; i < head / 2; i++) {
      float frequency = (float) Math.pow(config.ropeTheta(), -2.0 * i / head);
      frequencies[i] = frequency;
      frequencies[i + head / 2] = frequency;
    }
    Operand<TFloat32> angles =
        tf.math.mul(
            tf.expandDims(tf.dtypes.cast(positions, TFloat32.class), tf.constant(1)),
            tf.expandDims(tf.constant(frequencies), tf.constant(0)));
    float[][] half = new float[head][head];
    for (int j = 0; j < head / 2; j++) {
      half[j + head / 2][j] = -1f; // output j (first half) = -x[j + head/2]
      half[j][j + head / 2] = 1f; // output j + head/2 (second half) = x[j]
    }
    return new Rotation(tf, tf.math.cos(angles), tf.math.sin(angles), half);
  }

  /**
   * Softmax over the last axis of a tensor of any rank, applied to a rank-2 view: TF Java 1.1.0's
   * Softmax gradient is wrong for rank above 2 (it sums over axis 1), silently.
   */
  private Operand<TFloat32> softmaxLastAxis(Operand<TFloat32> x, int rank) {
    Operand<TInt32> shape = tf.shape(x);
    Operand<TInt32> last = element(shape, rank - 1);
    Operand<TFloat32> flat = tf.reshape(x, tf.stack(List.of(tf.constant(-1), last)));
    return tf.reshape(tf.nn.softmax(flat), shape);
  }

  private Operand<TFloat32> mlp(Operand<TFloat32> x, String block) {
    if (config.family() == ModelFamily.QWEN2) {
      // SwiGLU: down(silu(gate(x)) * up(x)), no biases.
      Operand<TFloat32> gate = tf.linalg.matMul(x, weight(block + "mlp/wgate"));
      Operand<TFloat32> up = tf.linalg.matMul(x, weight(block + "mlp/wup"));
      Operand<TFloat32> silu = tf.math.mul(gate, tf.math.sigmoid(gate));
      return tf.linalg.matMul(tf.math.mul(silu, up), weight(block + "mlp/wdown"));
    }
    Operand<TFloat32> hidden = gelu(dense(x, block + "mlp/w1", block + "mlp/b1"));
    return dense(hidden, block + "mlp/w2", block + "mlp/b2");
  }

  /** GELU, tanh approximation: {@code 0.5 x (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3)))}. */
  private Operand<TFloat32> gelu(Operand<TFloat32> x) {
    Operand<TFloat32> cube = tf.math.mul(tf.math.mul(x, x), x);
    Operand<TFloat32> inner =
        tf.math.mul(
            tf.constant(GELU_SCALE), tf.math.add(x, tf.math.mul(tf.constant(0.044715f), cube)));
    return tf.math.mul(
        tf.math.mul(tf.constant(0.5f), x), tf.math.add(tf.constant(1f), tf.math.tanh(inner)));
  }

  /** The family's norm over the last axis of {@code [N, D]}: RMSNorm (Qwen2) or LayerNorm. */
  private Operand<TFloat32> norm(Operand<TFloat32> x, String name) {
    return config.family() == ModelFamily.QWEN2 ? rmsNorm(x, name) : layerNorm(x, name);
  }

  /** RMSNorm: {@code x / sqrt(mean(x^2) + eps) * gamma}, no centring and no offset. */
  private Operand<TFloat32> rmsNorm(Operand<TFloat32> x, String name) {
    Operand<TFloat32> meanSquare =
        tf.math.mean(tf.math.square(x), tf.constant(1), Mean.keepDims(true));
    Operand<TFloat32> scale =
        tf.math.rsqrt(tf.math.add(meanSquare, tf.constant((float) config.normEpsilon())));
    return tf.math.mul(tf.math.mul(x, scale), weight(name + "/gamma"));
  }

  /** LayerNorm over the last axis of {@code [N, D]}, with gain and offset. */
  private Operand<TFloat32> layerNorm(Operand<TFloat32> x, String name) {
    Operand<TInt32> lastAxis = tf.constant(1);
    Operand<TFloat32> mean = tf.math.mean(x, lastAxis, Mean.keepDims(true));
    Operand<TFloat32> centered = tf.math.sub(x, mean);
    Operand<TFloat32> variance =
        tf.math.mean(tf.math.square(centered), lastAxis, Mean.keepDims(true));
    Operand<TFloat32> normalized =
        tf.math.mul(
            centered,
            tf.math.rsqrt(tf.math.add(variance, tf.constant((float) config.normEpsilon()))));
    return tf.math.add(tf.math.mul(normalized, weight(name + "/gamma")), weight(name + "/beta"));
  }

  private Operand<TFloat32> dense(Operand<TFloat32> x, String w, String b) {
    return tf.math.add(tf.linalg.matMul(x, weight(w)), weight(b));
  }

  private Operand<TFloat32> weight(String name) {
    Operand<TFloat32> weight = weights.get(name);
    if (weight == null) {
      throw new IllegalStateException("no variable " + name + " for " + config);
    }
    return weight;
  }

  /** Element {@code index} of an int vector, as a scalar. */
  private Operand<TInt32> element(Operand<TInt32> vector, int index) {
    return tf.gather(vector, tf.constant(index), tf.constant(0));
  }
}
