package dev.srlstream.topology;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.function.Supplier;

/**
 * A minimal HTTP endpoint on 127.0.0.1 for a service's {@code /metrics} (Prometheus text format)
 * and {@code /health}. The JDK's server is enough for a scrape every few seconds.
 */
final class MetricsHttpServer implements AutoCloseable {
  private final HttpServer server;

  private MetricsHttpServer(HttpServer server) {
    this.server = server;
  }

  /**
   * Serves the metrics on 127.0.0.1:port (0 for a free one).
   *
   * @param metrics the Prometheus text, computed on each scrape
   * @param healthy whether {@code /health} answers 200 (else 503)
   */
  static MetricsHttpServer start(int port, Supplier<String> metrics, Supplier<Boolean> healthy) {
    try {
      HttpServer server =
          HttpServer.create(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), port), 0);
      server.createContext(
          "/metrics",
          exchange -> {
            byte[] body = metrics.get().getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", "text/plain; version=0.0.4");
            exchange.sendResponseHeaders(200, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
              out.write(body);
            }
          });
      server.createContext(
          "/health",
          exchange -> {
            boolean ok = healthy.get();
            byte[] body = (ok ? "ok\n" : "not ready\n").getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(ok ? 200 : 503, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
              out.write(body);
            }
          });
      server.start();
      return new MetricsHttpServer(server);
    } catch (IOException e) {
      throw new UncheckedIOException(
          "cannot serve metrics on 127.0.0.1:" + port + ": " + e.getMessage(), e);
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
