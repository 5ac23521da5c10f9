package dev.srlstream.method.data;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JsonlWriterTest {
  @TempDir Path dir;

  @Test
  void whatItWritesReadsBackEqual() throws IOException {
    List<ExpertSolution> solutions = new ArrayList<>();
    solutions.addAll(
        new JsonlSolutionReader().read(Fixtures.resource("solutions.jsonl")).solutions());
    solutions.addAll(new S1kReader().read(Fixtures.resource("s1k.jsonl")).solutions());
    solutions.addAll(
        new AgentTrajectoryReader().read(Fixtures.resource("trajectories.jsonl")).solutions());
    ArithmeticProblems.generate(ArithmeticProblems.Config.defaults().withSizes(20, 0, 0))
        .all()
        .forEach(p -> solutions.add(p.toExpertSolution()));
    Path file = dir.resolve("all.jsonl");

    JsonlWriter.write(file, solutions);

    assertThat(Files.readAllLines(file, StandardCharsets.UTF_8))
        .as("one line per solution, line breaks inside strings escaped")
        .hasSize(solutions.size());
    assertThat(new JsonlSolutionReader().read(file).solutions()).isEqualTo(solutions);
    assertThat(dir.resolve("all.jsonl.tmp")).doesNotExist();
  }

  @Test
  void plainStepsAreWrittenAsStrings() {
    ExpertSolution solution =
        new ExpertSolution("p", "q?", List.of(Step.of("a"), Step.of("b")), null, "src");

    assertThat(JsonlWriter.toJsonLine(solution))
        .isEqualTo("{\"id\":\"p\",\"question\":\"q?\",\"steps\":[\"a\",\"b\"],\"source\":\"src\"}");
  }

  @Test
  void stepsWithTitlesOrObservationsAreWrittenAsObjects() {
    ExpertSolution solution =
        new ExpertSolution(
            "p", "q?", List.of(new Step("t", "a"), new Step(null, "ls", "x\ny")), "4", "src");

    assertThat(JsonlWriter.toJsonLine(solution))
        .isEqualTo(
            "{\"id\":\"p\",\"question\":\"q?\",\"steps\":[{\"title\":\"t\",\"action\":\"a\"},"
                + "{\"action\":\"ls\",\"observation\":\"x\\ny\"}],\"answer\":\"4\",\"source\":\"src\"}");
  }

  @Test
  void replacesAnExistingFile() throws IOException {
    Path file = dir.resolve("out.jsonl");
    Files.writeString(file, "old content that is longer than the new one\n".repeat(10));

    JsonlWriter.write(
        file, List.of(new ExpertSolution("p", "q", List.of(Step.of("a")), null, "s")));

    assertThat(Files.readString(file))
        .isEqualTo("{\"id\":\"p\",\"question\":\"q\",\"steps\":[\"a\"],\"source\":\"s\"}\n");
  }
}
