package dev.srlstream.topology;

import dev.srlstream.learner.Credit;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/** Reads {@code --credit sequence|aligned}, in any case, into a {@link Credit}. */
final class CreditOption implements ITypeConverter<Credit> {

  @Override
  public Credit convert(String value) {
    for (Credit credit : Credit.values()) {
      if (credit.name().equalsIgnoreCase(value.strip())) {
        return credit;
      }
    }
    throw new TypeConversionException(
        "--credit must be sequence or aligned, but was '" + value + "'");
  }
}
