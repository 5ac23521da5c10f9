package dev.srlstream.schemas;

import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.clients.admin.AdminClientConfig;

/**
 * The settings of an Admin client made beside a service's other clients: the cluster, and those of
 * the service's client settings (security, for example) that an Admin client knows. The rest
 * (consumer or producer settings) are left out, so the Admin client logs no warning about them.
 */
public final class AdminSettings {

  private AdminSettings() {}

  /**
   * @param clientSettings the service's further client settings; may be empty
   */
  public static Map<String, Object> of(String bootstrapServers, Map<String, ?> clientSettings) {
    Map<String, Object> settings = new HashMap<>();
    clientSettings.forEach(
        (key, value) -> {
          if (AdminClientConfig.configNames().contains(key)) {
            settings.put(key, value);
          }
        });
    settings.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    return settings;
  }
}
