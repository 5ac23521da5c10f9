package dev.srlstream.learner;

import static org.assertj.core.api.Assertions.assertThat;

import dev.srlstream.schemas.Health;
import dev.srlstream.schemas.Topics;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class LearnerServiceTest {

  @Test
  void theLearnerIsAStaticMemberUnderItsPolicysStableId() {
    LearnerConfig config =
        LearnerConfig.defaults("pol-a", Path.of("ckpt"))
            .withBatchGroups(4)
            .withStaleness(64, StalenessPolicy.DROP);
    LearnerService.Settings settings =
        new LearnerService.Settings(
            "127.0.0.1:9092", config, Topics.TRAINING_GROUPS.name(), Map.of());

    Map<String, Object> consumer = LearnerService.consumerConfig(settings);

    // A restarted learner takes its partitions back at once instead of after the dead member's
    // session: the same id as the group and the transactional producer.
    assertThat(consumer)
        .containsEntry("group.id", config.clientId())
        .containsEntry("group.instance.id", config.clientId())
        .containsEntry("isolation.level", "read_committed")
        .containsEntry("enable.auto.commit", false);
  }

  private static LearnerService.LoopState looping(Duration sinceSettled, Duration longestUpdate) {
    return new LearnerService.LoopState(true, "unused", sinceSettled, longestUpdate);
  }

  @Test
  void healthyWhileTheLoopRunsCommitsAndTheClusterAnswers() {
    assertThat(LearnerService.health(looping(Duration.ofSeconds(1), Duration.ZERO), true))
        .isEqualTo(Health.OK);
  }

  @Test
  void notReadyWhileTheLoopDoesNotRun() {
    LearnerService.LoopState failed =
        new LearnerService.LoopState(
            false, "the training loop failed: boom", Duration.ZERO, Duration.ZERO);

    assertThat(LearnerService.health(failed, true))
        .isEqualTo(Health.notReady("the training loop failed: boom"));
  }

  @Test
  void notReadyWhileTheClusterDoesNotAnswer() {
    assertThat(LearnerService.health(looping(Duration.ofSeconds(1), Duration.ZERO), false))
        .isEqualTo(Health.notReady("the Kafka cluster does not answer"));
  }

  @Test
  void notReadyOnceTheLoopHasCommittedNothingForLongerThanAnUpdateCouldTake() {
    Duration limit = LearnerService.MIN_COMMIT_SILENCE;

    assertThat(LearnerService.health(looping(limit, Duration.ofSeconds(5)), true).ready()).isTrue();
    Health stuck =
        LearnerService.health(looping(limit.plusSeconds(1), Duration.ofSeconds(5)), true);
    assertThat(stuck.ready()).isFalse();
    assertThat(stuck.reason())
        .isEqualTo("nothing committed for " + (limit.toSeconds() + 1) + " s (allowed: 60 s)");
    assertThat(LearnerService.health(looping(limit.plusSeconds(1), Duration.ofSeconds(40)), true))
        .as("slow updates: three times the longest is allowed")
        .isEqualTo(Health.OK);
    assertThat(
            LearnerService.health(looping(Duration.ofSeconds(121), Duration.ofSeconds(40)), true)
                .ready())
        .isFalse();
  }
}
