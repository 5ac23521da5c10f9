package dev.srlstream.infra.registry;

import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.WorkerExecutor;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.net.PfxOptions;
import java.util.UUID;

/**
 * Opens the store and replays it on the writer thread, then serves the API on 127.0.0.1. Nothing
 * here blocks the event loop.
 */
final class RegistryVerticle extends VerticleBase {

  private static final String LOOPBACK = "127.0.0.1";

  private final RegistryConfig config;
  private final SchemaStore givenStore;
  private SchemaStore store;
  private WorkerExecutor writer;
  private HttpServer server;

  /**
   * @param givenStore the store to use (the caller closes it), or null to open the one the config
   *     names (closed with the verticle)
   */
  RegistryVerticle(RegistryConfig config, SchemaStore givenStore) {
    this.config = config;
    this.givenStore = givenStore;
  }

  /** The port listened on, once started. */
  int port() {
    return server.actualPort();
  }

  @Override
  public Future<?> start() {
    // One thread: writes run one at a time, so ids are never handed out twice. The name is unique
    // so two registries in one Vert.x do not share it.
    writer = vertx.createSharedWorkerExecutor("srl-registry-writer-" + UUID.randomUUID(), 1);
    return writer
        .executeBlocking(this::openService, false)
        .compose(
            service ->
                vertx
                    .createHttpServer(serverOptions())
                    .requestHandler(
                        RegistryRoutes.router(vertx, service, writer, config.security()))
                    .listen(config.port(), LOOPBACK))
        .onSuccess(listening -> server = listening)
        .recover(failure -> release().transform(ignored -> Future.failedFuture(failure)));
  }

  /** HTTPS from the keystore when the config asks for TLS. */
  private HttpServerOptions serverOptions() {
    RegistrySecurity security = config.security();
    HttpServerOptions options = new HttpServerOptions();
    if (security.tls()) {
      options
          .setSsl(true)
          .setKeyCertOptions(
              new PfxOptions()
                  .setPath(security.keystore().toAbsolutePath().toString())
                  .setPassword(security.keystorePassword()));
    }
    return options;
  }

  @Override
  public Future<?> stop() {
    Future<Void> closed = server == null ? Future.succeededFuture() : server.close();
    return closed.eventually(this::release);
  }

  private RegistryService openService() {
    store =
        givenStore != null
            ? givenStore
            : config.inMemoryStore()
                ? new InMemorySchemaStore()
                : KafkaSchemaStore.open(
                    config.bootstrapServers(), config.kafkaConfig(), config.schemasTopic());
    return new RegistryService(store, config.defaultCompatibility());
  }

  /** Closes the store if this verticle opened it, then the writer. */
  private Future<Void> release() {
    if (writer == null) {
      return Future.succeededFuture();
    }
    WorkerExecutor closing = writer;
    writer = null;
    return closing
        .executeBlocking(
            () -> {
              if (store != null && store != givenStore) {
                store.close();
              }
              return null;
            },
            false)
        .<Void>mapEmpty()
        .eventually(closing::close);
  }
}
