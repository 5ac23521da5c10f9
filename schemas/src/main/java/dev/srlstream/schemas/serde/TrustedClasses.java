package dev.srlstream.schemas.serde;

import org.apache.avro.util.ClassSecurityValidator;
import org.apache.avro.util.ClassSecurityValidator.ClassSecurityPredicate;

/**
 * Avro 1.12 refuses to load a generated class for a schema unless the class is trusted (a guard
 * against gadget classes named in untrusted schemas). Our generated classes (the contract, and
 * services' internal state records) live under one root package; this adds exactly that root to
 * whatever the JVM already trusts.
 */
final class TrustedClasses {
  static final String OUR_PACKAGES = "dev.srlstream.";

  private static boolean installed;

  private TrustedClasses() {}

  static synchronized void install() {
    if (installed) {
      return;
    }
    ClassSecurityPredicate ours = c -> c.getName().startsWith(OUR_PACKAGES);
    ClassSecurityValidator.setGlobal(
        ClassSecurityValidator.composite(ClassSecurityValidator.getGlobal(), ours));
    installed = true;
  }
}
