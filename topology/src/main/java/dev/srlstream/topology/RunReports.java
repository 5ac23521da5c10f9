package dev.srlstream.topology;

import dev.srlstream.topology.report.RunReport;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;

/** Writes a run's report after the run, whatever state the run ended in. */
final class RunReports {
  private RunReports() {}

  /**
   * Writes {@code report.html} and its plots; a report that cannot be written is said on {@code
   * log}, never thrown, so that it cannot hide the run's own outcome.
   */
  static void write(Path runDir, PrintWriter log) {
    if (!Files.exists(runDir.resolve(RunReport.SUMMARY_FILE))) {
      return; // the run failed before it wrote anything
    }
    try {
      Path html = RunReport.write(runDir);
      log.println("srl train: report " + html);
    } catch (Exception | LinkageError e) {
      log.println("srl train: could not write the report: " + e);
    }
    log.flush();
  }
}
