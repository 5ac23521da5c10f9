package dev.srlstream.topology;

import static org.assertj.core.api.Assertions.assertThat;

import dev.srlstream.method.data.AgentTrajectoryReader;
import dev.srlstream.method.data.JsonlSolutionReader;
import dev.srlstream.method.data.ReadResult;
import dev.srlstream.method.data.S1kReader;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DataImportCommandTest {

  @TempDir Path dir;

  @Test
  void importsS1kReportingWhatWasSkippedByReason() throws Exception {
    Path in = fixture("s1k.jsonl");
    Path out = dir.resolve("s1k-ours.jsonl");
    CommandRun run = importFile("s1k", in, out);
    assertThat(run.exitCode()).as(run.err()).isZero();
    ReadResult expected = new S1kReader().read(in);
    assertThat(run.out())
        .startsWith(expected.summary() + "\n")
        .contains("  skipped " + expected.skipped().get(0))
        .endsWith("wrote " + expected.solutions().size() + " solutions to " + out + "\n");
    assertThat(expected.skipped()).isNotEmpty();
    // What was written reads back, with our reader, as the solutions that were read.
    assertThat(new JsonlSolutionReader().read(out).solutions()).isEqualTo(expected.solutions());
  }

  @Test
  void importsAgentTrajectories() throws Exception {
    Path in = fixture("trajectories.jsonl");
    Path out = dir.resolve("agent.jsonl");
    CommandRun run = importFile("agent", in, out);
    assertThat(run.exitCode()).as(run.err()).isZero();
    ReadResult expected = new AgentTrajectoryReader().read(in);
    assertThat(run.out()).startsWith(expected.summary() + "\n");
    assertThat(new JsonlSolutionReader().read(out).solutions()).isEqualTo(expected.solutions());
  }

  @Test
  void maxObservationCharsCutsToolResults() throws Exception {
    Path in = fixture("trajectories.jsonl");
    Path out = dir.resolve("agent.jsonl");
    CommandRun run = importFile("agent", in, out, "--max-observation-chars", "5");
    assertThat(run.exitCode()).as(run.err()).isZero();
    ReadResult expected =
        new AgentTrajectoryReader(
                AgentTrajectoryReader.Config.defaults().withMaxObservationChars(5))
            .read(in);
    assertThat(new JsonlSolutionReader().read(out).solutions()).isEqualTo(expected.solutions());
    assertThat(Files.readString(out)).contains("more characters]");
    // The usage text states the reader's default.
    assertThat(AgentTrajectoryReader.Config.defaults().maxObservationChars()).isEqualTo(4000);
    assertThat(CommandRun.of("data", "import", "--help").out()).contains("(default: 4000)");
  }

  @Test
  void maxObservationCharsIsRefusedForOtherFormatsAndBelowOne() throws Exception {
    CommandRun run =
        importFile(
            "s1k", fixture("s1k.jsonl"), dir.resolve("o.jsonl"), "--max-observation-chars", "9");
    assertThat(run.exitCode()).isEqualTo(1);
    assertThat(run.err())
        .isEqualTo(
            "srl data import: --max-observation-chars applies to --format agent only, but the"
                + " format was s1k\n");
    run =
        importFile(
            "agent",
            fixture("trajectories.jsonl"),
            dir.resolve("o.jsonl"),
            "--max-observation-chars",
            "0");
    assertThat(run.exitCode()).isEqualTo(1);
    assertThat(run.err()).contains("--max-observation-chars must be >= 1, but was 0");
  }

  @Test
  void ourFormatRoundTripsByteForByte() throws Exception {
    Path generated = dir.resolve("gen");
    assertThat(
            CommandRun.of(
                    "data",
                    "generate",
                    "--out",
                    generated.toString(),
                    "--train",
                    "30",
                    "--validation",
                    "1",
                    "--test",
                    "1")
                .exitCode())
        .isZero();
    Path in = generated.resolve("train.jsonl");
    Path out = dir.resolve("again.jsonl");
    CommandRun run = importFile("jsonl", in, out);
    assertThat(run.exitCode()).as(run.err()).isZero();
    assertThat(run.out())
        .isEqualTo("read 30 solutions, skipped 0\nwrote 30 solutions to " + out + "\n");
    assertThat(Files.readAllBytes(out)).isEqualTo(Files.readAllBytes(in));
  }

  @Test
  void aMissingFileIsNamed() {
    Path missing = dir.resolve("missing.jsonl");
    CommandRun run = importFile("jsonl", missing, dir.resolve("o.jsonl"));
    assertThat(run.exitCode()).isEqualTo(1);
    assertThat(run.err())
        .isEqualTo(
            "srl data import: --in must be a readable file, but " + missing + " does not exist\n");
  }

  @Test
  void anEmptyFileIsNamed() throws Exception {
    Path empty = write("empty.jsonl", "\n\n");
    CommandRun run = importFile("s1k", empty, dir.resolve("o.jsonl"));
    assertThat(run.exitCode()).isEqualTo(1);
    assertThat(run.err())
        .isEqualTo(
            "srl data import: "
                + empty
                + ": the file holds no records (it is empty or only has blank lines)\n");
    assertThat(dir.resolve("o.jsonl")).doesNotExist();
  }

  @Test
  void aMalformedFileIsNamedWithItsLineAndNothingIsWritten() throws Exception {
    Path bad =
        write(
            "bad.jsonl",
            "{\"id\": \"p1\", \"question\": \"q\", \"steps\": [\"a\"]}",
            "{\"id\": \"p2\", \"question\": \"q\", \"steps\": 3}");
    Path out = dir.resolve("o.jsonl");
    CommandRun run = importFile("jsonl", bad, out);
    assertThat(run.exitCode()).isEqualTo(1);
    assertThat(run.err())
        .startsWith("srl data import: " + bad + " line 2: field 'steps' must be ")
        .endsWith(", but was 3\n");
    assertThat(out).doesNotExist();

    Path notJson = write("not-json.jsonl", "{\"question\": \"q\", \"deepseek_attempt\": ");
    run = importFile("s1k", notJson, out);
    assertThat(run.exitCode()).isEqualTo(1);
    assertThat(run.err()).startsWith("srl data import: " + notJson + " line 1: not valid JSON");
  }

  @Test
  void whenEverythingIsSkippedNothingIsWritten() throws Exception {
    Path in = write("no-steps.jsonl", "{\"question\": \"q\", \"attempt\": \"one paragraph only\"}");
    Path out = dir.resolve("o.jsonl");
    CommandRun run = importFile("s1k", in, out);
    assertThat(run.exitCode()).isEqualTo(1);
    assertThat(run.out()).startsWith("read 0 solutions, skipped 1 (NO_STEPS 1)\n");
    assertThat(run.err())
        .isEqualTo(
            "srl data import: "
                + in
                + ": no solution to write (read 0 solutions, skipped 1 (NO_STEPS 1)); "
                + out
                + " not written\n");
    assertThat(out).doesNotExist();
  }

  @Test
  void listsTheFirstSkippedRecordsAndCountsTheRest() throws Exception {
    String[] lines = new String[DataImportCommand.SKIPPED_LISTED + 3];
    for (int i = 0; i < lines.length - 1; i++) {
      lines[i] = "{\"question\": \"q" + i + "\", \"attempt\": \"one paragraph\"}";
    }
    lines[lines.length - 1] = "{\"question\": \"q\", \"attempt\": \"1. first\\n2. second\"}";
    Path in = write("many.jsonl", lines);
    CommandRun run = importFile("s1k", in, dir.resolve("o.jsonl"));
    assertThat(run.exitCode()).as(run.err()).isZero();
    assertThat(run.out().lines().filter(l -> l.startsWith("  skipped ")))
        .hasSize(DataImportCommand.SKIPPED_LISTED);
    assertThat(run.out()).contains("  ... and 2 more skipped\n");
  }

  @Test
  void refusesToReplaceOutWithoutForce() throws Exception {
    Path out = write("o.jsonl", "mine");
    CommandRun run = importFile("s1k", fixture("s1k.jsonl"), out);
    assertThat(run.exitCode()).isEqualTo(1);
    assertThat(run.err())
        .isEqualTo("srl data import: " + out + " exists; use --force to replace it\n");
    assertThat(Files.readString(out)).isEqualTo("mine\n");
    run = importFile("s1k", fixture("s1k.jsonl"), out, "--force");
    assertThat(run.exitCode()).isZero();
    assertThat(new JsonlSolutionReader().read(out).solutions()).isNotEmpty();
  }

  @Test
  void anUnknownFormatIsAUsageError() {
    CommandRun run = importFile("xml", dir.resolve("in"), dir.resolve("out"));
    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.err())
        .contains(
            "Invalid value for option '--format': must be one of jsonl, s1k, agent, but was 'xml'");
    CommandRun missing = CommandRun.of("data", "import", "--in", "x", "--out", "y");
    assertThat(missing.exitCode()).isEqualTo(2);
    assertThat(missing.err()).contains("Missing required option: '--format=FORMAT'");
  }

  private static CommandRun importFile(String format, Path in, Path out, String... more) {
    String[] args = new String[8 + more.length];
    String[] head = {
      "data", "import", "--format", format, "--in", in.toString(), "--out", out.toString()
    };
    System.arraycopy(head, 0, args, 0, 8);
    System.arraycopy(more, 0, args, 8, more.length);
    return CommandRun.of(args);
  }

  /**
   * A copy in the test's directory of the method module's fixture {@code data/name}, which comes
   * from its test jar (a file inside a jar has no path of its own).
   */
  private Path fixture(String name) throws Exception {
    try (InputStream in = DataImportCommandTest.class.getResourceAsStream("/data/" + name)) {
      assertThat(in).as("test resource data/" + name).isNotNull();
      Path copy = dir.resolve("fixture-" + name);
      Files.copy(in, copy, StandardCopyOption.REPLACE_EXISTING);
      return copy;
    }
  }

  private Path write(String name, String... lines) throws Exception {
    Path file = dir.resolve(name);
    Files.writeString(file, String.join("\n", lines) + "\n", StandardCharsets.UTF_8);
    return file;
  }
}
