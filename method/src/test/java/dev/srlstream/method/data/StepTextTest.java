package dev.srlstream.method.data;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class StepTextTest {

  private static StepText.Parsed parsed(String text) {
    StepText.Outcome outcome = StepText.parse(text);
    assertThat(outcome).isInstanceOf(StepText.Parsed.class);
    return (StepText.Parsed) outcome;
  }

  private static StepText.Failed failed(String text) {
    StepText.Outcome outcome = StepText.parse(text);
    assertThat(outcome).isInstanceOf(StepText.Failed.class);
    return (StepText.Failed) outcome;
  }

  @Test
  void numberedStepsWithTitlesInEveryForm() {
    StepText.Parsed parsed =
        parsed(
            "1. **Plain** a\n"
                + "2. **Colon inside:** b\n"
                + "3. **Colon after**: c\n"
                + "4. **Full stop.** d\n"
                + "5.**No space** e\n"
                + "6. f without a title");

    assertThat(parsed.numbered()).isTrue();
    assertThat(parsed.steps())
        .containsExactly(
            new Step("Plain", "a"),
            new Step("Colon inside", "b"),
            new Step("Colon after", "c"),
            new Step("Full stop", "d"),
            new Step("No space", "e"),
            new Step(null, "f without a title"));
  }

  @Test
  void anActionContinuesOverLinesUntilTheNextStep() {
    StepText.Parsed parsed =
        parsed(
            "Intro that is not a step.\n\n1. **Title**\nfirst line\n\n  second line\n2. next\r\n");

    assertThat(parsed.steps())
        .containsExactly(new Step("Title", "first line\n\n  second line"), Step.of("next"));
  }

  @Test
  void numbersOutOfSequenceOrIndentedContinueTheStep() {
    StepText.Parsed parsed =
        parsed("1. one\n   1. nested\n   2. nested\n3. out of sequence\n2. two\n1. again");

    assertThat(parsed.steps())
        .containsExactly(
            Step.of("one\n   1. nested\n   2. nested\n3. out of sequence"),
            Step.of("two\n1. again"));
  }

  @Test
  void decimalsAreNotStepNumbers() {
    assertThat(parsed("1. x = 1.5\n2.5 is not a step\n2. y").steps())
        .containsExactly(Step.of("x = 1.5\n2.5 is not a step"), Step.of("y"));
  }

  @Test
  void withoutStepOneTheParagraphsAreTheSteps() {
    StepText.Parsed parsed = parsed("First.\nStill first.\n\n \t\n2. Second.\n\n\nThird.");

    assertThat(parsed.numbered()).isFalse();
    assertThat(parsed.steps())
        .containsExactly(Step.of("First.\nStill first."), Step.of("2. Second."), Step.of("Third."));
  }

  @Test
  void oneParagraphIsNotAStepwiseSolution() {
    StepText.Failed failed = failed("Only one paragraph.\nOn two lines.");

    assertThat(failed.reason()).isEqualTo(SkipReason.NO_STEPS);
    assertThat(failed.detail())
        .isEqualTo("no numbered steps ('1. ...') and a single paragraph, so no step-wise solution");
  }

  @Test
  void aStepWithoutActionFails() {
    assertThat(failed("1. **Title only**\n2. b").detail())
        .isEqualTo("step 1 has the title \"Title only\" but no action");
    assertThat(failed("1. a\n2.\n3. c").detail()).isEqualTo("step 2 is empty");
  }
}
