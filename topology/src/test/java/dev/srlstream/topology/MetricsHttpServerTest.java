package dev.srlstream.topology;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.srlstream.schemas.Health;
import dev.srlstream.schemas.PrometheusText;
import io.micrometer.core.instrument.Counter;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The scorer's and learner's endpoint, with a health the test sets. */
class MetricsHttpServerTest {
  private final PrometheusMeterRegistry registry = ProcessMeters.registry();
  private final AtomicReference<Health> health = new AtomicReference<>(Health.OK);
  private final MetricsHttpServer server = MetricsHttpServer.start(0, registry, health::get);

  @AfterEach
  void close() {
    server.close();
  }

  private HttpResponse<String> get(String path) throws Exception {
    return HttpClient.newHttpClient()
        .send(
            HttpRequest.newBuilder(URI.create(server.url() + path)).GET().build(),
            HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void healthIs200WhileReadyAnd503WithTheReasonWhenNot() throws Exception {
    HttpResponse<String> ready = get("/health");
    assertThat(ready.statusCode()).isEqualTo(200);
    assertThat(new ObjectMapper().readTree(ready.body()).get("ready").asBoolean()).isTrue();

    health.set(Health.notReady("Kafka Streams is REBALANCING, not RUNNING"));

    HttpResponse<String> notReady = get("/health");
    assertThat(notReady.statusCode()).isEqualTo(503);
    JsonNode body = new ObjectMapper().readTree(notReady.body());
    assertThat(body.get("ready").asBoolean()).isFalse();
    assertThat(body.get("reason").asText()).isEqualTo("Kafka Streams is REBALANCING, not RUNNING");
  }

  @Test
  void metricsIsTheRegistrysScrapeWithTheProcesssMeters() throws Exception {
    Counter.builder("srl_test_things").register(registry).increment(3);

    HttpResponse<String> scrape = get("/metrics");

    assertThat(scrape.statusCode()).isEqualTo(200);
    assertThat(scrape.headers().firstValue("Content-Type"))
        .hasValue("text/plain; version=0.0.4; charset=utf-8");
    PrometheusText text = PrometheusText.parse(scrape.body());
    assertThat(text.types())
        .containsEntry("srl_test_things_total", "counter")
        .containsEntry("jvm_memory_used_bytes", "gauge")
        .containsEntry("process_uptime_seconds", "gauge");
    assertThat(text.value("srl_test_things_total")).isEqualTo(3);
  }
}
