package dev.srlstream.schemas.serde;

import org.apache.avro.util.ClassSecurityValidator;
import org.apache.avro.util.ClassSecurityValidator.ClassSecurityPredicate;

/**
 * Avro 1.12 refuses to load a generated class for a schema unless the class is trusted (a guard
 * against gadget classes named in untrusted schemas). Our generated classes live in one package;
 * this adds exactly that package to whatever the JVM already trusts.
 */
final class TrustedClasses {
  static final String GENERATED_PACKAGE = "dev.srlstream.schemas.avro.";

  private static boolean installed;

  private TrustedClasses() {}

  static synchronized void install() {
    if (installed) {
      return;
    }
    ClassSecurityPredicate ours = c -> c.getName().startsWith(GENERATED_PACKAGE);
    ClassSecurityValidator.setGlobal(
        ClassSecurityValidator.composite(ClassSecurityValidator.getGlobal(), ours));
    installed = true;
  }
}
