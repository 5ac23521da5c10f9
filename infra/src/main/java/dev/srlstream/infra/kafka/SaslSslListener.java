package dev.srlstream.infra.kafka;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;

/**
 * A second listener of the embedded broker for clients that authenticate: SASL_SSL with SCRAM
 * (SHA-256) on 127.0.0.1, TLS from a PKCS12 keystore. The broker's own traffic (between nodes, and
 * to the controllers) stays on its PLAINTEXT listener, also on 127.0.0.1. Users are added with
 * {@link EmbeddedKafkaBroker#addScramUser}.
 *
 * @param port the port on 127.0.0.1; 0 picks a free one
 * @param keystore the broker's key and certificate (PKCS12), whose name clients verify (the
 *     certificate should name IP 127.0.0.1)
 * @param keystorePassword the keystore's and the key's password
 */
public record SaslSslListener(int port, Path keystore, String keystorePassword) {

  /** The only SASL mechanism the listener offers. */
  public static final String MECHANISM = "SCRAM-SHA-256";

  public SaslSslListener {
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException("port must be 0..65535, but was " + port);
    }
    Objects.requireNonNull(keystore, "keystore must be a PKCS12 file, but was null");
    if (!Files.isRegularFile(keystore)) {
      throw new IllegalArgumentException(
          "keystore must be a readable PKCS12 file, but was " + keystore);
    }
    Objects.requireNonNull(keystorePassword, "keystorePassword must be given, but was null");
  }
}
