package dev.srlstream.learner;

import static dev.srlstream.learner.TrainerFixtures.group;
import static dev.srlstream.learner.TrainerFixtures.weighted;
import static org.assertj.core.api.Assertions.assertThat;

import dev.srlstream.learner.TrainerFixtures.Rollout;
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

    TokenBatch rows = TokenBatch.ofGroups(batch, 263, 32);

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
