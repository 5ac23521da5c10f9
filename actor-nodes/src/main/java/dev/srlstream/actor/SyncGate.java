package dev.srlstream.actor;

import java.util.function.LongSupplier;

/**
 * The gate of the synchronous twin ({@code srl train --sync}, {@link
 * ActorConfig#syncBatchGroups()}): the instances of one process together sample one batch under a
 * policy version, then start nothing until the next version is loaded. Same services and topics as
 * the asynchronous pipeline; only the overlap of sampling and training is gone.
 *
 * <p>A batch is {@code batchGroups} <em>kept</em> groups, which the actors cannot see: dynamic
 * sampling filters a group whose rollouts all scored alike, and the learner waits for a full batch
 * of kept ones. So a fixed number of starts could leave the learner waiting for ever. Instead:
 *
 * <ol>
 *   <li>Under a new version the gate waits until every group started earlier is delivered, a
 *       downstream measurement begun after that shows the scorer caught up (no rollout step left to
 *       score: {@link DownstreamBacklog}), and a count of the kept groups made after that ({@link
 *       KeptGroups}). The groups waiting for the learner are then the kept groups less those the
 *       version says it was trained on ({@code groups_trained}).
 *   <li>It allows as many starts as kept groups are missing from the batch, and after they are
 *       delivered and scored it counts again and tops up, until the batch is full.
 * </ol>
 *
 * A top-up can overshoot (more of its groups kept than were missing); the extra groups count
 * towards the next batch, so each batch is sampled under the version that trains on it, bar those
 * few. A group the learner drops (stale, invalid) stays counted as waiting, and the gate would wait
 * for it; with no staleness it drops none.
 *
 * <p>Thread-safe: instances call {@link #tryStart} and {@link #finished} on their event loops; the
 * backlog, the counter and the version feed call in on their threads. It gates the instances of one
 * process; a fleet of several processes would need the gate on a topic.
 */
final class SyncGate
    implements DownstreamBacklog.Subscriber, KeptGroups.Subscriber, PolicyVersionFeed.Subscriber {
  private final int batchGroups;
  private final LongSupplier nanoClock;

  private long version = -1;
  private int started; // groups started under version
  private int allowed; // starts allowed under version so far
  private int inFlight; // groups started (under any version) and not yet finished
  private long changedAt; // when the last group finished or the version changed
  private boolean scored; // a measurement begun after changedAt found every rollout scored
  private long scoredAt; // when the first such measurement began
  private long kept; // kept groups of the policy, as of keptAsOf
  private boolean counted; // kept is a count (none before the first)
  private long keptAsOf;
  private long announcedVersion = -1; // the newest version the feed announced
  private long announcedTrained; // the groups it had trained on

  /**
   * @param batchGroups kept groups per policy update (the learner's batch)
   * @param nanoClock {@link System#nanoTime()} or a test's clock, the clock of the measurements
   */
  SyncGate(int batchGroups, LongSupplier nanoClock) {
    if (batchGroups < 1) {
      throw new IllegalArgumentException("batchGroups must be >= 1, but was " + batchGroups);
    }
    this.batchGroups = batchGroups;
    this.nanoClock = nanoClock;
    this.changedAt = nanoClock.getAsLong();
  }

  /**
   * Asks to start one group under the instance's policy version. An instance behind the newest
   * version the gate has seen starts nothing: it loads the newer one first.
   *
   * @return true if the group may start; it must then be {@link #finished} once
   */
  synchronized boolean tryStart(long instanceVersion) {
    if (instanceVersion > version) {
      version = instanceVersion;
      started = 0;
      allowed = 0;
      changed();
    }
    if (instanceVersion < version) {
      return false;
    }
    if (started >= allowed && settled()) {
      long waiting = kept - trainedBefore(version);
      allowed = started + (int) Math.max(0, batchGroups - waiting);
    }
    if (started < allowed) {
      started++;
      inFlight++;
      return true;
    }
    return false;
  }

  /** Every group started is delivered, scored, and counted if kept. */
  private boolean settled() {
    return inFlight == 0
        && scored
        && counted
        && keptAsOf - scoredAt > 0
        && (announcedVersion == version || announcedVersion < 0);
  }

  /** The groups the learner had trained on when it published {@code v} (0 before any version). */
  private long trainedBefore(long v) {
    return announcedVersion == v ? announcedTrained : 0;
  }

  /** A started group left the instance: delivered (or failed, or released). */
  synchronized void finished() {
    if (inFlight == 0) {
      throw new IllegalStateException("finished() without a started group");
    }
    inFlight--;
    changed();
  }

  /** A backlog measurement: it counts only if it began after the last change. */
  @Override
  public synchronized void onBacklog(DownstreamBacklog.Backlog backlog) {
    if (!scored && backlog.rollouts() == 0 && backlog.startedNanos() - changedAt > 0) {
      scored = true;
      scoredAt = backlog.startedNanos();
    }
  }

  @Override
  public synchronized void onKept(long keptGroups, long asOfNanos) {
    kept = keptGroups;
    keptAsOf = asOfNanos;
    counted = true;
  }

  @Override
  public synchronized void onVersion(PolicyVersionFeed.VersionUpdate update) {
    if (update.version() > announcedVersion) {
      announcedVersion = update.version();
      announcedTrained = update.groupsTrained();
    }
  }

  @Override
  public void onSeen(long seen) {
    // Only valid versions are loaded; onVersion announces them.
  }

  private void changed() {
    changedAt = nanoClock.getAsLong();
    scored = false;
  }
}
