package dev.srlstream.topology;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code srl data}: expert data, generated or imported, written as our JSONL. */
@Command(
    name = "data",
    mixinStandardHelpOptions = true,
    description = {
      "Generate or import expert data, written as our JSONL.",
      "Our JSONL has one solution per line: {\"id\", \"question\", \"steps\": [...],"
          + " \"answer\", \"source\"}."
    },
    subcommands = {DataGenerateCommand.class, DataImportCommand.class})
final class DataCommand implements Runnable {
  @Spec CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }
}
