package dev.srlstream.method.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class JsonlSolutionReaderTest {
  private final JsonlSolutionReader reader = new JsonlSolutionReader();
  @TempDir Path dir;

  @Test
  void readsEveryStepForm() throws IOException {
    ReadResult result = reader.read(Fixtures.resource("solutions.jsonl"));

    assertThat(result.skipped()).isEmpty();
    List<ExpertSolution> solutions = result.solutions();
    assertThat(solutions)
        .extracting(ExpertSolution::id)
        .containsExactly("alg-1", "17", "geo-2", "p-4", "p-5");

    ExpertSolution plain = solutions.get(0);
    assertThat(plain.question()).isEqualTo("Solve 2x + 3 = 11.");
    assertThat(plain.steps()).containsExactly(Step.of("2x = 11 - 3 = 8"), Step.of("x = 8 / 2 = 4"));
    assertThat(plain.answer()).isEqualTo("4");
    assertThat(plain.source()).isEqualTo("solutions.jsonl");

    ExpertSolution withTitles = solutions.get(1);
    assertThat(withTitles.steps()).containsExactly(new Step("multiply", "6 × 7 = 42"));
    assertThat(withTitles.answer()).isEqualTo("42");

    ExpertSolution objects = solutions.get(2);
    assertThat(objects.steps())
        .containsExactly(
            new Step("area", "3 × 3 = 9"),
            new Step(null, "4 × 3 = 12"),
            new Step("combine", "area 9, perimeter 12"));
    assertThat(objects.source()).isEqualTo("handmade");

    assertThat(solutions.get(3).answer()).as("a decimal answer as written").isEqualTo("0.750");
    assertThat(solutions.get(4).steps()).containsExactly(Step.of("2 is prime"));
    assertThat(solutions.get(4).answer()).isNull();
  }

  @Test
  void readsObservationsOfStepObjects() throws IOException {
    Path file =
        Fixtures.write(
            dir,
            "obs.jsonl",
            "{\"id\":\"t\",\"question\":\"q\",\"steps\":[{\"action\":\"ls\",\"observation\":\"a.txt\"}]}");

    assertThat(reader.read(file).solutions().get(0).steps())
        .containsExactly(new Step(null, "ls", "a.txt"));
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      quoteCharacter = '`',
      value = {
        "steps is a number | {\"id\":\"a\",\"question\":\"q\",\"steps\":3}"
            + " | 2 | field 'steps' must be a non-empty array of strings or of {\"title\", \"action\"}"
            + " objects, but was 3",
        "steps is missing | {\"id\":\"a\",\"question\":\"q\"}"
            + " | 2 | field 'steps' must be a non-empty array of strings or of {\"title\", \"action\"}"
            + " objects, but was missing",
        "steps is empty | {\"id\":\"a\",\"question\":\"q\",\"steps\":[]}"
            + " | 2 | field 'steps' must be a non-empty array of strings or of {\"title\", \"action\"}"
            + " objects, but was an empty array",
        "a step is a number | {\"id\":\"a\",\"question\":\"q\",\"steps\":[\"x\",5]}"
            + " | 2 | field 'steps[1]' must be a non-blank string or an object with a non-blank"
            + " 'action', but was 5",
        "a step is blank | {\"id\":\"a\",\"question\":\"q\",\"steps\":[\" \"]}"
            + " | 2 | field 'steps[0]' must be a non-blank string or an object with a non-blank"
            + " 'action', but was a blank string \" \"",
        "a step object has no action | {\"id\":\"a\",\"question\":\"q\",\"steps\":[{\"title\":\"t\"}]}"
            + " | 2 | field 'steps[0].action' must be a non-blank string, but was missing",
        "a step title is a number | {\"id\":\"a\",\"question\":\"q\",\"steps\":[{\"title\":1,\"action\":\"x\"}]}"
            + " | 2 | field 'steps[0].title' must be a string or null, but was 1",
        "id is missing | {\"question\":\"q\",\"steps\":[\"x\"]}"
            + " | 2 | field 'id' must be a non-blank string or an integer, but was missing",
        "id is a decimal | {\"id\":1.5,\"question\":\"q\",\"steps\":[\"x\"]}"
            + " | 2 | field 'id' must be a non-blank string or an integer, but was 1.5",
        "question is an array | {\"id\":\"a\",\"question\":[\"q\"],\"steps\":[\"x\"]}"
            + " | 2 | field 'question' must be a non-blank string, but was an array of 1 elements",
        "question is missing | {\"id\":\"a\",\"steps\":[\"x\"]}"
            + " | 2 | field 'question' must be a non-blank string, but was missing",
        "answer is an object | {\"id\":\"a\",\"question\":\"q\",\"steps\":[\"x\"],\"answer\":{}}"
            + " | 2 | field 'answer' must be a string, a number or null, but was an object",
        "titles too short | {\"id\":\"a\",\"question\":\"q\",\"steps\":[\"x\",\"y\"],\"titles\":[\"t\"]}"
            + " | 2 | field 'titles' must have one entry per step (2), but had 1",
        "titles with step objects | {\"id\":\"a\",\"question\":\"q\",\"steps\":[{\"action\":\"x\"}],\"titles\":[\"t\"]}"
            + " | 2 | field 'titles' can only be used with string steps; with step objects put each"
            + " title in its step's 'title'",
        "titles is a string | {\"id\":\"a\",\"question\":\"q\",\"steps\":[\"x\"],\"titles\":\"t\"}"
            + " | 2 | field 'titles' must be an array with one string or null per step, but was \"t\"",
        "a record is an array | [1,2]"
            + " | 2 | a record must be a JSON object, but was an array of 2 elements",
        "bad JSON | {\"id\":\"a\",\"question\":\"q\",\"steps\":[\"x\"]"
            + " | 2 | not valid JSON: Unexpected end-of-input: expected close marker for Object"
            + " (start marker at column 1) (column 39)",
        "a duplicated key | {\"id\":\"a\",\"id\":\"b\",\"question\":\"q\",\"steps\":[\"x\"]}"
            + " | 2 | not valid JSON: Duplicate field 'id' (column 15)",
        "text after the object | {\"id\":\"a\",\"question\":\"q\",\"steps\":[\"x\"]} {}"
            + " | 2 | not valid JSON: Trailing token (of type START_OBJECT) found after value"
            + " (bound as `com.fasterxml.jackson.databind.JsonNode`): not allowed as per"
            + " `DeserializationFeature.FAIL_ON_TRAILING_TOKENS` (column 41)",
        "a repeated id | {\"id\":\"ok\",\"question\":\"q\",\"steps\":[\"x\"]}"
            + " | 2 | field 'id' must be unique in the file, but \"ok\" was already used on line 1",
      })
  void namesFileLineAndFieldOfTheFirstProblem(String name, String badLine, int line, String detail)
      throws IOException {
    Path file =
        Fixtures.write(
            dir, "x.jsonl", "{\"id\":\"ok\",\"question\":\"q\",\"steps\":[\"x\"]}", badLine);

    assertThatThrownBy(() -> reader.read(file))
        .isInstanceOf(MalformedDataException.class)
        .hasMessage(file + " line " + line + ": " + detail)
        .satisfies(e -> assertThat(((MalformedDataException) e).line()).isEqualTo(line));
  }

  @Test
  void reportsTheFieldOfAnError() throws IOException {
    Path file = Fixtures.write(dir, "x.jsonl", "{\"id\":\"a\",\"question\":\"q\",\"steps\":3}");

    assertThatThrownBy(() -> reader.read(file))
        .isInstanceOfSatisfying(
            MalformedDataException.class,
            e -> {
              assertThat(e.file()).isEqualTo(file.toString());
              assertThat(e.line()).isEqualTo(1);
              assertThat(e.field()).isEqualTo("steps");
            });
  }

  @Test
  void anEmptyFileIsAnError() throws IOException {
    Path empty = Fixtures.write(dir, "empty.jsonl");
    Path blank = Fixtures.write(dir, "blank.jsonl", "", "   ", "");

    for (Path file : List.of(empty, blank)) {
      assertThatThrownBy(() -> reader.read(file))
          .isInstanceOf(MalformedDataException.class)
          .hasMessage(file + ": the file holds no records (it is empty or only has blank lines)");
    }
  }

  @Test
  void bytesThatAreNotUtf8AreAnError() throws IOException {
    Path file = dir.resolve("latin1.jsonl");
    byte[] good = "{\"id\":\"a\",\"question\":\"q\",\"steps\":[\"x\"]}\n".getBytes("UTF-8");
    byte[] bad =
        "{\"id\":\"b\",\"question\":\"caf\u00e9\",\"steps\":[\"x\"]}\n".getBytes("ISO-8859-1");
    byte[] both = new byte[good.length + bad.length];
    System.arraycopy(good, 0, both, 0, good.length);
    System.arraycopy(bad, 0, both, good.length, bad.length);
    Files.write(file, both);

    assertThatThrownBy(() -> reader.read(file))
        .isInstanceOf(MalformedDataException.class)
        .hasMessage(file + " line 2: the text is not UTF-8");
  }

  @Test
  void aByteOrderMarkIsIgnored() throws IOException {
    Path file =
        Fixtures.write(
            dir, "bom.jsonl", "\uFEFF{\"id\":\"a\",\"question\":\"q\",\"steps\":[\"x\"]}");

    assertThat(reader.read(file).solutions()).extracting(ExpertSolution::id).containsExactly("a");
  }
}
