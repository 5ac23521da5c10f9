package dev.srlstream.topology.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.srlstream.learner.Credit;
import dev.srlstream.method.data.ArithmeticProblems;
import dev.srlstream.method.data.Split;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class TrainSettingsTest {
  private final ArithmeticProblems.DataSet data = TinyRuns.data();

  private TrainSettings.Builder builder(Recipe recipe) {
    return TrainSettings.builder(
        recipe,
        "run",
        Path.of("runs/run"),
        TinyRuns.solutions(data, Split.TRAIN),
        new byte[] {1},
        TinyRuns.TINY);
  }

  @Test
  void aBuilderFromSettingsKeepsEveryValueButTheRunsNameAndDirectory() {
    TrainSettings settings =
        builder(Recipe.SRL)
            .validation(TinyRuns.solutions(data, Split.VALIDATION))
            .test(TinyRuns.solutions(data, Split.TEST))
            .evaluateBase(false)
            .budget(Duration.ofMinutes(7))
            .maxVersions(9)
            .autojunk(true)
            .contextWindow(2)
            .batchGroups(3)
            .keepCheckpoints(5)
            .learningRate(2e-4)
            .warmupUpdates(4)
            .klCoef(0.2)
            .credit(Credit.ALIGNED)
            .sftBatch(6)
            .actors(2)
            .sync(true)
            .taskWindow(7)
            .seed(11)
            .validationProblems(3)
            .validationInterval(Duration.ofSeconds(9))
            .build();

    assertThat(settings.toBuilder("run", Path.of("runs/run")).build()).isEqualTo(settings);
    TrainSettings other = settings.toBuilder("other", Path.of("runs/other")).build();
    assertThat(other.runId()).isEqualTo("other");
    assertThat(other.runDir()).isEqualTo(Path.of("runs/other"));
    assertThat(other.sync()).isTrue();
  }

  @Test
  void onlyAStreamingRecipeHasASynchronousTwin() {
    assertThat(builder(Recipe.RLVR).sync(true).build().sync()).isTrue();
    assertThatThrownBy(() -> builder(Recipe.SFT).sync(true).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("recipe sft has none");
  }
}
