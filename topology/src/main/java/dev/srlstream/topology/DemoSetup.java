package dev.srlstream.topology;

import dev.srlstream.learner.GrpoTrainer;
import dev.srlstream.learner.SftRunner;
import dev.srlstream.learner.TrainerConfig;
import dev.srlstream.method.data.ArithmeticProblem;
import dev.srlstream.method.data.ArithmeticProblems;
import dev.srlstream.method.data.ExpertSolution;
import dev.srlstream.method.data.JsonlWriter;
import dev.srlstream.method.data.Split;
import dev.srlstream.policy.ByteTokenizer;
import dev.srlstream.policy.ModelConfig;
import dev.srlstream.policy.PromptSettings;
import dev.srlstream.policy.WeightsCodec;
import dev.srlstream.topology.train.SftExamples;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The demo's data and base policy: easy problems (1-2 operations), with a few of 3 operations, to
 * warm a base policy by SFT — the small model's counterpart of an instruct model — and hard
 * problems (3-4 operations) to train on, validate and test. Operands are 1..9 and every value
 * within ±20 ({@link #MAX_VALUE}): the base learns the arithmetic of one step, so what it lacks on
 * hard problems is the chain (the longer expressions, which operation comes first, carrying the
 * rest along), which is what SRL's step reward is for.
 *
 * <p><b>Why ±20, measured</b> (ALiBi model, the warm-up below, greedy on held-out problems, the
 * expert's previous step as context): with values within ±99 the base took 55% of easy steps and
 * 10.5% of hard ones exactly right, and SRL taught it to leave out the numbers it was unsure of (a
 * shorter action loses less similarity than a wrong number): hard step exact rate 10.5% -> 3.7%
 * after 600 versions. Within ±20 (41 x 9 x 4 one-step facts instead of about 80,000), the base
 * takes 84% of easy steps and 16.7% of hard ones exactly right.
 *
 * <p>The base policy is cached under a key of everything it depends on (data, model, SFT settings
 * and this recipe's version), so a second demo starts training at once.
 */
final class DemoSetup {
  /** Bump when anything that shapes the base policy changes, so old caches are not reused. */
  private static final String RECIPE_VERSION = "demo-base-v4";

  /** Every intermediate value (so every number a step writes) lies within ±MAX_VALUE. */
  static final int MAX_VALUE = 20;

  static final ArithmeticProblems.Config EASY =
      ArithmeticProblems.Config.defaults()
          .withSteps(1, 2)
          .withNumbers(9, MAX_VALUE)
          .withSizes(8000, 0, 0);

  /**
   * A few three-operation problems beside the easy ones in the warm-up, so that the base has seen
   * an action that carries a remainder of two operations along. From their own seed, and from the
   * training split, so none is a held-out hard problem (splits go by the expression's text).
   *
   * <p>Measured (warm-ups of 2000 updates, greedy on the 200 held-out hard problems, the expert's
   * previous step as context): on easy problems alone the base never writes a remainder longer than
   * one operation, so it takes 0% of the first two steps of a hard problem and 16.7% of all hard
   * steps; SRL's samples are then nearly all alike (entropy 0.03-0.06 a token) and it learns little
   * (18.7% after 600 versions, seeds 1-3). With 400 such problems (5% of the warm-up) the base
   * takes 31.0% of hard steps and solves 6.5% of hard problems (pass@8 28%); with 1200, 34.5% and
   * 10.0%.
   */
  static final ArithmeticProblems.Config WARMUP_LONGER =
      ArithmeticProblems.Config.defaults()
          .withSeed(7)
          .withSteps(3, 3)
          .withNumbers(9, MAX_VALUE)
          .withSizes(400, 0, 0);

  static final ArithmeticProblems.Config HARD =
      ArithmeticProblems.Config.defaults()
          .withSteps(3, 4)
          .withNumbers(9, MAX_VALUE)
          .withSizes(4000, 100, 200);

  /**
   * Problems longer than any the demo trains on (5 operations against 3-4): does what SRL taught
   * carry over to longer chains? Test split only, from the same generator and number ranges.
   */
  static final ArithmeticProblems.Config LONGER =
      ArithmeticProblems.Config.defaults()
          .withSteps(5, 5)
          .withNumbers(9, MAX_VALUE)
          .withSizes(0, 0, 100);

  /** The files of the demo data and the base policy. */
  record Prepared(
      Path warmupTrain,
      Path hardTrain,
      Path hardValidation,
      Path hardTest,
      Path baseWeights,
      boolean baseFromCache,
      HardProblems hard) {}

  /** The hard problems as written to the files, kept so that runs need not read them back. */
  record HardProblems(
      List<ExpertSolution> train,
      List<ExpertSolution> validation,
      List<ExpertSolution> test,
      List<ExpertSolution> longer) {}

  /** SFT settings of the base policy. */
  record Warmup(int updates, int batch, double learningRate, long seed) {}

  /**
   * Prompts show the last step only. Each arithmetic action ends with what remains of the
   * expression, so the last step is the whole state, and prompts of long problems stay as short as
   * those of easy ones. (Measured: it helps a little, 2% to 5% greedy accuracy on hard problems for
   * the same base, but the small model still does not carry what it learned on 1-2 operations over
   * to 3-4.)
   */
  static final int CONTEXT_WINDOW = 1;

  /**
   * 2000 updates of 16 with a warm-up over the first 5% and a cosine decay to 2% of the peak rate
   * 3e-3: about 2 minutes on 2 cores. (Measured on these problems: a constant rate reached 31%
   * greedy accuracy on held-out easy problems after 3000 updates, the cosine schedule 63%.)
   */
  static final Warmup DEFAULT_WARMUP = new Warmup(2000, 16, 3e-3, 1);

  private DemoSetup() {}

  /** Writes the data under {@code dataDir} and finds or trains the base policy in {@code cache}. */
  static Prepared prepare(Path dataDir, Path cacheDir, Warmup warmup, PrintWriter log)
      throws IOException {
    Files.createDirectories(dataDir);
    Path warmupTrain = dataDir.resolve("warmup-train.jsonl");
    Path hardTrain = dataDir.resolve("hard-train.jsonl");
    Path hardValidation = dataDir.resolve("hard-validation.jsonl");
    Path hardTest = dataDir.resolve("hard-test.jsonl");
    List<ArithmeticProblem> warmupProblems = new ArrayList<>();
    warmupProblems.addAll(ArithmeticProblems.generate(EASY).get(Split.TRAIN));
    warmupProblems.addAll(ArithmeticProblems.generate(WARMUP_LONGER).get(Split.TRAIN));
    ArithmeticProblems.DataSet hard = ArithmeticProblems.generate(HARD);
    List<ArithmeticProblem> longer = ArithmeticProblems.generate(LONGER).get(Split.TEST);
    write(warmupTrain, warmupProblems);
    write(hardTrain, hard.get(Split.TRAIN));
    write(hardValidation, hard.get(Split.VALIDATION));
    write(hardTest, hard.get(Split.TEST));
    write(dataDir.resolve("longer-test.jsonl"), longer);
    log.printf(
        "srl demo: data in %s: %d problems for the base policy (%d easy ones of 1-2 operations, %d"
            + " of 3); %d / %d / %d hard problems (3-4 operations) for training / validation /"
            + " test; %d longer ones (5 operations) to test on%n",
        dataDir,
        warmupProblems.size(),
        EASY.trainSize(),
        WARMUP_LONGER.trainSize(),
        hard.get(Split.TRAIN).size(),
        hard.get(Split.VALIDATION).size(),
        hard.get(Split.TEST).size(),
        longer.size());
    log.flush();

    Files.createDirectories(cacheDir);
    Path cached = cacheDir.resolve("base-" + cacheKey(warmup) + ".bin");
    boolean fromCache = Files.isRegularFile(cached) && valid(cached);
    if (fromCache) {
      log.printf("srl demo: base policy from the cache: %s%n", cached);
      log.flush();
    } else {
      warm(warmupProblems, warmup, cached, log);
    }
    return new Prepared(
        warmupTrain,
        hardTrain,
        hardValidation,
        hardTest,
        cached,
        fromCache,
        new HardProblems(
            solutions(hard.get(Split.TRAIN)),
            solutions(hard.get(Split.VALIDATION)),
            solutions(hard.get(Split.TEST)),
            solutions(longer)));
  }

  private static void write(Path file, List<ArithmeticProblem> problems) throws IOException {
    JsonlWriter.write(file, solutions(problems));
  }

  private static List<ExpertSolution> solutions(List<ArithmeticProblem> problems) {
    return problems.stream().map(ArithmeticProblem::toExpertSolution).toList();
  }

  /** SFT of a fresh policy on the warm-up problems, written to {@code out} atomically. */
  private static void warm(
      List<ArithmeticProblem> problems, Warmup warmup, Path out, PrintWriter log)
      throws IOException {
    SftExamples.Result examples =
        SftExamples.of(
            solutions(problems), ModelConfig.DEFAULT, ByteTokenizer.INSTANCE, null, CONTEXT_WINDOW);
    log.printf(
        "srl demo: warming a base policy by SFT on %d steps (%d updates of %d; cached for the"
            + " next run)%n",
        examples.examples().size(), warmup.updates(), warmup.batch());
    log.flush();
    TrainerConfig config =
        TrainerConfig.defaults().toBuilder()
            .mode(TrainerConfig.Mode.SFT)
            .learningRate(warmup.learningRate())
            .warmupCosine(Math.max(1, warmup.updates() / 20), warmup.updates(), 0.02)
            .seed(warmup.seed())
            .build();
    long start = System.nanoTime();
    int every = Math.max(1, warmup.updates() / 20);
    try (GrpoTrainer trainer = GrpoTrainer.create(ModelConfig.DEFAULT, config)) {
      trainer.setPromptSettings(new PromptSettings(CONTEXT_WINDOW, false));
      SftRunner.run(
          trainer,
          examples.examples(),
          warmup.updates(),
          warmup.batch(),
          warmup.seed(),
          p -> {
            if (p.update() % every == 0 || p.update() == p.updates()) {
              double seconds = (System.nanoTime() - start) / 1e9;
              log.printf(
                  Locale.ROOT,
                  "srl demo: SFT %s %d/%d loss %.3f, %.0f s, about %.0f s left%n",
                  bar(p.update(), p.updates()),
                  p.update(),
                  p.updates(),
                  p.metrics().getOrDefault("loss", Double.NaN),
                  seconds,
                  seconds / p.update() * (p.updates() - p.update()));
              log.flush();
            }
          });
      CliFiles.writeAtomically(out, trainer.exportWeights(0));
    }
    log.printf("srl demo: base policy in %s%n", out);
    log.flush();
  }

  private static String bar(int done, int total) {
    int width = 20;
    int filled = (int) ((long) done * width / total);
    return "[" + "#".repeat(filled) + ".".repeat(width - filled) + "]";
  }

  private static boolean valid(Path file) {
    try {
      WeightsCodec.decode(Files.readAllBytes(file));
      return true;
    } catch (IOException | IllegalArgumentException e) {
      return false;
    }
  }

  /** The name of the cached base of {@code warmup}: 16 hex digits of everything it depends on. */
  static String cacheKey(Warmup warmup) {
    String key =
        String.join(
            "|",
            RECIPE_VERSION,
            EASY.toString(),
            WARMUP_LONGER.toString(),
            ModelConfig.DEFAULT.toJson(),
            warmup.toString(),
            "window " + CONTEXT_WINDOW);
    return WeightsCodec.sha256Hex(key.getBytes(StandardCharsets.UTF_8)).substring(0, 16);
  }
}
