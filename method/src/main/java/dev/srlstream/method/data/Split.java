package dev.srlstream.method.data;

/** The data split an instance belongs to; {@link #wireName()} is the value in Avro records. */
public enum Split {
  TRAIN("train"),
  VALIDATION("validation"),
  TEST("test");

  private final String wireName;

  Split(String wireName) {
    this.wireName = wireName;
  }

  /** The name used in records and on the command line: train, validation or test. */
  public String wireName() {
    return wireName;
  }

  /** The split of a wire name (case-insensitive). */
  public static Split fromWireName(String name) {
    for (Split split : values()) {
      if (split.wireName.equalsIgnoreCase(name)) {
        return split;
      }
    }
    throw new IllegalArgumentException(
        "split must be one of train, validation, test, but was " + Texts.quote(name));
  }

  /**
   * Assigns a split from the content of a key alone (a problem id, a canonical expression): the
   * first 8 bytes of its SHA-256 give a number u in [0, 1); u < validationFraction is validation,
   * the next testFraction is test, the rest train. The same key lands in the same split whatever
   * the seed, the file order or the other keys, so a held-out problem can never turn up in train.
   */
  public static Split byHash(String key, double validationFraction, double testFraction) {
    if (!(validationFraction >= 0 && testFraction >= 0 && validationFraction + testFraction <= 1)) {
      throw new IllegalArgumentException(
          "validation and test fractions must be >= 0 with a sum <= 1, but were "
              + validationFraction
              + " and "
              + testFraction);
    }
    double u = Hashes.unitHash(key);
    if (u < validationFraction) {
      return VALIDATION;
    }
    return u < validationFraction + testFraction ? TEST : TRAIN;
  }
}
