package dev.srlstream.topology.report;

import static dev.srlstream.topology.report.Html.escape;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;

/**
 * A comparison over seeds ({@link CompareReport}'s form with a {@code recipes} array) as Markdown
 * and as HTML: one row per recipe, each metric as "mean ± half-width (per-seed values)", e.g.
 * {@code 34.5% ± 5.4 (32.0, 35.5, 36.0)}, and, per metric, SRL's interval against each other
 * recipe's.
 */
final class SeedTable {

  /** The recipe the others' intervals are held against. */
  static final String REFERENCE = "srl";

  private SeedTable() {}

  static String markdown(JsonNode compare) {
    List<JsonNode> recipes = ReportJson.array(compare, "recipes");
    StringBuilder md = new StringBuilder();
    md.append(reading(compare)).append("\n\n");
    List<String> headings = headings(compare);
    md.append("| ").append(String.join(" | ", headings)).append(" |\n");
    md.append("|---").append("|---:".repeat(headings.size() - 1)).append("|\n");
    for (JsonNode recipe : recipes) {
      String name = Html.orMissing(ReportJson.text(recipe, "recipe"));
      md.append("| ").append(name.replace("|", "\\|").replaceAll("\\s+", " "));
      for (SeedComparison.Metric metric : SeedComparison.METRICS) {
        String value = cell(recipe, metric);
        md.append(" | ").append(isBest(recipes, recipe, metric) ? "**" + value + "**" : value);
      }
      md.append(" | ").append(versions(recipe)).append(" |\n");
    }
    md.append('\n').append(overlapHeading()).append('\n');
    for (String line : overlaps(compare)) {
      md.append("- ").append(line).append('\n');
    }
    return md.toString();
  }

  static String html(JsonNode compare) {
    List<JsonNode> recipes = ReportJson.array(compare, "recipes");
    StringBuilder page = new StringBuilder(8192);
    Html.start(page, "srl comparison", "Recipes compared on one budget, over seeds")
        .append("<dl class=\"header\">\n");
    Html.item(page, "Budget", RunPage.budget(ReportJson.object(compare, "budget")));
    Html.item(page, "k", Html.field(compare, "k", 0));
    Html.item(page, "Test problems", Html.field(compare, "problems", 0));
    Html.item(page, "Seeds", seeds(compare));
    Html.item(page, "Data seed", Html.field(compare, "data_seed", 0));
    page.append("</dl>\n<p>").append(escape(reading(compare))).append("</p>\n<table>\n<tr>");
    for (String heading : headings(compare)) {
      page.append("<th>").append(escape(heading)).append("</th>");
    }
    page.append("</tr>\n");
    for (JsonNode recipe : recipes) {
      page.append("<tr><th>")
          .append(escape(Html.orMissing(ReportJson.text(recipe, "recipe"))))
          .append("</th>");
      for (SeedComparison.Metric metric : SeedComparison.METRICS) {
        String value = escape(cell(recipe, metric));
        page.append("<td class=\"num\">")
            .append(isBest(recipes, recipe, metric) ? "<strong>" + value + "</strong>" : value)
            .append("</td>");
      }
      page.append("<td class=\"num\">").append(escape(versions(recipe))).append("</td></tr>\n");
    }
    page.append("</table>\n");
    if (recipes.isEmpty()) {
      page.append("<p>compare.json has no recipes.</p>\n");
    }
    page.append("<p>").append(escape(overlapHeading())).append("</p>\n<ul>\n");
    for (String line : overlaps(compare)) {
      page.append("<li>").append(escape(line)).append("</li>\n");
    }
    page.append("</ul>\n<h2>Runs</h2>\n<table>\n<tr><th>Recipe</th><th>Seed</th><th>Status</th>")
        .append("<th>Versions trained</th><th>Run directory</th></tr>\n");
    List<JsonNode> seeds = ReportJson.array(compare, "seeds");
    for (JsonNode recipe : recipes) {
      List<JsonNode> dirs = ReportJson.array(recipe, "run_dirs");
      List<JsonNode> statuses = ReportJson.array(recipe, "statuses");
      List<JsonNode> versions = ReportJson.array(recipe, "versions");
      for (int i = 0; i < Math.max(seeds.size(), dirs.size()); i++) {
        page.append("<tr><td>")
            .append(escape(Html.orMissing(ReportJson.text(recipe, "recipe"))))
            .append("</td><td class=\"num\">")
            .append(escape(text(seeds, i)))
            .append("</td><td>")
            .append(escape(text(statuses, i)))
            .append("</td><td class=\"num\">")
            .append(escape(text(versions, i)))
            .append("</td><td><code>")
            .append(escape(text(dirs, i)))
            .append("</code></td></tr>\n");
      }
    }
    page.append("</table>\n<details><summary>compare.json</summary>\n<pre>")
        .append(escape(ReportJson.pretty(compare)))
        .append("</pre>\n</details>\n</body>\n</html>\n");
    return page.toString();
  }

  /** How to read a cell. */
  private static String reading(JsonNode compare) {
    return "Each cell: the mean over seeds "
        + seeds(compare)
        + " ± the half-width of its 95% confidence interval (Student's t with n - 1 degrees of"
        + " freedom), then the per-seed values; rates in %, the step reward in [-1, 1]; "
        + Html.MISSING
        + " for no interval (one seed) or no value. Step-level figures are of the greedy"
        + " response to each step given the expert's earlier steps.";
  }

