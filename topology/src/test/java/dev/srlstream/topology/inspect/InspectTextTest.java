package dev.srlstream.topology.inspect;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

class InspectTextTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void longTextIsCutOnOneLine() {
    assertThat(InspectText.oneLine("a\nb", 10)).isEqualTo("a⏎b");
    assertThat(InspectText.oneLine("abcdefghij", 5)).isEqualTo("abcd…");
    assertThat(InspectText.oneLine("😀😀😀", 2)).isEqualTo("😀…");
  }

  @Test
  void theLearnersFateInAFewWords() throws Exception {
    assertThat(InspectText.shortFate(JSON.readTree("{\"fate\":\"trained\",\"version\":4}")))
        .isEqualTo("trained by v4");
    assertThat(
            InspectText.shortFate(
                JSON.readTree("{\"fate\":\"dropped\",\"version\":5,\"reason\":\"stale\"}")))
        .isEqualTo("dropped (stale) before v5");
    assertThat(
            InspectText.shortFate(
                JSON.readTree("{\"fate\":\"trained_by_or_after\",\"version\":2}")))
        .isEqualTo("v2 or later (a bound)");
    assertThat(InspectText.shortFate(JSON.readTree("{\"fate\":\"not_applicable\"}")))
        .isEqualTo("-");
  }
}
