package dev.srlstream.actor;

import static org.assertj.core.api.Assertions.assertThat;

import dev.srlstream.schemas.PrometheusText;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class ActorStatusTest {
  static final InstanceStatus WORKING =
      new InstanceStatus(
          "a-0",
          List.of("srl.tasks-0"),
          true,
          3,
          3,
          1,
          0,
          false,
          false,
          false,
          false,
          false,
          Duration.ZERO);

  @Test
  void readyOnlyWhileTheClusterAnswers() {
    ActorStatus reachable = new ActorStatus(List.of(WORKING), 3, false, null, true);
    ActorStatus cutOff = new ActorStatus(List.of(WORKING), 3, false, null, false);

    assertThat(reachable.ready()).isTrue();
    assertThat(cutOff.ready()).isFalse();
    assertThat(cutOff.live())
        .as("cut off, not dead: it works again once the broker is back")
        .isTrue();
    assertThat(OpsServer.health(cutOff).getBoolean("broker_reachable")).isFalse();
    assertThat(OpsServer.health(cutOff).getBoolean("ready")).isFalse();
    assertThat(OpsServer.health(cutOff).getString("reason"))
        .isEqualTo("the Kafka cluster does not answer");
    assertThat(OpsServer.health(reachable).containsKey("reason")).isFalse();
    PrometheusText cut = scrape(cutOff);
    assertThat(cut.value("srl_actor_broker_reachable")).isZero();
    assertThat(cut.value("srl_actor_ready")).isZero();
    PrometheusText ok = scrape(reachable);
    assertThat(ok.value("srl_actor_broker_reachable")).isEqualTo(1);
    assertThat(ok.value("srl_actor_ready")).isEqualTo(1);
  }

  @Test
  void anInstanceWhoseConsumerFailedMakesTheProcessNeitherLiveNorReady() {
    InstanceStatus failed =
        new InstanceStatus(
            "a-1",
            List.of("srl.tasks-1"),
            true,
            3,
            3,
            0,
            0,
            true,
            false,
            false,
            false,
            true,
            Duration.ZERO);
    ActorStatus status = new ActorStatus(List.of(WORKING, failed), 3, false, null, true);

    assertThat(status.live()).isFalse();
    assertThat(status.health().ready()).isFalse();
    assertThat(status.health().reason()).isEqualTo("a-1 failed and takes no more tasks");
  }

  @Test
  void saysWhyItIsNotReady() {
    InstanceStatus loading =
        new InstanceStatus(
            "a-0", List.of(), false, -1, 3, 0, 0, false, false, false, false, false, Duration.ZERO);
    InstanceStatus idle =
        new InstanceStatus(
            "a-1", List.of(), true, 3, 3, 0, 0, false, false, false, false, false, Duration.ZERO);

    assertThat(new ActorStatus(List.of(WORKING), 3, true, null, true).health().reason())
        .isEqualTo("shutting down");
    assertThat(new ActorStatus(List.of(loading), 3, false, null, true).health().reason())
        .isEqualTo("a-0 has not loaded its policy yet");
    assertThat(new ActorStatus(List.of(idle), 3, false, null, true).health().reason())
        .isEqualTo("no task partitions assigned");
    assertThat(new ActorStatus(List.of(idle, WORKING), 3, false, null, true).ready())
        .as("an idle instance beside a working one: the process works")
        .isTrue();
  }

  @Test
  void aTaskConsumerThatStoppedPollingIsStuck() {
    InstanceStatus stuck = WORKING.withSinceLastPoll(Duration.ofSeconds(75));
    InstanceStatus justUnder = WORKING.withSinceLastPoll(ActorStatus.STUCK_AFTER);

    assertThat(new ActorStatus(List.of(stuck), 3, false, null, true).health().reason())
        .isEqualTo("a-0's task consumer has not polled for 75 s (its thread is stuck)");
    assertThat(new ActorStatus(List.of(justUnder), 3, false, null, true).ready()).isTrue();
  }

  private static PrometheusText scrape(ActorStatus status) {
    ActorMetrics metrics = new ActorMetrics();
    metrics.watch(() -> status, List.of("a-0"), false);
    return PrometheusText.parse(metrics.registry().scrape());
  }
}
