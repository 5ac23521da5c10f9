package dev.srlstream.topology;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.srlstream.method.data.InstanceExpander;
import dev.srlstream.method.data.Split;
import dev.srlstream.method.data.StepInstance;
import dev.srlstream.method.format.StepPrompt;
import dev.srlstream.policy.Policy;
import dev.srlstream.policy.PromptFormat;
import dev.srlstream.policy.SampleResult;
import dev.srlstream.policy.SamplingParams;
import dev.srlstream.policy.SessionThreads;
import dev.srlstream.schemas.avro.TrainingMode;
import dev.srlstream.topology.report.SeedStats;
import dev.srlstream.topology.train.Recipe;
import dev.srlstream.topology.train.TrainSettings;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.ToDoubleFunction;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The asynchronous pipeline against its synchronous twin ({@code srl train --sync}): the demo's SRL
 * recipe from the same cached base, for the same training minutes, in rounds that alternate which
 * goes first; each run in a JVM of its own (started by {@code topology/bench/pipeline.sh}), so
 * neither inherits the other's JIT or TensorFlow thread pools. Not a test; its modes:
 *
 * <ul>
 *   <li>{@code prepare DIR}: the demo's data and warm base (cached under {@code runs/.cache});
 *   <li>{@code sampler DIR SECONDS}: the KV-cache sampler alone, in the actors' way (the demo's
 *       prompts, groups of 8, up to 96 new tokens, temperature 1, TensorFlow's default threads),
 *       tokens per second, into {@code DIR/sampler.json};
 *   <li>{@code run DIR ARM SEED MINUTES TEST_PROBLEMS}: one training run into {@code DIR}, ARM
 *       {@code async} or {@code sync}, optionally with {@code -<N>actors} (actor instances; default
 *       1, the demo's), validation off (it would take CPU from both sides at random moments), final
 *       evaluation on the first TEST_PROBLEMS held-out problems, no base evaluation;
 *   <li>{@code table DIR}: the Markdown tables of every run under {@code DIR} ({@code
 *       round-<r>-<arm>}), each arm against {@code sync} round by round.
 * </ul>
 */
public final class PipelineBenchmark {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Path CACHE = Path.of("runs", ".cache");
  private static final int SAMPLER_GROUP = DemoCommand.DEMO_TASKS.groupSize();
  private static final int SAMPLER_NEW_TOKENS = DemoCommand.DEMO_TASKS.maxNewTokens();

  private PipelineBenchmark() {}

  public static void main(String[] args) throws Exception {
    PrintWriter log = new PrintWriter(System.err, true);
    Path dir = Path.of(args[1]).toAbsolutePath();
    switch (args[0]) {
      case "prepare" ->
          DemoSetup.prepare(dir.resolve("data"), CACHE, DemoSetup.DEFAULT_WARMUP, log);
      case "sampler" -> sampler(dir, Integer.parseInt(args[2]), log);
      case "run" ->
          run(
              dir,
              args[2].startsWith("sync"),
              actorsOf(args[2]),
              Long.parseLong(args[3]),
              Double.parseDouble(args[4]),
              Integer.parseInt(args[5]),
              log);
      case "table" -> System.out.print(table(dir));
      default -> throw new IllegalArgumentException("unknown mode " + args[0]);
    }
  }

  /** The actor instances of an arm: {@code async-2actors} has 2, {@code async} 1. */
  private static int actorsOf(String arm) {
    Matcher m = Pattern.compile("^(async|sync)(?:-(\\d+)actors)?$").matcher(arm);
    if (!m.matches()) {
      throw new IllegalArgumentException(
          "an arm is async or sync, optionally -<N>actors, but was " + arm);
    }
    return m.group(2) == null ? 1 : Integer.parseInt(m.group(2));
  }

  private static void run(
      Path dir,
      boolean sync,
      int actors,
      long seed,
      double minutes,
      int testProblems,
      PrintWriter log)
      throws Exception {
    DemoSetup.Prepared prepared =
        DemoSetup.prepare(dir.resolve("data"), CACHE, DemoSetup.DEFAULT_WARMUP, log);
    String runId = DemoOptions.newRunId(sync ? "sync" : "async");
    TrainSettings demo =
        DemoCommand.demoSettings(
            Recipe.SRL,
            runId,
            dir,
            prepared,
            prepared.hard().test().subList(0, testProblems),
            Files.readAllBytes(prepared.baseWeights()),
            Duration.ofMillis(Math.round(minutes * 60_000)),
            0,
            seed,
            false,
            false);
    TrainSettings settings =
        demo.toBuilder(runId, dir).sync(sync).actors(actors).validation(List.of()).build();
    TrainCommand.runAndReport(settings, log, new PrintWriter(PrintWriter.nullWriter()), s -> {});
  }

  /** The KV-cache sampler alone on the demo's prompts, as an actor calls it. */
  private static void sampler(Path dir, int seconds, PrintWriter log) throws Exception {
    DemoSetup.Prepared prepared =
        DemoSetup.prepare(dir.resolve("data"), CACHE, DemoSetup.DEFAULT_WARMUP, log);
    List<StepInstance> instances =
        new InstanceExpander(
                InstanceExpander.Config.defaults()
                    .withMode(TrainingMode.SRL)
                    .withContextWindow(DemoSetup.CONTEXT_WINDOW))
            .expandAll(prepared.hard().train(), Split.TRAIN);
    long tokens = 0;
    int groups = 0;
    double timed = 0;
    try (Policy policy =
        Policy.load(
            Files.readAllBytes(prepared.baseWeights()), SessionThreads.TENSORFLOW_DEFAULT)) {
      long warmUpEnds = System.nanoTime() + Duration.ofSeconds(10).toNanos();
      long ends = warmUpEnds + Duration.ofSeconds(seconds).toNanos();
      for (int i = 0; System.nanoTime() < ends; i++) {
        StepInstance instance = instances.get(i % instances.size());
        int[] prompt =
            PromptFormat.promptTokens(
                policy.tokenizer(),
                StepPrompt.text(instance.question(), instance.contextSteps(), instance.hint()));
        SamplingParams params =
            SamplingParams.sampling(1.0f, SAMPLER_NEW_TOKENS, policy.tokenizer().eos(), i);
        long start = System.nanoTime();
        List<SampleResult> results = policy.sampleGroup(prompt, SAMPLER_GROUP, params);
        if (start >= warmUpEnds) {
          timed += (System.nanoTime() - start) / 1e9;
          groups++;
          tokens += results.stream().mapToInt(SampleResult::length).sum();
        }
      }
    }
    ObjectNode out = JSON.createObjectNode();
    out.put("groups", groups);
    out.put("tokens", tokens);
    out.put("seconds", timed);
    out.put("tokens_per_second", tokens / timed);
    Files.createDirectories(dir);
    JSON.writerWithDefaultPrettyPrinter().writeValue(dir.resolve("sampler.json").toFile(), out);
    log.printf(
        Locale.ROOT,
        "sampler alone: %d groups of %d, %d tokens in %.1f s: %.0f tokens/s%n",
        groups,
        SAMPLER_GROUP,
        tokens,
        timed,
        tokens / timed);
  }

  /** One finished run's figures. */
  record Run(String name, String arm, long seed, JsonNode summary) {
    boolean sync() {
      return arm.startsWith("sync");
    }

    double pipeline(String field) {
      return summary.path("pipeline").path(field).asDouble(Double.NaN);
    }

    double versions() {
      return summary.path("versions").asDouble();
    }

    /** Mean step reward of the rollouts sampled under versions [from, to] (rollout-weighted). */
    double reward(double from, double to) {
      double sum = 0;
      double n = 0;
      for (JsonNode point : summary.path("reward_curve")) {
        long v = point.path("version").asLong();
        if (v >= from && v <= to) {
          sum += point.path("mean_reward").asDouble() * point.path("rewards").asDouble();
          n += point.path("rewards").asDouble();
        }
      }
      return n == 0 ? Double.NaN : sum / n;
    }

    /** The mean step reward reached: over the last quarter of this run's versions. */
    double rewardReached() {
      return reward(0.75 * versions(), versions());
    }

    double stepExact() {
      return summary.path("final").path("steps").path("exact_rate").asDouble(Double.NaN);
    }

    double greedy() {
      return summary.path("final").path("greedy_accuracy").asDouble(Double.NaN);
    }

    /** Tokens per second a sampling thread makes while it samples (busy time only). */
    double tokensPerBusySecond() {
      return pipeline("response_tokens") / pipeline("actor_sampling_seconds");
    }
  }

  static List<Run> runs(Path dir) throws Exception {
    List<Run> runs = new ArrayList<>();
    try (var paths = Files.list(dir)) {
      for (Path p : paths.sorted().toList()) {
        Path summary = p.resolve("summary.json");
        if (Files.isRegularFile(summary)) {
          JsonNode s = JSON.readTree(summary.toFile());
          String name = p.getFileName().toString();
          runs.add(
              new Run(
                  name,
                  name.replaceFirst("^round-\\d+-", ""),
                  s.path("seeds").path("policy").asLong(),
                  s));
        }
      }
    }
    return runs;
  }

  static String table(Path dir) throws Exception {
    List<Run> runs = runs(dir);
    StringBuilder out = new StringBuilder();
    out.append(
        "| run | seed | versions | groups trained/min | response tokens/s | actor tokens/s"
            + " while sampling | learner idle | actor idle | mean step reward reached |"
            + " held-out step exact | held-out greedy | process CPU | groups by staleness |\n");
    out.append("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|\n");
    for (Run r : runs) {
      out.append(
          String.format(
              Locale.ROOT,
              "| %s | %d | %.0f | %.1f | %.0f | %.0f | %.1f%% | %.1f%% | %.3f | %.1f%% | %.1f%% |"
                  + " %.0f%% | %s |%n",
              r.name(),
              r.seed(),
              r.versions(),
              r.pipeline("groups_trained_per_minute"),
              r.pipeline("response_tokens_per_second"),
              r.tokensPerBusySecond(),
              100 * r.pipeline("learner_idle_share"),
              100 * r.pipeline("actor_idle_share"),
              r.rewardReached(),
              100 * r.stepExact(),
              100 * r.greedy(),
              100 * r.pipeline("process_cpu_share"),
              r.summary().path("pipeline").path("groups_by_staleness")));
    }
    List<Run> sync = runs.stream().filter(r -> r.arm().equals("sync")).toList();
    List<String> arms =
        runs.stream().map(Run::arm).filter(a -> !a.equals("sync")).distinct().sorted().toList();
    for (String arm : arms) {
      comparison(out, arm, runs.stream().filter(r -> r.arm().equals(arm)).toList(), sync);
    }
    List<Run> async = runs.stream().filter(r -> r.arm().equals("async")).toList();
    Path sampler = dir.resolve("sampler.json");
    if (Files.isRegularFile(sampler)) {
      double alone = JSON.readTree(sampler.toFile()).path("tokens_per_second").asDouble();
      out.append(
          String.format(
              Locale.ROOT,
              "%nKV-cache sampler alone (groups of %d, <= %d new tokens, the demo's prompts):"
                  + " %.0f tokens/s. Async actors while sampling: %s of it; wall clock: %s.%n",
              SAMPLER_GROUP,
              SAMPLER_NEW_TOKENS,
              alone,
              percent(async.stream().map(r -> r.tokensPerBusySecond() / alone).toList()),
              percent(
                  async.stream()
                      .map(r -> r.pipeline("response_tokens_per_second") / alone)
                      .toList())));
    }
    return out.toString();
  }

  /** The arm against the synchronous twin: per figure the means, intervals and per-seed ratios. */
  private static void comparison(StringBuilder out, String arm, List<Run> async, List<Run> sync) {
    out.append(
        String.format(
            Locale.ROOT,
            "%n| figure | %s mean [95%% CI] | sync mean [95%% CI] | %s / sync per seed |%n",
            arm,
            arm));
    out.append("|---|---|---|---|\n");
    row(
        out,
        "groups trained per minute",
        async,
        sync,
        r -> r.pipeline("groups_trained_per_minute"));
    row(
        out,
        "tokens sampled per second",
        async,
        sync,
        r -> r.pipeline("response_tokens_per_second"));
    row(
        out,
        "tokens trained per second",
        async,
        sync,
        r -> r.pipeline("trained_tokens_per_second"));
    row(out, "actor tokens/s while sampling", async, sync, Run::tokensPerBusySecond);
    row(out, "learner idle share", async, sync, r -> r.pipeline("learner_idle_share"));
    row(out, "actor idle share", async, sync, r -> r.pipeline("actor_idle_share"));
    row(out, "process CPU share", async, sync, r -> r.pipeline("process_cpu_share"));
    row(out, "mean step reward reached", async, sync, Run::rewardReached);
    row(out, "held-out step exact rate", async, sync, Run::stepExact);
    // Reward per version: each pair compared over the last quarter of the versions both reached.
    List<Double> asyncAtCommon = new ArrayList<>();
    List<Double> syncAtCommon = new ArrayList<>();
    for (Run a : async) {
      for (Run s : sync) {
        if (a.seed() == s.seed()) {
          double common = Math.min(a.versions(), s.versions());
          asyncAtCommon.add(a.reward(0.75 * common, common));
          syncAtCommon.add(s.reward(0.75 * common, common));
        }
      }
    }
    out.append(
        String.format(
            Locale.ROOT,
            "| mean step reward, last quarter of the versions both reached | %s | %s | |%n",
            interval(asyncAtCommon),
            interval(syncAtCommon)));
  }

  private static void row(
      StringBuilder out, String name, List<Run> async, List<Run> sync, ToDoubleFunction<Run> f) {
    List<Double> ratios = new ArrayList<>();
    for (Run a : async) {
      for (Run s : sync) {
        if (a.seed() == s.seed()) {
          ratios.add(f.applyAsDouble(a) / f.applyAsDouble(s));
        }
      }
    }
    out.append(
        String.format(
            Locale.ROOT,
            "| %s | %s | %s | %s |%n",
            name,
            interval(async.stream().map(f::applyAsDouble).toList()),
            interval(sync.stream().map(f::applyAsDouble).toList()),
            ratios.isEmpty() ? "" : interval(ratios) + " " + values(ratios)));
  }

  private static String interval(List<Double> values) {
    if (values.isEmpty()) {
      return "";
    }
    SeedStats.Interval i = SeedStats.of(values);
    return i.hasInterval()
        ? String.format(Locale.ROOT, "%.3f [%.3f, %.3f]", i.mean(), i.low(), i.high())
        : String.format(Locale.ROOT, "%.3f", i.mean());
  }

  private static String values(List<Double> values) {
    return values.stream().map(v -> String.format(Locale.ROOT, "%.2f", v)).toList().toString();
  }

  private static String percent(List<Double> shares) {
    return shares.stream()
        .map(v -> String.format(Locale.ROOT, "%.0f%%", 100 * v))
        .toList()
        .toString();
  }
}
