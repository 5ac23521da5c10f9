package dev.srlstream.schemas.registry;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.util.Map;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * How a client reaches a guarded schema registry: HTTP basic authentication and the certificates it
 * trusts for HTTPS, in Confluent's client property names ({@code basic.auth.user.info}, {@code
 * schema.registry.ssl.truststore.location}, {@code .password}, {@code .type}), so a file written
 * for Confluent's clients works here.
 *
 * @param userInfo {@code user:password} for basic authentication, or null
 * @param truststore the certificates to trust, or null for the JVM's default ones
 * @param truststorePassword the truststore's password (null without one)
 * @param truststoreType the truststore's type, e.g. PKCS12 (the default) or JKS
 */
public record RegistryAccess(
    String userInfo, Path truststore, String truststorePassword, String truststoreType) {

  /** No authentication; the JVM's trusted certificates. */
  public static final RegistryAccess NONE = new RegistryAccess(null, null, null, null);

  public RegistryAccess {
    if (userInfo != null && !userInfo.contains(":")) {
      throw new IllegalArgumentException(
          "basic.auth.user.info must be user:password, but had no ':'");
    }
    if (truststore != null && !Files.isRegularFile(truststore)) {
      throw new IllegalArgumentException(
          "schema.registry.ssl.truststore.location must be a readable file, but was " + truststore);
    }
    if (truststoreType == null) {
      truststoreType = "PKCS12";
    }
  }

  /** From client properties in Confluent's names; unknown names are ignored. */
  public static RegistryAccess fromProperties(Map<String, String> properties) {
    String location = properties.get("schema.registry.ssl.truststore.location");
    return new RegistryAccess(
        properties.get("basic.auth.user.info"),
        location == null ? null : Path.of(location),
        properties.get("schema.registry.ssl.truststore.password"),
        properties.get("schema.registry.ssl.truststore.type"));
  }

  /** The TLS context trusting the truststore's certificates, or null for the JVM's default. */
  SSLContext sslContext() {
    if (truststore == null) {
      return null;
    }
    try (InputStream in = Files.newInputStream(truststore)) {
      KeyStore store = KeyStore.getInstance(truststoreType);
      store.load(in, truststorePassword == null ? null : truststorePassword.toCharArray());
      TrustManagerFactory trust =
          TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      trust.init(store);
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(null, trust.getTrustManagers(), null);
      return context;
    } catch (IOException | GeneralSecurityException e) {
      throw new IllegalArgumentException(
          "the schema registry truststore " + truststore + " cannot be loaded: " + e.getMessage(),
          e);
    }
  }

  @Override
  public String toString() {
    // Never the password.
    return "RegistryAccess[user="
        + (userInfo == null ? "none" : userInfo.substring(0, userInfo.indexOf(':')))
        + ", truststore="
        + truststore
        + "]";
  }
}
