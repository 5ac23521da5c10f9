package dev.srlstream.infra.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import kafka.server.KafkaConfig;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** {@code infra/config/server.properties}: the standalone broker's configuration. */
class ServerPropertiesTest {

  // Surefire runs in the module directory.
  private static final Path FILE = Path.of("config", "server.properties");

  private static Properties props;

  @BeforeAll
  static void load() throws Exception {
    props = new Properties();
    try (Reader reader = Files.newBufferedReader(FILE, StandardCharsets.UTF_8)) {
      props.load(reader);
    }
  }

  @Test
  void kafkaAcceptsTheFileAndKnowsEveryKey() {
    assertThat(KafkaConfig.configDef().names()).containsAll(props.stringPropertyNames());

    KafkaConfig config = KafkaConfig.fromProps(props, false);

    assertThat(config.getInt("node.id")).isEqualTo(1);
    assertThat(config.getBoolean("auto.create.topics.enable")).isFalse();
  }

  @Test
  void everyListenerIsOnLoopbackOnTheDocumentedPorts() {
    KafkaConfig config = KafkaConfig.fromProps(props, false);

    List<String> listeners = config.getList("listeners");
    assertThat(listeners)
        .containsExactly("PLAINTEXT://127.0.0.1:9092", "CONTROLLER://127.0.0.1:9093");
    assertThat(config.getList("advertised.listeners"))
        .containsExactly("PLAINTEXT://127.0.0.1:9092");
    assertThat(config.getList("controller.quorum.voters")).containsExactly("1@127.0.0.1:9093");
    for (String listener : listeners) {
      assertThat(listener).matches("[A-Z_]+://127\\.0\\.0\\.1:\\d+");
    }
  }

  @Test
  void theLogLivesUnderTmpSrlKafka() {
    assertThat(props.getProperty("log.dirs")).startsWith("/tmp/srl-kafka/");
  }

  @Test
  void holdsTheSameSettingsAsTheEmbeddedBrokerOnPorts9092And9093() {
    Properties embedded =
        EmbeddedKafkaBroker.brokerProperties(
            Path.of(props.getProperty("log.dirs")), 9092, 9093, Map.of());

    assertThat(props).isEqualTo(embedded);
  }
}
