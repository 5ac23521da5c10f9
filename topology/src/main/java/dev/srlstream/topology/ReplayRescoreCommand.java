package dev.srlstream.topology;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

/** {@code srl replay rescore}: the scorer's topology over recorded rollout steps. */
@Command(
    name = "rescore",
    mixinStandardHelpOptions = true,
    description = "Re-score recorded rollout steps with the scorer's own topology (being built).")
final class ReplayRescoreCommand implements Callable<Integer> {
  @Override
  public Integer call() {
    throw new UnsupportedOperationException("srl replay rescore is not built yet");
  }
}
