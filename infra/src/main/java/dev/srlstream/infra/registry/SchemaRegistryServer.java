package dev.srlstream.infra.registry;

import dev.srlstream.schemas.registry.CompatibilityLevel;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A schema registry speaking Confluent's REST API for Avro schemas, on Vert.x Web, bound to
 * 127.0.0.1 only. Schemas live in a {@link SchemaStore}: the compacted {@code _schemas} topic when
 * the config names a Kafka cluster (the registry is then stateless and restartable), in memory
 * otherwise.
 *
 * <p>The factories block until the server listens (or fail with the reason), so call them from a
 * plain thread, never from a Vert.x event loop. {@link #close()} stops the server and closes the
 * Vert.x instance if the server created it.
 *
 * <pre>{@code
 * try (SchemaRegistryServer registry = SchemaRegistryServer.start(RegistryConfig.inMemory(0))) {
 *   SchemaRegistryClient client = new SchemaRegistryClient(registry.url());
 *   ...
 * }
 * }</pre>
 */
public final class SchemaRegistryServer implements AutoCloseable {

  // Covers creating the topic and replaying it, each bounded by the Kafka store's own timeouts.
  private static final long START_TIMEOUT_SECONDS = 150;
  private static final long STOP_TIMEOUT_SECONDS = 30;
  private static final Logger LOG = LoggerFactory.getLogger(SchemaRegistryServer.class);

  private final Vertx vertx;
  private final boolean ownsVertx;
  private final String deploymentId;
  private final int port;
  private final boolean tls;
  private volatile boolean closed;

  private SchemaRegistryServer(
      Vertx vertx, boolean ownsVertx, String deploymentId, int port, boolean tls) {
    this.tls = tls;
    this.vertx = vertx;
    this.ownsVertx = ownsVertx;
    this.deploymentId = deploymentId;
    this.port = port;
  }

  /** Starts a registry on its own Vert.x, with the store the config names. */
  public static SchemaRegistryServer start(RegistryConfig config) {
    return start(null, config, null);
  }

  /**
   * Starts a registry on its own Vert.x, with a given store (the config's store settings are then
   * unused). The caller keeps ownership of the store and closes it.
   */
  public static SchemaRegistryServer start(RegistryConfig config, SchemaStore store) {
    return start(null, config, Objects.requireNonNull(store, "store"));
  }

  /**
   * Starts a registry.
   *
   * @param vertx the Vert.x to run on (left open by {@link #close()}), or null to create one
   * @param config the configuration
   * @param store the store to use (owned by the caller), or null to open the one {@code config}
   *     names (closed by {@link #close()})
   * @throws IllegalStateException when the registry could not start, with the reason
   */
  public static SchemaRegistryServer start(Vertx vertx, RegistryConfig config, SchemaStore store) {
    Objects.requireNonNull(config, "config");
    boolean ownsVertx = vertx == null;
    Vertx runtime = ownsVertx ? Vertx.vertx() : vertx;
    RegistryVerticle verticle = new RegistryVerticle(config, store);
    try {
      String deploymentId =
          runtime.deployVerticle(verticle).await(START_TIMEOUT_SECONDS, TimeUnit.SECONDS);
      return new SchemaRegistryServer(
          runtime, ownsVertx, deploymentId, verticle.port(), config.security().tls());
    } catch (Exception e) {
      if (ownsVertx) {
        awaitQuietly(runtime.close());
      }
      throw new IllegalStateException(
          "schema registry could not start on 127.0.0.1:"
              + config.port()
              + (config.inMemoryStore()
                  ? ""
                  : " with topic " + config.schemasTopic() + " on " + config.bootstrapServers())
              + ": "
              + e.getMessage(),
          e);
    }
  }

  /** The base URL, {@code http://127.0.0.1:<port>} ({@code https} with TLS). */
  public String url() {
    return (tls ? "https" : "http") + "://127.0.0.1:" + port;
  }

  /** The port listened on (the one picked when the config asked for 0). */
  public int port() {
    return port;
  }

  /** Stops the server (and the store it opened, and its Vert.x if it created it). Idempotent. */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    awaitQuietly(vertx.undeploy(deploymentId));
    if (ownsVertx) {
      awaitQuietly(vertx.close());
    }
  }

  private static void awaitQuietly(Future<?> future) {
    try {
      future.await(STOP_TIMEOUT_SECONDS, TimeUnit.SECONDS);
    } catch (Exception e) {
      // Closing is best effort: log and go on releasing the rest.
      LOG.warn("schema registry shutdown step failed: {}", e.toString());
    }
  }

  /**
   * Runs a registry until the JVM is stopped. Options: {@code --port N} (default 8081), {@code
   * --bootstrap-servers host:port} (default: in-memory store), {@code --compatibility LEVEL}
   * (default BACKWARD), {@code --topic NAME} (default {@value
   * RegistryConfig#DEFAULT_SCHEMAS_TOPIC}).
   */
  public static void main(String[] args) {
    RegistryConfig config;
    try {
      config = parseArgs(args);
    } catch (IllegalArgumentException e) {
      System.err.println(e.getMessage());
      System.err.println(
          "usage: SchemaRegistryServer [--port N] [--bootstrap-servers host:port]"
              + " [--compatibility LEVEL] [--topic NAME]");
      System.exit(2);
      return;
    }
    SchemaRegistryServer server;
    try {
      server = start(config);
    } catch (IllegalStateException e) {
      System.err.println(e.getMessage());
      System.exit(1);
      return;
    }
    Runtime.getRuntime().addShutdownHook(new Thread(server::close, "registry-shutdown"));
    System.out.println("schema registry listening on " + server.url());
  }

  static RegistryConfig parseArgs(String[] args) {
    int port = 8081;
    String bootstrapServers = null;
    CompatibilityLevel level = CompatibilityLevel.BACKWARD;
    String topic = null;
    for (int i = 0; i < args.length; i++) {
      String option = args[i];
      if (i + 1 >= args.length) {
        throw new IllegalArgumentException(option + " must be followed by a value, but was last");
      }
      String value = args[++i];
      switch (option) {
        case "--port" -> port = parsePort(value);
        case "--bootstrap-servers" -> bootstrapServers = value;
        case "--compatibility" -> level = CompatibilityLevel.parse(value);
        case "--topic" -> topic = value;
        default ->
            throw new IllegalArgumentException(
                "option must be one of --port, --bootstrap-servers, --compatibility, --topic, but was '"
                    + option
                    + "'");
      }
    }
    return new RegistryConfig(bootstrapServers, port, level, topic);
  }

  private static int parsePort(String value) {
    try {
      return Integer.parseInt(value);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("port must be a number, but was '" + value + "'");
    }
  }
}
