package dev.srlstream.topology;

import picocli.CommandLine.Option;

/** The {@code --warmup-updates} setting of every command that runs a GRPO learner. */
final class WarmupOption {

  @Option(
      names = "--warmup-updates",
      defaultValue = "0",
      paramLabel = "N",
      description =
          "Updates over which the learning rate rises linearly to --learning-rate; 0 for none"
              + " (default: ${DEFAULT-VALUE}).")
  int warmupUpdates;

  /** The value, refused in the user's terms when negative. */
  int updates() {
    if (warmupUpdates < 0) {
      throw new IllegalArgumentException(
          "--warmup-updates must be >= 0 (0 for none), but was " + warmupUpdates);
    }
    return warmupUpdates;
  }
}
