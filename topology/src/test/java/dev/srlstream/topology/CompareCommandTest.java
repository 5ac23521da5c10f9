package dev.srlstream.topology;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.srlstream.policy.TinyPolicies;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code srl compare}: bad input fails before anything starts, naming the option; and a tiny
 * comparison over two seeds (SFT only, which needs no Kafka, one version, on a tiny cached base)
 * runs end to end.
 */
class CompareCommandTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path dir;

  @Test
  void seedsAreDistinctWholeNumbersInTheOrderGiven() {
    assertThat(CompareCommand.parseSeeds("1,2,3")).containsExactly(1L, 2L, 3L);
    assertThat(CompareCommand.parseSeeds(" 3, 1 ,2")).containsExactly(3L, 1L, 2L);
    assertThat(CompareCommand.parseSeeds("7")).containsExactly(7L);
    assertThat(CompareCommand.parseSeeds("-1,0")).containsExactly(-1L, 0L);
    assertThatThrownBy(() -> CompareCommand.parseSeeds("01,1"))
        .hasMessage("--seeds must be distinct, but 1 is repeated");
  }

  @Test
  void badSeedsFailBeforeAnythingStartsWithAClearMessage() {
    Path runDir = dir.resolve("cmp");
    String[][] cases = {
      {"", "srl compare: --seeds must list at least one seed, e.g. 1,2,3, but was empty"},
      {" ", "srl compare: --seeds must list at least one seed, e.g. 1,2,3, but was empty"},
      {"1,1", "srl compare: --seeds must be distinct, but 1 is repeated"},
      {"2,1,2", "srl compare: --seeds must be distinct, but 2 is repeated"},
      {
        "1,two",
        "srl compare: --seeds must be whole numbers separated by commas, but 'two' is not one"
      },
      {"1.5", "srl compare: --seeds must be whole numbers separated by commas, but '1.5' is not"},
      {
        "1,,2",
        "srl compare: --seeds must be whole numbers separated by commas, but '1,,2' has an empty"
            + " entry"
      },
    };
    for (String[] c : cases) {
      CommandRun run =
          CommandRun.of(
              "compare",
              "--seeds",
              c[0],
              "--cache-dir",
              dir.resolve("cache").toString(),
              "--run-dir",
              runDir.toString());
      assertThat(run.exitCode()).as("--seeds '%s'", c[0]).isEqualTo(1);
      assertThat(run.err()).as("--seeds '%s'", c[0]).contains(c[1]);
      assertThat(runDir).as("--seeds '%s'", c[0]).doesNotExist();
      assertThat(dir.resolve("cache")).doesNotExist();
    }
  }

  @Test
  void otherBadOptionsFailBeforeAnythingStarts() {
    Path runDir = dir.resolve("cmp");
    String[][] cases = {
      {"--test-problems", "0", "--test-problems must be 1..200, but was 0"},
      {"--test-problems", "201", "--test-problems must be 1..200, but was 201"},
      {"--max-versions", "0", "--max-versions must be >= 1"},
      {"--minutes", "0", "--minutes must be > 0, but was 0.0"},
      {"--recipes", "sft,ppo", "recipe must be one of"},
    };
    for (String[] c : cases) {
      CommandRun run = CommandRun.of("compare", c[0], c[1], "--run-dir", runDir.toString());
      assertThat(run.exitCode()).as(c[0] + " " + c[1]).isEqualTo(1);
      assertThat(run.err()).as(c[0] + " " + c[1]).contains(c[2]);
      assertThat(runDir).doesNotExist();
    }
  }

  @Test
  void compareTakesSeedsWhileTheDemoKeepsItsSeed() {
    CompareCommand compare = new CompareCommand();
    new CommandLine(compare).parseArgs();
    assertThat(compare.seeds).isEqualTo("1,2,3");
    assertThat(compare.minutes).isEqualTo(2.0);
    assertThat(compare.testProblems).isEqualTo(200);
    assertThat(compare.maxVersions).isNull();

    CommandRun seed = CommandRun.of("compare", "--seed", "1");
    assertThat(seed.exitCode()).isEqualTo(2);
    assertThat(seed.err()).contains("Unknown option", "--seed");

    DemoCommand demo = new DemoCommand();
    new CommandLine(demo).parseArgs("--seed", "7");
    assertThat(demo.seed).isEqualTo(7);
    assertThat(CommandRun.of("demo", "--help").out())
        .contains("--seed=N")
        .doesNotContain("--seeds");
  }

  @Test
  void helpStatesTheSeedsTheBaseAndTheMeasuredTime() {
    CommandRun run = CommandRun.of("compare", "--help");
    assertThat(run.exitCode()).isZero();
    String help = run.out().replaceAll("\\s+", " ");
    assertThat(help)
        .contains("--seeds=LIST", "(default: 1,2,3)", "--minutes=M", "(default: 2)")
        .contains("--test-problems=N", "--max-versions=N")
        .contains("The base is evaluated once per seed")
        .contains("95% confidence interval of the mean", "Student's t with n - 1 degrees")
        .contains("53 min 47 s (measured, 3 seeds x 5 recipes of 2 training minutes")
        .doesNotContain("--seed=N");
  }

  @Test
  void twoSeedsOfSftOnATinyBaseEndToEndAndTheReportRebuildsThePage() throws Exception {
    Path cache = Files.createDirectories(dir.resolve("cache"));
    Path base = cache.resolve("base-" + DemoSetup.cacheKey(DemoSetup.DEFAULT_WARMUP) + ".bin");
    // A base that answers every step with "<think></think>7" and EOS: well-formed, and short, so
    // that the evaluations and validations of the runs take little time.
    Files.write(base, TinyPolicies.thinkingThenWriting("7", 256));
    Path runDir = dir.resolve("cmp");

    CommandRun run =
        CommandRun.of(
            "compare",
            "--recipes",
            "sft",
            "--seeds",
            "1,2",
            "--minutes",
            "1",
            "--max-versions",
            "1",
            "--test-problems",
            "3",
            "--cache-dir",
            cache.toString(),
            "--run-dir",
            runDir.toString());

    assertThat(run.exitCode()).as(run.err()).isZero();
    JsonNode compare = JSON.readTree(runDir.resolve("compare.json").toFile());
    assertThat(compare.path("seeds").toString()).isEqualTo("[1,2]");
    assertThat(compare.path("k").asInt()).isEqualTo(4);
    assertThat(compare.path("problems").asInt()).isEqualTo(3);
    assertThat(compare.path("budget").path("minutes").asDouble()).isEqualTo(1.0);
    assertThat(compare.path("budget").path("max_versions").asInt()).isEqualTo(1);
    List<String> names = new ArrayList<>();
    compare.path("recipes").forEach(r -> names.add(r.path("recipe").asText()));
    assertThat(names).containsExactly("base", "sft");

    JsonNode baseEntry = compare.path("recipes").get(0);
    assertThat(baseEntry.path("run_dirs").get(0).asText()).isEqualTo(base.toString());
    // Greedy figures do not depend on the seed: the base's are the same for both.
    for (String metric :
        List.of(
            "greedy_accuracy", "step_exact_rate", "step_well_formed_rate", "step_mean_reward")) {
      JsonNode perSeed = baseEntry.path("metrics").path(metric).path("per_seed");
      assertThat(perSeed).as(metric).hasSize(2);
      assertThat(perSeed.get(0).isNumber()).as(metric).isTrue();
      assertThat(perSeed.get(1).asDouble()).as(metric).isEqualTo(perSeed.get(0).asDouble());
    }
    // The step level is the base's own: every greedy response is well-formed.
    assertThat(baseEntry.path("metrics").path("step_well_formed_rate").path("mean").asDouble())
        .isEqualTo(1.0);

    JsonNode sft = compare.path("recipes").get(1);
    for (int i = 0; i < 2; i++) {
      long seed = i + 1;
      Path seedDir = runDir.toAbsolutePath().resolve("seed-" + seed).resolve("sft");
      assertThat(sft.path("run_dirs").get(i).asText()).isEqualTo(seedDir.toString());
      assertThat(sft.path("statuses").get(i).asText()).isEqualTo("finished");
      assertThat(sft.path("versions").get(i).asLong()).isEqualTo(1);
      JsonNode summary = JSON.readTree(seedDir.resolve("summary.json").toFile());
      // the seed reached the run
      assertThat(summary.path("seeds").path("policy").asLong()).isEqualTo(seed);
      assertThat(summary.path("seeds").path("sampling").asLong()).isEqualTo(seed);
      JsonNode fin = summary.path("final");
      JsonNode metrics = sft.path("metrics");
      assertThat(metrics.path("greedy_accuracy").path("per_seed").get(i).asDouble())
          .isEqualTo(fin.path("greedy_accuracy").asDouble());
      assertThat(metrics.path("pass_at_k").path("per_seed").get(i).asDouble())
          .isEqualTo(fin.path("pass_at_k").asDouble());
      assertThat(metrics.path("step_exact_rate").path("per_seed").get(i).asDouble())
          .isEqualTo(fin.path("steps").path("exact_rate").asDouble());
      assertThat(metrics.path("step_mean_reward").path("per_seed").get(i).asDouble())
          .isEqualTo(fin.path("steps").path("mean_reward").asDouble());
    }
    JsonNode avg = sft.path("metrics").path("avg_at_k");
    double a = avg.path("per_seed").get(0).asDouble();
    double b = avg.path("per_seed").get(1).asDouble();
    assertThat(avg.path("n").asInt()).isEqualTo(2);
    assertThat(avg.path("mean").asDouble()).isCloseTo((a + b) / 2, within(1e-12));
    double half = 12.706204736 * Math.abs(a - b) / Math.sqrt(2) / Math.sqrt(2);
    assertThat(avg.path("ci95_high").asDouble()).isCloseTo((a + b) / 2 + half, within(1e-9));

    assertThat(run.out())
        .contains("| Recipe | Greedy accuracy | avg@4 | pass@4 | Step exact |")
        .contains("| base | ", "| sft | ", " \u00b1 ")
        .contains("srl is not among the recipes")
        .endsWith("run directory: " + runDir.toAbsolutePath() + "\n");

    // srl report rebuilds compare.html from compare.json, the same page.
    Path html = runDir.resolve("compare.html");
    String page = Files.readString(html);
    Files.delete(html);
    CommandRun report = CommandRun.of("report", "--run-dir", runDir.toString());
    assertThat(report.exitCode()).as(report.err()).isZero();
    assertThat(Files.readString(html)).isEqualTo(page);
    String table = run.out().substring(0, run.out().indexOf("\nsrl compare:"));
    assertThat(report.out()).startsWith(table);
  }
}
