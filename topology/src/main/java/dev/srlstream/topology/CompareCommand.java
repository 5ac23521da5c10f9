package dev.srlstream.topology;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.srlstream.topology.eval.EvalReports;
import dev.srlstream.topology.eval.Evaluator;
import dev.srlstream.topology.report.CompareReport;
import dev.srlstream.topology.train.Recipe;
import dev.srlstream.topology.train.TrainSettings;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code srl compare}: every recipe from the same base, on the same data, with the same budget. */
@Command(
    name = "compare",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = {
      "Compare the recipes the way the paper's Table 1 does: the base policy, then sft, rlvr, srl,"
          + " srl-rlvr and holistic, each trained from the same warmed base on the demo's hard"
          + " problems for the same --minutes with the same seed (each on a fresh embedded"
          + " broker), and all evaluated on the same held-out hard problems.",
      "Writes compare.json and compare.html in the run directory, one sub-directory per recipe"
          + " with its own run record and its own logs/srl.log (the comparison's own"
          + " logs/srl.log has the warm-up and the base evaluation; the console shows the status"
          + " lines, warnings and errors), and prints the table as Markdown. Measured on 2 cores:"
          + " 14 min 50 s with --minutes 2 and the base cached (the warm-up adds about 2 min"
          + " the first time)."
    })
final class CompareCommand implements Callable<Integer> {
  private static final ObjectMapper JSON = new ObjectMapper();

  @Spec CommandSpec spec;

  @Option(
      names = "--minutes",
      defaultValue = "3",
      paramLabel = "M",
      description = "Training time of each recipe in minutes (default: ${DEFAULT-VALUE}).")
  double minutes;

  @Option(
      names = "--recipes",
      defaultValue = "sft,rlvr,srl,srl-rlvr,holistic",
      split = ",",
      paramLabel = "NAME",
      description = "The recipes to train, in order (default: ${DEFAULT-VALUE}).")
  List<String> recipes;

  @Option(
      names = "--run-dir",
      paramLabel = "DIR",
      description = "Where the comparison goes (default: runs/<id>-compare).")
  Path runDir;

  @Mixin DemoOptions demo;

  @Override
  public Integer call() throws Exception {
    DemoOptions.requirePositiveMinutes(minutes);
    List<Recipe> parsed = recipes.stream().map(String::strip).map(Recipe::of).toList();
    PrintWriter log = spec.commandLine().getErr();
    PrintWriter out = spec.commandLine().getOut();
    String id = DemoOptions.newRunId("compare");
    Path dir = (runDir != null ? runDir : Path.of("runs", id)).toAbsolutePath();
    TrainCommand.requireEmptyOrAbsent(dir);
    Files.createDirectories(dir);
    // The first line printed names the comparison's log (the data, the warm-up, the base
    // evaluation); each recipe's run logs in its own directory's logs/srl.log.
    try (RunLog ignored = RunLog.open(dir, "srl compare", log)) {
      DemoSetup.Prepared prepared =
          DemoSetup.prepare(dir.resolve("data"), demo.cacheDir, DemoSetup.DEFAULT_WARMUP, log);
      byte[] base = Files.readAllBytes(prepared.baseWeights());
      Duration budget = Duration.ofMillis(Math.round(minutes * 60_000));

      ObjectNode compare = JSON.createObjectNode();
      compare.putObject("budget").put("minutes", minutes);
      compare.putObject("seeds").put("data", 1).put("policy", demo.seed).put("sampling", demo.seed);
      ArrayNode rows = compare.putArray("rows");

      TrainSettings probe =
          DemoCommand.demoSettings(
              Recipe.SRL,
              id,
              dir,
              prepared,
              base,
              budget,
              demo.seed,
              demo.autojunk.autojunk,
              false);
      compare.put("k", probe.eval().k());
      compare.put("problems", probe.test().size());
      log.printf(
          "srl compare: evaluating the base policy on %d held-out problems%n", probe.test().size());
      log.flush();
      Evaluator.Report baseReport =
          Evaluator.evaluate(base, probe.test(), probe.eval(), done -> {});
      rows.add(row("base", EvalReports.summary(baseReport), 0, 0.0, prepared.baseWeights()));
      write(dir, compare);

      List<String> failed = new ArrayList<>();
      for (Recipe recipe : parsed) {
        Path recipeDir = dir.resolve(recipe.cliName());
        log.printf("srl compare: training %s for %.1f min%n", recipe, minutes);
        log.flush();
        TrainSettings settings =
            DemoCommand.demoSettings(
                recipe,
                id + "-" + recipe.cliName(),
                recipeDir,
                prepared,
                base,
                budget,
                demo.seed,
                demo.autojunk.autojunk,
                false);
        try {
          ObjectNode summary =
              TrainCommand.runAndReport(
                  settings, log, new PrintWriter(PrintWriter.nullWriter()), s -> {});
          rows.add(
              row(
                  recipe.cliName(),
                  (ObjectNode) summary.path("final"),
                  summary.path("versions").asLong(),
                  summary.path("budget").path("minutes").asDouble(),
                  recipeDir));
        } catch (Exception e) {
          failed.add(recipe + ": " + SrlCommand.rootMessage(e));
          log.printf("srl compare: %s failed: %s%n", recipe, SrlCommand.rootMessage(e));
          log.flush();
        }
        write(dir, compare);
      }
      out.print(CompareReport.markdown(compare));
      out.printf(
          Locale.ROOT,
          "%nsrl compare: %s%n",
          failed.isEmpty() ? "all recipes ran" : "failed: " + failed);
      out.println("run directory: " + dir);
      out.flush();
      return failed.isEmpty() ? 0 : 1;
    }
  }

  private static ObjectNode row(
      String recipe, ObjectNode result, long versions, double minutes, Path runDir) {
    ObjectNode row = JSON.createObjectNode();
    row.put("recipe", recipe);
    for (String field : List.of("greedy_accuracy", "avg_at_k", "pass_at_k")) {
      row.set(field, result == null ? null : result.get(field));
    }
    row.put("versions", versions);
    row.put("minutes", minutes);
    row.put("run_dir", runDir.toString());
    return row;
  }

  private static void write(Path dir, ObjectNode compare) throws Exception {
    Files.writeString(
        dir.resolve(CompareReport.COMPARE_FILE),
        JSON.writerWithDefaultPrettyPrinter().writeValueAsString(compare));
    CompareReport.write(dir, compare);
  }
}
