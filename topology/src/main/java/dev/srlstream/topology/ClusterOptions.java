package dev.srlstream.topology;

import dev.srlstream.schemas.registry.RegistryAccess;
import dev.srlstream.schemas.registry.SchemaRegistryClient;
import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import picocli.CommandLine.Option;

/**
 * Where a service runs: the Kafka cluster and the schema registry, given by every service command,
 * and the Kafka client settings a secured cluster needs.
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

  @Option(
      names = "--kafka-config",
      paramLabel = "FILE",
      description =
          "Kafka client properties for every client this command makes (producers, consumers,"
              + " Kafka Streams, admin), e.g. security.protocol=SASL_SSL, sasl.mechanism,"
              + " sasl.jaas.config, ssl.truststore.location (default: none, plaintext).")
  Path kafkaConfig;

  @Option(
      names = "--schema-registry-config",
      paramLabel = "FILE",
      description =
          "Schema registry client properties, in Confluent's names: basic.auth.user.info="
              + "USER:PASSWORD, schema.registry.ssl.truststore.location, .password, .type"
              + " (default: none; user info in the URL works too).")
  Path schemaRegistryConfig;

  /** How to reach the registry: {@code --schema-registry-config}, or an open registry. */
  RegistryAccess registryAccess() {
    return registryAccess(schemaRegistryConfig);
  }

  /** How to reach a registry with the client properties of {@code file}; none: an open one. */
  static RegistryAccess registryAccess(Path file) {
    if (file == null) {
      return RegistryAccess.NONE;
    }
    Map<String, String> props = properties(file, "--schema-registry-config");
    try {
      return RegistryAccess.fromProperties(props);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "--schema-registry-config " + file + ": " + e.getMessage(), e);
    }
  }

  /** A client of the registry, with {@code --schema-registry-config}. */
  SchemaRegistryClient registry() {
    return new SchemaRegistryClient(schemaRegistry, registryAccess());
  }

  /** The properties of {@code --kafka-config}, or none. */
  Map<String, String> kafkaConfig() {
    return kafkaConfig(kafkaConfig, "--kafka-config");
  }

  /**
   * Reads a Kafka client properties file. It may not name the servers ({@code --bootstrap-servers}
   * does), so that one cluster is never named two ways.
   *
   * @throws IllegalArgumentException naming the option and the file when it cannot be read
   */
  static Map<String, String> kafkaConfig(Path file, String option) {
    if (file == null) {
      return Map.of();
    }
    Map<String, String> config = properties(file, option);
    if (config.containsKey("bootstrap.servers")) {
      throw new IllegalArgumentException(
          option
              + " must not set bootstrap.servers (give --bootstrap-servers), but "
              + file
              + " does");
    }
    return config;
  }

  /** A properties file's entries; a file that cannot be read fails naming the option. */
  static Map<String, String> properties(Path file, String option) {
    CliFiles.requireInputFile(file, option);
    Properties props = new Properties();
    try (Reader reader = Files.newBufferedReader(file)) {
      props.load(reader);
    } catch (IOException | IllegalArgumentException e) {
      throw new IllegalArgumentException(
          option + " must be a readable properties file, but " + file + ": " + e.getMessage(), e);
    }
    Map<String, String> config = new TreeMap<>();
    props.stringPropertyNames().forEach(k -> config.put(k, props.getProperty(k)));
    return Map.copyOf(config);
  }
}
