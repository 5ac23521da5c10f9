package dev.srlstream.schemas;

import dev.srlstream.schemas.TopicSpec.CleanupPolicy;
import dev.srlstream.schemas.avro.DeadLetter;
import dev.srlstream.schemas.avro.ExpertStep;
import dev.srlstream.schemas.avro.PolicyVersion;
import dev.srlstream.schemas.avro.RolloutStep;
import dev.srlstream.schemas.avro.StepReward;
import dev.srlstream.schemas.avro.StepTask;
import dev.srlstream.schemas.avro.TrainingGroup;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * The topic catalogue: every topic the services meet on, declared once.
 *
 * <p>Retention is set for replay: tasks, rollout steps, rewards and training groups are kept for a
 * week so a user can re-score recorded steps or re-run a learner over recorded groups. Expert steps
 * and policy versions are compacted: the latest record of each key is kept forever. A replaced
 * expert step stays a week too, so a re-score of last week's rollouts meets the expert step they
 * were scored against; a superseded policy version is compacted away soon (each carries the whole
 * weights: a week of them would take hundreds of gigabytes), and the learner's checkpoints keep
 * what a learner replay needs. {@code srl topics create --retention} overrides any of them.
 *
 * <p>{@link #EXPERT_STEPS} and {@link #ROLLOUT_STEPS} are the inputs of the scorer's join: both are
 * keyed by {@code instance_id} and must have the same partition count (co-partitioned).
 */
public final class Topics {

  /** Partitions of the data topics: enough for a few actors and scorer threads per machine. */
  public static final int DATA_PARTITIONS = 6;

  private static final Duration REPLAY_RETENTION = Duration.ofDays(7);

  /** Policy versions carry the weights; a version of a few million parameters fits in 64 MiB. */
  public static final int POLICY_VERSION_MAX_BYTES = 64 * 1024 * 1024;

  public static final TopicSpec<StepTask> TASKS =
      new TopicSpec<>(
          "srl.tasks",
          StepTask.class,
          "instance_id",
          DATA_PARTITIONS,
          CleanupPolicy.DELETE,
          REPLAY_RETENTION,
          TopicSpec.DEFAULT_MAX_MESSAGE_BYTES);

  public static final TopicSpec<ExpertStep> EXPERT_STEPS =
      new TopicSpec<>(
          "srl.expert-steps",
          ExpertStep.class,
          "instance_id",
          DATA_PARTITIONS,
          CleanupPolicy.COMPACT,
          REPLAY_RETENTION,
          TopicSpec.DEFAULT_MAX_MESSAGE_BYTES);

  public static final TopicSpec<RolloutStep> ROLLOUT_STEPS =
      new TopicSpec<>(
          "srl.rollout-steps",
          RolloutStep.class,
          "instance_id",
          DATA_PARTITIONS,
          CleanupPolicy.DELETE,
          REPLAY_RETENTION,
          TopicSpec.DEFAULT_MAX_MESSAGE_BYTES);

  public static final TopicSpec<StepReward> STEP_REWARDS =
      new TopicSpec<>(
          "srl.step-rewards",
          StepReward.class,
          "group_id",
          DATA_PARTITIONS,
          CleanupPolicy.DELETE,
          REPLAY_RETENTION,
          TopicSpec.DEFAULT_MAX_MESSAGE_BYTES);

  public static final TopicSpec<TrainingGroup> TRAINING_GROUPS =
      new TopicSpec<>(
          "srl.training-groups",
          TrainingGroup.class,
          "group_id",
          DATA_PARTITIONS,
          CleanupPolicy.DELETE,
          REPLAY_RETENTION,
          TopicSpec.DEFAULT_MAX_MESSAGE_BYTES);

  /** One partition: versions of a policy are totally ordered. */
  public static final TopicSpec<PolicyVersion> POLICY_VERSIONS =
      new TopicSpec<>(
          "srl.policy-versions",
          PolicyVersion.class,
          "policy_name",
          1,
          CleanupPolicy.COMPACT,
          Duration.ZERO,
          POLICY_VERSION_MAX_BYTES);

  public static final TopicSpec<DeadLetter> DEAD_LETTERS =
      new TopicSpec<>(
          "srl.dead-letters",
          DeadLetter.class,
          "source_topic",
          1,
          CleanupPolicy.DELETE,
          Duration.ofDays(30),
          // A dead letter keeps the original record's bytes, so it must fit the largest of them.
          POLICY_VERSION_MAX_BYTES + 64 * 1024);

  /** Every topic of the catalogue, in pipeline order. */
  public static final List<TopicSpec<?>> ALL =
      List.of(
          TASKS,
          EXPERT_STEPS,
          ROLLOUT_STEPS,
          STEP_REWARDS,
          TRAINING_GROUPS,
          POLICY_VERSIONS,
          DEAD_LETTERS);

  /** Pairs of topics joined by key, which must be co-partitioned. */
  public static final List<List<TopicSpec<?>>> JOINED =
      List.of(List.of(ROLLOUT_STEPS, EXPERT_STEPS));

  /** The compacted topic the schema registry keeps its schemas in (as Confluent's does). */
  public static final String SCHEMAS_TOPIC = "_schemas";

  private Topics() {}

  /**
   * The catalogue with every data topic (the ones created with {@link #DATA_PARTITIONS}) given
   * another partition count, for scaling out. The joined topics stay co-partitioned; the
   * single-partition topics keep one partition, since their order matters.
   */
  public static List<TopicSpec<?>> withDataPartitions(int partitions) {
    return ALL.stream()
        .<TopicSpec<?>>map(
            t -> t.partitions() == DATA_PARTITIONS ? t.withPartitions(partitions) : t)
        .toList();
  }

  /** The catalogue entry of a topic name, if it has one. */
  public static Optional<TopicSpec<?>> byName(String name) {
    return ALL.stream().filter(t -> t.name().equals(name)).findFirst();
  }
}
