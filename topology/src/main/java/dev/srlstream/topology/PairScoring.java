package dev.srlstream.topology;

import dev.srlstream.method.data.TextPairs;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.Locale;
import picocli.CommandLine.Model.CommandSpec;

/**
 * Scores a JSONL file of text pairs ({@link TextPairs}) into JSONL, one output line per pair in
 * input order, streaming: one line is held in memory at a time, whatever the file's size.
 *
 * <p>Output goes to stdout, or to a file written under a temporary name and moved into place at the
 * end, so a failed run never leaves a partial file. While writing to a file a progress line goes to
 * stderr every {@code progressEvery}, and a summary to stdout at the end.
 *
 * <p>The first bad input line stops the run (exit 1) with its file, line and field. Results of the
 * lines before it have then been printed when the output is stdout, and are discarded when it is a
 * file. Stopping, rather than writing an error line and going on, keeps the promise that output
 * line i belongs to pair i, which a consumer would otherwise have to check on every line.
 */
final class PairScoring {

  /** The output line (JSON, no line break) for one pair. */
  interface Scorer {
    String score(String first, String second);
  }

  private final CommandSpec spec;
  private final String firstField;
  private final String secondField;
  private final String noun;

  /**
   * @param spec the command, for its name, stdout and stderr
   * @param firstField the first string field of each input line
   * @param secondField the second string field
   * @param noun what each output line is, plural, for messages ("ratios")
   */
  PairScoring(CommandSpec spec, String firstField, String secondField, String noun) {
    this.spec = spec;
    this.firstField = firstField;
    this.secondField = secondField;
    this.noun = noun;
  }

  /**
   * Scores every pair of {@code pairs} into {@code out}, or to stdout when {@code out} is null.
   *
   * @param progressEvery the interval between progress lines when writing to a file
   */
  void run(Path pairs, Path out, Duration progressEvery, Scorer scorer) throws IOException {
    CliFiles.requireInputFile(pairs, "--pairs");
    if (progressEvery.isNegative()) {
      throw new IllegalArgumentException("--progress-every must be >= 0, but was " + progressEvery);
    }
    if (out == null) {
      PrintWriter stdout = spec.commandLine().getOut();
      try {
        score(pairs, stdout, null, scorer);
      } finally {
        stdout.flush();
      }
      return;
    }
    CliFiles.requireOutputFile(out, "--out");
    CliFiles.requireDistinct(pairs, "--pairs", out, "--out");
    long started = System.nanoTime();
    Path target = out.toAbsolutePath();
    Path tmp = target.resolveSibling(target.getFileName() + ".tmp");
    long count;
    try (Writer writer = Files.newBufferedWriter(tmp, StandardCharsets.UTF_8)) {
      count = score(pairs, writer, progressEvery, scorer);
    } catch (IOException | RuntimeException e) {
      Files.deleteIfExists(tmp);
      throw e;
    }
    Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
    PrintWriter stdout = spec.commandLine().getOut();
    stdout.printf(
        Locale.ROOT,
        "wrote %d %s to %s in %.1f s%n",
        count,
        noun,
        out,
        (System.nanoTime() - started) / 1e9);
    stdout.flush();
  }

  /** Writes one line per pair; returns the number of pairs. */
  private long score(Path pairs, Writer writer, Duration progressEvery, Scorer scorer)
      throws IOException {
    Progress progress = progressEvery == null ? null : new Progress(progressEvery.toNanos());
    long[] count = {0};
    try (InputStream in = Files.newInputStream(pairs)) {
      TextPairs.forEach(
          in,
          pairs.toString(),
          firstField,
          secondField,
          (line, first, second) -> {
            // write(line) + '\n' rather than println: no flush per line, and '\n' on every OS.
            writer.write(scorer.score(first, second));
            writer.write('\n');
            count[0]++;
            if (progress != null) {
              progress.update(count[0], line);
            }
          });
    }
    return count[0];
  }

  /** Prints "N pairs scored" on stderr when the interval has passed since the last line. */
  private final class Progress {
    private final long intervalNanos;
    private final long started = System.nanoTime();
    private long lastPrinted = started;

    Progress(long intervalNanos) {
      this.intervalNanos = intervalNanos;
    }

    void update(long pairs, int line) {
      long now = System.nanoTime();
      if (now - lastPrinted < intervalNanos) {
        return;
      }
      lastPrinted = now;
      double seconds = (now - started) / 1e9;
      PrintWriter err = spec.commandLine().getErr();
      err.printf(
          Locale.ROOT,
          "%s: %d pairs scored (input line %d), %.0f pairs/s%n",
          spec.qualifiedName(),
          pairs,
          line,
          seconds > 0 ? pairs / seconds : 0.0);
      err.flush();
    }
  }
}
