package dev.srlstream.topology;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.srlstream.method.data.ExpertSolution;
import dev.srlstream.policy.eval.Evaluator;
import dev.srlstream.policy.eval.StepEvaluator;
import dev.srlstream.topology.eval.EvalReports;
import dev.srlstream.topology.eval.StepReports;
import dev.srlstream.topology.report.CompareReport;
import dev.srlstream.topology.report.SeedComparison;
import dev.srlstream.topology.train.Recipe;
import dev.srlstream.topology.train.TrainSettings;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code srl compare}: every recipe from the same base, on the same data, with the same budget,
 * once per seed; per recipe and metric the mean over seeds with its 95% confidence interval.
 */
@Command(
    name = "compare",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = {
      "Compare the recipes the way the paper's Table 1 does, over seeds: for each seed, the base"
          + " policy, then sft, rlvr, srl, srl-rlvr and holistic, each trained from the same"
          + " cached warm base on the demo's hard problems for the same --minutes (each on a"
          + " fresh embedded broker), and all evaluated on the same held-out hard problems, end"
          + " to end (greedy accuracy, avg@4, pass@4) and step level (greedy exact rate,"
          + " well-formed rate, mean reward).",
      "The seed changes training (task order, sampling, the learner's seed) and the evaluation's"
          + " samples; the data and the base are the same for every seed. The base is evaluated"
          + " once per seed: its greedy figures (greedy accuracy and the step-level ones) are the"
          + " same for every seed, so their interval is zero wide; its sampled ones (avg@4,"
          + " pass@4) are not.",
      "Per recipe and metric: the per-seed values, their mean and the 95%% confidence interval of"
          + " the mean (Student's t with n - 1 degrees of freedom; one seed gives no interval),"
          + " and which recipes' intervals do not overlap srl's. Writes compare.json and"
          + " compare.html in the run directory, one directory per seed and recipe"
          + " (seed-<S>/<recipe>) with its own run record and its own logs/srl.log (the"
          + " comparison's own logs/srl.log has the warm-up and the base evaluations; the console"
          + " shows the status lines, warnings and errors), and prints the table as Markdown.",
      "Time with the defaults on 2 cores, the base cached: 53 min 47 s (measured, 3 seeds x 5"
          + " recipes of 2 training minutes, each started on a fresh broker and evaluated end"
          + " to end and step by step on 200 problems, plus the base per seed). The first run"
          + " adds about 2.5 min for the warm-up; --test-problems 100 saves about 9 min."
    })
final class CompareCommand implements Callable<Integer> {
  private static final ObjectMapper JSON = new ObjectMapper();

  @Spec CommandSpec spec;

  @Option(
      names = "--minutes",
      defaultValue = "2",
      paramLabel = "M",
      description =
          "Training time of each recipe for each seed, in minutes (default: ${DEFAULT-VALUE}).")
  double minutes;

  @Option(
      names = "--seeds",
      defaultValue = "1,2,3",
      paramLabel = "LIST",
      description =
          "The seeds, distinct whole numbers separated by commas; every recipe is trained once"
              + " per seed (default: ${DEFAULT-VALUE}).")
  String seeds;

  @Option(
      names = "--recipes",
      defaultValue = "sft,rlvr,srl,srl-rlvr,holistic",
      split = ",",
      paramLabel = "NAME",
      description = "The recipes to train, in order (default: ${DEFAULT-VALUE}).")
  List<String> recipes;

  @Option(
      names = "--test-problems",
      defaultValue = "200",
      paramLabel = "N",
      description =
          "Held-out hard problems to evaluate on, the first N of the demo's 200 (default:"
              + " ${DEFAULT-VALUE}).")
  int testProblems;

  @Option(
      names = "--max-versions",
      paramLabel = "N",
      description =
          "Also stop each run after N policy versions, if its minutes have not ended first (for"
              + " quick checks; default: no limit).")
  Long maxVersions;

  @Option(
      names = "--run-dir",
      paramLabel = "DIR",
      description = "Where the comparison goes (default: runs/<id>-compare).")
  Path runDir;

  @Mixin DemoOptions demo;

