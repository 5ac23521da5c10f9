package dev.srlstream.topology;

import com.fasterxml.jackson.databind.JsonNode;
import dev.srlstream.topology.report.CompareReport;
import dev.srlstream.topology.report.RunReport;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code srl report}: (re)writes the HTML report and plots of a training run directory, or the
 * comparison page of a directory holding a compare.json.
 */
@Command(
    name = "report",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = {
      "Write the HTML report of a training run, or of a comparison of recipes.",
      "If DIR holds summary.json (a training run, finished or not): reads it and"
          + " DIR/metrics.jsonl and writes DIR/report.html and four plots in DIR/plots:"
          + " reward-curve.png, heldout-accuracy.png, staleness.png, throughput.png. Missing"
          + " fields show as a dash; without metrics.jsonl the staleness and throughput plots"
          + " say \"no data\".",
      "Else, if DIR holds compare.json: writes DIR/compare.html and prints the comparison as a"
          + " Markdown table. A comparison over seeds (srl compare --seeds) shows each metric as"
          + " its mean ± the half-width of its 95%% confidence interval, then the per-seed values,"
          + " and which intervals do not overlap srl's; a single-seed compare.json of earlier"
          + " versions shows as it did.",
      "Existing files are replaced. The last line printed is the path of the HTML file written."
    })
final class ReportCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(
      names = "--run-dir",
      required = true,
      paramLabel = "DIR",
      description =
          "A training run's directory (with summary.json) or a comparison's (with compare.json).")
  Path runDir;

  @Override
  public Integer call() throws Exception {
    if (!Files.isDirectory(runDir)) {
      throw new IllegalArgumentException(
          "--run-dir must be a directory, but "
              + runDir
              + (Files.exists(runDir) ? " is not one" : " does not exist"));
    }
    PrintWriter out = spec.commandLine().getOut();
    Path html;
    if (Files.exists(runDir.resolve(RunReport.SUMMARY_FILE))) {
      html = RunReport.write(runDir);
    } else if (Files.exists(runDir.resolve(CompareReport.COMPARE_FILE))) {
      JsonNode compare = CompareReport.read(runDir);
      html = CompareReport.write(runDir, compare);
      out.print(CompareReport.markdown(compare));
    } else {
      throw new IllegalArgumentException(
          "--run-dir "
              + runDir
              + " holds neither "
              + RunReport.SUMMARY_FILE
              + " (a training run) nor "
              + CompareReport.COMPARE_FILE
              + " (a comparison of recipes)");
    }
    out.println(html);
    out.flush();
    return 0;
  }
}
