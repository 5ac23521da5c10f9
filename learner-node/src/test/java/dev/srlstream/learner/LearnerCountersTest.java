package dev.srlstream.learner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.entry;

import dev.srlstream.schemas.PrometheusText;
import dev.srlstream.schemas.SampleRecords;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class LearnerCountersTest {
  private final PrometheusMeterRegistry registry =
      new PrometheusMeterRegistry(PrometheusConfig.DEFAULT).throwExceptionOnRegistrationFailure();
  private final LearnerCounters counters = new LearnerCounters(registry);

  /** Two updates of two groups each (3 response tokens a rollout, 2 rollouts a group). */
  private void twoUpdates() {
    counters.watch(() -> true);
    for (long staleness : new long[] {0, 1, 1, 2}) {
      counters.trained(new WeightedGroup(SampleRecords.trainingGroup(), 1.0, staleness));
    }
    counters.lastMetrics(Map.of("loss", 0.25, "grad_norm", 1.5));
    counters.updated(Duration.ofMillis(400));
    counters.lastMetrics(Map.of("loss", 0.125, "grad_norm", 0.5));
    counters.updated(Duration.ofMillis(600));
    counters.versionsPublished.increment(2);
    counters.groupsDroppedStale.increment();
    counters.deadLetters.increment(3);
    counters.foreignGroups.increment(4);
    counters.waitingSeconds.increment(1.5);
  }

  @Test
  void theRegistryServesTheDocumentedNamesAndTypes() {
    twoUpdates();

    PrometheusText scrape = PrometheusText.parse(registry.scrape());

    assertThat(scrape.samplesOfType("counter"))
        .containsOnly(
            entry("srl_learner_versions_published_total", 2.0),
            entry("srl_learner_groups_trained_total", 4.0),
            entry("srl_learner_tokens_trained_total", 24.0),
            entry("srl_learner_groups_dropped_stale_total", 1.0),
            entry("srl_learner_dead_letters_total", 3.0),
            entry("srl_learner_foreign_groups_total", 4.0),
            entry("srl_learner_waiting_seconds_total", 1.5),
            entry("srl_learner_groups_by_staleness_total{staleness=\"0\"}", 1.0),
            entry("srl_learner_groups_by_staleness_total{staleness=\"1\"}", 2.0),
            entry("srl_learner_groups_by_staleness_total{staleness=\"2\"}", 1.0));
    assertThat(scrape.samplesOfType("gauge"))
        .containsOnly(
            entry("srl_learner_last_loss", 0.125),
            entry("srl_learner_last_grad_norm", 0.5),
            entry("srl_learner_broker_reachable", 1.0),
            entry("srl_learner_update_seconds_max", 0.6));
    assertThat(scrape.types()).containsEntry("srl_learner_update_seconds", "summary");
    assertThat(scrape.value("srl_learner_update_seconds_count")).isEqualTo(2);
    assertThat(scrape.value("srl_learner_update_seconds_sum")).isEqualTo(1.0);
    assertThat(counters.updateSeconds()).isEqualTo(1.0);
    assertThat(counters.waitingSeconds()).isEqualTo(1.5);
  }

  @Test
  void theGettersReadTheMetersAndGoOnAfterClose() {
    twoUpdates();

    counters.close();

    assertThat(registry.getMeters()).isEmpty();
    assertThat(counters.groupsTrained()).isEqualTo(4);
    assertThat(counters.tokensTrained()).isEqualTo(24);
    assertThat(counters.versionsPublished()).isEqualTo(2);
    assertThat(counters.stalenessHistogram())
        .containsExactly(Map.entry(0L, 1L), Map.entry(1L, 2L), Map.entry(2L, 1L));
    assertThat(counters.lastMetrics()).containsEntry("grad_norm", 0.5);
  }
}
