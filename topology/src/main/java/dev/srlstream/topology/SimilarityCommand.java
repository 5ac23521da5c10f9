package dev.srlstream.topology;

import dev.srlstream.method.reward.SequenceSimilarity;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code srl similarity}: the difflib ratio the SRL reward is made of, for two texts or for a file
 * of pairs. Values are printed as Python's {@code repr} prints them, so they can be compared with
 * CPython's {@code difflib} as text.
 */
@Command(
    name = "similarity",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = {
      "Print the difflib similarity ratio of two texts, or of each pair of a file.",
      "The ratio is difflib.SequenceMatcher(None, a, b, autojunk).ratio() as CPython computes it,"
          + " printed as Python's repr prints it (0.5, 0.3333333333333333, 1e-05).",
      "With --a and --b: the ratio of the two texts, alone on a line.",
      "With --pairs: one line {\"ratio\": R} per input line {\"a\": \"...\", \"b\": \"...\"}, in"
          + " input order (as Python's json.dumps writes it), streamed to stdout or --out. Other"
          + " fields are ignored and blank lines skipped. The first bad line stops the run with"
          + " exit code 1; the lines before it have been printed to stdout, while --out is then"
          + " not written at all."
    })
final class SimilarityCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @ArgGroup(exclusive = true, multiplicity = "1")
  Input input;

  @Mixin AutojunkOption autojunk;

  /** Two texts, or a file of pairs: exactly one of them. */
  static final class Input {
    @ArgGroup(exclusive = false, multiplicity = "1", heading = "Two texts:%n")
    TextPair texts;

    @ArgGroup(exclusive = false, multiplicity = "1", heading = "A file of pairs:%n")
    Pairs pairs;
  }

  static final class TextPair {
    @Option(names = "--a", required = true, paramLabel = "TEXT", description = "The first text.")
    String a;

    @Option(
        names = "--b",
        required = true,
        paramLabel = "TEXT",
        description = "The second text (the one autojunk looks at).")
    String b;
  }

  static final class Pairs {
    @Option(
        names = "--pairs",
        required = true,
        paramLabel = "FILE",
        description = "JSONL, one object per line with string fields 'a' and 'b'.")
    Path file;

    @Option(
        names = "--out",
        paramLabel = "FILE",
        description =
            "Write the ratios to FILE (replaced if it exists) instead of stdout; progress goes to"
                + " stderr and a summary to stdout.")
    Path out;

    @Option(
        names = "--progress-every",
        defaultValue = "PT5S",
        paramLabel = "DURATION",
        description =
            "With --out: the interval between progress lines on stderr, as an ISO-8601 duration"
                + " (default: ${DEFAULT-VALUE}).")
    Duration progressEvery = Duration.ofSeconds(5);
  }

  @Override
  public Integer call() throws Exception {
    boolean junk = autojunk.autojunk;
    if (input.texts != null) {
      double ratio = SequenceSimilarity.ratio(input.texts.a, input.texts.b, junk);
      spec.commandLine().getOut().println(PythonText.floatRepr(ratio));
      spec.commandLine().getOut().flush();
      return 0;
    }
    new PairScoring(spec, "a", "b", "ratios")
        .run(
            input.pairs.file,
            input.pairs.out,
            input.pairs.progressEvery,
            (a, b) -> line(SequenceSimilarity.ratio(a, b, junk)));
    return 0;
  }

  /** The output line of one pair: what Python's {@code json.dumps({"ratio": r})} writes. */
  static String line(double ratio) {
    return PythonText.jsonObject(Map.of("ratio", ratio));
  }
}
