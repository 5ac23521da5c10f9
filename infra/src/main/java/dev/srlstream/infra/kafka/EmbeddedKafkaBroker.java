package dev.srlstream.infra.kafka;

import dev.srlstream.infra.LoopbackPorts;
import dev.srlstream.schemas.Topics;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import kafka.tools.StorageTool;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ScramCredentialInfo;
import org.apache.kafka.clients.admin.ScramMechanism;
import org.apache.kafka.clients.admin.UserScramCredentialUpsertion;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.utils.Time;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A Kafka node (KRaft broker and controller in one server) running inside this JVM: a cluster of
 * its own by default, or one node of a cluster of several ({@link BrokerConfig#cluster()}, {@link
 * KraftCluster}); for tests and for the {@code srl} command's embedded default.
 *
 * <p>Every listener binds 127.0.0.1 only. The broker accepts records up to {@link
 * #MAX_MESSAGE_BYTES} (policy versions carry model weights), runs transactions (internal topics
 * have replication factor and min ISR 1 on one node, 3 and 2 on three), never auto-creates topics
 * (use {@link TopicProvisioner}) and starts consumer groups without the initial rebalance delay.
 *
 * <pre>{@code
 * try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start(BrokerConfig.ephemeral())) {
 *   String bootstrap = broker.bootstrapServers(); // "127.0.0.1:<port>"
 * }
 * }</pre>
 *
 * <p>Several brokers can run in one JVM (on different ports and data directories); Kafka then logs
 * a warning about a duplicate {@code app-info} MBean, which is harmless.
 */
public final class EmbeddedKafkaBroker implements AutoCloseable {

  /** The only address any listener binds. */
  public static final String HOST = "127.0.0.1";

  /** The largest record batch the broker accepts: a 64 MiB policy version plus 1 MiB headroom. */
  public static final int MAX_MESSAGE_BYTES = Topics.POLICY_VERSION_MAX_BYTES + 1024 * 1024;

  /**
   * The largest request the broker reads: one maximal batch plus batches for other partitions in
   * the same produce request (the producer's {@code max.request.size} bounds what it sends).
   */
  static final int SOCKET_REQUEST_MAX_BYTES = 128 * 1024 * 1024;

  static final int NODE_ID = 1;

  private static final Duration START_TIMEOUT = Duration.ofSeconds(60);
  private static final Logger log = LoggerFactory.getLogger(EmbeddedKafkaBroker.class);

  private final KafkaRaftServer server;
  private final Path dataDir;
  private final boolean keepData;
  private final int port;
  private final int controllerPort;
  private final int saslSslPort; // 0: none
  private boolean closed;

  private EmbeddedKafkaBroker(
      KafkaRaftServer server,
      Path dataDir,
      boolean keepData,
      int port,
      int controllerPort,
      int saslSslPort) {
    this.server = server;
    this.dataDir = dataDir;
    this.keepData = keepData;
    this.port = port;
    this.controllerPort = controllerPort;
    this.saslSslPort = saslSslPort;
  }

