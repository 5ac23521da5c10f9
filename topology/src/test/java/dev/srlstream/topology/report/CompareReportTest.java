package dev.srlstream.topology.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CompareReportTest {

  @TempDir Path dir;

  static final String COMPARE =
      """
      {"budget": {"minutes": 4.0}, "seeds": {"data": 1, "policy": 1, "sampling": 1},
       "k": 4, "problems": 100,
       "rows": [
         {"recipe": "base", "greedy_accuracy": 0.1, "avg_at_k": 0.08, "pass_at_k": 0.3,
          "versions": 0, "minutes": 0.0, "run_dir": "runs/x/base"},
         {"recipe": "sft", "greedy_accuracy": 0.14, "avg_at_k": 0.11, "pass_at_k": 0.33,
          "versions": 60, "minutes": 1.2, "run_dir": "runs/x/sft"},
         {"recipe": "rlvr", "greedy_accuracy": 0.13, "avg_at_k": null, "pass_at_k": 0.36,
          "versions": 41, "minutes": 4.0, "run_dir": "runs/x/rlvr"},
         {"recipe": "srl", "greedy_accuracy": 0.21, "avg_at_k": 0.15, "pass_at_k": 0.36,
          "versions": 57, "minutes": 4.0, "run_dir": "runs/x/srl"}
       ]}
      """;

  static JsonNode compare() throws Exception {
    return new ObjectMapper().readTree(COMPARE);
  }

  @Test
  void markdownHasOneRowPerRecipeInOrder() throws Exception {
    String[] lines = CompareReport.markdown(compare()).split("\n");
    assertThat(lines)
        .containsExactly(
            "| Recipe | Greedy accuracy | avg@4 | pass@4 | Versions trained | Minutes |",
            "|---|---:|---:|---:|---:|---:|",
            "| base | 0.100 | 0.080 | 0.300 | 0 | 0.0 |",
            "| sft | 0.140 | 0.110 | 0.330 | 60 | 1.2 |",
            "| rlvr | 0.130 | \u2013 | **0.360** | 41 | 4.0 |",
            "| srl | **0.210** | **0.150** | **0.360** | 57 | 4.0 |");
  }

  @Test
  void markdownEscapesPipesAndSaysAvgAtKWithoutK() throws Exception {
    JsonNode compare =
        new ObjectMapper().readTree("{\"rows\": [{\"recipe\": \"a|b\", \"greedy_accuracy\": 1}]}");
    assertThat(CompareReport.markdown(compare))
        .contains("| avg@k | pass@k |")
        .contains("| a\\|b | 1.000 | \u2013 | \u2013 | \u2013 | \u2013 |");
  }

  @Test
  void writesThePageWithTheTableAndTheSettings() throws Exception {
    Path html = CompareReport.write(dir, compare());
    assertThat(html).isEqualTo(dir.resolve("compare.html"));
    String page = Files.readString(html);
    assertThat(page)
        .startsWith("<!DOCTYPE html>")
        .contains("<dt>Budget</dt><dd>4 min</dd>", "<dt>k</dt><dd>4</dd>")
        .contains("data 1, policy 1, sampling 1")
        .contains("<th>avg@4</th>", "<th>Versions trained</th>")
        .contains("<strong>0.210</strong>", "<code>runs/x/srl</code>");
    assertThat(page.indexOf("<tr><th>base</th>"))
        .isLessThan(page.indexOf("<tr><th>sft</th>"))
        .isLessThan(page.indexOf("<tr><th>rlvr</th>"))
        .isLessThan(page.indexOf("<tr><th>srl</th>"));
  }

  @Test
  void escapesRecipeNames() throws Exception {
    JsonNode compare =
        new ObjectMapper().readTree("{\"rows\": [{\"recipe\": \"<script>x</script>\"}]}");
    String page = Files.readString(CompareReport.write(dir, compare));
    assertThat(page).doesNotContain("<script>").contains("&lt;script&gt;x&lt;/script&gt;");
  }

  @Test
  void readsCompareJsonFromTheDirectoryOrNamesItsPath() throws Exception {
    assertThatThrownBy(() -> CompareReport.write(dir))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(dir.resolve("compare.json") + " does not exist");
    Files.writeString(dir.resolve("compare.json"), COMPARE);
    assertThat(Files.readString(CompareReport.write(dir))).contains("<tr><th>srl</th>");
  }

  /**
   * A comparison over seeds 1, 2, 3: base (greedy the same for every seed), sft (seed 1 only, the
   * others failed), rlvr and srl.
   */
  static JsonNode overSeeds() {
    ObjectMapper json = new ObjectMapper();
    ObjectNode compare = json.createObjectNode();
    compare.putObject("budget").put("minutes", 2.0);
    compare.putArray("seeds").add(1).add(2).add(3);
    compare.put("data_seed", 1).put("k", 4).put("problems", 200);
    List<Long> seeds = List.of(1L, 2L, 3L);
    var recipes = compare.putArray("recipes");
    recipes.add(
        SeedComparison.recipe(
            "base",
            seeds,
            runs(
                "base",
                new double[][] {
                  {0.025, 0.026, 0.10, 0.05, 0.6, -0.2},
                  {0.025, 0.030, 0.115, 0.05, 0.6, -0.2},
                  {0.025, 0.024, 0.095, 0.05, 0.6, -0.2}
                })));
    List<SeedComparison.Run> sft =
        new ArrayList<>(runs("sft", new double[][] {{0.40, 0.3, 0.5, 0.2, 0.9, 0.1}}));
    sft.add(new SeedComparison.Run(2, "runs/x/seed-2/sft", "failed: out of memory", 0, null));
    recipes.add(SeedComparison.recipe("sft", seeds, sft));
    recipes.add(
        SeedComparison.recipe(
            "rlvr",
            seeds,
            runs(
                "rlvr",
                new double[][] {
                  {0.30, 0.2, 0.5, 0.10, 0.9, 0.40},
                  {0.34, 0.2, 0.5, 0.11, 0.9, 0.44},
                  {0.37, 0.2, 0.5, 0.12, 0.9, 0.42}
                })));
    recipes.add(
        SeedComparison.recipe(
            "srl",
            seeds,
            runs(
                "srl",
                new double[][] {
                  {0.32, 0.2, 0.5, 0.30, 0.9, 0.41},
                  {0.355, 0.2, 0.5, 0.31, 0.9, 0.45},
                  {0.36, 0.2, 0.5, 0.32, 0.9, 0.43}
                })));
    return compare;
  }

  /** One run per row of figures, seeds 1, 2, ... in order. */
  private static List<SeedComparison.Run> runs(String recipe, double[][] figures) {
    List<SeedComparison.Run> runs = new ArrayList<>();
    for (int i = 0; i < figures.length; i++) {
      double[] f = figures[i];
      runs.add(
          new SeedComparison.Run(
              i + 1,
              "runs/x/seed-" + (i + 1) + "/" + recipe,
              "finished",
              100 + i,
              SeedComparisonTest.evaluation(f[0], f[1], f[2], f[3], f[4], f[5])));
    }
    return runs;
  }

  @Test
  void overSeedsEachCellIsTheMeanPlusMinusTheHalfWidthThenThePerSeedValues() {
    String markdown = CompareReport.markdown(overSeeds());
    List<String> lines = List.of(markdown.split("\n"));

    assertThat(lines.get(0))
        .startsWith("Each cell: the mean over seeds 1, 2, 3 \u00b1 the half-width of its 95%")
        .contains("Student's t with n - 1 degrees of freedom");
    assertThat(lines)
        .contains(
            "| Recipe | Greedy accuracy | avg@4 | pass@4 | Step exact | Step well-formed"
                + " | Step reward | Versions trained |",
            "|---|---:|---:|---:|---:|---:|---:|---:|");
    String srl = row(lines, "| srl |");
    assertThat(srl)
        .startsWith("| srl | 34.5% \u00b1 5.4 (32.0, 35.5, 36.0) |")
        .contains("| **31.0% \u00b1 2.5 (30.0, 31.0, 32.0)** |")
        .endsWith("| **0.430 \u00b1 0.050 (0.410, 0.450, 0.430)** | 100, 101, 102 |");
    // The base's greedy figures are the same for every seed: a zero-wide interval.
    assertThat(row(lines, "| base |")).startsWith("| base | 2.5% \u00b1 0.0 (2.5, 2.5, 2.5) |");
    // One seed with a value: no interval; the best mean is in bold.
    assertThat(row(lines, "| sft |"))
        .startsWith("| sft | **40.0% \u00b1 \u2013 (40.0, \u2013, \u2013)** |")
        .endsWith("| 100, 0, \u2013 |");
  }

  @Test
  void overSeedsSaysWhichIntervalsDoNotOverlapSrls() {
    List<String> lines = List.of(CompareReport.markdown(overSeeds()).split("\n"));

    assertThat(lines)
        .contains(
            "- Greedy accuracy: srl vs base: intervals do not overlap (srl higher); srl vs sft:"
                + " sft has no interval; srl vs rlvr: intervals overlap",
            "- Step exact: srl vs base: intervals do not overlap (srl higher); srl vs sft: sft"
                + " has no interval; srl vs rlvr: intervals do not overlap (srl higher)",
            "- Step reward: srl vs base: intervals do not overlap (srl higher); srl vs sft: sft"
                + " has no interval; srl vs rlvr: intervals overlap");
  }

  @Test
  void overSeedsWithoutSrlOrWithOneSeedSaysThereIsNoIntervalToCompare() throws Exception {
    JsonNode withoutSrl =
        new ObjectMapper().readTree("{\"seeds\": [1], \"recipes\": [{\"recipe\": \"sft\"}]}");
    assertThat(CompareReport.markdown(withoutSrl))
        .contains("- srl is not among the recipes: no interval to compare with.")
        .contains("| sft | \u2013 | \u2013 |");

    ObjectNode oneSeed = new ObjectMapper().createObjectNode();
    oneSeed.putArray("seeds").add(7);
    oneSeed
        .putArray("recipes")
        .add(
            SeedComparison.recipe(
                "srl",
                List.of(7L),
                List.of(
                    new SeedComparison.Run(
                        7,
                        "d",
                        "finished",
                        1,
                        SeedComparisonTest.evaluation(0.1, 0, 0, 0, 0, 0)))));
    assertThat(CompareReport.markdown(oneSeed))
        .contains("| srl | 10.0% \u00b1 \u2013 (10.0) |")
        .contains("- Greedy accuracy: srl has no interval (fewer than 2 seeds with a value)");
  }

  @Test
  void overSeedsThePageHasTheTableTheOverlapsAndEveryRun() throws Exception {
    String page = Files.readString(CompareReport.write(dir, overSeeds()));

    assertThat(page)
        .startsWith("<!DOCTYPE html>")
        .contains("<dt>Seeds</dt><dd>1, 2, 3</dd>", "<dt>Budget</dt><dd>2 min</dd>")
        .contains("<th>Step exact</th>", "<th>avg@4</th>")
        .contains("<td class=\"num\">34.5% \u00b1 5.4 (32.0, 35.5, 36.0)</td>")
        .contains("<li>Greedy accuracy: srl vs base: intervals do not overlap (srl higher);")
        .contains("<code>runs/x/seed-3/srl</code>", "failed: out of memory");
    assertThat(page.indexOf("<tr><th>base</th>"))
        .isLessThan(page.indexOf("<tr><th>sft</th>"))
        .isLessThan(page.indexOf("<tr><th>srl</th>"));
  }

  /** The single-seed comparison kept in the repository still renders as it did. */
  @Test
  void theSingleSeedComparisonInDocsStillRenders() throws Exception {
    Path docs = Path.of("..", "docs", "compare", "compare-single-seed.json");
    assertThat(docs).isRegularFile();
    Files.copy(docs, dir.resolve("compare.json"));

    JsonNode compare = CompareReport.read(dir);
    assertThat(CompareReport.markdown(compare).split("\n"))
        .contains(
            "| Recipe | Greedy accuracy | avg@4 | pass@4 | Versions trained | Minutes |",
            "| srl | 0.040 | **0.048** | 0.115 | 296 | 2.0 |");
    String page = Files.readString(CompareReport.write(dir));
    assertThat(page)
        .contains("data 1, policy 1, sampling 1")
        .contains("<code>runs/20261126-095515-compare/srl</code>");
  }

  private static String row(List<String> lines, String start) {
    return lines.stream().filter(l -> l.startsWith(start)).findFirst().orElseThrow();
  }
}
