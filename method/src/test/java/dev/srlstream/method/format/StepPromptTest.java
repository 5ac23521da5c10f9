package dev.srlstream.method.format;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class StepPromptTest {

  @Test
  void aStepPromptListsTheEarlierStepsAndAsksForTheNext() {
    assertThat(StepPrompt.text("(3 + 4) × 5", List.of("3 + 4 = 7"), null))
        .isEqualTo("Problem: (3 + 4) × 5\nStep 1: 3 + 4 = 7\nStep 2:");
    assertThat(StepPrompt.text("q", List.of(), "multiply\nfirst"))
        .isEqualTo("Problem: q\nHint: multiply first\nStep 1:");
    assertThat(StepPrompt.text("q\r\n2", List.of(" a\nb "), " "))
        .as("fields on one line, a blank hint left out")
        .isEqualTo("Problem: q 2\nStep 1: a b\nStep 2:");
  }
}
