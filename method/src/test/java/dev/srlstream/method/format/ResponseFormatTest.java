package dev.srlstream.method.format;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ResponseFormatTest {

  @Test
  void whatTheWriterWritesTheParserReadsBack() {
    String response = ResponseFormat.write("add first", "3 + 4 = 7 → 7 × 5");
    assertThat(response).isEqualTo("<think>add first</think>3 + 4 = 7 → 7 × 5");
    ParsedResponse parsed = ResponseParser.parseStep(response);
    assertThat(parsed.formatOk()).isTrue();
    assertThat(parsed.monologue()).isEqualTo("add first");
    assertThat(parsed.action()).isEqualTo("3 + 4 = 7 → 7 × 5");
    assertThat(ResponseParser.parseStep(ResponseFormat.write("", "x")).action()).isEqualTo("x");
  }

  @Test
  void theLastBalancedBoxIsTheFinalAnswer() {
    assertThat(ResponseFormat.lastBoxed("so \\boxed{3} then \\boxed{\\frac{1}{2}}"))
        .contains("\\frac{1}{2}");
    assertThat(ResponseFormat.lastBoxed("\\boxed{ 3 } and \\boxed{4")).contains(" 3 ");
    assertThat(ResponseFormat.lastBoxed("no box")).isEmpty();
    assertThat(ResponseFormat.givesFinalAnswer("7 × 2 = \\boxed{14}")).isTrue();
    assertThat(ResponseFormat.givesFinalAnswer("7 × 2 = 14")).isFalse();
  }
}
