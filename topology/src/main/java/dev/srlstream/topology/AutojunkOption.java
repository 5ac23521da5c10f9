package dev.srlstream.topology;

import dev.srlstream.scorer.ScorerConfig;
import picocli.CommandLine.Option;

/**
 * The {@code --autojunk} setting of every command that computes a difflib ratio or runs the scorer;
 * its default is {@link ScorerConfig#DEFAULT_AUTOJUNK}.
 */
final class AutojunkOption {

  @Option(
      names = "--autojunk",
      arity = "1",
      defaultValue = "" + ScorerConfig.DEFAULT_AUTOJUNK,
      paramLabel = "true|false",
      description =
          "CPython's autojunk heuristic: when the second text (b, or the expert step) has 200 or"
              + " more characters, its characters occurring more than 1%% of the time (plus one)"
              + " cannot start a match. Default: ${DEFAULT-VALUE}, since with it a close"
              + " paraphrase of a long step scores near 0 (0.14 instead of 0.67 on a"
              + " 226-character step); true is CPython's default, for paper-exact replication.")
  boolean autojunk = ScorerConfig.DEFAULT_AUTOJUNK;
}
