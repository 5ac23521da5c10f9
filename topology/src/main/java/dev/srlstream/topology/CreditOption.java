package dev.srlstream.topology;

import dev.srlstream.learner.Credit;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Option;
import picocli.CommandLine.TypeConversionException;

/** The {@code --credit} setting of every command that runs a learner; the paper's by default. */
final class CreditOption {

  @Option(
      names = "--credit",
      defaultValue = "sequence",
      paramLabel = "sequence|aligned",
      converter = Converter.class,
      description =
          "How the learner spreads a rollout's advantage over its tokens: sequence, the paper's"
              + " (every token all of it), or aligned (in the action, tokens the expert step"
              + " shares are only pushed up and the others only down, by the alignment the step"
              + " reward was computed from; SRL only) (default: ${DEFAULT-VALUE}).")
  Credit credit = Credit.SEQUENCE;

  /** Reads {@code sequence} or {@code aligned}, in any case. */
  static final class Converter implements ITypeConverter<Credit> {
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
}
