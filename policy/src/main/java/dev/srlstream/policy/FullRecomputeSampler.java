package dev.srlstream.policy;

import java.util.List;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;

/**
 * Samples by running the whole sequence through the model for every new token, on the
 * teacher-forcing graph ({@link PolicyGraph#lastLogits()}), with no cache. Quadratically slower
 * than {@link KvCacheSampler}; it exists to check the cached sampler (same tokens, same log-probs
 * for the same seed) and as the benchmark's baseline.
 */
public final class FullRecomputeSampler implements Sampler {

  private final Session session;
  private final PolicyGraph policy;

  public FullRecomputeSampler(Session session, PolicyGraph policy) {
    this.session = session;
    this.policy = policy;
  }

  @Override
  public List<SampleResult> sample(int[] prompt, int rows, SamplingParams params) {
    ModelConfig config = policy.config();
    Generation generation = new Generation(prompt, rows, params, config);
    if (generation.done()) {
      return generation.results();
    }
    float[] logits = lastLogits(prompt, 1, prompt.length);
    for (int row = 0; row < rows; row++) {
      generation.advance(row, logits, 0);
    }
    while (!generation.done()) {
      int[] active = generation.active();
      int length = generation.sequenceLength(active[0]);
      logits = lastLogits(generation.sequences(active), active.length, length);
      for (int i = 0; i < active.length; i++) {
        generation.advance(active[i], logits, i * config.vocabSize());
      }
    }
    return generation.results();
  }

  private float[] lastLogits(int[] sequences, int batch, int length) {
    float[] logits = new float[batch * policy.config().vocabSize()];
    try (TInt32 tokens = TInt32.tensorOf(Shape.of(batch, length), DataBuffers.of(sequences));
        Result result =
            session.runner().feed(policy.tokens(), tokens).fetch(policy.lastLogits()).run()) {
      ((TFloat32) result.get(0)).copyTo(DataBuffers.of(logits, false, false));
    }
    return logits;
  }
}
