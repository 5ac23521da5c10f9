package dev.srlstream.scorer;

import dev.srlstream.schemas.Topics;
import java.util.Objects;

/**
 * The topics the scorer reads and writes. Live training uses the catalogue's; a replay reads
 * recorded topics and writes to topics of its own, so it never writes into live ones unless asked.
 */
public record ScorerTopics(
    String rolloutSteps,
    String expertSteps,
    String stepRewards,
    String trainingGroups,
    String deadLetters) {

  public static final ScorerTopics LIVE =
      new ScorerTopics(
          Topics.ROLLOUT_STEPS.name(),
          Topics.EXPERT_STEPS.name(),
          Topics.STEP_REWARDS.name(),
          Topics.TRAINING_GROUPS.name(),
          Topics.DEAD_LETTERS.name());

  public ScorerTopics {
    Objects.requireNonNull(rolloutSteps, "rolloutSteps");
    Objects.requireNonNull(expertSteps, "expertSteps");
    Objects.requireNonNull(stepRewards, "stepRewards");
    Objects.requireNonNull(trainingGroups, "trainingGroups");
    Objects.requireNonNull(deadLetters, "deadLetters");
    if (rolloutSteps.equals(expertSteps)) {
      throw new IllegalArgumentException(
          "rolloutSteps and expertSteps must be different topics, but both were " + rolloutSteps);
    }
  }
}
