package dev.srlstream.topology.report;

import static dev.srlstream.topology.report.Html.escape;

import com.fasterxml.jackson.databind.JsonNode;
import dev.srlstream.topology.report.RunPlots.Plot;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;

/** The report.html of a run: header, base-vs-final table, plots, notes and the raw summary. */
final class RunPage {

  private RunPage() {}

  /**
   * The page, one self-contained HTML document (the plots are linked as {@code plots/<file>}).
   *
   * @param notes lines about missing or partial data, shown above the plots
   */
  static String html(JsonNode summary, List<Plot> plots, List<String> notes) {
    String recipe = Html.orMissing(ReportJson.text(summary, "recipe"));
    String runId = Html.orMissing(ReportJson.text(summary, "run_id"));
    StringBuilder page = new StringBuilder(8192);
    Html.start(page, "srl run " + runId + " (" + recipe + ")", "Run report: " + recipe);
    header(page, summary, recipe, runId);
    comparison(page, summary);
    stepComparison(page, summary);
    if (!notes.isEmpty()) {
      page.append("<ul class=\"notes\">\n");
      for (String note : notes) {
        page.append("<li>").append(escape(note)).append("</li>\n");
      }
      page.append("</ul>\n");
    }
    page.append("<h2>Training</h2>\n");
    for (Plot plot : plots) {
      page.append("<figure><img src=\"plots/")
          .append(escape(plot.file()))
          .append("\" alt=\"")
          .append(escape(plot.caption()))
          .append("\"><figcaption>")
          .append(escape(plot.caption()))
          .append("</figcaption></figure>\n");
    }
    page.append("<h2>Summary</h2>\n<details><summary>summary.json</summary>\n<pre>")
        .append(escape(ReportJson.pretty(summary)))
        .append("</pre>\n</details>\n</body>\n</html>\n");
    return page.toString();
  }

  private static void header(StringBuilder page, JsonNode summary, String recipe, String runId) {
    JsonNode budget = ReportJson.object(summary, "budget");
    JsonNode seeds = ReportJson.object(summary, "seeds");
    page.append("<dl class=\"header\">\n");
    Html.item(page, "Recipe", recipe);
    Html.item(page, "Run id", runId);
    Html.item(page, "Status / stop reason", Html.orMissing(ReportJson.text(summary, "status")));
    Html.item(page, "Budget", budget(budget));
    Html.item(page, "Elapsed", Html.duration(ReportJson.number(summary, "elapsed_seconds")));
    Html.item(page, "Peak RSS", Html.bytes(ReportJson.number(summary, "peak_rss_bytes")));
    Html.item(page, "Seeds", seeds(seeds));
    page.append("</dl>\n");
  }

  /** The base-vs-final test table: one row per measure, a column per policy and the change. */
  private static void comparison(StringBuilder page, JsonNode summary) {
    JsonNode base = ReportJson.object(summary, "base");
    JsonNode fin = ReportJson.object(summary, "final");
    page.append("<h2>Test split: base vs final policy</h2>\n<table>\n")
        .append("<tr><th></th><th>base</th><th>final</th><th>final \u2212 base</th></tr>\n");
    row(page, "policy version", base, fin, "version", 0, false);
    row(page, "greedy accuracy", base, fin, "greedy_accuracy", 3, true);
    String k = kLabel(base, fin);
    row(page, "avg@" + k, base, fin, "avg_at_k", 3, true);
    row(page, "pass@" + k, base, fin, "pass_at_k", 3, true);
    row(page, "k", base, fin, "k", 0, false);
    row(page, "problems", base, fin, "problems", 0, false);
    page.append("</table>\n");
  }

