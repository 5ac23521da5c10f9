package dev.srlstream.policy;

import java.util.List;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.Tensor;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;

/**
 * Samples with a key/value cache: the prompt is run once (one row, whatever the group size), its
 * cache is copied to the group's rows, and each further step runs only the new token of each
 * unfinished row against the cached keys and values. Finished rows are dropped from the cache, so a
 * group costs what its unfinished rows need.
 *
 * <p>The cache lives in the tensors of the previous run's {@link Result}, fed straight back: that
 * result stays open until the next run has returned, then is closed. Thread-safe: a call keeps all
 * its state (the cache included) to itself, and sessions run concurrently.
 */
public final class KvCacheSampler implements Sampler {

  private final Session session;
  private final DecoderGraph graph;
  private final ModelConfig config;

  /** A sampler on {@code policy}'s variables in {@code session} (builds the decoder ops once). */
  public KvCacheSampler(Session session, PolicyGraph policy) {
    this.session = session;
    this.graph = policy.decoder();
    this.config = policy.config();
  }

  /** The caches of every layer: the tensors of one run's result, from index {@code first}. */
  private record Cache(Result result, int first) implements AutoCloseable {
    Tensor keys(int layer) {
      return result.get(first + 2 * layer);
    }

    Tensor values(int layer) {
      return result.get(first + 2 * layer + 1);
    }

    @Override
    public void close() {
      result.close();
    }
  }

  @Override
  public List<SampleResult> sample(int[] prompt, int rows, SamplingParams params) {
    Generation generation = new Generation(prompt, rows, params, config);
    if (generation.done()) {
      return generation.results();
    }
    Cache cache = null;
    try {
      try (TFloat32 empty = TFloat32.tensorOf(Shape.of(1, config.kvHeads(), 0, config.headDim()));
          TInt32 tokens = TInt32.tensorOf(Shape.of(1, prompt.length), DataBuffers.of(prompt))) {
        cache = step(tokens, empty, null);
      }
      float[] logits = logits(cache, 1);
      for (int row = 0; row < rows; row++) {
        generation.advance(row, logits, 0);
      }
      int[] cacheRow = new int[rows]; // each row's index in the cache's batch: all share row 0
      int cacheBatch = 1;
      while (!generation.done()) {
        int[] active = generation.active();
        int[] sources = new int[active.length];
        for (int i = 0; i < active.length; i++) {
          sources[i] = cacheRow[active[i]];
        }
        if (!isIdentity(sources, cacheBatch)) {
          try (TInt32 rowIndices = TInt32.vectorOf(sources)) {
            Cache reordered = reorder(cache, rowIndices);
            cache.close();
            cache = reordered;
          }
        }
        try (TInt32 tokens =
            TInt32.tensorOf(
                Shape.of(active.length, 1), DataBuffers.of(generation.lastTokens(active)))) {
          Cache next = step(tokens, null, cache);
          cache.close();
          cache = next;
        }
        logits = logits(cache, active.length);
        for (int i = 0; i < active.length; i++) {
          generation.advance(active[i], logits, i * config.vocabSize());
          cacheRow[active[i]] = i;
        }
        cacheBatch = active.length;
      }
      return generation.results();
    } finally {
      if (cache != null) {
        cache.close();
      }
    }
  }

  /** One decoder run; the past is {@code empty} for every layer, or {@code past}'s caches. */
  private Cache step(TInt32 tokens, TFloat32 empty, Cache past) {
    Session.Runner runner = session.runner().feed(graph.tokens, tokens);
    for (int layer = 0; layer < config.layers(); layer++) {
      runner.feed(graph.pastKeys.get(layer), past == null ? empty : past.keys(layer));
      runner.feed(graph.pastValues.get(layer), past == null ? empty : past.values(layer));
    }
    runner.fetch(graph.lastLogits);
    for (int layer = 0; layer < config.layers(); layer++) {
      runner.fetch(graph.presentKeys.get(layer));
      runner.fetch(graph.presentValues.get(layer));
    }
    return new Cache(runner.run(), 1);
  }

  private Cache reorder(Cache cache, TInt32 rowIndices) {
    Session.Runner runner = session.runner().feed(graph.rows, rowIndices);
    for (int layer = 0; layer < config.layers(); layer++) {
      runner.feed(graph.pastKeys.get(layer), cache.keys(layer));
      runner.feed(graph.pastValues.get(layer), cache.values(layer));
      runner.fetch(graph.reorderedKeys.get(layer));
      runner.fetch(graph.reorderedValues.get(layer));
    }
    return new Cache(runner.run(), 0);
  }

  private float[] logits(Cache cache, int batch) {
    float[] logits = new float[batch * config.vocabSize()];
    ((TFloat32) cache.result().get(0)).copyTo(DataBuffers.of(logits, false, false));
    return logits;
  }

  private static boolean isIdentity(int[] sources, int batch) {
    if (sources.length != batch) {
      return false;
    }
    for (int i = 0; i < sources.length; i++) {
      if (sources[i] != i) {
        return false;
      }
    }
    return true;
  }
}
