package dev.srlstream.topology.train;

import dev.srlstream.learner.Credit;
import dev.srlstream.learner.GrpoTrainer;
import dev.srlstream.learner.SftRunner;
import dev.srlstream.learner.TrainerConfig;
import dev.srlstream.method.data.ArithmeticProblem;
import dev.srlstream.method.data.ArithmeticProblems;
import dev.srlstream.method.data.ExpertSolution;
import dev.srlstream.method.data.Split;
import dev.srlstream.method.data.TaskSettings;
import dev.srlstream.policy.ByteTokenizer;
import dev.srlstream.policy.ModelConfig;
import dev.srlstream.policy.eval.Evaluator;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/** Tiny SRL runs for the integration tests: a tiny model, a few problems, a warm base. */
final class TinyRuns {
  static final ModelConfig TINY =
      new ModelConfig(ByteTokenizer.VOCAB_SIZE, 32, 1, 2, 256, 64, true);

  private TinyRuns() {}

  /** 30 training, 4 validation and 4 test problems of one or two operations. */
  static ArithmeticProblems.DataSet data() {
    return ArithmeticProblems.generate(
        ArithmeticProblems.Config.defaults()
            .withSteps(1, 2)
            .withNumbers(9, 99)
            .withSizes(30, 4, 4));
  }

  static List<ExpertSolution> solutions(ArithmeticProblems.DataSet data, Split split) {
    return data.get(split).stream().map(ArithmeticProblem::toExpertSolution).toList();
  }

  /**
   * A random policy writes no well-formed response, so every group would be filtered: a short SFT
   * teaches it the format first, as the demo's warm-up does.
   */
  static byte[] warmBase(ArithmeticProblems.DataSet data) throws Exception {
    try (GrpoTrainer trainer =
        GrpoTrainer.create(
            TINY,
            TrainerConfig.defaults().toBuilder()
                .mode(TrainerConfig.Mode.SFT)
                .learningRate(3e-3)
                .seed(7)
                .build())) {
      SftRunner.run(
          trainer,
          SftExamples.of(solutions(data, Split.TRAIN), TINY, ByteTokenizer.INSTANCE, null)
              .examples(),
          150,
          16,
          7,
          p -> {});
      return trainer.exportWeights(0);
    }
  }

  /**
   * An SRL run of the tiny model: one group of 4 rollouts per update, at most {@code maxVersions}
   * versions or {@code budget}, on the given cluster (null, null: the embedded one).
   */
  static TrainSettings srl(
      String runId,
      Path runDir,
      ArithmeticProblems.DataSet data,
      byte[] base,
      boolean evaluateBase,
      Duration budget,
      long maxVersions,
      String bootstrapServers,
      String schemaRegistryUrl,
      double klCoef,
      Credit credit) {
    return TrainSettings.builder(
            Recipe.SRL, runId, runDir, solutions(data, Split.TRAIN), base, TINY)
        .validation(solutions(data, Split.VALIDATION))
        .test(solutions(data, Split.TEST))
        .evaluateBase(evaluateBase)
        .budget(budget)
        .maxVersions(maxVersions)
        .cluster(
            bootstrapServers == null
                ? null
                : ClusterAccess.open(bootstrapServers, schemaRegistryUrl))
        .tasks(new TaskSettings(4, 1.0f, 24))
        .autojunk(false)
        .batchGroups(1)
        .klCoef(klCoef)
        .credit(credit)
        .sftBatch(8)
        .taskWindow(4)
        .eval(new Evaluator.Settings(2, 1.0f, 24, 1, 2))
        .validationProblems(4)
        .validationInterval(Duration.ofSeconds(2))
        .build();
  }
}
