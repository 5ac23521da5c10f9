package dev.srlstream.topology;

import static org.assertj.core.api.Assertions.assertThat;

import dev.srlstream.schemas.Topics;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class TopicsCommandTest {

  @Test
  void retentionValuesAreParsedPerTopic() {
    assertThat(
            TopicsCommand.retentions(
                List.of(
                    "srl.rollout-steps=P30D",
                    "srl.step-rewards=forever",
                    "srl.policy-versions=PT12H",
                    "srl.expert-steps=none")))
        .containsEntry("srl.rollout-steps", Optional.of(Duration.ofDays(30)))
        .containsEntry("srl.step-rewards", Optional.empty())
        .containsEntry("srl.policy-versions", Optional.of(Duration.ofHours(12)))
        .containsEntry("srl.expert-steps", Optional.of(Duration.ZERO))
        .hasSize(4);
  }

  @Test
  void badRetentionValuesFailBeforeAnythingConnectsAndSayWhatIsValid() {
    CommandRun unknown = create("--retention", "srl.nope=P1D");
    assertThat(unknown.exitCode()).isEqualTo(1);
    assertThat(unknown.err())
        .contains("--retention must be TOPIC=DURATION", "srl.rollout-steps", "but was srl.nope");

    CommandRun noEquals = create("--retention", "srl.rollout-steps");
    assertThat(noEquals.exitCode()).isEqualTo(1);
    assertThat(noEquals.err()).contains("TOPIC=DURATION", "but was srl.rollout-steps");

    CommandRun words = create("--retention", "srl.rollout-steps=3 days");
    assertThat(words.exitCode()).isEqualTo(1);
    assertThat(words.err())
        .contains("--retention of srl.rollout-steps must be a positive ISO-8601 duration")
        .contains("but was 3 days")
        .doesNotContain("or none");

    CommandRun zero = create("--retention", "srl.rollout-steps=PT0S");
    assertThat(zero.exitCode()).isEqualTo(1);
    assertThat(zero.err()).contains("but was PT0S");

    CommandRun noneOnDelete = create("--retention", "srl.rollout-steps=none");
    assertThat(noneOnDelete.exitCode()).isEqualTo(1);
    assertThat(noneOnDelete.err()).contains("but was none");

    CommandRun negative = create("--retention", "srl.expert-steps=-P1D");
    assertThat(negative.exitCode()).isEqualTo(1);
    assertThat(negative.err()).contains("or forever or none, but was -P1D");
  }

  @Test
  void listShowsEachTopicsRetention() {
    CommandRun list = CommandRun.of("topics", "list");
    assertThat(list.exitCode()).as(list.err()).isZero();
    assertThat(list.out())
        .containsPattern("srl\\.rollout-steps .* delete +7 days")
        .containsPattern("srl\\.expert-steps .* compact +7 days")
        .containsPattern("srl\\.policy-versions .* compact +none");
    assertThat(Topics.ALL).hasSizeGreaterThan(3);
    assertThat(TopicsCommand.retentionText(Topics.TASKS.withRetention(Duration.ofDays(1))))
        .isEqualTo("1 day");
    assertThat(TopicsCommand.retentionText(Topics.TASKS.withRetention(Duration.ofHours(36))))
        .isEqualTo("PT36H");
    assertThat(TopicsCommand.retentionText(Topics.TASKS.withRetention(null))).isEqualTo("forever");
  }

  private static CommandRun create(String... more) {
    String[] base = {"topics", "create", "--bootstrap-servers", "127.0.0.1:1"};
    String[] all = new String[base.length + more.length];
    System.arraycopy(base, 0, all, 0, base.length);
    System.arraycopy(more, 0, all, base.length, more.length);
    return CommandRun.of(all);
  }
}
