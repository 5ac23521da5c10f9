package dev.srlstream.infra.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BrokerConfigTest {

  @Test
  void ephemeralUsesATemporaryDirectoryEphemeralPortsAndDeletesOnClose() {
    BrokerConfig config = BrokerConfig.ephemeral();

    assertThat(config.dataDir()).isNull();
    assertThat(config.port()).isZero();
    assertThat(config.controllerPort()).isZero();
    assertThat(config.keepData()).isFalse();
    assertThat(config.overrides()).isEmpty();
  }

  @Test
  void rejectsPortsOutsideTheTcpRange() {
    assertThatThrownBy(() -> new BrokerConfig(null, 70000, 0, false, Map.of()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("port must be 0..65535, but was 70000");
    assertThatThrownBy(() -> new BrokerConfig(null, -1, 0, false, Map.of()))
        .hasMessage("port must be 0..65535, but was -1");
    assertThatThrownBy(() -> new BrokerConfig(null, 0, 65536, false, Map.of()))
        .hasMessage("controllerPort must be 0..65535, but was 65536");
  }

  @Test
  void acceptsTheBoundsOfThePortRange() {
    BrokerConfig config = new BrokerConfig(null, 65535, 1, false, Map.of());

    assertThat(config.port()).isEqualTo(65535);
    assertThat(config.controllerPort()).isEqualTo(1);
  }

  @Test
  void rejectsTheSameFixedPortTwiceButAllowsTwoEphemeralOnes() {
    assertThatThrownBy(() -> BrokerConfig.ephemeral().withPorts(9092, 9092))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("controllerPort must differ from port, but both were 9092");
    assertThat(BrokerConfig.ephemeral().withPorts(0, 0).port()).isZero();
  }

  @Test
  void rejectsADataDirThatIsAFile(@TempDir Path tmp) throws Exception {
    Path file = Files.writeString(tmp.resolve("not-a-dir"), "x");

    assertThatThrownBy(() -> BrokerConfig.ephemeral().withDataDir(file))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("dataDir must be a directory or absent, but was a file: " + file);
  }

  @Test
  void acceptsADataDirThatDoesNotExistYet(@TempDir Path tmp) {
    Path dir = tmp.resolve("later");

    assertThat(BrokerConfig.ephemeral().withDataDir(dir).dataDir()).isEqualTo(dir);
  }

  @Test
  void rejectsOverridesOfTheListenersAndTheLogDirectory() {
    assertThatThrownBy(
            () -> BrokerConfig.ephemeral().withOverride("listeners", "PLAINTEXT://0.0.0.0:9092"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("overrides must not set 'listeners'")
        .hasMessageEndingWith("but was 'listeners=PLAINTEXT://0.0.0.0:9092'");
    for (String key : BrokerConfig.MANAGED_KEYS) {
      assertThatThrownBy(() -> BrokerConfig.ephemeral().withOverride(key, "x"))
          .as(key)
          .hasMessageStartingWith("overrides must not set '" + key + "'");
    }
  }

  @Test
  void rejectsBlankKeysAndNullValues() {
    Map<String, String> nullValue = new HashMap<>();
    nullValue.put("log.retention.ms", null);
    Map<String, String> nullKey = new HashMap<>();
    nullKey.put(null, "1");

    assertThatThrownBy(() -> new BrokerConfig(null, 0, 0, false, nullValue))
        .hasMessage("override value of 'log.retention.ms' must not be null, but was null");
    assertThatThrownBy(() -> new BrokerConfig(null, 0, 0, false, nullKey))
        .hasMessage("override keys must be non-blank, but was null");
    assertThatThrownBy(() -> new BrokerConfig(null, 0, 0, false, Map.of(" ", "1")))
        .hasMessage("override keys must be non-blank, but was ' '");
  }

  @Test
  void copiesTheOverridesAndTreatsNullAsNone() {
    Map<String, String> overrides = new HashMap<>(Map.of("num.io.threads", "2"));
    BrokerConfig config = new BrokerConfig(null, 0, 0, true, overrides);
    overrides.put("num.network.threads", "2");

    assertThat(config.overrides()).containsExactly(Map.entry("num.io.threads", "2"));
    assertThatThrownBy(() -> config.overrides().put("a", "b"))
        .isInstanceOf(UnsupportedOperationException.class);
    assertThat(new BrokerConfig(null, 0, 0, false, null).overrides()).isEmpty();
  }

  @Test
  void withersChangeOnlyTheirField(@TempDir Path tmp) {
    BrokerConfig config =
        BrokerConfig.ephemeral()
            .withDataDir(tmp)
            .withKeepData(true)
            .withPorts(19092, 19093)
            .withOverride("num.io.threads", "2");

    assertThat(config)
        .isEqualTo(new BrokerConfig(tmp, 19092, 19093, true, Map.of("num.io.threads", "2")));
  }
}
