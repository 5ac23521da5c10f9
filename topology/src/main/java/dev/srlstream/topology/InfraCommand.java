package dev.srlstream.topology;

import dev.srlstream.infra.LocalInfrastructure;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code srl infra}: the local infrastructure. */
@Command(
    name = "infra",
    mixinStandardHelpOptions = true,
    description = "Run the local infrastructure: a Kafka broker and a schema registry.",
    subcommands = {InfraCommand.Up.class})
final class InfraCommand implements Runnable {
  @Spec CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  @Command(
      name = "up",
      mixinStandardHelpOptions = true,
      description = {
        "Start an in-process single-node Kafka broker (KRaft) and a Confluent-compatible schema"
            + " registry on 127.0.0.1, create the catalogue's topics, and run until Ctrl-C or"
            + " SIGTERM.",
        "When ready, prints 'bootstrap.servers=HOST:PORT' and 'schema.registry.url=URL' on lines"
            + " of their own (stdout); logs go to stderr."
      })
  static final class Up implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Option(
        names = "--kafka-port",
        defaultValue = "0",
        paramLabel = "PORT",
        description = "Broker port on 127.0.0.1 (default: a free one).")
    int kafkaPort;

    @Option(
        names = "--registry-port",
        defaultValue = "0",
        paramLabel = "PORT",
        description = "Schema registry port on 127.0.0.1 (default: a free one).")
    int registryPort;

    @Option(
        names = "--data-dir",
        paramLabel = "DIR",
        description =
            "Keep the broker's data (topics, records, registered schemas) in DIR, so a restart"
                + " finds them again (default: a temporary directory deleted on exit).")
    Path dataDir;

    @Override
    public Integer call() throws InterruptedException {
      long started = System.nanoTime();
      LocalInfrastructure infra =
          LocalInfrastructure.start(
              new LocalInfrastructure.Config(dataDir, kafkaPort, registryPort));
      PrintWriter out = spec.commandLine().getOut();
      out.println("bootstrap.servers=" + infra.bootstrapServers());
      out.println("schema.registry.url=" + infra.schemaRegistryUrl());
      out.flush();
      spec.commandLine()
          .getErr()
          .printf(
              "srl infra: ready in %.1f s (data in %s); Ctrl-C or SIGTERM stops%n",
              (System.nanoTime() - started) / 1e9, infra.dataDir());
      spec.commandLine().getErr().flush();
      UntilStopped.await("infra", spec.commandLine().getErr(), infra);
      return 0;
    }
  }
}