  private static String overlapHeading() {
    return "SRL's 95% intervals against the others' (intervals that do not overlap differ by more"
        + " than the seeds' spread; overlapping ones show no difference, which is not the same as"
        + " showing none exists):";
  }

  /** "1, 2, 3", or {@link Html#MISSING}. */
  private static String seeds(JsonNode compare) {
    List<String> seeds = new ArrayList<>();
    for (JsonNode seed : ReportJson.array(compare, "seeds")) {
      seeds.add(seed.isNumber() ? seed.asText() : Html.MISSING);
    }
    return seeds.isEmpty() ? Html.MISSING : String.join(", ", seeds);
  }

  private static List<String> headings(JsonNode compare) {
    double k = ReportJson.number(compare, "k");
    String at = Double.isFinite(k) ? Html.fixed(k, 0) : "k";
    List<String> headings = new ArrayList<>();
    headings.add("Recipe");
    for (SeedComparison.Metric metric : SeedComparison.METRICS) {
      headings.add(label(metric, at));
    }
    headings.add("Versions trained");
    return headings;
  }

  private static String label(SeedComparison.Metric metric, String k) {
    return metric.label().replace("@k", "@" + k);
  }

  /** "34.5% ± 5.4 (32.0, 35.5, 36.0)"; a reward as "0.412 ± 0.051 (0.400, 0.410, 0.425)". */
  static String cell(JsonNode recipe, SeedComparison.Metric metric) {
    JsonNode stats = ReportJson.object(ReportJson.object(recipe, "metrics"), metric.key());
    SeedStats.Interval interval = SeedComparison.interval(stats);
    if (interval.n() == 0) {
      return Html.MISSING;
    }
    double scale = metric.rate() ? 100 : 1;
    int decimals = metric.rate() ? 1 : 3;
    List<String> perSeed = new ArrayList<>();
    for (JsonNode v : ReportJson.array(stats, "per_seed")) {
      perSeed.add(v.isNumber() ? Html.fixed(scale * v.doubleValue(), decimals) : Html.MISSING);
    }
    return Html.fixed(scale * interval.mean(), decimals)
        + (metric.rate() ? "%" : "")
        + " ± "
        + Html.fixed(scale * interval.halfWidth(), decimals)
        + " ("
        + String.join(", ", perSeed)
        + ")";
  }

  /** "290, 296, 302". */
  private static String versions(JsonNode recipe) {
    List<String> versions = new ArrayList<>();
    for (JsonNode v : ReportJson.array(recipe, "versions")) {
      versions.add(v.isNumber() ? v.asText() : Html.MISSING);
    }
    return versions.isEmpty() ? Html.MISSING : String.join(", ", versions);
  }

  /**
   * Per metric, SRL's interval against every other recipe's: "Greedy accuracy: srl vs rlvr:
   * intervals do not overlap (srl higher); srl vs sft: intervals overlap".
   */
  static List<String> overlaps(JsonNode compare) {
    List<JsonNode> recipes = ReportJson.array(compare, "recipes");
    JsonNode reference = null;
    for (JsonNode recipe : recipes) {
      if (REFERENCE.equals(ReportJson.text(recipe, "recipe"))) {
        reference = recipe;
      }
    }
    if (reference == null) {
      return List.of("srl is not among the recipes: no interval to compare with.");
    }
    double k = ReportJson.number(compare, "k");
    String at = Double.isFinite(k) ? Html.fixed(k, 0) : "k";
    List<String> lines = new ArrayList<>();
    for (SeedComparison.Metric metric : SeedComparison.METRICS) {
      SeedStats.Interval srl = intervalOf(reference, metric);
      List<String> parts = new ArrayList<>();
      if (!srl.hasInterval()) {
        parts.add("srl has no interval (fewer than 2 seeds with a value)");
      } else {
        for (JsonNode recipe : recipes) {
          String name = Html.orMissing(ReportJson.text(recipe, "recipe"));
          if (recipe == reference) {
            continue;
          }
          SeedStats.Interval other = intervalOf(recipe, metric);
          Boolean overlap = srl.overlaps(other);
          String vs = "srl vs " + name + ": ";
          if (overlap == null) {
            parts.add(vs + name + " has no interval");
          } else if (overlap) {
            parts.add(vs + "intervals overlap");
          } else {
            parts.add(
                vs
                    + "intervals do not overlap (srl "
                    + (srl.mean() > other.mean() ? "higher" : "lower")
                    + ")");
          }
        }
      }
      lines.add(label(metric, at) + ": " + String.join("; ", parts));
    }
    return lines;
  }

  private static SeedStats.Interval intervalOf(JsonNode recipe, SeedComparison.Metric metric) {
    return SeedComparison.interval(
        ReportJson.object(ReportJson.object(recipe, "metrics"), metric.key()));
  }

  /** Whether the recipe has the highest mean of the metric, when more than one recipe has one. */
  private static boolean isBest(
      List<JsonNode> recipes, JsonNode recipe, SeedComparison.Metric metric) {
    double best = Double.NEGATIVE_INFINITY;
    int valued = 0;
    for (JsonNode other : recipes) {
      double v = intervalOf(other, metric).mean();
      if (Double.isFinite(v)) {
        valued++;
        best = Math.max(best, v);
      }
    }
    return valued > 1 && intervalOf(recipe, metric).mean() == best;
  }

  private static String text(List<JsonNode> values, int i) {
    if (i >= values.size()) {
      return Html.MISSING;
    }
    JsonNode v = values.get(i);
    return v.isNull() ? Html.MISSING : v.isTextual() ? v.asText() : v.toString();
  }
}