  /**
   * Formats the data directory if it holds no log yet, starts the broker and returns once it
   * answers an AdminClient {@code describeCluster}.
   *
   * @throws IllegalStateException if a configured port is already in use on 127.0.0.1 (checked
   *     before anything is started or created), or if the broker fails to start or does not answer
   *     within 60 s; the data directory is then cleaned up as {@link #close()} would
   */
  public static EmbeddedKafkaBroker start(BrokerConfig config) {
    long startNanos = System.nanoTime();
    // Fail fast on a taken port, before a data directory is created or formatted.
    LoopbackPorts.requireFree("Kafka broker", config.port());
    LoopbackPorts.requireFree("Kafka controller", config.controllerPort());
    int[] ports = resolvePorts(config.port(), config.controllerPort());
    int port = ports[0];
    int controllerPort = ports[1];
    SaslSslListener saslSsl = config.saslSsl();
    if (saslSsl != null) {
      LoopbackPorts.requireFree("Kafka SASL_SSL listener", saslSsl.port());
      if (saslSsl.port() == 0) {
        saslSsl =
            new SaslSslListener(
                LoopbackPorts.free(1).get(0), saslSsl.keystore(), saslSsl.keystorePassword());
      }
    }
    KraftCluster cluster =
        config.cluster() != null
            ? config.cluster()
            : new KraftCluster(1, List.of(controllerPort), Uuid.randomUuid().toString());

    Path dataDir = createDataDir(config.dataDir());
    KafkaRaftServer server = null;
    try {
      Properties props = brokerProperties(dataDir, port, cluster, saslSsl, config.overrides());
      if (Files.exists(dataDir.resolve("meta.properties"))) {
        log.info("Reusing the formatted Kafka log in {}", dataDir);
      } else {
        format(props, cluster.clusterId());
      }
      server = new KafkaRaftServer(KafkaConfig.fromProps(props, false), Time.SYSTEM);
      server.startup();
      // A node of several is ready once a majority of the controllers is up: its peers may be
      // starting at the same time, in other threads or processes.
      awaitReady(port, cluster.nodeId());
    } catch (RuntimeException | Error e) {
      try {
        stop(server);
      } catch (RuntimeException stopFailure) {
        e.addSuppressed(stopFailure);
      }
      if (!config.keepData()) {
        deleteRecursively(dataDir);
      }
      if (e instanceof IllegalStateException || e instanceof Error) {
        throw e;
      }
      throw new IllegalStateException(
          "Kafka broker on " + HOST + ":" + port + " failed to start: " + e, e);
    }
    log.info(
        "Kafka broker started on {}:{} (controller {}) in {} ms, data in {}",
        HOST,
        port,
        controllerPort,
        elapsedMillis(startNanos),
        dataDir);
    return new EmbeddedKafkaBroker(
        server,
        dataDir,
        config.keepData(),
        port,
        controllerPort,
        saslSsl == null ? 0 : saslSsl.port());
  }

  /** The bootstrap servers of this broker: {@code "127.0.0.1:<port>"}. */
  public String bootstrapServers() {
    return HOST + ":" + port;
  }

  /**
   * The SASL_SSL listener's address, {@code 127.0.0.1:<port>}.
   *
   * @throws IllegalStateException if the broker has none
   */
  public String saslSslBootstrapServers() {
    if (saslSslPort == 0) {
      throw new IllegalStateException(
          "the broker on " + bootstrapServers() + " has no SASL_SSL listener");
    }
    return HOST + ":" + saslSslPort;
  }

