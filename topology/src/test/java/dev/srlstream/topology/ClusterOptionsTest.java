package dev.srlstream.topology;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ClusterOptionsTest {
  @TempDir Path dir;

  @Test
  void readsTheClientPropertiesOfTheFile() throws Exception {
    Path file = dir.resolve("client.properties");
    Files.writeString(file, "security.protocol=SASL_SSL\nsasl.mechanism=SCRAM-SHA-256\n");

    assertThat(ClusterOptions.kafkaConfig(file, "--kafka-config"))
        .isEqualTo(Map.of("security.protocol", "SASL_SSL", "sasl.mechanism", "SCRAM-SHA-256"));
    assertThat(ClusterOptions.kafkaConfig(null, "--kafka-config")).isEmpty();
  }

  @Test
  void aFileThatNamesTheServersIsRefused() throws Exception {
    Path file = dir.resolve("client.properties");
    Files.writeString(file, "bootstrap.servers=elsewhere:9092\n");

    assertThatThrownBy(() -> ClusterOptions.kafkaConfig(file, "--kafka-config"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("--kafka-config must not set bootstrap.servers")
        .hasMessageContaining(file.toString());
  }
}
