package dev.srlstream.topology;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code srl replay}: re-run a service over what the log recorded, without touching live work. */
@Command(
    name = "replay",
    mixinStandardHelpOptions = true,
    description = {
      "Re-run a service over recorded records, to debug a run: the scorer over recorded rollouts"
          + " (rescore), or the learner over the training groups recorded versions consumed"
          + " (learner). Replays never write to the live topics unless told to."
    },
    subcommands = {ReplayRescoreCommand.class, ReplayLearnerCommand.class})
final class ReplayCommand implements Runnable {
  @Spec CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }
}
