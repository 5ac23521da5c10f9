package dev.srlstream.infra.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.srlstream.schemas.registry.CompatibilityLevel;
import org.junit.jupiter.api.Test;

class RegistryConfigTest {

  @Test
  void defaults() {
    RegistryConfig config = RegistryConfig.inMemory(0);
    assertThat(config.inMemoryStore()).isTrue();
    assertThat(config.schemasTopic()).isEqualTo("_schemas");
    assertThat(config.defaultCompatibility()).isEqualTo(CompatibilityLevel.BACKWARD);
    assertThat(RegistryConfig.kafka("127.0.0.1:9092,localhost:9093", 8081).inMemoryStore())
        .isFalse();
  }

  @Test
  void badValuesFailWithWhatWasExpectedAndWhatCame() {
    assertThatThrownBy(() -> RegistryConfig.inMemory(70000))
        .hasMessage("port must be between 0 (any free port) and 65535, but was 70000");
    assertThatThrownBy(() -> RegistryConfig.kafka("localhost", 0))
        .hasMessageStartingWith("bootstrapServers must be null (in-memory store) or")
        .hasMessageEndingWith("but was 'localhost'");
    assertThatThrownBy(() -> new RegistryConfig(null, 0, null, null))
        .hasMessageStartingWith("defaultCompatibility must be")
        .hasMessageEndingWith("but was null");
    assertThatThrownBy(
            () -> new RegistryConfig(null, 0, CompatibilityLevel.FULL, "no spaces allowed"))
        .hasMessageStartingWith("schemasTopic must be a Kafka topic name")
        .hasMessageEndingWith("but was 'no spaces allowed'");
  }

  @Test
  void mainArgumentsBecomeAConfig() {
    RegistryConfig config =
        SchemaRegistryServer.parseArgs(
            new String[] {
              "--port",
              "0",
              "--compatibility",
              "full",
              "--bootstrap-servers",
              "127.0.0.1:1",
              "--topic",
              "_s"
            });
    assertThat(config)
        .isEqualTo(new RegistryConfig("127.0.0.1:1", 0, CompatibilityLevel.FULL, "_s"));
    assertThat(SchemaRegistryServer.parseArgs(new String[0]).port()).isEqualTo(8081);
    assertThatThrownBy(() -> SchemaRegistryServer.parseArgs(new String[] {"--port"}))
        .hasMessage("--port must be followed by a value, but was last");
    assertThatThrownBy(() -> SchemaRegistryServer.parseArgs(new String[] {"--prot", "1"}))
        .hasMessageEndingWith("but was '--prot'");
  }
}
