package dev.srlstream.topology;

import picocli.CommandLine.Option;

/** The {@code --autojunk} setting of every command that computes a difflib ratio. */
final class AutojunkOption {

  @Option(
      names = "--autojunk",
      arity = "1",
      defaultValue = "true",
      paramLabel = "true|false",
      description =
          "CPython's autojunk heuristic: when the second text (b, or the expert step) has 200 or"
              + " more characters, its characters occurring more than 1%% of the time (plus one)"
              + " cannot start a match"
              + " (default: ${DEFAULT-VALUE}, CPython's default).")
  boolean autojunk;
}
