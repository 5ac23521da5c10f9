package dev.srlstream.learner;

import dev.srlstream.policy.WeightsCodec;
import dev.srlstream.schemas.avro.TrainingGroup;
import java.util.ArrayList;
import java.util.List;

/**
 * The importance ratios {@code pi_theta / pi_behaviour} the learner's loss sees, per scored token,
 * computed through its own path: {@link TokenBatch#ofGroups} builds the rows, the trainer's graph
 * recomputes the log-probs. Public for tests in other modules (topology's tests feed it real actor
 * rollouts); shipped in this module's test jar only.
 */
public final class LearnerRatios {
  private LearnerRatios() {}

  /**
   * Every scored token of a batch, in batch order (group, rollout, segment, token).
   *
   * @param behaviour the behaviour log-probs as the batch carries them
   * @param learner the learner's log-probs of the same tokens
   */
  public record Scored(float[] behaviour, float[] learner) {

    /** {@code exp(learner - behaviour)} per token. */
    public double[] ratios() {
      double[] ratios = new double[behaviour.length];
      for (int i = 0; i < ratios.length; i++) {
        ratios[i] = Math.exp((double) learner[i] - behaviour[i]);
      }
      return ratios;
    }

    /** The largest {@code |ratio - 1|}. */
    public double maxRatioError() {
      double max = 0;
      for (double ratio : ratios()) {
        max = Math.max(max, Math.abs(ratio - 1));
      }
      return max;
    }
  }

  /**
   * Scores {@code groups} with the policy of {@code weights} (WeightsCodec bytes), without any
   * update, at {@code temperature} (the actors' sampling temperature).
   */
  public static Scored score(byte[] weights, double temperature, List<TrainingGroup> groups) {
    WeightsCodec.Decoded decoded = WeightsCodec.decode(weights);
    TrainerConfig config = TrainerConfig.defaults().toBuilder().temperature(temperature).build();
    try (GrpoTrainer trainer = GrpoTrainer.create(decoded.config(), config)) {
      trainer.restore(weights, new byte[0]);
      List<WeightedGroup> batch = new ArrayList<>();
      for (TrainingGroup group : groups) {
        batch.add(new WeightedGroup(group, 1.0, 0L));
      }
      GrpoTrainer.Evaluation evaluation = trainer.evaluate(batch, false);
      TokenBatch rows = evaluation.batch();
      float[] behaviour = new float[rows.tokenCount()];
      float[] learner = new float[rows.tokenCount()];
      int k = 0;
      for (int i = 0; i < rows.mask().length; i++) {
        if (rows.mask()[i] == 1f) {
          behaviour[k] = rows.behaviourLogProbs()[i];
          learner[k] = evaluation.tokenLogProbs()[i];
          k++;
        }
      }
      return new Scored(behaviour, learner);
    }
  }
}
