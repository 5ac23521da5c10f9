package dev.srlstream.infra;

import dev.srlstream.infra.kafka.BrokerConfig;
import dev.srlstream.infra.kafka.EmbeddedKafkaBroker;
import dev.srlstream.infra.kafka.TopicProvisioner;
import dev.srlstream.infra.registry.RegistryConfig;
import dev.srlstream.infra.registry.SchemaRegistryServer;
import dev.srlstream.schemas.Topics;
import java.nio.file.Path;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;

/**
 * Everything a local run needs, in one JVM: an embedded single-node KRaft broker, the catalogue's
 * topics, and a schema registry that keeps its schemas on that broker. All of it binds 127.0.0.1.
 * This is what {@code srl infra up} runs, and what the other commands start when no {@code
 * --bootstrap-servers} is given.
 */
public final class LocalInfrastructure implements AutoCloseable {

  /**
   * @param dataDir where the broker keeps its log; null for a temporary directory deleted on close.
   *     A given directory is kept, so topics, records and registered schemas survive a restart.
   * @param kafkaPort the broker's port on 127.0.0.1, 0 for a free one
   * @param registryPort the registry's port on 127.0.0.1, 0 for a free one
   */
  public record Config(Path dataDir, int kafkaPort, int registryPort) {
    public Config {
      requirePort("kafkaPort", kafkaPort);
      requirePort("registryPort", registryPort);
      if (kafkaPort != 0 && kafkaPort == registryPort) {
        throw new IllegalArgumentException(
            "kafkaPort and registryPort must differ, but both were " + kafkaPort);
      }
    }

    /** Free ports and a temporary data directory. */
    public static Config ephemeral() {
      return new Config(null, 0, 0);
    }

    private static void requirePort(String name, int port) {
      if (port < 0 || port > 65535) {
        throw new IllegalArgumentException(name + " must be 0..65535, but was " + port);
      }
    }
  }

  private final EmbeddedKafkaBroker broker;
  private final SchemaRegistryServer registry;

  private LocalInfrastructure(EmbeddedKafkaBroker broker, SchemaRegistryServer registry) {
    this.broker = broker;
    this.registry = registry;
  }

  /** Starts the broker, creates the catalogue's topics and starts the registry. */
  public static LocalInfrastructure start(Config config) {
    // The broker checks its own ports; the registry's is checked before anything starts too.
    LoopbackPorts.requireFree("schema registry", config.registryPort());
    BrokerConfig brokerConfig =
        BrokerConfig.ephemeral()
            .withPorts(config.kafkaPort(), 0)
            .withDataDir(config.dataDir())
            .withKeepData(config.dataDir() != null);
    EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start(brokerConfig);
    try {
      try (Admin admin =
          Admin.create(
              Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers()))) {
        TopicProvisioner.provision(admin, Topics.ALL);
      }
      SchemaRegistryServer registry =
          SchemaRegistryServer.start(
              RegistryConfig.kafka(broker.bootstrapServers(), config.registryPort()));
      return new LocalInfrastructure(broker, registry);
    } catch (RuntimeException | Error e) {
      broker.close();
      throw e;
    }
  }

  /** The broker's address, {@code 127.0.0.1:<port>}. */
  public String bootstrapServers() {
    return broker.bootstrapServers();
  }

  /** The registry's URL, {@code http://127.0.0.1:<port>}. */
  public String schemaRegistryUrl() {
    return registry.url();
  }

  /** Where the broker keeps its log. */
  public Path dataDir() {
    return broker.dataDir();
  }

  /** Stops the registry, then the broker (the registry's store lives on the broker). */
  @Override
  public void close() {
    try {
      registry.close();
    } finally {
      broker.close();
    }
  }
}
