package dev.srlstream.schemas.registry;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * Confluent's compatibility levels. BACKWARD: a reader with the new schema reads data written with
 * the previous one. FORWARD: a reader with the previous schema reads data written with the new one.
 * FULL: both. The {@code _TRANSITIVE} variants check against every earlier version, not only the
 * latest.
 */
public enum CompatibilityLevel {
  NONE(false, false, false),
  BACKWARD(true, false, false),
  BACKWARD_TRANSITIVE(true, false, true),
  FORWARD(false, true, false),
  FORWARD_TRANSITIVE(false, true, true),
  FULL(true, true, false),
  FULL_TRANSITIVE(true, true, true);

  private final boolean newReadsOld;
  private final boolean oldReadsNew;
  private final boolean transitive;

  CompatibilityLevel(boolean newReadsOld, boolean oldReadsNew, boolean transitive) {
    this.newReadsOld = newReadsOld;
    this.oldReadsNew = oldReadsNew;
    this.transitive = transitive;
  }

  /** Whether the new schema must read data written with the earlier ones. */
  public boolean newReadsOld() {
    return newReadsOld;
  }

  /** Whether the earlier schemas must read data written with the new one. */
  public boolean oldReadsNew() {
    return oldReadsNew;
  }

  /** Whether every earlier version is checked (otherwise only the latest). */
  public boolean transitive() {
    return transitive;
  }

  /**
   * Parses a level name, case-insensitively.
   *
   * @throws IllegalArgumentException naming the valid levels
   */
  public static CompatibilityLevel parse(String name) {
    if (name != null) {
      for (CompatibilityLevel level : values()) {
        if (level.name().equals(name.trim().toUpperCase(Locale.ROOT))) {
          return level;
        }
      }
    }
    throw new IllegalArgumentException(
        "compatibility level must be one of "
            + Arrays.stream(values()).map(Enum::name).collect(Collectors.joining(", "))
            + ", but was "
            + (name == null ? "null" : "'" + name + "'"));
  }
}
