package dev.srlstream.infra.kafka;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import org.apache.kafka.common.header.internals.RecordHeaders;
import org.junit.jupiter.api.Test;

class TopicProvisionerTest {

  @Test
  void recognisesTheWarmupHeader() {
    RecordHeaders headers = new RecordHeaders();
    headers.add("trace", "x".getBytes(UTF_8));
    headers.add(TopicProvisioner.WARMUP_HEADER, "1".getBytes(UTF_8));

    assertThat(TopicProvisioner.isWarmup(headers)).isTrue();
  }

  @Test
  void ordinaryRecordsAreNotWarmups() {
    RecordHeaders other = new RecordHeaders();
    other.add(TopicProvisioner.WARMUP_HEADER, "0".getBytes(UTF_8));
    RecordHeaders nullValue = new RecordHeaders();
    nullValue.add(TopicProvisioner.WARMUP_HEADER, null);

    assertThat(TopicProvisioner.isWarmup(new RecordHeaders())).isFalse();
    assertThat(TopicProvisioner.isWarmup(other)).isFalse();
    assertThat(TopicProvisioner.isWarmup(nullValue)).isFalse();
    assertThat(TopicProvisioner.isWarmup(null)).isFalse();
  }
}
