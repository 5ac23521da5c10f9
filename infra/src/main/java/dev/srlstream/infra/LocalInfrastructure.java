package dev.srlstream.infra;

import static java.util.stream.Collectors.joining;

import dev.srlstream.infra.kafka.BrokerConfig;
import dev.srlstream.infra.kafka.EmbeddedKafkaBroker;
import dev.srlstream.infra.kafka.KraftCluster;
import dev.srlstream.infra.kafka.TopicProvisioner;
import dev.srlstream.infra.registry.RegistryConfig;
import dev.srlstream.infra.registry.SchemaRegistryServer;
import dev.srlstream.schemas.Topics;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.Uuid;

/**
 * Everything a local run needs, in one JVM: an embedded KRaft cluster (one node, or three with
 * every topic on three replicas, two of which must have a write), the catalogue's topics, and a
 * schema registry that keeps its schemas on that cluster. All of it binds 127.0.0.1. This is what
 * {@code srl infra up} runs, and what the other commands start when no {@code --bootstrap-servers}
 * is given.
 */
public final class LocalInfrastructure implements AutoCloseable {

  /**
   * @param dataDir where the broker keeps its log; null for a temporary directory deleted on close.
   *     A given directory is kept, so topics, records and registered schemas survive a restart.
   *     With several brokers, node i keeps it in {@code node-i} under it
   * @param kafkaPort the broker's port on 127.0.0.1, 0 for a free one; with several brokers, node
   *     1's, and node i's is {@code kafkaPort + i - 1}
   * @param registryPort the registry's port on 127.0.0.1, 0 for a free one
   * @param brokers how many brokers: 1, or 3 (or 5) for a cluster that survives the loss of one
   */
  public record Config(Path dataDir, int kafkaPort, int registryPort, int brokers) {
    public Config {
      requirePort("kafkaPort", kafkaPort);
      requirePort("registryPort", registryPort);
      if (brokers != 1 && brokers != 3 && brokers != 5) {
        throw new IllegalArgumentException("brokers must be 1, 3 or 5, but was " + brokers);
      }
      if (kafkaPort != 0 && kafkaPort + brokers - 1 > 65535) {
        throw new IllegalArgumentException(
            "kafkaPort must leave room for " + brokers + " brokers, but was " + kafkaPort);
      }
      if (kafkaPort != 0 && registryPort >= kafkaPort && registryPort < kafkaPort + brokers) {
        throw new IllegalArgumentException(
            "registryPort must differ from the brokers' ports, but was " + registryPort);
      }
    }

    /** One broker. */
    public Config(Path dataDir, int kafkaPort, int registryPort) {
      this(dataDir, kafkaPort, registryPort, 1);
    }

    /** Free ports and a temporary data directory. */
    public static Config ephemeral() {
      return new Config(null, 0, 0);
    }

    /** This configuration with another number of brokers. */
    public Config withBrokers(int count) {
      return new Config(dataDir, kafkaPort, registryPort, count);
    }

    private static void requirePort(String name, int port) {
      if (port < 0 || port > 65535) {
        throw new IllegalArgumentException(name + " must be 0..65535, but was " + port);
      }
    }
  }

  private final List<EmbeddedKafkaBroker> brokers;
  private final SchemaRegistryServer registry;
  private final Path dataDir;

  private LocalInfrastructure(
      List<EmbeddedKafkaBroker> brokers, SchemaRegistryServer registry, Path dataDir) {
    this.brokers = List.copyOf(brokers);
    this.registry = registry;
    this.dataDir = dataDir;
  }

  /** Starts the brokers, creates the catalogue's topics and starts the registry. */
  public static LocalInfrastructure start(Config config) {
    // The brokers check their own ports; the registry's is checked before anything starts too.
    LoopbackPorts.requireFree("schema registry", config.registryPort());
    List<EmbeddedKafkaBroker> brokers =
        config.brokers() == 1 ? List.of(startOne(config)) : startCluster(config);
    try {
      String bootstrap =
          brokers.stream().map(EmbeddedKafkaBroker::bootstrapServers).collect(joining(","));
      try (Admin admin =
          Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
        // The cluster's default replication: 1 on one broker, 3 (2 in sync) on three or more.
        TopicProvisioner.provision(
            admin, Topics.ALL, (short) Math.min(3, brokers.size()), Map.of());
      }
      SchemaRegistryServer registry =
          SchemaRegistryServer.start(RegistryConfig.kafka(bootstrap, config.registryPort()));
      return new LocalInfrastructure(brokers, registry, brokers.get(0).dataDir());
    } catch (RuntimeException | Error e) {
      brokers.forEach(EmbeddedKafkaBroker::close);
      throw e;
    }
  }

  private static EmbeddedKafkaBroker startOne(Config config) {
    return EmbeddedKafkaBroker.start(
        BrokerConfig.ephemeral()
            .withPorts(config.kafkaPort(), 0)
            .withDataDir(config.dataDir())
            .withKeepData(config.dataDir() != null));
  }

  /**
   * Starts every node at once, each on a thread of its own: a node is ready only once a majority of
   * the controllers is up, so started one after the other the first would wait for ever.
   */
  private static List<EmbeddedKafkaBroker> startCluster(Config config) {
    int n = config.brokers();
    KraftCluster cluster = new KraftCluster(1, LoopbackPorts.free(n), Uuid.randomUuid().toString());
    ExecutorService starters = Executors.newFixedThreadPool(n);
    List<Future<EmbeddedKafkaBroker>> starting = new ArrayList<>();
    for (int node = 1; node <= n; node++) {
      BrokerConfig broker =
          BrokerConfig.ephemeral()
              .withPorts(config.kafkaPort() == 0 ? 0 : config.kafkaPort() + node - 1, 0)
              .withDataDir(
                  config.dataDir() == null ? null : config.dataDir().resolve("node-" + node))
              .withKeepData(config.dataDir() != null)
              .withCluster(cluster.forNode(node));
      starting.add(starters.submit(() -> EmbeddedKafkaBroker.start(broker)));
    }
    starters.shutdown();
    List<EmbeddedKafkaBroker> started = new ArrayList<>();
    RuntimeException failure = null;
    for (Future<EmbeddedKafkaBroker> f : starting) {
      try {
        started.add(f.get());
      } catch (ExecutionException e) {
        failure =
            failure != null
                ? failure
                : new IllegalStateException(
                    "a broker of the " + n + "-node cluster failed to start: " + e.getCause(),
                    e.getCause());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        failure = new IllegalStateException("interrupted while starting the cluster", e);
      }
    }
    if (failure != null) {
      started.forEach(EmbeddedKafkaBroker::close);
      throw failure;
    }
    return started;
  }

  /** The brokers' addresses, {@code 127.0.0.1:<port>[,...]}. */
  public String bootstrapServers() {
    return brokers.stream().map(EmbeddedKafkaBroker::bootstrapServers).collect(joining(","));
  }

  /** The brokers, by node id (node 1 first). */
  public List<EmbeddedKafkaBroker> brokers() {
    return brokers;
  }

  /** The registry's URL, {@code http://127.0.0.1:<port>}. */
  public String schemaRegistryUrl() {
    return registry.url();
  }

  /** Where the (first) broker keeps its log. */
  public Path dataDir() {
    return dataDir;
  }

  /** Stops the registry, then the brokers (the registry's store lives on them). */
  @Override
  public void close() {
    try {
      registry.close();
    } finally {
      // A node of several stops after its peers agree it may: close them all at once.
      brokers.parallelStream().forEach(EmbeddedKafkaBroker::close);
    }
  }
}
