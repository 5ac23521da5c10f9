package dev.srlstream.actor;

import dev.srlstream.schemas.Health;
import java.time.Duration;
import java.util.List;

/**
 * A snapshot of an actor process.
 *
 * @param instances each actor instance
 * @param newestVersionSeen the newest policy version published (valid or not); -1 if none
 * @param closing whether a shutdown has begun
 * @param downstream the work waiting for the scorer and the learner, as last measured; null before
 *     the first measurement
 * @param brokerReachable whether the cluster answered recently ({@link
 *     dev.srlstream.schemas.BrokerProbe}): the clients retry on their own while it is gone, so
 *     nothing else shows an outage
 */
public record ActorStatus(
    List<InstanceStatus> instances,
    long newestVersionSeen,
    boolean closing,
    DownstreamBacklog.Backlog downstream,
    boolean brokerReachable) {

  /**
   * A task consumer that has not come back from {@code poll} for this long is stuck: it polls every
   * 100 ms, paused or not, and the broker would evict it after {@code max.poll.interval.ms}.
   */
  static final Duration STUCK_AFTER = Duration.ofSeconds(30);

  public ActorStatus {
    instances = List.copyOf(instances);
  }

  /** Live: no instance has failed and no shutdown has begun. */
  public boolean live() {
    return !closing && instances.stream().noneMatch(InstanceStatus::failed);
  }

  /**
   * Ready: live, the cluster answers, every instance has its policy loaded, and the process owns
   * task partitions (an instance without partitions, in a fleet larger than the partition count, is
   * idle but healthy).
   */
  public boolean ready() {
    return health().ready();
  }

  /**
   * {@link #ready()}, with the reason when not: the first of shutting down, an instance failed (its
   * task consumer died, or its policy or its deliveries failed), a task consumer stuck (no poll for
   * {@link #STUCK_AFTER}), the cluster not answering, a policy not loaded, no task partitions.
   */
  public Health health() {
    if (closing) {
      return Health.notReady("shutting down");
    }
    for (InstanceStatus i : instances) {
      if (i.failed()) {
        return Health.notReady(i.actorId() + " failed and takes no more tasks");
      }
    }
    for (InstanceStatus i : instances) {
      if (i.sinceLastPoll().compareTo(STUCK_AFTER) > 0) {
        return Health.notReady(
            i.actorId()
                + "'s task consumer has not polled for "
                + i.sinceLastPoll().toSeconds()
                + " s (its thread is stuck)");
      }
    }
    if (!brokerReachable) {
      return Health.notReady("the Kafka cluster does not answer");
    }
    for (InstanceStatus i : instances) {
      if (!i.policyLoaded()) {
        return Health.notReady(i.actorId() + " has not loaded its policy yet");
      }
    }
    if (instances.stream().allMatch(i -> i.assigned().isEmpty())) {
      return Health.notReady("no task partitions assigned");
    }
    return Health.OK;
  }

  /** How many versions the furthest-behind instance lags the newest seen (0 if none seen). */
  public long versionLag() {
    long oldest =
        instances.stream()
            .filter(InstanceStatus::policyLoaded)
            .mapToLong(InstanceStatus::policyVersion)
            .min()
            .orElse(newestVersionSeen);
    return Math.max(0, newestVersionSeen - oldest);
  }
}
