package dev.srlstream.topology;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.srlstream.learner.LearnerReplay;
import dev.srlstream.policy.SessionThreads;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@code srl replay learner} without a cluster: help, lines, and bad options. */
class ReplayLearnerCommandTest {
  private static final String[] BASE = {
    "replay",
    "learner",
    "--bootstrap-servers",
    "127.0.0.1:1",
    "--schema-registry",
    "http://127.0.0.1:1",
    "--checkpoint-dir",
    "nowhere"
  };

  @Test
  void helpTellsWhatItDoesAndItsExitCodes() {
    CommandRun run = CommandRun.of("replay", "learner", "--help");

    assertThat(run.exitCode()).isZero();
    assertThat(run.out())
        .contains("--checkpoint-dir", "--from-version", "--to-version", "--reference", "--json")
        .contains("trained_batch", "Writes nothing")
        .contains("3   a version differs");
  }

  @Test
  void printsAVersionAsIdenticalOrByHowMuchItDiffers() {
    assertThat(ReplayLearnerCommand.line(outcome(13, true, 0))).isEqualTo("version 13: identical");
    assertThat(ReplayLearnerCommand.line(outcome(14, false, 1.5e-6)))
        .isEqualTo(
            "version 14: differs, max |Δw| = 1.500e-06 (loss recorded 0.500000, replayed 0.500000)");
  }

  @Test
  void badOptionsFailBeforeAnythingConnects() {
    CommandRun range = CommandRun.of(with("--from-version", "5", "--to-version", "5"));
    assertThat(range.exitCode()).isEqualTo(1);
    assertThat(range.err()).contains("--to-version must be above --from-version (5), but was 5");

    CommandRun negative = CommandRun.of(with("--from-version", "-1"));
    assertThat(negative.exitCode()).isEqualTo(1);
    assertThat(negative.err()).contains("--from-version must be >= 0, but was -1");

    CommandRun threads = CommandRun.of(with("--from-version", "1", "--session-threads", "2"));
    assertThat(threads.exitCode()).isEqualTo(1);
    assertThat(threads.err()).contains("--session-threads must be INTRAxINTER", "but was 2");

    CommandRun both =
        CommandRun.of(with("--from-version", "1", "--from-time", "2026-12-04T01:00:00Z"));
    assertThat(both.exitCode()).isEqualTo(2);
    assertThat(both.err()).contains("--from-version", "--from-time", "mutually exclusive");

    CommandRun neither = CommandRun.of(with("--to-version", "3"));
    assertThat(neither.exitCode()).isEqualTo(2);
    assertThat(neither.err()).contains("--from-version", "--from-time");

    CommandRun badTime = CommandRun.of(with("--from-time", "yesterday"));
    assertThat(badTime.exitCode()).isEqualTo(1);
    assertThat(badTime.err())
        .contains("--from-time must be an ISO-8601 instant", "but was yesterday");

    CommandRun missing = CommandRun.of("replay", "learner", "--from-version", "1");
    assertThat(missing.exitCode()).isEqualTo(2);
    assertThat(missing.err()).contains("--checkpoint-dir");
  }

  @Test
  void sessionThreadsParse() {
    assertThat(ReplayLearnerCommand.threads("1x2")).isEqualTo(new SessionThreads(1, 2));
    assertThat(ReplayLearnerCommand.threads(null)).isNull();
    assertThatThrownBy(() -> ReplayLearnerCommand.threads("1x-1"))
        .hasMessageContaining("but was 1x-1");
  }

  private static LearnerReplay.Outcome outcome(long version, boolean identical, double diff) {
    return new LearnerReplay.Outcome(
        version, identical, diff, "a", identical ? "a" : "b", 2, 0, 0.5, 0.5, Map.of(), Map.of());
  }

  private static String[] with(String... more) {
    String[] all = new String[BASE.length + more.length];
    System.arraycopy(BASE, 0, all, 0, BASE.length);
    System.arraycopy(more, 0, all, BASE.length, more.length);
    return all;
  }
}
