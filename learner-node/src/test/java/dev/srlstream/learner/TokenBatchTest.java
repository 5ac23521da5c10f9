package dev.srlstream.learner;

import static dev.srlstream.learner.TrainerFixtures.group;
import static dev.srlstream.learner.TrainerFixtures.weighted;
import static org.assertj.core.api.Assertions.assertThat;

import dev.srlstream.learner.TrainerFixtures.Rollout;
import dev.srlstream.policy.ByteTokenizer;
import dev.srlstream.schemas.avro.ActionAlignment;
import dev.srlstream.schemas.avro.RolloutSegment;
import dev.srlstream.schemas.avro.TrainingGroup;
import java.util.List;
import org.junit.jupiter.api.Test;

/** How groups and expert rows become the model's teacher-forced, right-padded inputs. */
class TokenBatchTest {

  @Test
  void groupsBecomeRowsScoredExactlyOnTheirResponseTokens() {
    List<WeightedGroup> batch =
        List.of(
            weighted(
                group(
                    "a",
                    new int[] {1, 10, 11},
                    List.of(
                        new Rollout(new int[] {20, 21}, new float[] {-1f, -2f}, 1.0),
                        new Rollout(new int[0], new float[0], 3.0))),
                0.5),
            weighted(
                group(
                    "b",
                    new int[] {1},
                    List.of(
                        new Rollout(new int[] {30, 31, 32}, new float[] {-3f, -4f, -5f}, -2.0))),
                1.0));

    TokenBatch rows = TokenBatch.ofGroups(batch, 263, 32, Credit.SEQUENCE, ByteTokenizer.INSTANCE);

    // The empty response has no row; [1,10,11,20,21] feeds 4 positions, [1,30,31,32] feeds 3.
    assertThat(rows.rows()).isEqualTo(2);
    assertThat(rows.length()).isEqualTo(4);
    assertThat(rows.tokens()).containsExactly(1, 10, 11, 20, /* row 2 */ 1, 30, 31, 0);
    assertThat(rows.targets()).containsExactly(10, 11, 20, 21, /* row 2 */ 30, 31, 32, 0);
    assertThat(rows.mask()).containsExactly(0f, 0f, 1f, 1f, /* row 2 */ 1f, 1f, 1f, 0f);
    assertThat(rows.behaviourLogProbs())
        .containsExactly(0f, 0f, -1f, -2f, /* row 2 */ -3f, -4f, -5f, 0f);
    assertThat(rows.advantages())
        .as("advantage times the group's weight")
        .containsExactly(0f, 0f, 0.5f, 0.5f, /* row 2 */ -2f, -2f, -2f, 0f);
    assertThat(rows.tokenCount()).isEqualTo(5);
  }

  @Test
  void aRolloutBecomesOneRowPerSegmentEachInTheContextItWasSampledIn() {
    TrainingGroup group =
        group(
            "m",
            new int[] {1, 10},
            List.of(
                new Rollout(new int[] {20, 21, 22}, new float[] {-1f, -2f, -3f}, 1.0),
                new Rollout(new int[] {30}, new float[] {-4f}, -1.0)));
    // Rollout 0 was written in two steps, the second sampled after its own context [1, 10, 40].
    group
        .getRollouts()
        .get(0)
        .setSegments(
            List.of(
                new RolloutSegment(List.of(1, 10), List.of(20, 21), List.of(-1f, -2f)),
                new RolloutSegment(List.of(1, 10, 40), List.of(22), List.of(-3f))));

    TokenBatch rows =
        TokenBatch.ofGroups(
            List.of(weighted(group, 2.0)), 263, 32, Credit.SEQUENCE, ByteTokenizer.INSTANCE);

    // [1,10,20,21] and [1,10,40,22] feed 3 positions each; rollout 1, without segments, is one
    // row of the group's prompt and its response: [1,10,30] feeds 2.
    assertThat(rows.rows()).isEqualTo(3);
    assertThat(rows.length()).isEqualTo(3);
    assertThat(rows.tokens()).containsExactly(1, 10, 20, /* */ 1, 10, 40, /* */ 1, 10, 0);
    assertThat(rows.targets()).containsExactly(10, 20, 21, /* */ 10, 40, 22, /* */ 10, 30, 0);
    assertThat(rows.mask()).containsExactly(0f, 1f, 1f, /* */ 0f, 0f, 1f, /* */ 0f, 1f, 0f);
    assertThat(rows.behaviourLogProbs())
        .containsExactly(0f, -1f, -2f, /* */ 0f, 0f, -3f, /* */ 0f, -4f, 0f);
    assertThat(rows.advantages())
        .as("the rollout's advantage (times the weight) on every token of all its segments")
        .containsExactly(0f, 2f, 2f, /* */ 0f, 0f, 2f, /* */ 0f, -2f, 0f);
    assertThat(rows.tokenCount())
        .as("every response token once: the token mean keeps its meaning")
        .isEqualTo(4);
  }

  @Test
  void alignedCreditScalesTheAdvantageOfAOneStepRolloutsActionTokens() {
    // Responses "ab" then the stop token; the expert shares "a" only (byte 0 of 2).
    int a = ByteTokenizer.FIRST_BYTE + 'a';
    int b = ByteTokenizer.FIRST_BYTE + 'b';
    TrainingGroup group =
        group(
            "c",
            new int[] {1},
            List.of(
                Rollout.of(1.0, a, b, ByteTokenizer.EOS),
                Rollout.of(-1.0, a, b, ByteTokenizer.EOS)));
    for (var rollout : group.getRollouts()) {
      rollout.setAlignment(new ActionAlignment(2, 0, 2, List.of(0, 1)));
    }

    TokenBatch sequence =
        TokenBatch.ofGroups(
            List.of(weighted(group, 1.0)), 263, 32, Credit.SEQUENCE, ByteTokenizer.INSTANCE);
    TokenBatch aligned =
        TokenBatch.ofGroups(
            List.of(weighted(group, 1.0)), 263, 32, Credit.ALIGNED, ByteTokenizer.INSTANCE);

    assertThat(sequence.advantages()).containsExactly(1f, 1f, 1f, /* */ -1f, -1f, -1f);
    assertThat(aligned.advantages())
        .as("credit for the shared 'a', blame for the unshared 'b', the stop token in full")
        .containsExactly(1f, 0f, 1f, /* */ -0f, -1f, -1f);
    assertThat(aligned.mask()).isEqualTo(sequence.mask());
  }

  @Test
  void expertRowsAreScoredOnTheirTargets() {
    TokenBatch rows =
        TokenBatch.ofExpert(
            List.of(new int[] {1, 40, 41}, new int[] {1}),
            List.of(new int[] {50, 2}, new int[] {60, 61, 2}),
            263,
            32);
    assertThat(rows.length()).isEqualTo(4);
    assertThat(rows.tokens()).containsExactly(1, 40, 41, 50, /* row 2 */ 1, 60, 61, 0);
    assertThat(rows.targets()).containsExactly(40, 41, 50, 2, /* row 2 */ 60, 61, 2, 0);
    assertThat(rows.mask()).containsExactly(0f, 0f, 1f, 1f, /* row 2 */ 1f, 1f, 1f, 0f);
    assertThat(rows.tokenCount()).isEqualTo(5);
  }
}
