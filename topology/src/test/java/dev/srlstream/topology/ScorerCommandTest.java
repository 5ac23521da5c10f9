package dev.srlstream.topology;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ScorerCommandTest {

  @Test
  void helpTellsWhatItDoesAndTheDefaults() {
    CommandRun run = CommandRun.of("scorer", "--help");
    assertThat(run.exitCode()).isZero();
    assertThat(run.out())
        .contains(
            "exactly_once_v2", "--epsilon", "default: 0.001", "--partial-groups", "EMIT|DROP");
    assertThat(run.out().replaceAll("\\s+", " "))
        .contains("--autojunk=true|false", "Default: false, since", "paper-exact replication");
  }

  @Test
  void theClusterAndRegistryAreRequired() {
    CommandRun run = CommandRun.of("scorer");
    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.err()).contains("--bootstrap-servers", "--schema-registry");
  }

  @Test
  void badSettingsFailBeforeAnythingConnects() {
    String[] base = {
      "scorer", "--bootstrap-servers", "127.0.0.1:1", "--schema-registry", "http://127.0.0.1:1"
    };
    CommandRun epsilon = CommandRun.of(concat(base, "--epsilon", "-1"));
    assertThat(epsilon.exitCode()).isEqualTo(1);
    assertThat(epsilon.err())
        .contains("dynamicSamplingEpsilon must be a finite number >= 0, but was -1.0");

    CommandRun timeout = CommandRun.of(concat(base, "--group-timeout", "PT0S"));
    assertThat(timeout.exitCode()).isEqualTo(1);
    assertThat(timeout.err()).contains("groupTimeout must be a positive duration, but was PT0S");

    CommandRun policy = CommandRun.of(concat(base, "--partial-groups", "sometimes"));
    assertThat(policy.exitCode()).isEqualTo(2);
    assertThat(policy.err()).contains("--partial-groups", "sometimes");

    CommandRun threads = CommandRun.of(concat(base, "--threads", "0"));
    assertThat(threads.exitCode()).isEqualTo(1);
    assertThat(threads.err()).contains("threads must be >= 1, but was 0");
  }

  private static String[] concat(String[] base, String... more) {
    String[] all = new String[base.length + more.length];
    System.arraycopy(base, 0, all, 0, base.length);
    System.arraycopy(more, 0, all, base.length, more.length);
    return all;
  }
}
