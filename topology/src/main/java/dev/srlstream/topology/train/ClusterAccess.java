package dev.srlstream.topology.train;

import dev.srlstream.schemas.AdminSettings;
import dev.srlstream.schemas.registry.RegistryAccess;
import dev.srlstream.schemas.registry.SchemaRegistryClient;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;

/**
 * The cluster a run trains on, and how its clients reach it: the Kafka servers with their client
 * settings (security), and the schema registry with its access.
 *
 * @param bootstrapServers the Kafka cluster
 * @param schemaRegistryUrl the registry
 * @param kafkaConfig further Kafka client settings for every client of the run (security); none for
 *     the embedded cluster
 * @param registryAccess how to reach a guarded registry
 */
public record ClusterAccess(
    String bootstrapServers,
    String schemaRegistryUrl,
    Map<String, String> kafkaConfig,
    RegistryAccess registryAccess) {

  public ClusterAccess {
    Objects.requireNonNull(bootstrapServers, "bootstrapServers");
    Objects.requireNonNull(schemaRegistryUrl, "schemaRegistryUrl");
    kafkaConfig = kafkaConfig == null ? Map.of() : Map.copyOf(kafkaConfig);
    registryAccess = registryAccess == null ? RegistryAccess.NONE : registryAccess;
  }

  /** An open cluster: plaintext Kafka, an open registry. */
  public static ClusterAccess open(String bootstrapServers, String schemaRegistryUrl) {
    return new ClusterAccess(bootstrapServers, schemaRegistryUrl, Map.of(), RegistryAccess.NONE);
  }

  /** A client of the registry. */
  SchemaRegistryClient registry() {
    return new SchemaRegistryClient(schemaRegistryUrl, registryAccess);
  }

  /** The settings of a client: the cluster, its client settings, then {@code own}. */
  Map<String, Object> client(Map<String, Object> own) {
    Map<String, Object> config = new HashMap<>(kafkaConfig);
    config.put("bootstrap.servers", bootstrapServers);
    config.putAll(own);
    return config;
  }

  /** The settings of an Admin client: only those of {@link #kafkaConfig} an Admin client knows. */
  Map<String, Object> admin() {
    return AdminSettings.of(bootstrapServers, kafkaConfig);
  }
}
