package dev.srlstream.topology;

import dev.srlstream.policy.PromptSettings;
import dev.srlstream.policy.WeightsCodec;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Reads a policy's weights from what a user names as a checkpoint: a weights file ({@code srl sft
 * --out}, a run's {@code base.bin} / {@code final.bin}), a learner checkpoint directory holding
 * {@code weights.bin}, or a learner checkpoint store, whose newest {@code version-*} directory is
 * used. The bytes are verified (checksum, finite values) before they are returned.
 */
final class PolicyFiles {
  private PolicyFiles() {}

  static byte[] readWeights(Path checkpoint, String option) throws IOException {
    Path file = weightsFile(checkpoint, option);
    byte[] bytes = Files.readAllBytes(file);
    try {
      WeightsCodec.decode(bytes);
    } catch (IllegalArgumentException e) { // InvalidWeightsException included
      throw new IllegalArgumentException(
          option + " " + file + " is not a valid weights file: " + e.getMessage(), e);
    }
    return bytes;
  }

  private static Path weightsFile(Path checkpoint, String option) throws IOException {
    if (!Files.exists(checkpoint)) {
      throw new IllegalArgumentException(option + " " + checkpoint + " does not exist");
    }
    if (Files.isRegularFile(checkpoint)) {
      return checkpoint;
    }
    Path direct = checkpoint.resolve("weights.bin");
    if (Files.isRegularFile(direct)) {
      return direct;
    }
    Optional<Path> newest;
    try (Stream<Path> entries = Files.list(checkpoint)) {
      newest =
          entries
              .filter(p -> p.getFileName().toString().startsWith("version-"))
              .filter(p -> Files.isRegularFile(p.resolve("weights.bin")))
              .max(Comparator.comparing(p -> p.getFileName().toString()));
    }
    return newest
        .map(p -> p.resolve("weights.bin"))
        .orElseThrow(
            () ->
                new IllegalArgumentException(
                    option
                        + " "
                        + checkpoint
                        + " is a directory without weights.bin or version-*/weights.bin"));
  }

  /**
   * The context window a command prompts a policy with: {@code requested} (0 meaning all earlier
   * steps) when given, else the one the weights were trained with (their header's prompt settings),
   * else all earlier steps. Says on {@code err} which it uses and why, and warns when a requested
   * window differs from the weights' own, naming both.
   *
   * @param command the command's name for the messages, e.g. {@code srl eval}
   */
  static int contextWindow(Integer requested, byte[] weights, String command, PrintWriter err) {
    Optional<PromptSettings> trained = WeightsCodec.decode(weights).prompt();
    if (requested == null) {
      if (trained.isPresent()) {
        err.printf(
            "%s: prompts as the weights were trained: %s (--context-window overrides)%n",
            command, trained.get().describe());
        err.flush();
        return trained.get().contextWindow();
      }
      err.printf(
          "%s: the weights record no prompt format; prompts show every earlier step"
              + " (--context-window to choose)%n",
          command);
      err.flush();
      return PromptSettings.ALL_STEPS;
    }
    if (requested < 0) {
      throw new IllegalArgumentException(
          "--context-window must be >= 0 (0 for all), but was " + requested);
    }
    int window = requested == 0 ? PromptSettings.ALL_STEPS : requested;
    if (trained.isPresent() && trained.get().contextWindow() != window) {
      err.printf(
          "%s: warning: --context-window %s, but the weights were trained with context window"
              + " %s: the policy sees prompts it was not trained on%n",
          command, new PromptSettings(window, false).windowText(), trained.get().windowText());
      err.flush();
    }
    return window;
  }
}