  @Override
  public Integer call() throws Exception {
    List<Long> seedList = parseSeeds(seeds);
    List<Recipe> parsed = checkedRecipes();
    PrintWriter log = spec.commandLine().getErr();
    PrintWriter out = spec.commandLine().getOut();
    String id = DemoOptions.newRunId("compare");
    Path dir = (runDir != null ? runDir : Path.of("runs", id)).toAbsolutePath();
    TrainCommand.requireEmptyOrAbsent(dir);
    Files.createDirectories(dir);
    // The first line printed names the comparison's log (the data, the warm-up, the base
    // evaluations); each run logs in its own directory's logs/srl.log.
    try (RunLog ignored = RunLog.open(dir, "srl compare", log)) {
      DemoSetup.Prepared prepared =
          DemoSetup.prepare(dir.resolve("data"), demo.cacheDir, DemoSetup.DEFAULT_WARMUP, log);
      Shared shared =
          new Shared(
              id,
              dir,
              prepared,
              Files.readAllBytes(prepared.baseWeights()),
              Duration.ofMillis(Math.round(minutes * 60_000)),
              prepared.hard().test().subList(0, testProblems));
      ObjectNode compare = header(shared, seedList);
      Map<String, List<SeedComparison.Run>> runs = new LinkedHashMap<>();
      runs.put("base", new ArrayList<>());
      parsed.forEach(r -> runs.put(r.cliName(), new ArrayList<>()));
      write(dir, compare, seedList, runs);

      List<String> failed = new ArrayList<>();
      int round = 0;
      for (long seed : seedList) {
        round++;
        String of = String.format(Locale.ROOT, "seed %d (%d of %d)", seed, round, seedList.size());
        runs.get("base").add(evaluateBase(shared, seed, of, log));
        write(dir, compare, seedList, runs);
        for (Recipe recipe : parsed) {
          runs.get(recipe.cliName()).add(train(shared, recipe, seed, of, failed, log));
          write(dir, compare, seedList, runs);
        }
      }
      out.print(CompareReport.markdown(CompareReport.read(dir)));
      out.printf(
          Locale.ROOT,
          "%nsrl compare: %s%n",
          failed.isEmpty() ? "all runs finished" : "failed: " + failed);
      out.println("run directory: " + dir);
      out.flush();
      return failed.isEmpty() ? 0 : 1;
    }
  }

  /**
   * Checks --minutes, --recipes, --test-problems and --max-versions, in that order.
   *
   * @return the recipes of --recipes, in order
   */
  private List<Recipe> checkedRecipes() {
    DemoOptions.requirePositiveMinutes(minutes);
    List<Recipe> parsed = recipes.stream().map(String::strip).map(Recipe::of).toList();
    int available = DemoSetup.HARD.testSize();
    if (testProblems < 1 || testProblems > available) {
      throw new IllegalArgumentException(
          "--test-problems must be 1.." + available + ", but was " + testProblems);
    }
    if (maxVersions != null && maxVersions < 1) {
      throw new IllegalArgumentException(
          "--max-versions must be >= 1 (leave it out for no limit), but was " + maxVersions);
    }
    return parsed;
  }

  /**
   * What every run of the comparison shares: the comparison's id and directory, the demo's data,
   * the base weights, the training budget and the held-out problems.
   */
  private record Shared(
      String id,
      Path dir,
      DemoSetup.Prepared prepared,
      byte[] base,
      Duration budget,
      List<ExpertSolution> test) {}

  /**
   * The comparison's fixed part, before any run: the budget, the seeds, the data seed, how the
   * interval is computed, k and the number of problems.
   */
  private ObjectNode header(Shared shared, List<Long> seedList) throws Exception {
    ObjectNode compare = JSON.createObjectNode();
    ObjectNode budgetNode = compare.putObject("budget").put("minutes", minutes);
    if (maxVersions != null) {
      budgetNode.put("max_versions", maxVersions);
    }
    ArrayNode seedsNode = compare.putArray("seeds");
    seedList.forEach(seedsNode::add);
    compare.put("data_seed", DemoSetup.HARD.seed());
    compare.put(
        "interval",
        "95% confidence interval of the mean over seeds: mean ± t(0.975, n-1) · s / √n");
    TrainSettings probe = settings(Recipe.SRL, shared.id(), shared.dir(), shared, 0, 1);
    compare.put("k", probe.eval().k());
    compare.put("problems", shared.test().size());
    return compare;
  }

  /** The base policy's run for one seed: evaluated as it is, with the seed's settings. */
  private SeedComparison.Run evaluateBase(Shared shared, long seed, String of, PrintWriter log)
      throws Exception {
    log.printf(
        "srl compare: %s: evaluating the base policy on %d held-out problems%n",
        of, shared.test().size());
    log.flush();
    TrainSettings baseSettings = settings(Recipe.SRL, shared.id(), shared.dir(), shared, 0, seed);
    return new SeedComparison.Run(
        seed,
        shared.prepared().baseWeights().toString(),
        "finished",
        0,
        evaluate(shared.base(), baseSettings));
  }

