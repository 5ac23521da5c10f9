package dev.srlstream.scorer;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.api.Test;

class ScorerServiceTest {

  private static ScorerService.Settings settings(Map<String, String> overrides) {
    return new ScorerService.Settings(
        "127.0.0.1:9092",
        "http://127.0.0.1:8081",
        "srl-scorer",
        Path.of("state"),
        2,
        ScorerConfig.DEFAULTS,
        ScorerTopics.LIVE,
        overrides);
  }

  @Test
  void streamsRunExactlyOnceWithOneProduceRequestInFlightAgainstKafka15591() {
    Properties props = ScorerService.streamsProperties(settings(Map.of()));

    assertThat(props.get(StreamsConfig.PROCESSING_GUARANTEE_CONFIG))
        .isEqualTo(StreamsConfig.EXACTLY_ONCE_V2);
    assertThat(
            props.get(
                StreamsConfig.producerPrefix(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION)))
        .isEqualTo(1);
    assertThat(props.get(StreamsConfig.NUM_STREAM_THREADS_CONFIG)).isEqualTo(2);
  }

  @Test
  void aKilledScorersTasksMoveOnAfterTenSecondsNotKafkasFortyFive() {
    Properties props = ScorerService.streamsProperties(settings(Map.of()));

    assertThat(props.get(StreamsConfig.consumerPrefix("session.timeout.ms"))).isEqualTo(10_000);
    assertThat(props.get(StreamsConfig.consumerPrefix("heartbeat.interval.ms"))).isEqualTo(3_333);
  }

  @Test
  void theStreamsProducerBatchesUpTo256KiBAndAnOverrideWins() {
    Properties props = ScorerService.streamsProperties(settings(Map.of()));
    Properties overridden =
        ScorerService.streamsProperties(
            settings(
                Map.of(StreamsConfig.producerPrefix(ProducerConfig.BATCH_SIZE_CONFIG), "16384")));

    assertThat(props.get(StreamsConfig.producerPrefix(ProducerConfig.BATCH_SIZE_CONFIG)))
        .isEqualTo(262_144);
    assertThat(overridden.get(StreamsConfig.producerPrefix(ProducerConfig.BATCH_SIZE_CONFIG)))
        .isEqualTo("16384");
  }

  @Test
  void theChangelogsKeepAnIndexEntryPerMiBNotPer4KiB() {
    Properties props = ScorerService.streamsProperties(settings(Map.of()));

    assertThat(props.get(StreamsConfig.topicPrefix(TopicConfig.INDEX_INTERVAL_BYTES_CONFIG)))
        .isEqualTo(1_048_576);
  }

  @Test
  void overridesWin() {
    Properties props =
        ScorerService.streamsProperties(
            settings(Map.of(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, "50")));

    assertThat(props.get(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG)).isEqualTo("50");
  }
}
