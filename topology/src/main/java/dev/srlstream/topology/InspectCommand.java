package dev.srlstream.topology;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

/** {@code srl inspect}: one group's or one instance's life, gathered from the topics. */
@Command(
    name = "inspect",
    mixinStandardHelpOptions = true,
    description = "Follow one group's or one instance's life through the topics (being built).")
final class InspectCommand implements Callable<Integer> {
  @Override
  public Integer call() {
    throw new UnsupportedOperationException("srl inspect is not built yet");
  }
}