  /**
   * Trains and evaluates one recipe for one seed in its own directory. A run that fails, or ends
   * with a failed status, is added to {@code failed} and returned with its status.
   */
  private SeedComparison.Run train(
      Shared shared, Recipe recipe, long seed, String of, List<String> failed, PrintWriter log)
      throws Exception {
    Path recipeDir = shared.dir().resolve("seed-" + seed).resolve(recipe.cliName());
    log.printf(Locale.ROOT, "srl compare: %s: training %s for %.1f min%n", of, recipe, minutes);
    log.flush();
    TrainSettings settings =
        settings(
            recipe,
            shared.id() + "-s" + seed + "-" + recipe.cliName(),
            recipeDir,
            shared,
            maxVersions == null ? 0 : maxVersions,
            seed);
    try {
      ObjectNode summary =
          TrainCommand.runAndReport(
              settings, log, new PrintWriter(PrintWriter.nullWriter()), s -> {});
      String status = summary.path("status").asText("finished");
      SeedComparison.Run run =
          new SeedComparison.Run(
              seed,
              recipeDir.toString(),
              status,
              summary.path("versions").asLong(),
              summary.path("final").isObject() ? summary.path("final") : null);
      if (status.startsWith("failed")) {
        failed.add(recipe.cliName() + " (seed " + seed + "): " + status);
      }
      return run;
    } catch (Exception e) {
      String message = SrlCommand.rootMessage(e);
      failed.add(recipe.cliName() + " (seed " + seed + "): " + message);
      log.printf("srl compare: %s: %s failed: %s%n", of, recipe, message);
      log.flush();
      return new SeedComparison.Run(seed, recipeDir.toString(), "failed: " + message, 0, null);
    }
  }

  /**
   * The seeds of {@code --seeds}: distinct whole numbers separated by commas, in the order given.
   *
   * @throws IllegalArgumentException naming the option and what is wrong
   */
  static List<Long> parseSeeds(String text) {
    if (text == null || text.isBlank()) {
      throw new IllegalArgumentException(
          "--seeds must list at least one seed, e.g. 1,2,3, but was empty");
    }
    List<Long> parsed = new ArrayList<>();
    for (String part : text.split(",", -1)) {
      String entry = part.strip();
      if (entry.isEmpty()) {
        throw new IllegalArgumentException(
            "--seeds must be whole numbers separated by commas, but '"
                + text
                + "' has an empty"
                + " entry");
      }
      long seed;
      try {
        seed = Long.parseLong(entry);
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException(
            "--seeds must be whole numbers separated by commas, but '" + entry + "' is not one");
      }
      if (parsed.contains(seed)) {
        throw new IllegalArgumentException(
            "--seeds must be distinct, but " + seed + " is repeated");
      }
      parsed.add(seed);
    }
    return List.copyOf(parsed);
  }

  private TrainSettings settings(
      Recipe recipe, String runId, Path recipeDir, Shared shared, long versionLimit, long seed)
      throws Exception {
    return DemoCommand.demoSettings(
        recipe,
        runId,
        recipeDir,
        shared.prepared(),
        shared.test(),
        shared.base(),
        shared.budget(),
        versionLimit,
        seed,
        demo.autojunk.autojunk,
        false);
  }

  /**
   * The base policy evaluated as a run's final policy is (TrainRun): end to end, then at the step
   * level with the run's window, k, seed and scorer.
   */
  private static ObjectNode evaluate(byte[] weights, TrainSettings settings)
      throws InterruptedException {
    Evaluator.Report report =
        Evaluator.evaluate(weights, settings.test(), settings.eval(), d -> {});
    ObjectNode node = EvalReports.summary(report);
    StepEvaluator.Report steps =
        new StepEvaluator(settings.eval(), settings.scorerConfig().autojunk())
            .evaluate(weights, settings.test(), d -> {});
    node.set("steps", StepReports.summary(steps));
    return node;
  }

  private static void write(
      Path dir, ObjectNode compare, List<Long> seeds, Map<String, List<SeedComparison.Run>> runs)
      throws Exception {
    ArrayNode recipes = compare.putArray("recipes");
    runs.forEach((name, list) -> recipes.add(SeedComparison.recipe(name, seeds, list)));
    CliFiles.writeAtomically(
        dir.resolve(CompareReport.COMPARE_FILE),
        JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(compare));
    // The page from the file as written, exactly what srl report --run-dir DIR rebuilds.
    CompareReport.write(dir);
  }
}
