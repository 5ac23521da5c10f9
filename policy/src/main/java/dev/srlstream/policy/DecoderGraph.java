package dev.srlstream.policy;

import java.util.ArrayList;
import java.util.List;
import org.tensorflow.Operand;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;

/**
 * The ops of incremental decoding with a key/value cache, sharing the policy's variables.
 *
 * <p>A step feeds new tokens {@code [B, S]} and every layer's cached keys and values {@code [B,
 * H_kv, P, head]} (P may be 0: that is the prefill of a prompt), and fetches the logits of the last
 * new position {@code [B, V]} and the extended caches {@code [B, H_kv, P+S, head]}, which the next
 * step feeds back. A reorder feeds caches and row indices and fetches the caches' rows in that
 * order: it copies a one-row prompt cache into G rows, and drops finished rows.
 */
final class DecoderGraph {

  final Placeholder<TInt32> tokens;
  final List<Placeholder<TFloat32>> pastKeys = new ArrayList<>();
  final List<Placeholder<TFloat32>> pastValues = new ArrayList<>();
  final Operand<TFloat32> lastLogits;
  final List<Operand<TFloat32>> presentKeys = new ArrayList<>();
  final List<Operand<TFloat32>> presentValues = new ArrayList<>();
  final Placeholder<TInt32> rows;
  final List<Operand<TFloat32>> reorderedKeys = new ArrayList<>();
  final List<Operand<TFloat32>> reorderedValues = new ArrayList<>();

  DecoderGraph(Ops tf, ModelConfig config, Transformer transformer) {
    Shape cacheShape =
        Shape.of(Shape.UNKNOWN_SIZE, config.kvHeads(), Shape.UNKNOWN_SIZE, config.headDim());
    tokens =
        tf.withName("tokens")
            .placeholder(
                TInt32.class, Placeholder.shape(Shape.of(Shape.UNKNOWN_SIZE, Shape.UNKNOWN_SIZE)));
    rows =
        tf.withName("rows")
            .placeholder(TInt32.class, Placeholder.shape(Shape.of(Shape.UNKNOWN_SIZE)));
    List<Transformer.LayerCache> past = new ArrayList<>();
    for (int layer = 0; layer < config.layers(); layer++) {
      Placeholder<TFloat32> keys =
          tf.withName("past_keys_" + layer)
              .placeholder(TFloat32.class, Placeholder.shape(cacheShape));
      Placeholder<TFloat32> values =
          tf.withName("past_values_" + layer)
              .placeholder(TFloat32.class, Placeholder.shape(cacheShape));
      pastKeys.add(keys);
      pastValues.add(values);
      past.add(new Transformer.LayerCache(keys, values));
      reorderedKeys.add(tf.gather(keys, rows, tf.constant(0)));
      reorderedValues.add(tf.gather(values, rows, tf.constant(0)));
    }
    Transformer.Pass pass = transformer.forward(tokens, past);
    lastLogits = transformer.lastLogits(pass);
    for (Transformer.LayerCache layer : pass.present()) {
      presentKeys.add(layer.keys());
      presentValues.add(layer.values());
    }
  }
}
