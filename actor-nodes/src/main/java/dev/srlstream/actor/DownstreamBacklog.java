package dev.srlstream.actor;

import dev.srlstream.schemas.ServiceGroups;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ListOffsetsOptions;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How much of a policy's work waits downstream of the actors, measured from outside the services by
 * their committed offsets: rollout steps the scorer has not committed past, and training groups the
 * learner has not committed past (the learner commits with each version, so a batch being filled
 * counts too). The actors hold back while it is at their limit ({@link
 * ActorConfig#maxDownstreamBacklog()}), so a fleet faster than its scorer or learner, or one whose
 * scorer or learner is down, stops making work that would wait so long it goes stale.
 *
 * <p>Measured in committed offsets, it needs nothing from the other services but their default
 * consumer groups ({@link ServiceGroups}), and it is whole: it sees a scorer outage (rollouts pile
 * up) as well as a learner outage (groups pile up). A partition with nothing committed yet, or a
 * service under another group id, counts as no backlog: nothing is known, so nothing holds back.
 * Records of other policies still to be skipped count too, so on a shared cluster it can overstate,
 * briefly: each service skips them quickly.
 */
final class DownstreamBacklog implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(DownstreamBacklog.class);

  /**
   * A measurement.
   *
   * @param rollouts rollout steps waiting for the scorer
   * @param groups training groups waiting for the learner
   * @param startedNanos when the measurement began ({@link System#nanoTime()}): it sees every
   *     record acknowledged and every offset committed before then
   */
  record Backlog(long rollouts, long groups, long startedNanos) {
    /** A measurement begun now. */
    Backlog(long rollouts, long groups) {
      this(rollouts, groups, System.nanoTime());
    }

    /** The backlog in groups, a group being {@code groupSize} rollouts. */
    long inGroups(int groupSize) {
      return groups + (rollouts + groupSize - 1) / Math.max(1, groupSize);
    }
  }

  /** Receives each measurement, on the measuring thread. */
  interface Subscriber {
    void onBacklog(Backlog backlog);
  }

  private final Admin admin;
  private final String rolloutTopic;
  private final String groupTopic;
  private final String scorerGroup;
  private final String learnerGroup;
  private final List<Subscriber> subscribers = new CopyOnWriteArrayList<>();
  private final ScheduledExecutorService measurer;
  private final Duration timeout;
  private volatile Backlog latest;

  /**
   * Starts measuring every {@code interval}.
   *
   * @param adminProperties the Admin client's settings (bootstrap servers, security)
   */
  DownstreamBacklog(
      Map<String, Object> adminProperties,
      String rolloutTopic,
      String groupTopic,
      String policy,
      Duration interval,
      String name) {
    Map<String, Object> props = new HashMap<>(adminProperties);
    props.put(AdminClientConfig.CLIENT_ID_CONFIG, name + "-backlog");
    this.admin = Admin.create(props);
    this.rolloutTopic = rolloutTopic;
    this.groupTopic = groupTopic;
    this.scorerGroup = ServiceGroups.scorer(policy);
    this.learnerGroup = ServiceGroups.learner(policy);
    this.timeout = interval.multipliedBy(5);
    this.measurer =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, name + "-backlog");
              t.setDaemon(true);
              return t;
            });
    measurer.scheduleWithFixedDelay(
        this::measureAndTell, 0, interval.toMillis(), TimeUnit.MILLISECONDS);
  }

  void subscribe(Subscriber subscriber) {
    subscribers.add(subscriber);
    Backlog now = latest;
    if (now != null) {
      subscriber.onBacklog(now);
    }
  }

  /** The latest measurement, or null before the first. */
  Backlog latest() {
    return latest;
  }

  private void measureAndTell() {
    try {
      long started = System.nanoTime();
      Backlog backlog =
          new Backlog(lag(scorerGroup, rolloutTopic), lag(learnerGroup, groupTopic), started);
      latest = backlog;
      subscribers.forEach(s -> s.onBacklog(backlog));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (Exception e) {
      // The cluster does not answer: keep the last measurement; the actors cannot produce anyway.
      log.debug("downstream backlog not measured: {}", e.toString());
    }
  }

  /** The records on {@code topic} after {@code group}'s committed offsets. */
  private long lag(String group, String topic) throws Exception {
    Map<TopicPartition, OffsetAndMetadata> committed =
        admin
            .listConsumerGroupOffsets(group)
            .partitionsToOffsetAndMetadata()
            .get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    Map<TopicPartition, OffsetSpec> ends = new HashMap<>();
    committed.forEach(
        (tp, o) -> {
          if (o != null && tp.topic().equals(topic)) {
            ends.put(tp, OffsetSpec.latest());
          }
        });
    if (ends.isEmpty()) {
      return 0;
    }
    // The last stable offsets: records of open or aborted transactions are nobody's work yet.
    var latestOffsets =
        admin
            .listOffsets(ends, new ListOffsetsOptions(IsolationLevel.READ_COMMITTED))
            .all()
            .get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    long lag = 0;
    for (TopicPartition tp : ends.keySet()) {
      lag += Math.max(0, latestOffsets.get(tp).offset() - committed.get(tp).offset());
    }
    return lag;
  }

  @Override
  public void close() {
    measurer.shutdownNow();
    admin.close(Duration.ofSeconds(1));
  }
}
