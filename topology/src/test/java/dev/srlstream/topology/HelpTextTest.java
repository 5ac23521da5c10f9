package dev.srlstream.topology;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.IllegalFormatException;
import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;

/**
 * A command's description in --help is a format string to picocli (with %n for a line break); a
 * lone '%' makes picocli warn on stderr and print the raw text instead. (Option descriptions are
 * printed as they are, so a '%' there is fine and '%%' would show doubled.)
 */
class HelpTextTest {

  @Test
  void everyCommandsDescriptionFormatsCleanly() {
    List<String> bad = new ArrayList<>();
    List<CommandSpec> specs = new ArrayList<>();
    collect(SrlCommand.newCommandLine(), specs);
    for (CommandSpec spec : specs) {
      for (String text : spec.usageMessage().description()) {
        try {
          String.format(text);
        } catch (IllegalFormatException e) {
          bad.add(spec.qualifiedName() + ": " + e + " in: " + text);
        }
      }
    }
    assertThat(specs).hasSizeGreaterThan(10);
    assertThat(bad).isEmpty();
  }

  private static void collect(CommandLine line, List<CommandSpec> into) {
    into.add(line.getCommandSpec());
    line.getSubcommands().values().stream().distinct().forEach(sub -> collect(sub, into));
  }
}
