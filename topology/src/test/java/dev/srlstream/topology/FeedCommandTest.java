package dev.srlstream.topology;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class FeedCommandTest {
  private static final String[] BASE = {
    "feed", "--bootstrap-servers", "127.0.0.1:1", "--schema-registry", "http://127.0.0.1:1"
  };

  @Test
  void badInputsFailBeforeAnythingConnects() {
    CommandRun sft = CommandRun.of(with("--data", "x.jsonl", "--mode", "SFT"));
    assertThat(sft.exitCode()).isEqualTo(1);
    assertThat(sft.err()).contains("--mode must be SRL, RLVR or HOLISTIC", "but was SFT");

    CommandRun epochs = CommandRun.of(with("--data", "x.jsonl", "--epochs", "0"));
    assertThat(epochs.exitCode()).isEqualTo(1);
    assertThat(epochs.err()).contains("--epochs must be >= 1, but was 0");

    CommandRun missing = CommandRun.of(with("--data", "/nonexistent/x.jsonl"));
    assertThat(missing.exitCode()).isEqualTo(1);
    assertThat(missing.err()).contains("--data must be a readable file", "does not exist");

    CommandRun group = CommandRun.of(with("--data", "x.jsonl", "--group-size", "0"));
    assertThat(group.exitCode()).isEqualTo(1);
    assertThat(group.err()).contains("groupSize");
  }

  private static String[] with(String... more) {
    String[] all = new String[BASE.length + more.length];
    System.arraycopy(BASE, 0, all, 0, BASE.length);
    System.arraycopy(more, 0, all, BASE.length, more.length);
    return all;
  }
}
