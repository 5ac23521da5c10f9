package dev.srlstream.topology;

import java.util.concurrent.ExecutionException;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code srl} command line: the one entry point users type. Each subcommand is a small class;
 * this one only wires them together and turns failures into an exit code.
 */
@Command(
    name = "srl",
    mixinStandardHelpOptions = true,
    versionProvider = SrlCommand.Version.class,
    description = {
      "srl-stream: Supervised Reinforcement Learning (arXiv 2510.25992) on Apache Kafka.",
      "Actors stream rollout steps, a Kafka Streams scorer rewards each step by its similarity to"
          + " the expert step, and a TensorFlow learner updates the policy.",
    },
    subcommands = {
      InfraCommand.class,
      TopicsCommand.class,
      DataCommand.class,
      SimilarityCommand.class,
      RewardCommand.class,
      FeedCommand.class,
      SftCommand.class,
      EvalCommand.class,
      GenerateCommand.class,
      ExportCommand.class,
      ReadCommand.class,
      InspectCommand.class,
      ReplayCommand.class,
      TrainCommand.class,
      DemoCommand.class,
      CompareCommand.class,
      ActorCommand.class,
      ScorerCommand.class,
      LearnerCommand.class,
      AuditCommand.class,
      ReportCommand.class,
      CommandLine.HelpCommand.class
    })
public final class SrlCommand implements Runnable {

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    // `srl` alone prints the usage instead of doing nothing.
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  /** Runs the command line and exits with its code: 0 success, 1 failure, 2 bad usage. */
  public static void main(String[] args) {
    System.exit(newCommandLine().execute(args));
  }

  /** The command line with its error handling, for {@link #main} and tests. */
  public static CommandLine newCommandLine() {
    CommandLine commandLine = new CommandLine(new SrlCommand());
    commandLine.setCaseInsensitiveEnumValuesAllowed(true);
    commandLine.setExecutionExceptionHandler(
        (e, cmd, parseResult) -> {
          // A failure the user can act on is reported in one line; the stack trace goes to the log.
          // The full name (srl data import), so the message says which command failed.
          cmd.getErr().println(cmd.getCommandSpec().qualifiedName() + ": " + rootMessage(e));
          LoggerFactory.getLogger(SrlCommand.class).debug("failure", e);
          return 1;
        });
    return commandLine;
  }

  static String rootMessage(Throwable e) {
    Throwable t = e;
    while (t.getCause() != null && (t.getMessage() == null || t instanceof ExecutionException)) {
      t = t.getCause();
    }
    return t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
  }

  /** The version from the jar manifest (or "dev" when run from classes). */
  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      String version = SrlCommand.class.getPackage().getImplementationVersion();
      return new String[] {"srl-stream " + (version == null ? "dev" : version)};
    }
  }
}
