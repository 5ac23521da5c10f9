package dev.srlstream.scorer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class ScorerConfigTest {

  /** DESIGN.md, Reward: the default is autojunk=false, not CPython's true. */
  @Test
  void autojunkIsOffByDefaultAndCanBeTurnedOn() {
    assertThat(ScorerConfig.DEFAULT_AUTOJUNK).isFalse();
    assertThat(ScorerConfig.DEFAULTS.autojunk()).isFalse();
    assertThat(ScorerConfig.DEFAULTS.withAutojunk(true).autojunk()).isTrue();
    assertThat(ScorerConfig.DEFAULTS.withAutojunk(true).withAutojunk(false))
        .isEqualTo(ScorerConfig.DEFAULTS);
  }

  @Test
  void badValuesAreRefusedWithTheValue() {
    assertThatThrownBy(() -> ScorerConfig.DEFAULTS.withDynamicSamplingEpsilon(-0.1))
        .hasMessage("dynamicSamplingEpsilon must be a finite number >= 0, but was -0.1");
    assertThatThrownBy(() -> ScorerConfig.DEFAULTS.withDynamicSamplingEpsilon(Double.NaN))
        .hasMessage("dynamicSamplingEpsilon must be a finite number >= 0, but was NaN");
    assertThatThrownBy(
            () -> ScorerConfig.DEFAULTS.withGroupTimeout(Duration.ZERO, PartialGroupPolicy.EMIT))
        .hasMessage("groupTimeout must be a positive duration, but was PT0S");
    assertThatThrownBy(() -> ScorerConfig.DEFAULTS.withUnknownInstanceGrace(null))
        .hasMessage("unknownInstanceGrace must be a positive duration, but was null");
    assertThatThrownBy(() -> ScorerConfig.DEFAULTS.withMaxResponseChars(0))
        .hasMessage("maxResponseChars must be >= 1, but was 0");
  }
}
