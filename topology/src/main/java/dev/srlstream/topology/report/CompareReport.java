package dev.srlstream.topology.report;

import static dev.srlstream.topology.report.Html.escape;

import com.fasterxml.jackson.databind.JsonNode;
import dev.srlstream.method.data.MalformedDataException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The comparison of recipes trained on one budget, from a {@code compare.json}: a table in the
 * shape of the paper's Table 1, one row per recipe in the order given. The best value of each
 * accuracy column is in bold. As a self-contained {@code compare.html} ({@link #write}) and as a
 * Markdown table ({@link #markdown}). Two forms of compare.json are read:
 *
 * <ul>
 *   <li>over seeds (written by {@code srl compare --seeds}), told by its {@code recipes} array:
 *       {@code {"budget": {"minutes": M}, "seeds": [1, 2, 3], "data_seed": 1, "k": K, "problems":
 *       N, "recipes": [...]}}, each recipe as {@link SeedComparison} writes it. Each cell shows the
 *       mean over seeds ± the half-width of its 95% confidence interval, then the per-seed values:
 *       end to end (greedy accuracy, avg@k, pass@k) and step level (greedy exact rate, well-formed
 *       rate, mean reward). Below the table, per metric, whether each recipe's interval overlaps
 *       SRL's.
 *   <li>one seed (earlier comparisons, e.g. docs/compare/compare.json): {@code {"budget":
 *       {"minutes": M}, "seeds": {...}, "k": K, "problems": N, "rows": [{"recipe",
 *       "greedy_accuracy", "avg_at_k", "pass_at_k", "versions", "minutes", "run_dir"}, ...]}}.
 * </ul>
 *
 * Any field may be missing or null (shown as "–").
 */
public final class CompareReport {

  /** The comparison read by {@link #write(Path)}. */
  public static final String COMPARE_FILE = "compare.json";

  /** The page written. */
  public static final String HTML_FILE = "compare.html";

  private record Column(String field, int decimals, boolean best) {}

  private static final List<Column> COLUMNS =
      List.of(
          new Column("greedy_accuracy", 3, true),
          new Column("avg_at_k", 3, true),
          new Column("pass_at_k", 3, true),
          new Column("versions", 0, false),
          new Column("minutes", 1, false));

  private CompareReport() {}

  /**
   * Reads {@code dir/compare.json} and writes {@code dir/compare.html}.
   *
   * @return the path of compare.html
   * @throws IllegalArgumentException when compare.json does not exist or is no file
   * @throws MalformedDataException when compare.json is not a JSON object (file and line named)
   */
  public static Path write(Path dir) throws IOException {
    return write(dir, read(dir));
  }

  /**
   * Reads {@code dir/compare.json}.
   *
   * @throws IllegalArgumentException when it does not exist or is no file
   * @throws MalformedDataException when it is not a JSON object (file and line named)
   */
  public static JsonNode read(Path dir) throws IOException {
    Path file = dir.resolve(COMPARE_FILE);
    if (!Files.isRegularFile(file)) {
      throw new IllegalArgumentException(
          "cannot write a comparison: "
              + file
              + (Files.exists(file) ? " is not a file" : " does not exist"));
    }
    return ReportJson.readObject(file);
  }

  /**
   * Writes {@code dir/compare.html} (replacing it) for the comparison {@code compare}.
   *
   * @return the path of compare.html
   */
  public static Path write(Path dir, JsonNode compare) throws IOException {
    Path html = dir.resolve(HTML_FILE);
    Files.writeString(html, html(compare), StandardCharsets.UTF_8);
    return html;
  }

  /**
   * The comparison as a GitHub Markdown table: a header, then one row per recipe in the order of
   * {@code rows} (or {@code recipes}). Best accuracies are {@code **bold**}; a {@code |} in a
   * recipe name is escaped. Over seeds, a line before the table says how to read the cells and a
   * list after it compares each recipe's intervals with SRL's.
   */
  public static String markdown(JsonNode compare) {
    if (overSeeds(compare)) {
      return SeedTable.markdown(compare);
    }
    List<JsonNode> rows = ReportJson.array(compare, "rows");
    StringBuilder md = new StringBuilder();
    md.append("| ").append(String.join(" | ", headings(compare))).append(" |\n");
    md.append("|---").append("|---:".repeat(COLUMNS.size())).append("|\n");
    for (JsonNode row : rows) {
      String recipe = Html.orMissing(ReportJson.text(row, "recipe"));
      md.append("| ").append(recipe.replace("|", "\\|").replaceAll("\\s+", " "));
      for (Column column : COLUMNS) {
        String value = Html.field(row, column.field(), column.decimals());
        md.append(" | ").append(isBest(rows, row, column) ? "**" + value + "**" : value);
      }
      md.append(" |\n");
    }
    return md.toString();
  }

  /** The page: the shared settings, the table, and compare.json in full. */
  static String html(JsonNode compare) {
    if (overSeeds(compare)) {
      return SeedTable.html(compare);
    }
    List<JsonNode> rows = ReportJson.array(compare, "rows");
    StringBuilder page = new StringBuilder(4096);
    Html.start(page, "srl comparison", "Recipes compared on one budget")
        .append("<dl class=\"header\">\n");
    Html.item(page, "Budget", RunPage.budget(ReportJson.object(compare, "budget")));
    Html.item(page, "k", Html.field(compare, "k", 0));
    Html.item(page, "Test problems", Html.field(compare, "problems", 0));
    JsonNode seeds = ReportJson.object(compare, "seeds");
    Html.item(page, "Seeds", RunPage.seeds(seeds));
    page.append("</dl>\n<table>\n<tr>");
    for (String heading : headings(compare)) {
      page.append("<th>").append(escape(heading)).append("</th>");
    }
    page.append("<th>Run directory</th></tr>\n");
    for (JsonNode row : rows) {
      page.append("<tr><th>")
          .append(escape(Html.orMissing(ReportJson.text(row, "recipe"))))
          .append("</th>");
      for (Column column : COLUMNS) {
        String value = escape(Html.field(row, column.field(), column.decimals()));
        page.append("<td class=\"num\">")
            .append(isBest(rows, row, column) ? "<strong>" + value + "</strong>" : value)
            .append("</td>");
      }
      page.append("<td><code>")
          .append(escape(Html.orMissing(ReportJson.text(row, "run_dir"))))
          .append("</code></td></tr>\n");
    }
    page.append("</table>\n");
    if (rows.isEmpty()) {
      page.append("<p>compare.json has no rows.</p>\n");
    }
    page.append("<details><summary>compare.json</summary>\n<pre>")
        .append(escape(ReportJson.pretty(compare)))
        .append("</pre>\n</details>\n</body>\n</html>\n");
    return page.toString();
  }

  /** Whether {@code compare} is a comparison over seeds (it has a {@code recipes} array). */
  static boolean overSeeds(JsonNode compare) {
    JsonNode recipes = compare == null ? null : compare.get("recipes");
    return recipes != null && recipes.isArray();
  }

  private static List<String> headings(JsonNode compare) {
    double k = ReportJson.number(compare, "k");
    String at = Double.isFinite(k) ? Html.fixed(k, 0) : "k";
    return List.of(
        "Recipe", "Greedy accuracy", "avg@" + at, "pass@" + at, "Versions trained", "Minutes");
  }

  /** Whether the row holds the column's highest value, when more than one row has a value. */
  private static boolean isBest(List<JsonNode> rows, JsonNode row, Column column) {
    if (!column.best()) {
      return false;
    }
    double best = Double.NEGATIVE_INFINITY;
    int valued = 0;
    for (JsonNode other : rows) {
      double v = ReportJson.number(other, column.field());
      if (Double.isFinite(v)) {
        valued++;
        best = Math.max(best, v);
      }
    }
    return valued > 1 && ReportJson.number(row, column.field()) == best;
  }
}
