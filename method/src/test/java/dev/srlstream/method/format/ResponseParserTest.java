package dev.srlstream.method.format;

import static dev.srlstream.method.format.ResponseParser.EMPTY_ACTION;
import static dev.srlstream.method.format.ResponseParser.EXTRA_SOLUTION;
import static dev.srlstream.method.format.ResponseParser.EXTRA_THINK;
import static dev.srlstream.method.format.ResponseParser.MISSING_THINK;
import static dev.srlstream.method.format.ResponseParser.MISSING_THINK_CLOSE;
import static dev.srlstream.method.format.ResponseParser.STRAY_SOLUTION_CLOSE;
import static dev.srlstream.method.format.ResponseParser.STRAY_THINK_CLOSE;
import static dev.srlstream.method.format.ResponseParser.TEXT_AFTER_SOLUTION;
import static dev.srlstream.method.format.ResponseParser.TEXT_BEFORE_SOLUTION;
import static dev.srlstream.method.format.ResponseParser.TEXT_BEFORE_THINK;
import static dev.srlstream.method.format.ResponseParser.UNCLOSED_SOLUTION;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.stream.Stream;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class ResponseParserTest {

  @Nested
  class OneStep {

    static Stream<Arguments> wellFormed() {
      return Stream.of(
          Arguments.of("<think>plan</think>x = 3", "plan", "x = 3"),
          Arguments.of("  \n<think> plan </think>\n  x = 3 \n", "plan", "x = 3"),
          Arguments.of("<think></think>ls -la", "", "ls -la"),
          Arguments.of("<think>a\nb</think><solution>x = 3</solution>", "a\nb", "x = 3"),
          Arguments.of("<think>t</think>\n<solution>\n  x = 3\n</solution>\n", "t", "x = 3"),
          // Tags other than think/solution, and solution tags inside the monologue, are text.
          Arguments.of(
              "<think>maybe <solution>y</solution>?</think><b>x</b>",
              "maybe <solution>y</solution>?",
              "<b>x</b>"),
          Arguments.of("<think>t</think>multi\nline\naction", "t", "multi\nline\naction"),
          Arguments.of(
              "<think>t</think>\uD83D\uDE00 \uD835\uDC65", "t", "\uD83D\uDE00 \uD835\uDC65"));
    }

    @ParameterizedTest
    @MethodSource("wellFormed")
    void wellFormedResponsesGiveMonologueAndAction(
        String response, String monologue, String action) {
      assertThat(ResponseParser.parseStep(response))
          .isEqualTo(new ParsedResponse(true, monologue, action, null));
    }

    static Stream<Arguments> malformed() {
      return Stream.of(
          Arguments.of("", MISSING_THINK),
          Arguments.of("x = 3", MISSING_THINK),
          Arguments.of("plan</think>x = 3", MISSING_THINK),
          Arguments.of("Sure! <think>plan</think>x = 3", TEXT_BEFORE_THINK),
          Arguments.of("</think><think>plan</think>x = 3", TEXT_BEFORE_THINK),
          Arguments.of("<think>plan x = 3", MISSING_THINK_CLOSE),
          Arguments.of("<think>a</think>x = 3<think>b</think>y = 4", EXTRA_THINK),
          Arguments.of("<think>a <think>b</think> c</think>x = 3", EXTRA_THINK),
          Arguments.of("<think>a</think><think>b</think>x = 3", EXTRA_THINK),
          Arguments.of("<think>a</think>x = 3</think>", STRAY_THINK_CLOSE),
          Arguments.of("<think>a</think>", EMPTY_ACTION),
          Arguments.of("<think>a</think>   \n\t ", EMPTY_ACTION),
          Arguments.of("<think>a</think><solution>  </solution>", EMPTY_ACTION),
          Arguments.of("<think>a</think><solution>x = 3", UNCLOSED_SOLUTION),
          Arguments.of("<think>a</think><solution>x = 3</solution> done", TEXT_AFTER_SOLUTION),
          Arguments.of("<think>a</think><solution>x</solution></solution>", TEXT_AFTER_SOLUTION),
          Arguments.of("<think>a</think>So: <solution>x = 3</solution>", TEXT_BEFORE_SOLUTION),
          Arguments.of(
              "<think>a</think><solution>x</solution><solution>y</solution>", EXTRA_SOLUTION),
          Arguments.of("<think>a</think><solution><solution>x</solution>", EXTRA_SOLUTION),
          Arguments.of("<think>a</think>x = 3</solution>", STRAY_SOLUTION_CLOSE));
    }

    @ParameterizedTest
    @MethodSource("malformed")
    void malformedResponsesGiveTheirReason(String response, String reason) {
      assertThat(ResponseParser.parseStep(response)).isEqualTo(ParsedResponse.malformed(reason));
    }

    @Test
    void tagsAreCaseSensitive() {
      assertThat(ResponseParser.parseStep("<THINK>a</THINK>x").reason()).isEqualTo(MISSING_THINK);
    }
  }

  @Nested
  class WholeSolution {

    @Test
    void removesInterleavedThinkBlocksAndJoinsThePiecesWithNewlines() {
      ParsedResponse parsed =
          ResponseParser.parseWhole(
              "<think>first</think> step 1 <think>second</think>\n<solution>step 2</solution> ");
      assertThat(parsed).isEqualTo(ParsedResponse.ok("first\nsecond", "step 1\nstep 2"));
    }

    @Test
    void thinkBlocksAreOptional() {
      assertThat(ResponseParser.parseWhole("  x = 3\ny = 4 "))
          .isEqualTo(ParsedResponse.ok("", "x = 3\ny = 4"));
    }

    static Stream<Arguments> malformed() {
      return Stream.of(
          Arguments.of("<think>a</think>x<think>b", MISSING_THINK_CLOSE),
          Arguments.of("x</think>y", STRAY_THINK_CLOSE),
          Arguments.of("<think>a</think>x</think>", STRAY_THINK_CLOSE),
          Arguments.of("<think>a<think>b</think>c</think>x", EXTRA_THINK),
          Arguments.of("<think>only thinking</think>", EMPTY_ACTION),
          Arguments.of(" <solution> </solution> ", EMPTY_ACTION));
    }

    @ParameterizedTest
    @MethodSource("malformed")
    void malformedResponsesGiveTheirReason(String response, String reason) {
      assertThat(ResponseParser.parseWhole(response)).isEqualTo(ParsedResponse.malformed(reason));
    }
  }

  @Test
  void parsedResponsesAreConsistent() {
    assertThatThrownBy(() -> new ParsedResponse(true, "m", "", null))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new ParsedResponse(false, null, null, null))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new ParsedResponse(false, null, "x", "r"))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