  /**
   * Adds (or replaces) a SCRAM-SHA-256 user for the SASL_SSL listener, and returns once the broker
   * knows it.
   */
  public void addScramUser(String user, String password) {
    try (Admin admin =
        Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers()))) {
      admin
          .alterUserScramCredentials(
              List.of(
                  new UserScramCredentialUpsertion(
                      user, new ScramCredentialInfo(ScramMechanism.SCRAM_SHA_256, 8192), password)))
          .all()
          .get(30, TimeUnit.SECONDS);
      long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
      while (!admin
          .describeUserScramCredentials(List.of(user))
          .all()
          .get(30, TimeUnit.SECONDS)
          .containsKey(user)) {
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException("the SCRAM user " + user + " did not appear");
        }
        Thread.sleep(100);
      }
    } catch (ExecutionException | TimeoutException e) {
      throw new IllegalStateException("could not add the SCRAM user " + user + ": " + e, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while adding the SCRAM user " + user, e);
    }
  }

  /** The PLAINTEXT port clients connect to. */
  public int port() {
    return port;
  }

  /** The KRaft controller port. */
  public int controllerPort() {
    return controllerPort;
  }

  /** The directory holding the broker's log (deleted on close unless {@code keepData}). */
  public Path dataDir() {
    return dataDir;
  }

  /**
   * Shuts the broker down, waits until it has stopped, and deletes the data directory unless the
   * configuration keeps it. Calling it again does nothing.
   */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    long startNanos = System.nanoTime();
    try {
      stop(server);
    } finally {
      if (!keepData) {
        deleteRecursively(dataDir);
      }
    }
    log.info("Kafka broker on {}:{} stopped in {} ms", HOST, port, elapsedMillis(startNanos));
  }

  /**
   * The broker properties for a data directory and two ports, with the overrides applied last.
   * {@code infra/config/server.properties} holds the same settings for a standalone broker.
   */
  static Properties brokerProperties(
      Path logDir, int port, int controllerPort, Map<String, String> overrides) {
    return brokerProperties(
        logDir,
        port,
        new KraftCluster(NODE_ID, List.of(controllerPort), Uuid.randomUuid().toString()),
        null,
        overrides);
  }

  static Properties brokerProperties(
      Path logDir,
      int port,
      KraftCluster cluster,
      SaslSslListener saslSsl,
      Map<String, String> overrides) {
    int controllerPort = cluster.controllerPort();
    Properties p = new Properties();
    p.setProperty("process.roles", "broker,controller");
    p.setProperty("node.id", Integer.toString(cluster.nodeId()));
    p.setProperty("controller.quorum.voters", cluster.voters());
    String secure = saslSsl == null ? "" : ",SASL_SSL://" + HOST + ":" + saslSsl.port();
    p.setProperty(
        "listeners",
        "PLAINTEXT://"
            + HOST
            + ":"
            + port
            + ",CONTROLLER://"
            + HOST
            + ":"
            + controllerPort
            + secure);
    p.setProperty("advertised.listeners", "PLAINTEXT://" + HOST + ":" + port + secure);
    p.setProperty(
        "listener.security.protocol.map",
        "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT" + (saslSsl == null ? "" : ",SASL_SSL:SASL_SSL"));
    if (saslSsl != null) {
      String listener = "listener.name.sasl_ssl.";
      p.setProperty("sasl.enabled.mechanisms", SaslSslListener.MECHANISM);
      p.setProperty(
          listener + "scram-sha-256.sasl.jaas.config",
          "org.apache.kafka.common.security.scram.ScramLoginModule required;");
      p.setProperty(listener + "ssl.keystore.type", "PKCS12");
      p.setProperty(
          listener + "ssl.keystore.location", saslSsl.keystore().toAbsolutePath().toString());
      p.setProperty(listener + "ssl.keystore.password", saslSsl.keystorePassword());
      p.setProperty(listener + "ssl.key.password", saslSsl.keystorePassword());
    }
    p.setProperty("controller.listener.names", "CONTROLLER");
    p.setProperty("inter.broker.listener.name", "PLAINTEXT");
    p.setProperty("log.dirs", logDir.toAbsolutePath().toString());

    // Every internal topic (consumer offsets, transactions, share groups) and every topic created
    // without its own setting: one replica on one node; three, two of which acknowledge a write,
    // on three nodes or more.
    String replicas = Integer.toString(cluster.replicationFactor());
    String inSync = Integer.toString(cluster.minInSyncReplicas());
    p.setProperty("offsets.topic.replication.factor", replicas);
    p.setProperty("transaction.state.log.replication.factor", replicas);
    p.setProperty("transaction.state.log.min.isr", inSync);
    p.setProperty("share.coordinator.state.topic.replication.factor", replicas);
    p.setProperty("share.coordinator.state.topic.min.isr", inSync);
    p.setProperty("default.replication.factor", replicas);
    p.setProperty("min.insync.replicas", inSync);

    // No 3 s wait before the first rebalance of a consumer group: nothing else will join.
    p.setProperty("group.initial.rebalance.delay.ms", "0");
    // Topics come from the catalogue (TopicProvisioner), never from a typo in a client.
    p.setProperty("auto.create.topics.enable", "false");

    // Policy versions carry model weights (up to 64 MiB per record).
    p.setProperty("message.max.bytes", Integer.toString(MAX_MESSAGE_BYTES));
    p.setProperty("replica.fetch.max.bytes", Integer.toString(MAX_MESSAGE_BYTES));
    p.setProperty("socket.request.max.bytes", Integer.toString(SOCKET_REQUEST_MAX_BYTES));

    overrides.forEach(p::setProperty);
    return p;
  }

  /**
   * Picks free ports for the ones given as 0, distinct from each other and from the fixed one.
   *
   * <p>The port is free when the probe socket closes, and another process could take it before the
   * broker binds it. That race is acceptable: the window is a few milliseconds, the kernel hands
   * out ephemeral ports round-robin so it rarely gives the same port again that quickly, and if it
   * happens the broker fails to start with a clear bind error rather than misbehaving.
   */
  private static int[] resolvePorts(int port, int controllerPort) {
    try (ServerSocket first = new ServerSocket();
        ServerSocket second = new ServerSocket()) {
      // Both probes are held open together so the two ports picked differ.
      first.bind(new InetSocketAddress(loopback(), 0));
      second.bind(new InetSocketAddress(loopback(), 0));
      int brokerPort = port != 0 ? port : first.getLocalPort();
      int ctrlPort = controllerPort != 0 ? controllerPort : second.getLocalPort();
      if (brokerPort == ctrlPort) { // a fixed port collided with the other's probe
        ctrlPort = controllerPort != 0 ? controllerPort : first.getLocalPort();
        brokerPort = port != 0 ? port : second.getLocalPort();
      }
      return new int[] {brokerPort, ctrlPort};
    } catch (IOException e) {
      throw new UncheckedIOException("cannot pick a free port on " + HOST, e);
    }
  }

  private static InetAddress loopback() throws IOException {
    return InetAddress.getByName(HOST);
  }

  private static Path createDataDir(Path configured) {
    try {
      return configured == null
          ? Files.createTempDirectory("srl-kafka-")
          : Files.createDirectories(configured);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create the Kafka data directory " + configured, e);
    }
  }

  /** Runs {@code kafka-storage.sh format -t <new cluster id> -c <properties>} in this JVM. */
  private static void format(Properties props, String clusterId) {
    Path file = null;
    ByteArrayOutputStream output = new ByteArrayOutputStream();
    try {
      file = Files.createTempFile("srl-kafka-format-", ".properties");
      try (Writer w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
        props.store(w, "srl-stream embedded broker (formatting only)");
      }
      int exitCode;
      try (PrintStream out = new PrintStream(output, true, StandardCharsets.UTF_8)) {
        exitCode =
            StorageTool.execute(
                new String[] {"format", "-t", clusterId, "-c", file.toString()}, out);
      }
      if (exitCode != 0) {
        throw new IllegalStateException(
            "formatting the Kafka log in "
                + props.getProperty("log.dirs")
                + " failed with exit code "
                + exitCode
                + ": "
                + output.toString(StandardCharsets.UTF_8).trim());
      }
      log.debug("kafka-storage format: {}", output.toString(StandardCharsets.UTF_8).trim());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the properties to format the Kafka log", e);
    } catch (IllegalStateException e) {
      throw e;
    } catch (Exception e) { // StorageTool throws Scala's undeclared TerseException, among others
      throw new IllegalStateException(
          "formatting the Kafka log in "
              + props.getProperty("log.dirs")
              + " failed: "
              + e.getMessage()
              + " "
              + output.toString(StandardCharsets.UTF_8).trim(),
          e);
    } finally {
      if (file != null) {
        deleteRecursively(file);
      }
    }
  }

  /** Waits until the broker lists itself in {@code describeCluster} (it is then unfenced). */
  private static void awaitReady(int port, int nodeId) {
    long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
    Exception last = null;
    try (Admin admin =
        Admin.create(
            Map.of(
                AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
                HOST + ":" + port,
                AdminClientConfig.CLIENT_ID_CONFIG,
                "srl-embedded-broker-readiness",
                AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG,
                2_000,
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG,
                3_000))) {
      while (true) {
        try {
          for (Node node : admin.describeCluster().nodes().get(3, TimeUnit.SECONDS)) {
            if (node.id() == nodeId) {
              return;
            }
          }
        } catch (ExecutionException | TimeoutException e) {
          last = e;
        }
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException(
              "Kafka broker on "
                  + HOST
                  + ":"
                  + port
                  + " did not answer describeCluster within "
                  + START_TIMEOUT.toSeconds()
                  + " s",
              last);
        }
        Thread.sleep(100);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while waiting for the Kafka broker", e);
    }
  }

  private static void stop(KafkaRaftServer server) {
    if (server != null) {
      server.shutdown();
      server.awaitShutdown();
    }
  }

  private static void deleteRecursively(Path path) {
    if (!Files.exists(path)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(path)) {
      for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    } catch (IOException | UncheckedIOException e) {
      log.warn("Could not delete {} entirely: {}", path, e.toString());
    }
  }

  private static long elapsedMillis(long startNanos) {
    return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos);
  }
}
