package dev.srlstream.topology;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.apache.kafka.common.Uuid;
import org.junit.jupiter.api.Test;

class InfraCommandTest {

  @Test
  void helpNamesTheCommandsAndTheClusterOptions() {
    CommandRun run = CommandRun.of("infra", "--help");
    assertThat(run.exitCode()).isZero();
    assertThat(run.out()).contains("up", "broker", "registry");
    assertThat(CommandRun.of("infra", "up", "--help").out()).contains("--brokers");
    assertThat(CommandRun.of("infra", "broker", "--help").out())
        .contains("--node-id", "--controller-ports", "--cluster-id");
  }

  @Test
  void badClusterSettingsFailBeforeAnythingStarts() {
    CommandRun two = CommandRun.of("infra", "up", "--brokers", "2");
    assertThat(two.exitCode()).isEqualTo(1);
    assertThat(two.err()).contains("brokers must be 1, 3 or 5, but was 2");

    String[] node = {
      "infra", "broker", "--controller-ports", "1,2,3", "--kafka-port", "9", "--data-dir", "/tmp/x"
    };
    CommandRun fourth = CommandRun.of(concat(node, "--node-id", "4"));
    assertThat(fourth.exitCode()).isEqualTo(1);
    assertThat(fourth.err()).contains("nodeId must be 1..3, but was 4");

    CommandRun badId = CommandRun.of(concat(node, "--node-id", "1", "--cluster-id", "x"));
    assertThat(badId.exitCode()).isEqualTo(1);
    assertThat(badId.err()).contains("clusterId must be a Kafka cluster id", "but was x");

    CommandRun samePorts =
        CommandRun.of(
            "infra",
            "broker",
            "--node-id",
            "1",
            "--controller-ports",
            "7,7,8",
            "--kafka-port",
            "9",
            "--data-dir",
            "/tmp/x");
    assertThat(samePorts.exitCode()).isEqualTo(1);
    assertThat(samePorts.err()).contains("controllerPorts must differ");
  }

  @Test
  void theNodesOfOneClusterDeriveTheSameClusterIdFromTheirControllerPorts() {
    String id = InfraCommand.Broker.idOf(List.of(19093, 19094, 19095));
    assertThat(InfraCommand.Broker.idOf(List.of(19093, 19094, 19095))).isEqualTo(id);
    assertThat(InfraCommand.Broker.idOf(List.of(19093, 19094, 19096))).isNotEqualTo(id);
    assertThat(Uuid.fromString(id).toString()).isEqualTo(id);
  }

  private static String[] concat(String[] a, String... b) {
    String[] all = java.util.Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, all, a.length, b.length);
    return all;
  }
}
