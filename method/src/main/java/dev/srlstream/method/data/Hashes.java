package dev.srlstream.method.data;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/** Content hashes for ids and split assignment: stable across runs, JVMs and file orders. */
final class Hashes {
  private Hashes() {}

  /** A number in [0, 1) from the first 53 bits of the SHA-256 of the key's UTF-8 bytes. */
  static double unitHash(String key) {
    byte[] digest = sha256(key);
    long bits = 0;
    for (int i = 0; i < 8; i++) {
      bits = (bits << 8) | (digest[i] & 0xff);
    }
    return (bits >>> 11) * 0x1.0p-53;
  }

  /** The first {@code chars} lower-case hex digits of the SHA-256 of the key's UTF-8 bytes. */
  static String hexHash(String key, int chars) {
    byte[] digest = sha256(key);
    StringBuilder hex = new StringBuilder();
    for (int i = 0; hex.length() < chars; i++) {
      hex.append(String.format("%02x", digest[i]));
    }
    return hex.substring(0, chars);
  }

  private static byte[] sha256(String key) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java runtime has SHA-256", e);
    }
  }
}
