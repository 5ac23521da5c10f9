package dev.srlstream.actor;

import java.time.Duration;
import java.util.List;

/**
 * A snapshot of one actor instance.
 *
 * @param actorId its id (the {@code actor_id} of its rollout steps)
 * @param assigned the task partitions it owns, as {@code topic-partition}
 * @param policyLoaded whether its policy is loaded
 * @param policyVersion the version it samples with (-1 before the policy is loaded)
 * @param newestVersionSeen the newest version it has heard of (-1 if none)
 * @param groupsInFlight groups being sampled or awaiting their acks
 * @param tasksWaiting tasks fetched but not started
 * @param paused whether it has paused its partitions (full, stale, held back, stopping)
 * @param stale whether it is more than maxStaleness versions behind the newest seen
 * @param heldBack whether it holds back because the work waiting downstream is at the limit ({@link
 *     ActorConfig#maxDownstreamBacklog()})
 * @param stopping whether it is stopping (takes no more tasks)
 * @param failed whether a fatal error stopped it
 */
public record InstanceStatus(
    String actorId,
    List<String> assigned,
    boolean policyLoaded,
    long policyVersion,
    long newestVersionSeen,
    int groupsInFlight,
    int tasksWaiting,
    boolean paused,
    boolean stale,
    boolean heldBack,
    boolean stopping,
    boolean failed,
    Duration sinceLastPoll) {

  public InstanceStatus {
    assigned = List.copyOf(assigned);
    sinceLastPoll = sinceLastPoll == null ? Duration.ZERO : sinceLastPoll;
  }

  /** This snapshot with the consumer's current time since its last poll. */
  public InstanceStatus withSinceLastPoll(Duration value) {
    return new InstanceStatus(
        actorId,
        assigned,
        policyLoaded,
        policyVersion,
        newestVersionSeen,
        groupsInFlight,
        tasksWaiting,
        paused,
        stale,
        heldBack,
        stopping,
        failed,
        value);
  }

  /** Ready: the policy is loaded, it owns task partitions and is neither stopping nor failed. */
  public boolean ready() {
    return policyLoaded && !assigned.isEmpty() && !stopping && !failed;
  }
}
