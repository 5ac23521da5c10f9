package dev.srlstream.infra.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import dev.srlstream.schemas.BrokerProbe;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A service's view of its cluster: reachable, cut off while the broker is down, back after. */
class BrokerProbeIT {

  @Test
  void theProbeTurnsUnreachableWhileTheBrokerIsDownAndReachableOnceItIsBack(@TempDir Path tmp)
      throws Exception {
    BrokerConfig config =
        BrokerConfig.ephemeral()
            .withDataDir(tmp.resolve("kafka"))
            .withKeepData(true)
            .withPorts(freePort(), freePort());
    EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start(config);
    try (BrokerProbe probe =
        BrokerProbe.start(
            broker.bootstrapServers(),
            Map.of(),
            "it",
            Duration.ofMillis(200),
            Duration.ofSeconds(2))) {
      await("an answer", () -> probe.answers() > 0);
      assertThat(probe.reachable()).isTrue();

      broker.close();
      await("cut off", () -> !probe.reachable());
      assertThat(probe.sinceLastAnswer()).isGreaterThan(Duration.ofSeconds(2));

      long answersWhileDown = probe.answers();
      broker = EmbeddedKafkaBroker.start(config);
      await("reachable again", probe::reachable);
      assertThat(probe.answers()).isGreaterThan(answersWhileDown);
    } finally {
      broker.close();
    }
  }

  private static void await(String what, BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (!condition.getAsBoolean()) {
      assertThat(System.nanoTime()).as("gave up waiting for %s", what).isLessThan(deadline);
      Thread.sleep(50);
    }
  }

  private static int freePort() throws Exception {
    try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    }
  }
}
