package dev.srlstream.topology;

import static org.assertj.core.api.Assertions.assertThat;

import dev.srlstream.schemas.TopicSpec;
import dev.srlstream.schemas.Topics;
import java.net.InetAddress;
import java.net.ServerSocket;
import org.junit.jupiter.api.Test;

class SrlCommandTest {

  @Test
  void helpListsTheCommands() {
    CommandRun run = CommandRun.of("--help");
    assertThat(run.exitCode()).isZero();
    assertThat(run.out())
        .contains("Usage: srl", "infra", "topics", "data", "similarity", "reward", "help");
  }

  @Test
  void dataAlonePrintsItsUsage() {
    CommandRun run = CommandRun.of("data");
    assertThat(run.exitCode()).isZero();
    assertThat(run.out()).contains("Usage: srl data", "generate", "import");
  }

  @Test
  void noArgumentsPrintsUsage() {
    CommandRun run = CommandRun.of();
    assertThat(run.exitCode()).isZero();
    assertThat(run.out()).contains("Usage: srl");
  }

  @Test
  void anUnknownCommandIsAUsageError() {
    CommandRun run = CommandRun.of("trian");
    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.err()).contains("Unmatched argument", "trian");
  }

  @Test
  void topicsListPrintsTheWholeCatalogue() {
    CommandRun run = CommandRun.of("topics", "list");
    assertThat(run.exitCode()).isZero();
    for (TopicSpec<?> topic : Topics.ALL) {
      assertThat(run.out()).contains(topic.name(), topic.valueType().getSimpleName());
    }
  }

  @Test
  void topicsCreateNeedsBootstrapServers() {
    CommandRun run = CommandRun.of("topics", "create");
    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.err()).contains("Missing required option: '--bootstrap-servers");
  }

  @Test
  void topicsCreateRefusesABadPartitionCount() {
    CommandRun run =
        CommandRun.of(
            "topics", "create", "--bootstrap-servers", "127.0.0.1:1", "--partitions", "0");
    assertThat(run.exitCode()).isEqualTo(1);
    assertThat(run.err()).contains("--partitions must be >= 1, but was 0");
  }

  @Test
  void topicsCreateNamesAnUnreachableCluster() throws Exception {
    int closedPort;
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      closedPort = socket.getLocalPort();
    }
    String servers = "127.0.0.1:" + closedPort;
    CommandRun run =
        CommandRun.of("topics", "create", "--bootstrap-servers", servers, "--timeout", "PT2S");
    assertThat(run.exitCode()).isEqualTo(1);
    assertThat(run.err()).contains("cannot reach Kafka at " + servers + " within 2 s");
  }
}
