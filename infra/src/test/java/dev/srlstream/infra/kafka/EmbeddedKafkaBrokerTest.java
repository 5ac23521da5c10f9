package dev.srlstream.infra.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;
import kafka.server.KafkaConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The parts of the embedded broker that need no running broker. */
class EmbeddedKafkaBrokerTest {

  @Test
  void aBrokerPortInUseFailsFastNamingThePortAndCreatesNothing(@TempDir Path tmp) throws Exception {
    Path dataDir = tmp.resolve("kafka");
    try (ServerSocket taken = bindLoopback()) {
      int port = taken.getLocalPort();
      BrokerConfig config = BrokerConfig.ephemeral().withDataDir(dataDir).withPorts(port, 0);

      assertThatThrownBy(() -> EmbeddedKafkaBroker.start(config))
          .isInstanceOf(IllegalStateException.class)
          .hasMessage("Kafka broker port " + port + " on 127.0.0.1 is already in use");
    }
    assertThat(dataDir).doesNotExist();
  }

  @Test
  void aControllerPortInUseFailsFastNamingThePort(@TempDir Path tmp) throws Exception {
    Path dataDir = tmp.resolve("kafka");
    try (ServerSocket taken = bindLoopback()) {
      int port = taken.getLocalPort();
      BrokerConfig config = BrokerConfig.ephemeral().withDataDir(dataDir).withPorts(0, port);

      assertThatThrownBy(() -> EmbeddedKafkaBroker.start(config))
          .isInstanceOf(IllegalStateException.class)
          .hasMessage("Kafka controller port " + port + " on 127.0.0.1 is already in use");
    }
    assertThat(dataDir).doesNotExist();
  }

  @Test
  void brokerPropertiesBindEveryListenerOnLoopbackOnly(@TempDir Path tmp) {
    Properties props = EmbeddedKafkaBroker.brokerProperties(tmp, 19092, 19093, Map.of());

    assertThat(props.getProperty("listeners"))
        .isEqualTo("PLAINTEXT://127.0.0.1:19092,CONTROLLER://127.0.0.1:19093");
    assertThat(props.getProperty("advertised.listeners")).isEqualTo("PLAINTEXT://127.0.0.1:19092");
    assertThat(props.getProperty("controller.quorum.voters")).isEqualTo("1@127.0.0.1:19093");
    assertThat(props.getProperty("log.dirs")).isEqualTo(tmp.toAbsolutePath().toString());
  }

  @Test
  void brokerPropertiesAreAllKnownToKafkaAndAccepted(@TempDir Path tmp) {
    Properties props = EmbeddedKafkaBroker.brokerProperties(tmp, 19092, 19093, Map.of());

    // A misspelt key would only be logged as unused by the broker, so check every name.
    assertThat(KafkaConfig.configDef().names()).containsAll(props.stringPropertyNames());
    KafkaConfig config = KafkaConfig.fromProps(props, false);
    assertThat(config.getInt("message.max.bytes")).isEqualTo(EmbeddedKafkaBroker.MAX_MESSAGE_BYTES);
    assertThat(config.getBoolean("auto.create.topics.enable")).isFalse();
  }

  @Test
  void overridesApplyOnTopOfTheDefaults(@TempDir Path tmp) {
    Properties props =
        EmbeddedKafkaBroker.brokerProperties(
            tmp,
            19092,
            19093,
            Map.of("group.initial.rebalance.delay.ms", "500", "num.io.threads", "2"));

    assertThat(props.getProperty("group.initial.rebalance.delay.ms")).isEqualTo("500");
    assertThat(props.getProperty("num.io.threads")).isEqualTo("2");
  }

  @Test
  void allowsPolicyVersionsOf64MibPlusOverhead() {
    assertThat(EmbeddedKafkaBroker.MAX_MESSAGE_BYTES).isGreaterThan(64 * 1024 * 1024 + 64 * 1024);
    assertThat(EmbeddedKafkaBroker.SOCKET_REQUEST_MAX_BYTES)
        .isGreaterThan(EmbeddedKafkaBroker.MAX_MESSAGE_BYTES);
  }

  private static ServerSocket bindLoopback() throws Exception {
    ServerSocket socket = new ServerSocket();
    socket.bind(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0));
    return socket;
  }
}
