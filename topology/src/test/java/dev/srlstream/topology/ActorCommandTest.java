package dev.srlstream.topology;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ActorCommandTest {

  @Test
  void helpTellsWhatItDoes() {
    CommandRun run = CommandRun.of("actor", "--help");
    assertThat(run.exitCode()).isZero();
    assertThat(run.out())
        .contains(
            "srl.tasks",
            "srl.rollout-steps",
            "--count",
            "--max-staleness",
            "--max-downstream-backlog");
  }

  @Test
  void badSettingsFailBeforeAnythingConnects() {
    String[] base = {
      "actor", "--bootstrap-servers", "127.0.0.1:1", "--schema-registry", "http://127.0.0.1:1"
    };
    CommandRun count = CommandRun.of(concat(base, "--count", "0"));
    assertThat(count.exitCode()).isEqualTo(1);
    assertThat(count.err()).contains("instances must be");

    CommandRun noConfig =
        CommandRun.of(concat(base, "--kafka-config", "/nonexistent/c.properties"));
    assertThat(noConfig.exitCode()).isEqualTo(1);
    assertThat(noConfig.err()).contains("--kafka-config must be a readable file", "does not exist");

    CommandRun backlog = CommandRun.of(concat(base, "--max-downstream-backlog", "-1"));
    assertThat(backlog.exitCode()).isEqualTo(1);
    assertThat(backlog.err()).contains("maxDownstreamBacklog must be", "-1");

    CommandRun base2 = CommandRun.of(concat(base, "--base-policy", "/nonexistent/base.bin"));
    assertThat(base2.exitCode()).isEqualTo(1);
    assertThat(base2.err()).contains("--base-policy /nonexistent/base.bin does not exist");

    CommandRun registry =
        CommandRun.of(
            "actor", "--bootstrap-servers", "127.0.0.1:1", "--schema-registry", "ftp://x");
    assertThat(registry.exitCode()).isEqualTo(1);
    assertThat(registry.err())
        .contains("schemaRegistryUrl must be an http(s) URL, but was ftp://x");
  }

  private static String[] concat(String[] base, String... more) {
    String[] all = new String[base.length + more.length];
    System.arraycopy(base, 0, all, 0, base.length);
    System.arraycopy(more, 0, all, base.length, more.length);
    return all;
  }
}
