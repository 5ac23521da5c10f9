package dev.srlstream.infra.kafka;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/**
 * How to run an {@link EmbeddedKafkaBroker}: an immutable, validated value.
 *
 * <p>Bad values fail in the constructor with a message of the form {@code "port must be 0..65535,
 * but was 70000"}.
 *
 * @param dataDir the directory the broker keeps its log in ({@code log.dirs}); {@code null} means a
 *     fresh temporary directory. A directory that already holds a formatted log ({@code
 *     meta.properties}) is reused, not reformatted, so a broker restarted on it sees its old topics
 *     and records. A directory that does not exist yet is created.
 * @param port the PLAINTEXT port clients connect to on 127.0.0.1; 0 picks a free ephemeral port
 * @param controllerPort the KRaft controller port on 127.0.0.1; 0 picks a free ephemeral port
 * @param keepData whether {@link EmbeddedKafkaBroker#close()} keeps the data directory; when false
 *     the directory is deleted on close, <em>including one given explicitly</em>
 * @param overrides extra broker properties (for example {@code log.retention.check.interval.ms});
 *     {@code null} means none. The keys that decide where the broker listens and stores its log
 *     ({@link #MANAGED_KEYS}) are set by the broker itself and rejected here, so no override can
 *     make it bind anything but 127.0.0.1.
 * @param cluster this node's place in a cluster of several ({@link KraftCluster}); null for a
 *     cluster of this node alone. Its controller port is the cluster's entry for this node
 * @param saslSsl a second listener for clients that authenticate (SASL_SSL, SCRAM), or null
 */
public record BrokerConfig(
    Path dataDir,
    int port,
    int controllerPort,
    boolean keepData,
    Map<String, String> overrides,
    KraftCluster cluster,
    SaslSslListener saslSsl) {

  /** Broker properties {@link EmbeddedKafkaBroker} sets itself and that no override may change. */
  public static final Set<String> MANAGED_KEYS =
      Set.of(
          "process.roles",
          "node.id",
          "broker.id",
          "listeners",
          "advertised.listeners",
          "listener.security.protocol.map",
          "inter.broker.listener.name",
          "controller.listener.names",
          "controller.quorum.voters",
          "controller.quorum.bootstrap.servers",
          "log.dirs",
          "log.dir",
          "metadata.log.dir");

  public BrokerConfig {
    requirePort("port", port);
    requirePort("controllerPort", controllerPort);
    if (cluster != null) {
      if (controllerPort != 0 && controllerPort != cluster.controllerPort()) {
        throw new IllegalArgumentException(
            "controllerPort must be the cluster's for node "
                + cluster.nodeId()
                + " ("
                + cluster.controllerPort()
                + "), but was "
                + controllerPort);
      }
      controllerPort = cluster.controllerPort();
    }
    if (port != 0 && port == controllerPort) {
      throw new IllegalArgumentException(
          "controllerPort must differ from port, but both were " + port);
    }
    if (dataDir != null && Files.exists(dataDir) && !Files.isDirectory(dataDir)) {
      throw new IllegalArgumentException(
          "dataDir must be a directory or absent, but was a file: " + dataDir);
    }
    overrides = validOverrides(overrides);
  }

  /** A single-node cluster. */
  public BrokerConfig(
      Path dataDir, int port, int controllerPort, boolean keepData, Map<String, String> overrides) {
    this(dataDir, port, controllerPort, keepData, overrides, null, null);
  }

  /** A broker on ephemeral ports with a temporary data directory that is deleted on close. */
  public static BrokerConfig ephemeral() {
    return new BrokerConfig(null, 0, 0, false, Map.of());
  }

  /** This configuration as one node of a cluster of several. */
  public BrokerConfig withCluster(KraftCluster newCluster) {
    return new BrokerConfig(dataDir, port, 0, keepData, overrides, newCluster, saslSsl);
  }

  /** This configuration with a SASL_SSL listener for clients that authenticate. */
  public BrokerConfig withSaslSsl(SaslSslListener listener) {
    return new BrokerConfig(dataDir, port, controllerPort, keepData, overrides, cluster, listener);
  }

  /** This configuration with another data directory ({@code null}: a temporary one). */
  public BrokerConfig withDataDir(Path newDataDir) {
    return new BrokerConfig(
        newDataDir, port, controllerPort, keepData, overrides, cluster, saslSsl);
  }

  /** This configuration with other ports (0: ephemeral). */
  public BrokerConfig withPorts(int newPort, int newControllerPort) {
    return new BrokerConfig(
        dataDir, newPort, newControllerPort, keepData, overrides, cluster, saslSsl);
  }

  /** This configuration keeping (or deleting) the data directory on close. */
  public BrokerConfig withKeepData(boolean newKeepData) {
    return new BrokerConfig(
        dataDir, port, controllerPort, newKeepData, overrides, cluster, saslSsl);
  }

  /** This configuration with one more broker property (replacing an earlier value of the key). */
  public BrokerConfig withOverride(String key, String value) {
    Map<String, String> more = new HashMap<>(overrides);
    more.put(key, value);
    return new BrokerConfig(dataDir, port, controllerPort, keepData, more, cluster, saslSsl);
  }

  private static void requirePort(String what, int value) {
    if (value < 0 || value > 65535) {
      throw new IllegalArgumentException(what + " must be 0..65535, but was " + value);
    }
  }

  private static Map<String, String> validOverrides(Map<String, String> overrides) {
    if (overrides == null) {
      return Map.of();
    }
    for (Map.Entry<String, String> e : overrides.entrySet()) {
      String key = e.getKey();
      if (key == null || key.isBlank()) {
        throw new IllegalArgumentException(
            "override keys must be non-blank, but was " + (key == null ? "null" : "'" + key + "'"));
      }
      if (e.getValue() == null) {
        throw new IllegalArgumentException(
            "override value of '" + key + "' must not be null, but was null");
      }
      if (MANAGED_KEYS.contains(key.trim())) {
        throw new IllegalArgumentException(
            "overrides must not set '"
                + key
                + "' (the embedded broker sets it to listen on 127.0.0.1 only), but was '"
                + key
                + "="
                + e.getValue()
                + "'");
      }
    }
    return Map.copyOf(overrides);
  }
}
