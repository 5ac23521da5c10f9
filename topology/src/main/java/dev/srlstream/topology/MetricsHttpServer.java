package dev.srlstream.topology;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.srlstream.schemas.Health;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.function.Supplier;

/**
 * The operations endpoint of a scorer or learner process, on 127.0.0.1 only: {@code GET /metrics}
 * serves the process's registry in the Prometheus text format (0.0.4), {@code GET /health} answers
 * 200 {@code {"ready":true}} while the service says it is ready, else 503 {@code
 * {"ready":false,"reason":"..."}}. The JDK's server is enough for a scrape every few seconds, and
 * it lives here, in the composition root, because the services are libraries too ({@code srl train}
 * runs all three in one process without an endpoint); the actor process keeps its Vert.x endpoint,
 * on the event loops it has anyway.
 */
final class MetricsHttpServer implements AutoCloseable {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final HttpServer server;

  private MetricsHttpServer(HttpServer server) {
    this.server = server;
  }

  /**
   * Serves {@code registry} and {@code health} on 127.0.0.1:port (0 for a free one).
   *
   * @param health the service's health, asked on each request
   */
  static MetricsHttpServer start(
      int port, PrometheusMeterRegistry registry, Supplier<Health> health) {
    try {
      HttpServer server =
          HttpServer.create(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), port), 0);
      server.createContext(
          "/metrics",
          exchange ->
              respond(
                  exchange, 200, "text/plain; version=0.0.4; charset=utf-8", registry.scrape()));
      server.createContext(
          "/health",
          exchange -> {
            Health now = health.get();
            ObjectNode body = JSON.createObjectNode().put("ready", now.ready());
            if (!now.ready()) {
              body.put("reason", now.reason());
            }
            respond(exchange, now.ready() ? 200 : 503, "application/json", body.toString());
          });
      server.start();
      return new MetricsHttpServer(server);
    } catch (IOException e) {
      throw new UncheckedIOException(
          "cannot serve metrics on 127.0.0.1:" + port + ": " + e.getMessage(), e);
    }
  }

  private static void respond(HttpExchange exchange, int status, String type, String text)
      throws IOException {
    byte[] body = text.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("Content-Type", type);
    exchange.sendResponseHeaders(status, body.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(body);
    }
  }

  String url() {
    return "http://127.0.0.1:" + server.getAddress().getPort();
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
