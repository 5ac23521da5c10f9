package dev.srlstream.topology;

import picocli.CommandLine.Option;

/**
 * Where a service runs: the Kafka cluster and the schema registry, given by every service command.
 */
final class ClusterOptions {

  @Option(
      names = "--bootstrap-servers",
      required = true,
      paramLabel = "HOST:PORT[,...]",
      description = "Kafka bootstrap servers.")
  String bootstrapServers;

  @Option(
      names = "--schema-registry",
      required = true,
      paramLabel = "URL",
      description = "Schema registry URL, e.g. http://127.0.0.1:8081.")
  String schemaRegistry;
}
