package dev.srlstream.infra.registry;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * How the registry guards its API: TLS (HTTPS from a PKCS12 keystore) and HTTP basic authentication
 * (one user), each optional.
 *
 * @param keystore the server's key and certificate (PKCS12), or null for plain HTTP
 * @param keystorePassword the keystore's password (null without a keystore)
 * @param user the user every request must authenticate as, or null for no authentication
 * @param password that user's password (null without a user)
 */
public record RegistrySecurity(
    Path keystore, String keystorePassword, String user, String password) {

  /** Plain HTTP, no authentication. */
  public static final RegistrySecurity NONE = new RegistrySecurity(null, null, null, null);

  public RegistrySecurity {
    if (keystore != null && !Files.isRegularFile(keystore)) {
      throw new IllegalArgumentException(
          "keystore must be a readable PKCS12 file, but was " + keystore);
    }
    if (keystore != null && keystorePassword == null) {
      throw new IllegalArgumentException("keystorePassword must be given with a keystore");
    }
    if ((user == null) != (password == null)) {
      throw new IllegalArgumentException("user and password must be given together or not at all");
    }
    if (user != null && (user.isEmpty() || user.contains(":"))) {
      throw new IllegalArgumentException(
          "user must be non-empty and without ':', but was '" + user + "'");
    }
  }

  public boolean tls() {
    return keystore != null;
  }

  public boolean authenticates() {
    return user != null;
  }
}
