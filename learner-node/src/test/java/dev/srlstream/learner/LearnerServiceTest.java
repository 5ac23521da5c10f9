package dev.srlstream.learner;

import static org.assertj.core.api.Assertions.assertThat;

import dev.srlstream.schemas.Topics;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

class LearnerServiceTest {

  @Test
  void theLearnerIsAStaticMemberUnderItsPolicysStableId() {
    LearnerConfig config =
        new LearnerConfig("pol-a", 4, 64, StalenessPolicy.DROP, Path.of("ckpt"), 3, 0);
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
}
