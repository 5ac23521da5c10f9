package dev.srlstream.topology.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
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
}
