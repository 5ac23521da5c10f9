package dev.srlstream.schemas;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import org.apache.kafka.common.header.internals.RecordHeaders;
import org.junit.jupiter.api.Test;

class WarmupRecordsTest {

  @Test
  void recognisesTheWarmupHeader() {
    RecordHeaders headers = new RecordHeaders();
    headers.add("trace", "x".getBytes(UTF_8));
    headers.add(WarmupRecords.HEADER, "1".getBytes(UTF_8));

    assertThat(WarmupRecords.isWarmup(headers)).isTrue();
  }

  @Test
  void ordinaryRecordsAreNotWarmups() {
    RecordHeaders other = new RecordHeaders();
    other.add(WarmupRecords.HEADER, "0".getBytes(UTF_8));
    RecordHeaders nullValue = new RecordHeaders();
    nullValue.add(WarmupRecords.HEADER, null);

    assertThat(WarmupRecords.isWarmup(new RecordHeaders())).isFalse();
    assertThat(WarmupRecords.isWarmup(other)).isFalse();
    assertThat(WarmupRecords.isWarmup(nullValue)).isFalse();
    assertThat(WarmupRecords.isWarmup(null)).isFalse();
  }
}
