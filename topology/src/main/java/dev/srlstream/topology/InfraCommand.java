package dev.srlstream.topology;

import static java.nio.charset.StandardCharsets.UTF_8;

import dev.srlstream.infra.LocalInfrastructure;
import dev.srlstream.infra.kafka.BrokerConfig;
import dev.srlstream.infra.kafka.EmbeddedKafkaBroker;
import dev.srlstream.infra.kafka.KraftCluster;
import dev.srlstream.infra.registry.RegistryConfig;
import dev.srlstream.infra.registry.RegistrySecurity;
import dev.srlstream.infra.registry.SchemaRegistryServer;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import org.apache.kafka.common.Uuid;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code srl infra}: the local infrastructure. */
@Command(
    name = "infra",
    mixinStandardHelpOptions = true,
    description =
        "Run the local infrastructure: Kafka brokers and a schema registry, on 127.0.0.1 only.",
    subcommands = {InfraCommand.Up.class, InfraCommand.Broker.class, InfraCommand.Registry.class})
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
        "Start in-process Kafka brokers (KRaft: one, or a cluster of three whose topics keep"
            + " three replicas, two of which must have every write) and a Confluent-compatible"
            + " schema registry on 127.0.0.1, create the catalogue's topics, and run until Ctrl-C"
            + " or SIGTERM.",
        "When ready, prints 'bootstrap.servers=HOST:PORT' and 'schema.registry.url=URL' on lines"
            + " of their own (stdout); logs go to stderr."
      })
  static final class Up implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Option(
        names = "--brokers",
        defaultValue = "1",
        paramLabel = "N",
        description =
            "Brokers: 1, or 3 (or 5) for a cluster that loses nothing acknowledged when one of"
                + " them fails (default: ${DEFAULT-VALUE}).")
    int brokers;

    @Option(
        names = "--kafka-port",
        defaultValue = "0",
        paramLabel = "PORT",
        description =
            "Broker port on 127.0.0.1; with several brokers the first one's, the others' follow"
                + " it (default: free ones).")
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
            "Keep the brokers' data (topics, records, registered schemas) in DIR (node-1, node-2,"
                + " ... with several brokers), so a restart finds them again (default: a"
                + " temporary directory deleted on exit).")
    Path dataDir;

    @Override
    public Integer call() throws InterruptedException {
      long started = System.nanoTime();
      LocalInfrastructure infra =
          LocalInfrastructure.start(
              new LocalInfrastructure.Config(dataDir, kafkaPort, registryPort, brokers));
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

  @Command(
      name = "broker",
      mixinStandardHelpOptions = true,
      sortOptions = false,
      description = {
        "Run one node (broker and controller) of a KRaft cluster of several on 127.0.0.1, as a"
            + " process of its own, until Ctrl-C or SIGTERM: start one per node with the same"
            + " --controller-ports, each with its --node-id; a node is ready once a majority of"
            + " them runs. With three nodes, internal topics and topics created without a"
            + " replication factor keep three replicas, two of which must have every write"
            + " (srl topics create --replication-factor 3 for the catalogue's).",
        "When ready, prints 'bootstrap.servers=HOST:PORT' (stdout); logs go to stderr."
      })
  static final class Broker implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Option(
        names = "--node-id",
        required = true,
        paramLabel = "N",
        description = "This node, 1..n.")
    int nodeId;

    @Option(
        names = "--controller-ports",
        required = true,
        split = ",",
        paramLabel = "PORT,...",
        description = "Every node's controller port on 127.0.0.1, by node id.")
    List<Integer> controllerPorts;

    @Option(
        names = "--kafka-port",
        required = true,
        paramLabel = "PORT",
        description = "This node's broker port on 127.0.0.1.")
    int kafkaPort;

    @Option(
        names = "--data-dir",
        required = true,
        paramLabel = "DIR",
        description = "Where this node keeps its log (kept: a restart on it finds its data).")
    Path dataDir;

    @Option(
        names = "--cluster-id",
        paramLabel = "ID",
        description =
            "The cluster's id, the same for every node (default: one derived from"
                + " --controller-ports, so the nodes of one cluster agree without it).")
    String clusterId;

    @Override
    public Integer call() throws InterruptedException {
      long started = System.nanoTime();
      KraftCluster cluster =
          new KraftCluster(
              nodeId, controllerPorts, clusterId != null ? clusterId : idOf(controllerPorts));
      EmbeddedKafkaBroker broker =
          EmbeddedKafkaBroker.start(
              BrokerConfig.ephemeral()
                  .withPorts(kafkaPort, 0)
                  .withDataDir(dataDir)
                  .withKeepData(true)
                  .withCluster(cluster));
      spec.commandLine().getOut().println("bootstrap.servers=" + broker.bootstrapServers());
      spec.commandLine().getOut().flush();
      spec.commandLine()
          .getErr()
          .printf(
              "srl infra broker: node %d of %d ready in %.1f s (data in %s); Ctrl-C or SIGTERM"
                  + " stops%n",
              nodeId, cluster.size(), (System.nanoTime() - started) / 1e9, dataDir);
      spec.commandLine().getErr().flush();
      UntilStopped.await("infra broker", spec.commandLine().getErr(), broker);
      return 0;
    }

    /** A cluster id every node derives alike from the controller ports. */
    static String idOf(List<Integer> controllerPorts) {
      UUID name = UUID.nameUUIDFromBytes(("srl-kraft:" + controllerPorts).getBytes(UTF_8));
      return new Uuid(name.getMostSignificantBits(), name.getLeastSignificantBits()).toString();
    }
  }

  @Command(
      name = "registry",
      mixinStandardHelpOptions = true,
      description = {
        "Run the schema registry alone, on a cluster that is already up (its schemas live in the"
            + " cluster's compacted _schemas topic), until Ctrl-C or SIGTERM; with --config, over"
            + " HTTPS and/or behind HTTP basic authentication.",
        "When ready, prints 'schema.registry.url=URL' (stdout); logs go to stderr."
      })
  static final class Registry implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Option(
        names = "--bootstrap-servers",
        required = true,
        paramLabel = "HOST:PORT[,...]",
        description = "The Kafka cluster.")
    String bootstrapServers;

    @Option(
        names = "--port",
        defaultValue = "0",
        paramLabel = "PORT",
        description = "Port on 127.0.0.1 (default: a free one).")
    int port;

    @Option(
        names = "--config",
        paramLabel = "FILE",
        description =
            "Properties: ssl.keystore.location and ssl.keystore.password (PKCS12) for HTTPS;"
                + " basic.auth.user.info=USER:PASSWORD for the one user every request must"
                + " authenticate as (default: plain HTTP, no authentication).")
    Path config;

    @Option(
        names = "--kafka-config",
        paramLabel = "FILE",
        description =
            "Kafka client properties for the registry's store on a secured cluster, e.g."
                + " security.protocol=SASL_SSL (default: none, plaintext).")
    Path kafkaConfig;

    @Override
    public Integer call() throws InterruptedException {
      SchemaRegistryServer registry =
          SchemaRegistryServer.start(
              RegistryConfig.kafka(bootstrapServers, port)
                  .withSecurity(security(config))
                  .withKafkaConfig(ClusterOptions.kafkaConfig(kafkaConfig, "--kafka-config")));
      spec.commandLine().getOut().println("schema.registry.url=" + registry.url());
      spec.commandLine().getOut().flush();
      UntilStopped.await("infra registry", spec.commandLine().getErr(), registry);
      return 0;
    }

    /** The registry's TLS and basic authentication from {@code --config}, or none. */
    static RegistrySecurity security(Path file) {
      if (file == null) {
        return RegistrySecurity.NONE;
      }
      Map<String, String> props = ClusterOptions.properties(file, "--config");
      String keystore = props.get("ssl.keystore.location");
      String userInfo = props.get("basic.auth.user.info");
      if (userInfo != null && !userInfo.contains(":")) {
        throw new IllegalArgumentException(
            "--config " + file + ": basic.auth.user.info must be USER:PASSWORD, but had no ':'");
      }
      try {
        return new RegistrySecurity(
            keystore == null ? null : Path.of(keystore),
            props.get("ssl.keystore.password"),
            userInfo == null ? null : userInfo.substring(0, userInfo.indexOf(':')),
            userInfo == null ? null : userInfo.substring(userInfo.indexOf(':') + 1));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("--config " + file + ": " + e.getMessage(), e);
      }
    }
  }
}