  /**
   * The base-vs-final step-level tables ({@code base.steps}, {@code final.steps}): the overall
   * figures, then the exact rate and mean reward by step index. A summary from before step-level
   * evaluation has no {@code steps}: its cells are dashes.
   */
  private static void stepComparison(StringBuilder page, JsonNode summary) {
    JsonNode base = ReportJson.object(ReportJson.object(summary, "base"), "steps");
    JsonNode fin = ReportJson.object(ReportJson.object(summary, "final"), "steps");
    JsonNode baseSampled = ReportJson.object(base, "sampled");
    JsonNode finSampled = ReportJson.object(fin, "sampled");
    String k = kLabel(baseSampled, finSampled);
    page.append("<h2>Test split, step level: base vs final policy</h2>\n")
        .append(
            "<p>Every step prompted with the expert's earlier steps, as in SRL training, and scored"
                + " by the scorer's step reward; exact = the action equals the expert's.</p>\n")
        .append("<table>\n")
        .append("<tr><th></th><th>base</th><th>final</th><th>final \u2212 base</th></tr>\n");
    row(page, "greedy well-formed rate", base, fin, "well_formed_rate", 3, true);
    row(page, "greedy exact rate", base, fin, "exact_rate", 3, true);
    row(page, "greedy mean reward", base, fin, "mean_reward", 3, true);
    row(
        page,
        "sampled well-formed rate (k = " + k + ")",
        baseSampled,
        finSampled,
        "well_formed_rate",
        3,
        true);
    row(page, "sampled exact rate (k = " + k + ")", baseSampled, finSampled, "exact_rate", 3, true);
    row(
        page,
        "sampled mean reward (k = " + k + ")",
        baseSampled,
        finSampled,
        "mean_reward",
        3,
        true);
    row(page, "steps", base, fin, "steps", 0, false);
    page.append("</table>\n");

    page.append("<table>\n<tr><th rowspan=\"2\">step</th><th rowspan=\"2\">steps</th>")
        .append("<th colspan=\"3\">greedy exact rate</th>")
        .append("<th colspan=\"3\">greedy mean reward</th>")
        .append("<th colspan=\"3\">sampled exact rate</th></tr>\n<tr>");
    for (int i = 0; i < 3; i++) {
      page.append("<th>base</th><th>final</th><th>change</th>");
    }
    page.append("</tr>\n");
    TreeSet<Integer> indexes = new TreeSet<>();
    for (JsonNode steps : new JsonNode[] {base, fin}) {
      for (JsonNode entry : ReportJson.array(steps, "by_index")) {
        double index = ReportJson.number(entry, "index");
        if (Double.isFinite(index)) {
          indexes.add((int) index);
        }
      }
    }
    if (indexes.isEmpty()) {
      page.append("<tr>");
      for (int i = 0; i < 11; i++) {
        page.append(cell(Html.MISSING));
      }
      page.append("</tr>\n");
    }
    for (int index : indexes) {
      JsonNode b = atIndex(base, index);
      JsonNode f = atIndex(fin, index);
      JsonNode bs = atIndex(baseSampled, index);
      JsonNode fs = atIndex(finSampled, index);
      double steps = ReportJson.number(f, "steps");
      page.append("<tr><th>")
          .append(index)
          .append("</th>")
          .append(
              cell(Html.fixed(Double.isFinite(steps) ? steps : ReportJson.number(b, "steps"), 0)))
          .append(cells(b, f, "exact_rate"))
          .append(cells(b, f, "mean_reward"))
          .append(cells(bs, fs, "exact_rate"))
          .append("</tr>\n");
    }
    page.append("</table>\n");
  }

  /** The {@code by_index} entry of {@code steps} with that index, or null. */
  private static JsonNode atIndex(JsonNode steps, int index) {
    for (JsonNode entry : ReportJson.array(steps, "by_index")) {
      if (ReportJson.number(entry, "index") == index) {
        return entry;
      }
    }
    return null;
  }

  /** Three cells: the field of base, of final, and the change (3 decimals). */
  private static String cells(JsonNode base, JsonNode fin, String field) {
    double before = ReportJson.number(base, field);
    double after = ReportJson.number(fin, field);
    String delta =
        Double.isFinite(before) && Double.isFinite(after)
            ? (after - before >= 0 ? "+" : "") + Html.fixed(after - before, 3)
            : Html.MISSING;
    return cell(Html.field(base, field, 3)) + cell(Html.field(fin, field, 3)) + cell(delta);
  }

  /** The k both evaluations used ("4"), or "k" when it is unknown or they differ. */
  private static String kLabel(JsonNode base, JsonNode fin) {
    double b = ReportJson.number(base, "k");
    double f = ReportJson.number(fin, "k");
    double k = Double.isFinite(f) ? f : b;
    boolean agree = !Double.isFinite(b) || !Double.isFinite(f) || b == f;
    return Double.isFinite(k) && agree ? Html.fixed(k, 0) : "k";
  }

  private static void row(
      StringBuilder page,
      String label,
      JsonNode base,
      JsonNode fin,
      String field,
      int decimals,
      boolean change) {
    String delta = Html.MISSING;
    double before = ReportJson.number(base, field);
    double after = ReportJson.number(fin, field);
    if (change && Double.isFinite(before) && Double.isFinite(after)) {
      delta = (after - before >= 0 ? "+" : "") + Html.fixed(after - before, decimals);
    }
    page.append("<tr><th>")
        .append(escape(label))
        .append("</th>")
        .append(cell(Html.field(base, field, decimals)))
        .append(cell(Html.field(fin, field, decimals)))
        .append(cell(change ? delta : ""))
        .append("</tr>\n");
  }

  private static String cell(String text) {
    return "<td class=\"num\">" + escape(text) + "</td>";
  }

  /** "6 min, at most 100 versions", "6 min", or {@link Html#MISSING}. */
  static String budget(JsonNode budget) {
    List<String> parts = new ArrayList<>();
    double minutes = ReportJson.number(budget, "minutes");
    double versions = ReportJson.number(budget, "max_versions");
    if (Double.isFinite(minutes)) {
      parts.add(trim(minutes) + " min");
    }
    if (Double.isFinite(versions)) {
      parts.add("at most " + Html.fixed(versions, 0) + " versions");
    }
    return parts.isEmpty() ? Html.MISSING : String.join(", ", parts);
  }

  /** "data 1, policy 1, sampling 1", or {@link Html#MISSING}. */
  static String seeds(JsonNode seeds) {
    if (seeds == null || seeds.isEmpty()) {
      return Html.MISSING;
    }
    List<String> parts = new ArrayList<>();
    for (var seed : seeds.properties()) {
      JsonNode value = seed.getValue();
      String text =
          value.isNull() ? Html.MISSING : value.isTextual() ? value.asText() : value.toString();
      parts.add(seed.getKey() + " " + text);
    }
    return String.join(", ", parts);
  }

  /** 6.0 as "6", 2.5 as "2.5". */
  private static String trim(double v) {
    return v == Math.rint(v) && Math.abs(v) < 1e15 ? Html.fixed(v, 0) : Double.toString(v);
  }
}
