package dev.srlstream.actor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.srlstream.actor.DownstreamBacklog.Backlog;
import dev.srlstream.actor.PolicyVersionFeed.VersionUpdate;
import org.junit.jupiter.api.Test;

class SyncGateTest {
  private long now = 1_000;
  private final SyncGate gate = new SyncGate(4, () -> now);

  /** A backlog measurement begun now, then a count of the kept groups begun after it. */
  private void settle(long rolloutsToScore, long keptTotal) {
    now += 10;
    gate.onBacklog(new Backlog(rolloutsToScore, 99, now));
    now += 10;
    gate.onKept(keptTotal, now);
    now += 10;
  }

  private int starts(long version) {
    int n = 0;
    while (gate.tryStart(version)) {
      n++;
    }
    return n;
  }

  private void finish(int groups) {
    for (int i = 0; i < groups; i++) {
      now += 1;
      gate.finished();
    }
  }

  private void announce(long version, long groupsTrained) {
    gate.onVersion(new VersionUpdate(version, new byte[0], "versions-0@" + version, groupsTrained));
  }

  /** Version 0 is loaded (which no earlier measurement saw), measured, and a batch started. */
  private void firstBatch() {
    announce(0, 0);
    assertThat(starts(0)).isZero();
    settle(0, 0);
    assertThat(starts(0)).isEqualTo(4);
  }

  @Test
  void startsNothingBeforeItKnowsWhatWaitsDownstreamThenOneBatch() {
    firstBatch();
    assertThat(starts(0)).isZero();
  }

  @Test
  void topsUpWhatDynamicSamplingFilteredOnceEveryGroupIsScoredAndCounted() {
    firstBatch();
    finish(4);
    settle(16, 1); // delivered but not yet scored: the count says nothing yet
    assertThat(starts(0)).isZero();
    settle(0, 3); // scored: 3 kept, 1 filtered
    assertThat(starts(0)).isEqualTo(1);
    finish(1);
    settle(0, 4);
    assertThat(starts(0)).isZero(); // the batch is kept: the learner trains, the actors wait
  }

  @Test
  void aCountMadeBeforeTheScorerCaughtUpDoesNotCount() {
    firstBatch();
    finish(4);
    gate.onKept(3, now + 5);
    gate.onBacklog(new Backlog(0, 0, now + 10));
    now += 20;
    assertThat(starts(0)).isZero();
    gate.onKept(3, now);
    assertThat(starts(0)).isEqualTo(1);
  }

  @Test
  void ignoresAMeasurementBegunBeforeTheLastGroupFinished() {
    firstBatch();
    finish(3);
    long before = now;
    finish(1);
    gate.onBacklog(new Backlog(0, 0, before)); // missed the last group's records
    gate.onKept(0, now + 10);
    now += 20;
    assertThat(starts(0)).isZero();
  }

  @Test
  void waitsForGroupsStillInFlightBeforeToppingUp() {
    firstBatch();
    finish(3);
    settle(0, 0);
    assertThat(starts(0)).isZero();
  }

  @Test
  void aNewVersionStartsANewBatchCountingGroupsKeptBeyondTheLastOne() {
    firstBatch();
    finish(4);
    settle(0, 0); // all 4 filtered
    assertThat(starts(0)).isEqualTo(4);
    finish(4);
    settle(0, 5); // ... then 4 more kept, and one of another top-up: 5 in all
    assertThat(starts(0)).isZero();

    announce(1, 4); // the learner trained on 4 of the 5
    assertThat(starts(1)).isZero(); // nothing measured since version 1
    settle(0, 5);
    assertThat(starts(1)).isEqualTo(3); // one kept group waits already: 3 more make the batch
  }

  @Test
  void anInstanceBehindTheNewestVersionStartsNothingAndNoneBeforeTheVersionIsAnnounced() {
    firstBatch();
    finish(4);
    settle(0, 4);
    assertThat(starts(1)).isZero(); // loaded, but the feed has not said what version 1 trained on
    announce(1, 4);
    settle(0, 4);
    assertThat(starts(0)).isZero(); // behind
    assertThat(starts(1)).isEqualTo(4);
    announce(2, 8);
    finish(4);
    settle(0, 8);
    assertThat(starts(1)).isZero(); // version 2 is out: load it first
  }

  @Test
  void refusesAFinishWithoutAStartAndABatchBelowOne() {
    assertThatThrownBy(gate::finished).isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(() -> new SyncGate(0, () -> 0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("batchGroups must be >= 1, but was 0");
  }
}
