package dev.srlstream.topology;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.admin.AdminClientConfig;
import picocli.CommandLine.Option;

/** The connection options every command that talks to an existing cluster shares. */
final class KafkaOptions {

  @Option(
      names = "--bootstrap-servers",
      required = true,
      paramLabel = "HOST:PORT[,HOST:PORT...]",
      description = "Kafka bootstrap servers of the cluster to use.")
  String bootstrapServers;

  @Option(
      names = "--timeout",
      defaultValue = "PT15S",
      paramLabel = "DURATION",
      description =
          "How long to wait for the cluster before giving up, as an ISO-8601 duration"
              + " (default: ${DEFAULT-VALUE}).")
  Duration timeout;

  @Option(
      names = "--kafka-config",
      paramLabel = "FILE",
      description =
          "Kafka client properties, e.g. security.protocol=SASL_SSL, sasl.mechanism,"
              + " sasl.jaas.config, ssl.truststore.location (default: none, plaintext).")
  Path kafkaConfig;

  /** The properties of {@code --kafka-config}, or none. */
  Map<String, String> clientConfig() {
    return ClusterOptions.kafkaConfig(kafkaConfig, "--kafka-config");
  }

  /** Admin client settings: bounded waits, so an unreachable cluster fails with a message. */
  Properties adminProperties() {
    if (timeout.isNegative() || timeout.isZero()) {
      throw new IllegalArgumentException("--timeout must be positive, but was " + timeout);
    }
    Properties props = new Properties();
    clientConfig().forEach(props::put);
    props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    props.put(AdminClientConfig.CLIENT_ID_CONFIG, "srl-cli");
    props.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) timeout.toMillis());
    props.put(
        AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) Math.min(timeout.toMillis(), 10_000));
    return props;
  }
}
