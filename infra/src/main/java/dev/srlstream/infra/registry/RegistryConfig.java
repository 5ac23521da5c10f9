package dev.srlstream.infra.registry;

import dev.srlstream.schemas.Topics;
import dev.srlstream.schemas.registry.CompatibilityLevel;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The schema registry's configuration.
 *
 * @param bootstrapServers the Kafka cluster holding the schemas topic, or null for an in-memory
 *     store (schemas are lost when the registry stops)
 * @param port the port to listen on, on 127.0.0.1 only; 0 picks a free one
 * @param defaultCompatibility the global level until one is set through {@code PUT /config}
 * @param schemasTopic the compacted topic the schemas live in; null means {@value
 *     #DEFAULT_SCHEMAS_TOPIC}
 * @param security TLS and basic authentication of the API; null means neither
 * @param kafkaConfig further Kafka client settings (security) for the store's clients; null means
 *     none
 */
public record RegistryConfig(
    String bootstrapServers,
    int port,
    CompatibilityLevel defaultCompatibility,
    String schemasTopic,
    RegistrySecurity security,
    Map<String, String> kafkaConfig) {

  /** Confluent's topic name, also the catalogue's. */
  public static final String DEFAULT_SCHEMAS_TOPIC = Topics.SCHEMAS_TOPIC;

  private static final Pattern HOST_PORT = Pattern.compile("[^\\s,:]+:\\d{1,5}");
  private static final Pattern TOPIC = Pattern.compile("[a-zA-Z0-9._-]{1,249}");

  /** Validates every component; a bad one fails with "X must be ..., but was ...". */
  public RegistryConfig {
    if (bootstrapServers != null) {
      for (String server : bootstrapServers.split(",", -1)) {
        if (!HOST_PORT.matcher(server.trim()).matches()) {
          throw new IllegalArgumentException(
              "bootstrapServers must be null (in-memory store) or a comma-separated list of"
                  + " host:port, but was '"
                  + bootstrapServers
                  + "'");
        }
      }
    }
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException(
          "port must be between 0 (any free port) and 65535, but was " + port);
    }
    if (defaultCompatibility == null) {
      throw new IllegalArgumentException(
          "defaultCompatibility must be a compatibility level such as BACKWARD, but was null");
    }
    if (schemasTopic == null) {
      schemasTopic = DEFAULT_SCHEMAS_TOPIC;
    }
    if (security == null) {
      security = RegistrySecurity.NONE;
    }
    kafkaConfig = kafkaConfig == null ? Map.of() : Map.copyOf(kafkaConfig);
    if (!TOPIC.matcher(schemasTopic).matches()
        || schemasTopic.equals(".")
        || schemasTopic.equals("..")) {
      throw new IllegalArgumentException(
          "schemasTopic must be a Kafka topic name (1 to 249 of a-z, A-Z, 0-9, '.', '_', '-'),"
              + " but was '"
              + schemasTopic
              + "'");
    }
  }

  /** Plain HTTP, no authentication. */
  public RegistryConfig(
      String bootstrapServers,
      int port,
      CompatibilityLevel defaultCompatibility,
      String schemasTopic) {
    this(bootstrapServers, port, defaultCompatibility, schemasTopic, RegistrySecurity.NONE, null);
  }

  /** This configuration with TLS and/or basic authentication. */
  public RegistryConfig withSecurity(RegistrySecurity newSecurity) {
    return new RegistryConfig(
        bootstrapServers, port, defaultCompatibility, schemasTopic, newSecurity, kafkaConfig);
  }

  /** This configuration with Kafka client settings (security) for the store. */
  public RegistryConfig withKafkaConfig(Map<String, String> newKafkaConfig) {
    return new RegistryConfig(
        bootstrapServers, port, defaultCompatibility, schemasTopic, security, newKafkaConfig);
  }

  /** An in-memory registry with the default level BACKWARD. */
  public static RegistryConfig inMemory(int port) {
    return new RegistryConfig(null, port, CompatibilityLevel.BACKWARD, null);
  }

  /** A registry storing its schemas in {@value #DEFAULT_SCHEMAS_TOPIC}, default level BACKWARD. */
  public static RegistryConfig kafka(String bootstrapServers, int port) {
    return new RegistryConfig(bootstrapServers, port, CompatibilityLevel.BACKWARD, null);
  }

  /** Whether schemas are kept in memory only. */
  public boolean inMemoryStore() {
    return bootstrapServers == null;
  }
}
