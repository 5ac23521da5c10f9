package dev.srlstream.topology;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

/** {@code srl replay learner}: re-derive recorded policy versions from a checkpoint. */
@Command(
    name = "learner",
    mixinStandardHelpOptions = true,
    description = "Re-derive recorded policy versions from a checkpoint (being built).")
final class ReplayLearnerCommand implements Callable<Integer> {
  @Override
  public Integer call() {
    throw new UnsupportedOperationException("srl replay learner is not built yet");
  }
}
