package dev.srlstream.method.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.entry;
import static org.assertj.core.api.Assertions.tuple;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class S1kReaderTest {
  @TempDir Path dir;

  private final Path fixture = Fixtures.resource("s1k.jsonl");

  @Test
  void readsNumberedStepsAndFallsBackToParagraphs() throws IOException {
    ReadResult result = new S1kReader().read(fixture);

    List<ExpertSolution> solutions = result.solutions();
    assertThat(solutions).hasSize(4);

    ExpertSolution titled = solutions.get(0);
    assertThat(titled.id())
        .isEqualTo("s1k-" + Hashes.hexHash(titled.question(), 12))
        .matches("s1k-[0-9a-f]{12}");
    assertThat(titled.steps())
        .as("preamble dropped, titles split off, multi-line actions kept")
        .containsExactly(
            new Step("Set up the equation", "Let the number be $n$. Then\n   $3n + 4 = 19$."),
            new Step("Isolate the term", "Subtract 4: $3n = 15$."),
            new Step("Solve", "Divide by 3, so $n = 5$.\n\nThe answer is $\\boxed{5}$."));
    assertThat(titled.answer()).isEqualTo("5");
    assertThat(titled.source()).isEqualTo("s1k.jsonl");

    ExpertSolution nested = solutions.get(1);
    assertThat(nested.steps())
        .as("deepseek_attempt is null, so attempt is used; the indented sub-list stays in step 1")
        .containsExactly(
            Step.of(
                "Factor the polynomial:\n   1. write $x^2 - 4 = (x - 2)(x + 2)$\n"
                    + "   2. set each factor to zero"),
            Step.of("The positive root is $x = 2$, so \\boxed{2}"));
    assertThat(nested.answer()).isEqualTo("2");

    ExpertSolution paragraphs = solutions.get(2);
    assertThat(paragraphs.steps())
        .as("no numbered steps: one step per paragraph, from gemini_attempt")
        .containsExactly(
            Step.of("First, the angles of a triangle sum to 180°."),
            Step.of("So the third angle is 180 - 50 - 60 = 70°."),
            Step.of("Thus \\boxed{70}."));
    assertThat(paragraphs.answer()).isEqualTo("70");

    ExpertSolution withId = solutions.get(3);
    assertThat(withId.id()).isEqualTo("1001");
    assertThat(withId.answer()).as("nested braces").isEqualTo("\\frac{1}{2}");
  }

  @Test
  void countsEverySkippedRecordWithItsReason() throws IOException {
    ReadResult result = new S1kReader().read(fixture);

    assertThat(result.skipped())
        .extracting(ReadResult.Skipped::line, ReadResult.Skipped::reason)
        .containsExactly(
            tuple(4, SkipReason.NO_STEPS),
            tuple(5, SkipReason.NO_SOLUTION_TEXT),
            tuple(6, SkipReason.EMPTY_STEP),
            tuple(7, SkipReason.DUPLICATE_ID),
            tuple(8, SkipReason.NO_QUESTION));
    assertThat(result.skippedByReason())
        .containsOnly(
            entry(SkipReason.NO_STEPS, 1L),
            entry(SkipReason.NO_SOLUTION_TEXT, 1L),
            entry(SkipReason.EMPTY_STEP, 1L),
            entry(SkipReason.DUPLICATE_ID, 1L),
            entry(SkipReason.NO_QUESTION, 1L));
    assertThat(result.summary())
        .isEqualTo(
            "read 4 solutions, skipped 5 (NO_QUESTION 1, NO_SOLUTION_TEXT 1, NO_STEPS 1,"
                + " EMPTY_STEP 1, DUPLICATE_ID 1)");
    assertThat(result.skipped().get(0).toString())
        .isEqualTo(
            fixture
                + " line 4 (id s1k-"
                + Hashes.hexHash("What is 3 × 4?", 12)
                + "): NO_STEPS: no numbered steps ('1. ...') and a single paragraph, so no"
                + " step-wise solution");
    assertThat(result.skipped().get(1).detail())
        .isEqualTo(
            "none of the fields [deepseek_attempt, attempt, gemini_attempt, solution] holds text");
    assertThat(result.skipped().get(2).detail())
        .isEqualTo("step 1 has the title \"Compute\" but no action");
    assertThat(result.skipped().get(3).detail()).isEqualTo("the same id as line 1");
    assertThat(result.skipped().get(4).detail()).isEqualTo("field 'question' is missing or blank");
  }

  @Test
  void theSolutionFieldOrderIsConfigurable() throws IOException {
    S1kReader reader =
        new S1kReader(
            S1kReader.Config.defaults()
                .withSolutionFields(List.of("gemini_attempt"))
                .withSource("s1K-1.1"));

    ReadResult result = reader.read(fixture);

    assertThat(result.solutions())
        .extracting(ExpertSolution::question)
        .containsExactly("Two angles of a triangle are 50° and 60°. Find the third.");
    assertThat(result.solutions().get(0).source()).isEqualTo("s1K-1.1");
    // Record 1's gemini_attempt "n = 5" is a single paragraph.
    assertThat(result.skipped().get(0).reason()).isEqualTo(SkipReason.NO_STEPS);
  }

  @Test
  void idsDoNotDependOnThePositionInTheFile() throws IOException {
    String a = "{\"question\":\"A?\",\"deepseek_attempt\":\"1. x\\n2. y\"}";
    String b = "{\"question\":\"B?\",\"deepseek_attempt\":\"1. x\\n2. y\"}";
    Path forward = Fixtures.write(dir, "forward.jsonl", a, b);
    Path backward = Fixtures.write(dir, "backward.jsonl", b, a);

    List<String> forwardIds = ids(new S1kReader().read(forward));
    List<String> backwardIds = ids(new S1kReader().read(backward));

    assertThat(forwardIds).doesNotHaveDuplicates().hasSize(2);
    assertThat(backwardIds).containsExactly(forwardIds.get(1), forwardIds.get(0));
  }

  private static List<String> ids(ReadResult result) {
    return result.solutions().stream().map(ExpertSolution::id).toList();
  }

  @Test
  void aFieldOfTheWrongTypeStopsTheRead() throws IOException {
    Path file =
        Fixtures.write(
            dir,
            "typed.jsonl",
            "{\"question\":\"A?\",\"deepseek_attempt\":\"1. x\\n2. y\"}",
            "{\"question\":\"B?\",\"deepseek_attempt\":[\"1. x\"]}");

    assertThatThrownBy(() -> new S1kReader().read(file))
        .isInstanceOf(MalformedDataException.class)
        .hasMessage(
            file
                + " line 2: field 'deepseek_attempt' must be a string or null, but was an array of"
                + " 1 elements");
  }

  @Test
  void badJsonStopsTheRead() throws IOException {
    Path file = Fixtures.write(dir, "bad.jsonl", "{\"question\": \"A?\", deepseek_attempt: 1}");

    assertThatThrownBy(() -> new S1kReader().read(file))
        .isInstanceOf(MalformedDataException.class)
        .hasMessageStartingWith(file + " line 1: not valid JSON: Unexpected character ('d'");
  }

  @Test
  void configIsValidated() {
    assertThatThrownBy(() -> S1kReader.Config.defaults().withSolutionFields(List.of()))
        .hasMessage("solutionFields must be a non-empty list of field names, but was []");
    assertThatThrownBy(() -> S1kReader.Config.defaults().withSource(" "))
        .hasMessage("source must be null or non-blank, but was blank");
  }
}
