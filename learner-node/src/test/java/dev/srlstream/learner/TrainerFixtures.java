package dev.srlstream.learner;

import dev.srlstream.policy.ByteTokenizer;
import dev.srlstream.policy.ModelConfig;
import dev.srlstream.policy.ModelWeights;
import dev.srlstream.schemas.avro.GroupRollout;
import dev.srlstream.schemas.avro.TrainingGroup;
import dev.srlstream.schemas.avro.TrainingMode;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/** Tiny models and hand-made training groups for the trainer's tests. */
final class TrainerFixtures {

  private TrainerFixtures() {}

  /** The byte vocabulary, d_model 16, 2 layers, 2 heads, context 32: about 14 k parameters. */
  static final ModelConfig TINY = new ModelConfig(ByteTokenizer.VOCAB_SIZE, 16, 2, 2, 32, 32, true);

  /**
   * {@link ModelConfig#DEFAULT}'s width and depth (d_model 128, 2 layers, 4 heads, FFN 512) with a
   * 32-token context: the default model's learning dynamics at a fraction of its build time.
   */
  static final ModelConfig DEFAULT_WIDTH =
      new ModelConfig(ByteTokenizer.VOCAB_SIZE, 128, 2, 4, 32, 512, true);

  /** One rollout of a hand-made group. */
  record Rollout(int[] response, float[] behaviour, double advantage) {
    /** A rollout whose behaviour log-probs are all {@code -1} (placeholders). */
    static Rollout of(double advantage, int... response) {
      float[] behaviour = new float[response.length];
      java.util.Arrays.fill(behaviour, -1f);
      return new Rollout(response, behaviour, advantage);
    }

    Rollout withBehaviour(float[] values) {
      return new Rollout(response, values, advantage);
    }
  }

  /** A training group with the given prompt and rollouts (the other fields are plausible). */
  static TrainingGroup group(String id, int[] prompt, List<Rollout> rollouts) {
    List<GroupRollout> built = new ArrayList<>();
    for (int i = 0; i < rollouts.size(); i++) {
      Rollout r = rollouts.get(i);
      List<Integer> response = new ArrayList<>();
      for (int token : r.response()) {
        response.add(token);
      }
      List<Float> behaviour = new ArrayList<>();
      for (float lp : r.behaviour()) {
        behaviour.add(lp);
      }
      built.add(
          GroupRollout.newBuilder()
              .setRolloutId(id + "/" + i)
              .setRolloutIndex(i)
              .setActorId("test")
              .setResponseTokenIds(response)
              .setBehaviourLogprobs(behaviour)
              .setReward(r.advantage())
              .setAdvantage(r.advantage())
              .setFormatOk(true)
              .build());
    }
    List<Integer> promptIds = new ArrayList<>();
    for (int token : prompt) {
      promptIds.add(token);
    }
    return TrainingGroup.newBuilder()
        .setGroupId(id)
        .setTaskId(id)
        .setInstanceId(id)
        .setProblemId(id)
        .setMode(TrainingMode.SRL)
        .setStepIndex(0)
        .setPolicyVersion(0L)
        .setExpectedSize(rollouts.size())
        .setComplete(true)
        .setPromptTokenIds(promptIds)
        .setRollouts(built)
        .setRewardMean(0.0)
        .setRewardStd(1.0)
        .setRewardConfig("test")
        .setAssembledAt(Instant.EPOCH)
        .build();
  }

  static WeightedGroup weighted(TrainingGroup group, double weight) {
    return new WeightedGroup(group, weight, 0L);
  }

  /** Token ids of text bytes, after a BOS. */
  static int[] prompt(String text) {
    int[] bytes = ByteTokenizer.INSTANCE.encode(text);
    int[] ids = new int[bytes.length + 1];
    ids[0] = ByteTokenizer.BOS;
    System.arraycopy(bytes, 0, ids, 1, bytes.length);
    return ids;
  }

  /**
   * Initial weights plus normal noise of std {@code noise} on every value, so logits are far from
   * uniform and no gradient is zero by symmetry.
   */
  static ModelWeights noisy(ModelConfig config, long seed, double noise) {
    return plusNoise(ModelWeights.initial(config, seed), seed, noise);
  }

  /** {@code weights} plus normal noise of std {@code noise} on every value. */
  static ModelWeights plusNoise(ModelWeights weights, long seed, double noise) {
    Random random = new Random(seed * 31 + 7);
    List<float[]> values = new ArrayList<>();
    for (int i = 0; i < weights.count(); i++) {
      float[] value = weights.values(i);
      for (int j = 0; j < value.length; j++) {
        value[j] += (float) (random.nextGaussian() * noise);
      }
      values.add(value);
    }
    return ModelWeights.of(weights.specs(), values);
  }

  /** The global L2 norm of a list of arrays. */
  static double norm(List<float[]> arrays) {
    double sum = 0;
    for (float[] array : arrays) {
      for (float v : array) {
        sum += (double) v * v;
      }
    }
    return Math.sqrt(sum);
  }
}
