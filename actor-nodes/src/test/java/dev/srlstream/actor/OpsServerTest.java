package dev.srlstream.actor;

import static org.assertj.core.api.Assertions.assertThat;

import dev.srlstream.schemas.PrometheusText;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The endpoint against a status the test sets: /health follows it, /metrics is the registry. */
class OpsServerTest {
  private static final InstanceStatus CONSUMER_FAILED =
      new InstanceStatus(
          "a-0",
          List.of("srl.tasks-0"),
          true,
          3,
          3,
          0,
          0,
          true,
          false,
          false,
          false,
          true,
          Duration.ZERO);

  private final AtomicReference<ActorStatus> status =
      new AtomicReference<>(
          new ActorStatus(List.of(ActorStatusTest.WORKING), 3, false, null, true));
  private final ActorMetrics metrics = new ActorMetrics();
  private Vertx vertx;
  private String url;

  @BeforeEach
  void start() throws Exception {
    vertx = Vertx.vertx();
    HttpServer server =
        OpsServer.start(vertx, 0, status::get, metrics.registry())
            .toCompletionStage()
            .toCompletableFuture()
            .get(30, TimeUnit.SECONDS);
    url = "http://127.0.0.1:" + server.actualPort();
  }

  @AfterEach
  void stop() throws Exception {
    vertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
  }

  private HttpResponse<String> get(String path) throws Exception {
    return HttpClient.newHttpClient()
        .send(
            HttpRequest.newBuilder(URI.create(url + path)).GET().build(),
            HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void healthTurns503WithTheReasonOnceAnInstanceFailed() throws Exception {
    assertThat(get("/health").statusCode()).isEqualTo(200);
    assertThat(get("/health/live").statusCode()).isEqualTo(200);

    status.set(new ActorStatus(List.of(CONSUMER_FAILED), 3, false, null, true));

    HttpResponse<String> health = get("/health");
    assertThat(health.statusCode()).isEqualTo(503);
    assertThat(new JsonObject(health.body()).getString("reason"))
        .isEqualTo("a-0 failed and takes no more tasks");
    assertThat(get("/health/live").statusCode()).isEqualTo(503);
    HttpResponse<String> ready = get("/health/ready");
    assertThat(ready.statusCode()).isEqualTo(503);
    assertThat(new JsonObject(ready.body()).getString("reason"))
        .isEqualTo("a-0 failed and takes no more tasks");
  }

  @Test
  void readyTurns503WhileTheClusterDoesNotAnswerButTheProcessStaysLive() throws Exception {
    status.set(new ActorStatus(List.of(ActorStatusTest.WORKING), 3, false, null, false));

    assertThat(get("/health/ready").statusCode()).isEqualTo(503);
    assertThat(get("/health/live").statusCode()).isEqualTo(200);
  }

  @Test
  void metricsServesTheRegistry() throws Exception {
    metrics.groupDelivered(8, 100);

    HttpResponse<String> scrape = get("/metrics");

    assertThat(scrape.statusCode()).isEqualTo(200);
    assertThat(scrape.headers().firstValue("Content-Type"))
        .hasValueSatisfying(type -> assertThat(type).startsWith("text/plain; version=0.0.4"));
    PrometheusText text = PrometheusText.parse(scrape.body());
    assertThat(text.types()).containsEntry("srl_actor_rollouts_total", "counter");
    assertThat(text.value("srl_actor_rollouts_total")).isEqualTo(8);
  }
}
