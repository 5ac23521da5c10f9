package dev.srlstream.actor;

import dev.srlstream.schemas.Topics;
import java.util.Map;

/**
 * The topics an actor reads and writes. {@link #LIVE} is the catalogue's; others serve replays and
 * tests, so a replay never writes into live topics unless asked.
 *
 * @param tasks where tasks come from ({@code StepTask}, key instance_id)
 * @param rolloutSteps where rollout steps go ({@code RolloutStep}, key instance_id)
 * @param policyVersions where policy versions come from ({@code PolicyVersion}, key policy_name)
 * @param deadLetters where records the actor gives up on go ({@code DeadLetter}, key source topic)
 */
public record ActorTopics(
    String tasks, String rolloutSteps, String policyVersions, String deadLetters) {

  /** The catalogue's topics. */
  public static final ActorTopics LIVE =
      new ActorTopics(
          Topics.TASKS.name(),
          Topics.ROLLOUT_STEPS.name(),
          Topics.POLICY_VERSIONS.name(),
          Topics.DEAD_LETTERS.name());

  public ActorTopics {
    Map.of(
            "tasks", nullToEmpty(tasks),
            "rolloutSteps", nullToEmpty(rolloutSteps),
            "policyVersions", nullToEmpty(policyVersions),
            "deadLetters", nullToEmpty(deadLetters))
        .forEach(
            (name, value) -> {
              if (!value.matches("[a-zA-Z0-9._-]{1,249}")) {
                throw new IllegalArgumentException(
                    name
                        + " must be a topic name (1-249 of [a-zA-Z0-9._-]), but was '"
                        + value
                        + "'");
              }
            });
  }

  private static String nullToEmpty(String value) {
    return value == null ? "" : value;
  }
}
