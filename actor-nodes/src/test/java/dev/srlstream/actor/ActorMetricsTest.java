package dev.srlstream.actor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.entry;

import dev.srlstream.schemas.PrometheusText;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class ActorMetricsTest {
  private static final InstanceStatus HELD_BACK =
      new InstanceStatus(
          "a-0",
          List.of("srl.tasks-0", "srl.tasks-1"),
          true,
          3,
          5,
          2,
          1,
          true,
          false,
          true,
          false,
          false,
          Duration.ZERO);

  private final PrometheusMeterRegistry registry =
      new PrometheusMeterRegistry(PrometheusConfig.DEFAULT).throwExceptionOnRegistrationFailure();
  private final ActorMetrics metrics = new ActorMetrics(registry);

  private void someActivity() {
    metrics.groupDelivered(8, 120);
    metrics.groupDelivered(8, 80);
    metrics.deadLettered(DeadLetterReason.UNDECODABLE);
    metrics.deadLettered(DeadLetterReason.INVALID_FIELD);
    metrics.deadLettered(DeadLetterReason.INVALID_FIELD);
    metrics.foreignTask();
    metrics.released(3);
    metrics.samplingTime(1_500_000_000L);
    metrics.versionSwapped();
    metrics.invalidVersionsFrom(() -> 4);
    metrics.watch(
        () ->
            new ActorStatus(
                List.of(HELD_BACK), 5, false, new DownstreamBacklog.Backlog(49, 3), true),
        List.of("a-0"),
        true);
  }

  @Test
  void theRegistryServesTheDocumentedNamesAndTypes() {
    someActivity();

    PrometheusText scrape = PrometheusText.parse(registry.scrape());

    assertThat(scrape.samplesOfType("counter"))
        .containsOnly(
            entry("srl_actor_rollouts_total", 16.0),
            entry("srl_actor_groups_total", 2.0),
            entry("srl_actor_response_tokens_total", 200.0),
            entry("srl_actor_tasks_completed_total", 2.0),
            entry("srl_actor_tasks_dead_lettered_total{reason=\"UNDECODABLE\"}", 1.0),
            entry("srl_actor_tasks_dead_lettered_total{reason=\"INVALID_FIELD\"}", 2.0),
            entry("srl_actor_tasks_foreign_total", 1.0),
            entry("srl_actor_tasks_released_total", 3.0),
            entry("srl_actor_sampling_seconds_total", 1.5),
            entry("srl_actor_version_swaps_total", 1.0),
            entry("srl_actor_invalid_versions_total", 4.0));
    assertThat(scrape.samplesOfType("gauge"))
        .containsOnly(
            entry("srl_actor_newest_version_seen", 5.0),
            entry("srl_actor_version_lag", 2.0),
            entry("srl_actor_ready", 1.0),
            entry("srl_actor_downstream_rollouts", 49.0),
            entry("srl_actor_downstream_groups", 3.0),
            entry("srl_actor_broker_reachable", 1.0),
            entry("srl_actor_policy_version{actor=\"a-0\"}", 3.0),
            entry("srl_actor_groups_in_flight{actor=\"a-0\"}", 2.0),
            entry("srl_actor_tasks_waiting{actor=\"a-0\"}", 1.0),
            entry("srl_actor_paused{actor=\"a-0\"}", 1.0),
            entry("srl_actor_held_back{actor=\"a-0\"}", 1.0),
            entry("srl_actor_assigned_partitions{actor=\"a-0\"}", 2.0));
    assertThat(scrape.samples()).hasSize(23);
    assertThat(scrape.samples().keySet())
        .as("a rejected policy version is an invalid version, not a task's dead letter")
        .noneMatch(s -> s.contains("INVALID_WEIGHTS"));
  }

  @Test
  void theGettersReadTheMeters() {
    someActivity();

    assertThat(metrics.rollouts()).isEqualTo(16);
    assertThat(metrics.responseTokens()).isEqualTo(200);
    assertThat(metrics.deadLetters(DeadLetterReason.INVALID_FIELD)).isEqualTo(2);
    assertThat(metrics.deadLetters(DeadLetterReason.INVALID_WEIGHTS)).isZero();
    assertThat(metrics.deadLetters()).isEqualTo(3);
    assertThat(metrics.samplingSeconds()).isEqualTo(1.5);
    assertThatThrownBy(() -> metrics.deadLettered(DeadLetterReason.INVALID_WEIGHTS))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void theDownstreamGaugesAreNotANumberBeforeTheFirstMeasurementAndAbsentWhenOff() {
    metrics.watch(
        () -> new ActorStatus(List.of(HELD_BACK), 5, false, null, true), List.of("a-0"), true);
    assertThat(PrometheusText.parse(registry.scrape()).value("srl_actor_downstream_groups"))
        .isNaN();

    ActorMetrics off = new ActorMetrics();
    off.watch(
        () -> new ActorStatus(List.of(HELD_BACK), 5, false, null, true), List.of("a-0"), false);
    assertThat(PrometheusText.parse(off.registry().scrape()).samples())
        .doesNotContainKey("srl_actor_downstream_groups")
        .containsKey("srl_actor_ready");
  }

  @Test
  void closeTakesTheMetersOffTheRegistryButTheGettersGoOn() {
    someActivity();

    metrics.close();

    assertThat(registry.getMeters()).isEmpty();
    assertThat(metrics.rollouts()).isEqualTo(16);
    ActorMetrics successor = new ActorMetrics(registry);
    successor.groupDelivered(8, 1);
    assertThat(PrometheusText.parse(registry.scrape()).value("srl_actor_rollouts_total"))
        .as("the next service on the registry counts from zero")
        .isEqualTo(8);
  }
}
