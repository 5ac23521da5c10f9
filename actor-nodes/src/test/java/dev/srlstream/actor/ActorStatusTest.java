package dev.srlstream.actor;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class ActorStatusTest {
  private static final InstanceStatus WORKING =
      new InstanceStatus(
          "a-0", List.of("srl.tasks-0"), true, 3, 3, 1, 0, false, false, false, false, false);

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
    String metrics = new ActorMetrics().prometheusText(cutOff);
    assertThat(metrics).contains("srl_actor_broker_reachable 0\n", "srl_actor_ready 0\n");
    assertThat(new ActorMetrics().prometheusText(reachable))
        .contains("srl_actor_broker_reachable 1\n", "srl_actor_ready 1\n");
  }
}
