package dev.srlstream.scorer;

import static org.assertj.core.api.Assertions.assertThat;

import dev.srlstream.schemas.Health;
import dev.srlstream.schemas.PrometheusText;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.streams.KafkaStreams.State;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** {@code /health} and the state gauges of a scorer, from a state the test sets. */
class ScorerHealthTest {

  @Test
  void readyWhileRunningAndTheClusterAnswers() {
    assertThat(ScorerService.health(State.RUNNING, true)).isEqualTo(Health.OK);
  }

  @ParameterizedTest
  @EnumSource(
      value = State.class,
      names = {"RUNNING"},
      mode = EnumSource.Mode.EXCLUDE)
  void notReadyInAnyOtherStateRebalancingIncluded(State state) {
    Health health = ScorerService.health(state, true);

    assertThat(health.ready()).isFalse();
    assertThat(health.reason()).isEqualTo("Kafka Streams is " + state + ", not RUNNING");
  }

  @Test
  void notReadyWhileTheClusterDoesNotAnswerThoughStreamsStaysRunning() {
    assertThat(ScorerService.health(State.RUNNING, false))
        .isEqualTo(Health.notReady("the Kafka cluster does not answer"));
  }

  @Test
  void theGaugesFollowTheStateAndTheProbe() {
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    ScorerCounters counters = new ScorerCounters(registry);
    AtomicReference<State> state = new AtomicReference<>(State.REBALANCING);
    AtomicBoolean reachable = new AtomicBoolean(true);
    counters.watch(state::get, reachable::get);

    PrometheusText rebalancing = PrometheusText.parse(registry.scrape());
    assertThat(rebalancing.types())
        .containsEntry("srl_scorer_running", "gauge")
        .containsEntry("srl_scorer_broker_reachable", "gauge");
    assertThat(rebalancing.value("srl_scorer_running"))
        .as("running or rebalancing: the process works, /health tells whether it is ready")
        .isEqualTo(1);

    state.set(State.ERROR);
    reachable.set(false);
    PrometheusText failed = PrometheusText.parse(registry.scrape());
    assertThat(failed.value("srl_scorer_running")).isZero();
    assertThat(failed.value("srl_scorer_broker_reachable")).isZero();

    counters.close();
    assertThat(registry.getMeters()).isEmpty();
  }
}
