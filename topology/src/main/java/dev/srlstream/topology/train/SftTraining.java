package dev.srlstream.topology.train;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.srlstream.learner.GrpoTrainer;
import dev.srlstream.learner.SftRunner;
import dev.srlstream.learner.TrainerConfig;
import dev.srlstream.policy.Seeds;
import dev.srlstream.policy.SessionThreads;
import dev.srlstream.policy.Tokenizer;
import dev.srlstream.policy.WeightsCodec;
import java.util.Map;

/**
 * The SFT recipe's training, in this process without Kafka: token cross-entropy on the expert steps
 * (each step an example, {@link SftExamples}), a version every {@value #UPDATES_PER_VERSION}
 * updates, until a {@link StopConditions stop condition} holds.
 */
final class SftTraining {
  /** Updates of {@code sftBatch} examples between two versions (a loss point and a validation). */
  static final int UPDATES_PER_VERSION = 25;

  private final TrainSettings settings;
  private final RunRecord record;
  private final StopConditions stops;

  SftTraining(TrainSettings settings, RunRecord record, StopConditions stops) {
    this.settings = settings;
    this.record = record;
    this.stops = stops;
  }

  /** Trains from the base weights; the last version's weights. */
  byte[] train(Validator validator) throws Exception {
    Tokenizer tokenizer = WeightsCodec.tokenizer(settings.baseWeights());
    SftExamples.Result examples =
        SftExamples.of(
            settings.train(), settings.model(), tokenizer, null, settings.contextWindow());
    if (examples.examples().isEmpty()) {
      throw new IllegalArgumentException(
          "the training data gives no SFT example (" + examples.tooLong() + " too long)");
    }
    record.say("SFT on %d expert steps (%s)", examples.examples().size(), stops.howItEnds());
    if (validator.enabled()) {
      validator.measureNow(0, settings.baseWeights());
    }
    ObjectNode summary = record.summary();
    try (GrpoTrainer trainer =
        GrpoTrainer.create(
            settings.model(),
            tokenizer,
            TrainerConfig.defaults().toBuilder()
                .mode(TrainerConfig.Mode.SFT)
                .learningRate(settings.learningRate())
                .seed(settings.seed())
                .build(),
            SessionThreads.TENSORFLOW_DEFAULT)) {
      trainer.restore(settings.baseWeights(), new byte[0]);
      // Every version this run publishes records the prompt format it trains with.
      trainer.setPromptSettings(settings.promptSettings());
      long version = 0;
      long lastValidation = System.nanoTime();
      stops.startTraining();
      ArrayNode lossCurve = summary.putArray("loss_curve");
      while (!stops.reached(version)) {
        Map<String, Double> metrics =
            SftRunner.run(
                trainer,
                examples.examples(),
                UPDATES_PER_VERSION,
                settings.sftBatch(),
                Seeds.mix(settings.seed(), version),
                p -> {});
        version++;
        double loss = metrics.getOrDefault("loss", Double.NaN);
        lossCurve.addObject().put("version", version).put("loss", loss);
        ObjectNode line = record.baseLine(version);
        line.put("loss", loss);
        record.files().appendMetrics(line);
        record.say(
            "[%s] v %d | loss %.4f | rss %s",
            record.clock(), version, loss, RunRecord.gib(RunFiles.rssBytes()));
        if (validator.enabled()
            && System.nanoTime() - lastValidation >= settings.validationInterval().toNanos()) {
          validator.measureNow(version, trainer.exportWeights(version));
          lastValidation = System.nanoTime();
        }
        record.writeSummary();
      }
      summary.put("training_seconds", RunRecord.round(stops.trainingTime().toNanos() / 1e9));
      long finalVersion = version;
      summary.put("versions", finalVersion);
      byte[] last = trainer.exportWeights(finalVersion);
      if (validator.enabled()
          && validator.points().stream().noneMatch(p -> p.version() == finalVersion)) {
        validator.measureNow(finalVersion, last);
      }
      return last;
    }
  }
}
