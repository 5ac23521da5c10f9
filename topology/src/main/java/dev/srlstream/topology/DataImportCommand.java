package dev.srlstream.topology;

import dev.srlstream.method.data.AgentTrajectoryReader;
import dev.srlstream.method.data.JsonlSolutionReader;
import dev.srlstream.method.data.JsonlWriter;
import dev.srlstream.method.data.ReadResult;
import dev.srlstream.method.data.S1kReader;
import dev.srlstream.method.data.SolutionReader;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Iterator;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.TypeConversionException;

/**
 * {@code srl data import}: reads expert solutions in one of the input formats and writes them as
 * our JSONL ({@link JsonlWriter}), reporting what was skipped and why.
 */
@Command(
    name = "import",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = {
      "Convert expert solutions from the jsonl, s1k or agent format into our JSONL.",
      "Formats: jsonl (ours: {\"id\", \"question\", \"steps\": [...], \"answer\"}; strict, the"
          + " first problem stops the import), s1k (s1K-style records: a question and a solution"
          + " text with numbered steps '1. **Title** action' or blank-line-separated paragraphs),"
          + " agent (chat messages in the OpenAI format; every tool call is a step, its tool result"
          + " the observation).",
      "A record that is not in the format stops the import with its file, line and field (exit"
          + " code 1, nothing written). A well-formed s1k or agent record that cannot become a"
          + " solution (no question, no steps, an empty step, a repeated id, a bad tool call) is"
          + " skipped; the counts per reason and the first skipped records are printed."
    })
final class DataImportCommand implements Callable<Integer> {

  /** How many skipped records are listed one by one; the rest are only counted. */
  static final int SKIPPED_LISTED = 10;

  /** The input formats, by their command-line names. */
  enum Format {
    JSONL,
    S1K,
    AGENT;

    String cliName() {
      return name().toLowerCase(Locale.ROOT);
    }

    static String names() {
      return Arrays.stream(values()).map(Format::cliName).collect(Collectors.joining(", "));
    }
  }

  /** Parses the lower-case format names; a bad one is a usage error (exit code 2). */
  static final class FormatConverter implements ITypeConverter<Format> {
    @Override
    public Format convert(String value) {
      for (Format format : Format.values()) {
        if (format.cliName().equals(value)) {
          return format;
        }
      }
      throw new TypeConversionException(
          "must be one of " + Format.names() + ", but was '" + value + "'");
    }
  }

  /** The format names, for the usage text. */
  static final class FormatNames implements Iterable<String> {
    @Override
    public Iterator<String> iterator() {
      return Arrays.stream(Format.values()).map(Format::cliName).iterator();
    }
  }

  @Spec CommandSpec spec;

  @Option(
      names = "--format",
      required = true,
      paramLabel = "FORMAT",
      converter = FormatConverter.class,
      completionCandidates = FormatNames.class,
      description = "The input format: ${COMPLETION-CANDIDATES}.")
  Format format;

  @Option(
      names = "--in",
      required = true,
      paramLabel = "FILE",
      description = "The input file (UTF-8 JSONL).")
  Path in;

  @Option(
      names = "--out",
      required = true,
      paramLabel = "FILE",
      description = "The JSONL file to write.")
  Path out;

  @Option(
      names = "--max-observation-chars",
      paramLabel = "N",
      description =
          "With --format agent: tool results longer than N characters are cut, with a note of how"
              + " many were cut (default: 4000).")
  Integer maxObservationChars;

  @Option(names = "--force", description = "Replace --out if it exists.")
  boolean force;

  @Override
  public Integer call() throws IOException {
    SolutionReader reader = reader();
    CliFiles.requireInputFile(in, "--in");
    CliFiles.requireOutputFile(out, "--out");
    CliFiles.requireAbsentUnlessForced(out, force);
    ReadResult result = reader.read(in);
    PrintWriter stdout = spec.commandLine().getOut();
    stdout.println(result.summary());
    int listed = Math.min(SKIPPED_LISTED, result.skipped().size());
    for (ReadResult.Skipped skipped : result.skipped().subList(0, listed)) {
      stdout.println("  skipped " + skipped);
    }
    if (result.skipped().size() > listed) {
      stdout.println("  ... and " + (result.skipped().size() - listed) + " more skipped");
    }
    stdout.flush();
    if (result.solutions().isEmpty()) {
      // An empty JSONL file would not be a data file: the reader refuses it.
      throw new IllegalStateException(
          in + ": no solution to write (" + result.summary() + "); " + out + " not written");
    }
    JsonlWriter.write(out, result.solutions());
    stdout.println("wrote " + result.solutions().size() + " solutions to " + out);
    stdout.flush();
    return 0;
  }

  private SolutionReader reader() {
    if (maxObservationChars != null && format != Format.AGENT) {
      throw new IllegalArgumentException(
          "--max-observation-chars applies to --format agent only, but the format was "
              + format.cliName());
    }
    return switch (format) {
      case JSONL -> new JsonlSolutionReader();
      case S1K -> new S1kReader();
      case AGENT -> {
        AgentTrajectoryReader.Config config = AgentTrajectoryReader.Config.defaults();
        if (maxObservationChars != null) {
          if (maxObservationChars < 1) {
            throw new IllegalArgumentException(
                "--max-observation-chars must be >= 1, but was " + maxObservationChars);
          }
          config = config.withMaxObservationChars(maxObservationChars);
        }
        yield new AgentTrajectoryReader(config);
      }
    };
  }
}
