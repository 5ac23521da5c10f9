package dev.srlstream.schemas;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class PolicyNamesTest {

  @Test
  void aRecordWithoutAPolicyNameBelongsToTheDefaultPolicy() {
    assertThat(PolicyNames.of(null)).isEqualTo("srl");
    assertThat(PolicyNames.belongsTo(null, "srl")).isTrue();
    assertThat(PolicyNames.belongsTo(null, "run-7")).isFalse();
  }

  @Test
  void aNamedRecordBelongsToThatPolicyOnly() {
    assertThat(PolicyNames.of("run-7")).isEqualTo("run-7");
    assertThat(PolicyNames.belongsTo("run-7", "run-7")).isTrue();
    assertThat(PolicyNames.belongsTo("run-7", "srl")).isFalse();
    assertThat(PolicyNames.belongsTo("srl", "srl")).isTrue();
  }

  @Test
  void perPolicyServiceNamesKeepTheDefaultPolicysOldName() {
    assertThat(PolicyNames.qualify("srl-actors", "srl")).isEqualTo("srl-actors");
    assertThat(PolicyNames.qualify("srl-actors", "run-7")).isEqualTo("srl-actors-run-7");
  }

  @Test
  void invalidNamesAreRefusedNamingTheValue() {
    assertThat(PolicyNames.requireValid("--policy", "a.b_c-9")).isEqualTo("a.b_c-9");
    assertThatThrownBy(() -> PolicyNames.requireValid("--policy", "a b"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("--policy must be 1-100 letters, digits, '.', '_' or '-', but was 'a b'");
    assertThatThrownBy(() -> PolicyNames.requireValid("--policy", ""))
        .hasMessageContaining("but was ''");
    assertThatThrownBy(() -> PolicyNames.requireValid("--policy", null))
        .hasMessageContaining("but was null");
    assertThatThrownBy(() -> PolicyNames.requireValid("--policy", "x".repeat(101)))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
