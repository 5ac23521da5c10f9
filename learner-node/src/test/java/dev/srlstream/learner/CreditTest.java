package dev.srlstream.learner;

import static org.assertj.core.api.Assertions.assertThat;

import dev.srlstream.policy.ByteTokenizer;
import dev.srlstream.schemas.avro.ActionAlignment;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class CreditTest {

  /**
   * {@code <think>a</think>4 ÷ 2 = 3}, then the stop token. Bytes: {@code <think>} 0-7, {@code a}
   * 7-8, {@code </think>} 8-16, the action 16-26 ({@code ÷} is two bytes); the expert's {@code 4 ÷
   * 2 = 2} shares every action byte but the last.
   */
  private static final int[] TOKENS = tokens("<think>a</think>4 ÷ 2 = 3");

  private static final ActionAlignment ALL_BUT_THE_RESULT =
      new ActionAlignment(26, 16, 26, List.of(16, 25));

  private static int[] tokens(String text) {
    int[] ids = ByteTokenizer.INSTANCE.encode(text);
    int[] withStop = Arrays.copyOf(ids, ids.length + 1);
    withStop[ids.length] = ByteTokenizer.EOS;
    return withStop;
  }

  @Test
  void theTokensAreWhatTheCommentSays() {
    assertThat(TOKENS).hasSize(3 + 10 + 1);
    assertThat(TOKENS[0]).isEqualTo(ByteTokenizer.THINK_OPEN);
    assertThat(TOKENS[2]).isEqualTo(ByteTokenizer.THINK_CLOSE);
  }

  @Test
  void aBetterThanAverageRolloutCreditsOnlyTheActionTokensTheExpertShares() {
    float[] shares = Credit.ALIGNED.shares(TOKENS, ALL_BUT_THE_RESULT, 0.8, ByteTokenizer.INSTANCE);
    // think tags and monologue, the 9 shared action bytes, the wrong result, the stop token
    assertThat(shares).containsExactly(1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 1);
  }

  @Test
  void aWorseThanAverageRolloutBlamesOnlyTheActionTokensTheExpertDoesNotShare() {
    float[] shares =
        Credit.ALIGNED.shares(TOKENS, ALL_BUT_THE_RESULT, -1.5, ByteTokenizer.INSTANCE);
    assertThat(shares).containsExactly(1, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 1);
  }

  @Test
  void everyByteTokenOfASharedCharacterIsShared() {
    // "4 ÷" is shared (bytes 16-20): tokens 3 and 4, and both tokens of "÷", 5 and 6.
    ActionAlignment firstThree = new ActionAlignment(26, 16, 26, List.of(16, 20));
    float[] shares = Credit.ALIGNED.shares(TOKENS, firstThree, -1.0, ByteTokenizer.INSTANCE);
    assertThat(shares).containsExactly(1, 1, 1, 0, 0, 0, 0, 1, 1, 1, 1, 1, 1, 1);
  }

  @Test
  void theWholeAdvantageWhereThereIsNothingToAlign() {
    assertThat(Credit.SEQUENCE.shares(TOKENS, ALL_BUT_THE_RESULT, 0.8, ByteTokenizer.INSTANCE))
        .as("the paper's credit")
        .isNull();
    assertThat(Credit.ALIGNED.shares(TOKENS, null, 0.8, ByteTokenizer.INSTANCE))
        .as("no alignment: another reward or a malformed response")
        .isNull();
    assertThat(Credit.ALIGNED.shares(TOKENS, ALL_BUT_THE_RESULT, 0.0, ByteTokenizer.INSTANCE))
        .isNull();
  }

  @Test
  void anAlignmentOfAnotherTextIsIgnored() {
    // A response whose bytes were not valid UTF-8 decodes to more bytes than its tokens have.
    ActionAlignment longer = new ActionAlignment(29, 16, 29, List.of(16, 28));
    assertThat(Credit.ALIGNED.shares(TOKENS, longer, 0.8, ByteTokenizer.INSTANCE)).isNull();
  }
}
