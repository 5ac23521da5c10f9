package dev.srlstream.topology;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.srlstream.method.data.ArithmeticProblem;
import dev.srlstream.method.data.ArithmeticProblems;
import dev.srlstream.method.data.JsonlWriter;
import dev.srlstream.method.data.Split;
import dev.srlstream.policy.PromptSettings;
import dev.srlstream.policy.TinyPolicies;
import dev.srlstream.policy.WeightsCodec;
import dev.srlstream.scorer.ScorerConfig;
import dev.srlstream.topology.train.TrainRun;
import dev.srlstream.topology.train.TrainSettings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code srl train}: every bad input fails before anything starts (no Kafka), with a message naming
 * the option or the path; and an SFT run, which needs no Kafka, runs end to end.
 */
class TrainCommandTest {
  @TempDir Path dir;

  private Path train;
  private Path test;
  private Path model;
  private Path runDir;

  @BeforeEach
  void data() throws Exception {
    ArithmeticProblems.DataSet data =
        ArithmeticProblems.generate(
            ArithmeticProblems.Config.defaults()
                .withSteps(1, 2)
                .withNumbers(9, 99)
                .withSizes(6, 0, 2));
    train = dir.resolve("train.jsonl");
    test = dir.resolve("test.jsonl");
    JsonlWriter.write(
        train, data.get(Split.TRAIN).stream().map(ArithmeticProblem::toExpertSolution).toList());
    JsonlWriter.write(
        test, data.get(Split.TEST).stream().map(ArithmeticProblem::toExpertSolution).toList());
    model = Files.writeString(dir.resolve("model.json"), TinyPolicies.SMALL.toJson());
    runDir = dir.resolve("run");
  }

  /** An SFT run on the tiny model that would end at once if it ever started. */
  private List<String> sft(String... more) {
    List<String> args =
        new ArrayList<>(
            List.of(
                "train",
                "--recipe",
                "sft",
                "--data",
                train.toString(),
                "--model-config",
                model.toString(),
                "--max-versions",
                "1",
                "--minutes",
                "1",
                "--run-dir",
                runDir.toString()));
    args.addAll(Arrays.asList(more));
    return args;
  }

  /** Replaces the value of an option in {@code args}. */
  private static List<String> with(List<String> args, String option, String value) {
    List<String> copy = new ArrayList<>(args);
    int at = copy.indexOf(option);
    if (at < 0) {
      copy.add(option);
      copy.add(value);
    } else {
      copy.set(at + 1, value);
    }
    return copy;
  }

  private static CommandRun run(List<String> args) {
    return CommandRun.of(args.toArray(String[]::new));
  }

  private void assertFails(CommandRun run, int code, String... messages) {
    assertThat(run.exitCode()).as(run.err()).isEqualTo(code);
    assertThat(run.err()).contains(messages);
    assertThat(run.out()).doesNotContain("run directory:");
    // nothing was started: the run directory was never made
    assertThat(runDir).doesNotExist();
  }

  @Test
  void clusterClientSettingsNeedAnExternalCluster() {
    Path config = dir.resolve("client.properties");
    assertFails(
        run(sft("--kafka-config", config.toString())),
        1,
        "--kafka-config and --schema-registry-config are for an external cluster");
    assertFails(
        run(sft("--bootstrap-servers", "127.0.0.1:1")),
        1,
        "--bootstrap-servers and --schema-registry go together");
  }

  @Test
  void aMissingDataFileIsNamed() {
    Path missing = dir.resolve("nope.jsonl");
    assertFails(
        run(with(sft(), "--data", missing.toString())),
        1,
        "srl train: --data must be a readable file, but " + missing + " does not exist");
  }

  @Test
  void anEmptyDataFileIsNamed() throws Exception {
    Path empty = Files.writeString(dir.resolve("empty.jsonl"), "");
    assertFails(
        run(with(sft(), "--data", empty.toString())),
        1,
        "srl train: " + empty + ": the file holds no records");
  }

  @Test
  void aMalformedDataFileIsNamedWithTheLine() throws Exception {
    Path text = Files.writeString(dir.resolve("notes.jsonl"), "these are not JSON lines\n");
    assertFails(run(with(sft(), "--data", text.toString())), 1, "srl train: ", text + " line 1");
  }

  @Test
  void aBaseOfAnotherArchitectureIsNamed() throws Exception {
    Path other = Files.write(dir.resolve("other.bin"), TinyPolicies.random(TinyPolicies.OTHER, 1));
    assertFails(
        run(sft("--base", other.toString())),
        1,
        "--base " + other + " is a policy of another architecture",
        "\"d_model\":24",
        "\"d_model\":16");
  }

  @Test
  void aNegativeKlCoefficientIsRejected() {
    assertFails(run(sft("--kl", "-0.5")), 1, "--kl must be finite and >= 0, but was -0.5");
  }

  @Test
  void aModelWhoseContextCannotHoldThePromptsIsRefused() throws Exception {
    // SMALL's context is 256 tokens: 250 new tokens leave too little room for any step prompt.
    assertFails(
        run(sft("--max-new-tokens", "250")),
        1,
        "the model's context_length must hold the longest step prompt of --data (",
        "plus --max-new-tokens 250 = ",
        "but was 256");
  }

  @Test
  void aBaseTrainedWithAnotherWindowIsUsedWithAWarningNamingBoth() throws Exception {
    WeightsCodec.Decoded decoded = WeightsCodec.decode(TinyPolicies.random(TinyPolicies.SMALL, 1));
    Path lastStep =
        Files.write(
            dir.resolve("last-step.bin"),
            WeightsCodec.encode(
                decoded.config(),
                decoded.tokenizerId(),
                0,
                decoded.weights(),
                Optional.of(new PromptSettings(1, false))));

    CommandRun own = run(sft("--base", lastStep.toString()));
    CommandRun overridden =
        run(
            with(
                sft("--base", lastStep.toString(), "--context-window", "2"),
                "--run-dir",
                dir.resolve("run2").toString()));

    assertThat(own.exitCode()).as(own.err()).isZero();
    assertThat(own.err())
        .contains(
            "srl train: prompts as the weights were trained: context window 1, no hint"
                + " (--context-window overrides)")
        .doesNotContain("warning: --context-window");
    assertThat(WeightsCodec.decode(Files.readAllBytes(runDir.resolve("final.bin"))).prompt())
        .contains(new PromptSettings(1, false));
    assertThat(overridden.exitCode()).as(overridden.err()).isZero();
    assertThat(overridden.err())
        .contains(
            "srl train: warning: --context-window 2, but the weights were trained with context"
                + " window 1");
    assertThat(
            WeightsCodec.decode(Files.readAllBytes(dir.resolve("run2").resolve("final.bin")))
                .prompt())
        .contains(new PromptSettings(2, false));
  }

  @Test
  void aBaseThatIsNoWeightsFileIsNamed() throws Exception {
    Path garbage = Files.writeString(dir.resolve("base.bin"), "not weights at all");
    assertFails(
        run(sft("--base", garbage.toString())),
        1,
        "--base " + garbage + " is not a valid weights file");
    // the same without --model-config
    List<String> noModel = sft("--base", garbage.toString());
    int at = noModel.indexOf("--model-config");
    noModel.remove(at);
    noModel.remove(at);
    assertFails(run(noModel), 1, "--base " + garbage + " is not a valid weights file");
    // and a base that does not exist
    Path missing = dir.resolve("missing.bin");
    assertFails(run(sft("--base", missing.toString())), 1, "--base " + missing + " does not exist");
  }

  @Test
  void negativeMinutesAreRejected() {
    assertFails(
        run(with(sft(), "--minutes", "-1")),
        1,
        "srl train: --minutes must be >= 0 (0 trains until stopped), but was -1.0");
  }

  @Test
  void aBudgetOfZeroOrNegativeVersionsIsRejected() {
    assertFails(
        run(with(sft(), "--max-versions", "-1")),
        1,
        "srl train: --max-versions must be >= 1 (leave it out for no limit), but was -1");
    assertFails(
        run(with(sft(), "--max-versions", "0")),
        1,
        "srl train: --max-versions must be >= 1 (leave it out for no limit), but was 0");
  }

  @Test
  void fewerThanTwoCheckpointsAreRejected() {
    assertFails(
        run(with(sft(), "--keep-checkpoints", "1")),
        1,
        "srl train: --keep-checkpoints must be >= 2, but was 1");
  }

  @Test
  void aNonEmptyRunDirectoryIsRefused() throws Exception {
    Path used = Files.createDirectories(dir.resolve("used"));
    Files.writeString(used.resolve("summary.json"), "{}");
    CommandRun run = run(with(sft(), "--run-dir", used.toString()));
    assertThat(run.exitCode()).as(run.err()).isEqualTo(1);
    assertThat(run.err())
        .contains("srl train: --run-dir " + used + " is not empty; choose a new directory");
    assertThat(Files.readString(used.resolve("summary.json"))).isEqualTo("{}");
    try (var entries = Files.list(used)) {
      assertThat(entries).hasSize(1);
    }
  }

  @Test
  void aRunDirectoryThatIsAFileIsRefused() throws Exception {
    Path file = Files.writeString(dir.resolve("file"), "x");
    CommandRun run = run(with(sft(), "--run-dir", file.toString()));
    assertThat(run.exitCode()).as(run.err()).isEqualTo(1);
    assertThat(run.err()).contains("--run-dir " + file + " is a file");
  }

  @Test
  void bootstrapServersWithoutSchemaRegistryIsRefused() {
    assertFails(
        run(sft("--bootstrap-servers", "localhost:1")),
        1,
        "srl train: --bootstrap-servers and --schema-registry go together (an external cluster),"
            + " but only one was given");
    assertFails(
        run(sft("--schema-registry", "http://localhost:1")),
        1,
        "--bootstrap-servers and --schema-registry go together");
  }

  @Test
  void anUnknownRecipeListsTheValidOnes() {
    assertFails(
        run(with(sft(), "--recipe", "ppo")),
        1,
        "srl train: recipe must be one of sft, rlvr, srl, srl-rlvr, holistic, but was ppo");
  }

  @Test
  void aMissingDataOptionIsAUsageError() {
    List<String> args = sft();
    int at = args.indexOf("--data");
    args.remove(at);
    args.remove(at);
    assertFails(run(args), 2, "Missing required option: '--data=FILE'");
  }

  @Test
  void anSftRunNeedsNoKafkaAndLeavesItsRecord() throws Exception {
    CommandRun run =
        run(
            sft(
                "--test",
                test.toString(),
                "--k",
                "1",
                "--max-new-tokens",
                "16",
                "--sft-batch",
                "4"));

    assertThat(run.exitCode()).as(run.err()).isZero();
    String[] lines = run.out().strip().split("\\R");
    assertThat(lines[lines.length - 1]).isEqualTo("run directory: " + runDir.toAbsolutePath());
    // The first line names the run's log, which is there.
    Path logFile = runDir.toAbsolutePath().resolve("logs").resolve("srl.log");
    assertThat(run.err().split("\\R")[0]).startsWith("srl train: log: " + logFile + " (");
    assertThat(logFile).isRegularFile();
    JsonNode summary = new ObjectMapper().readTree(runDir.resolve("summary.json").toFile());
    assertThat(summary.path("recipe").asText()).isEqualTo("sft");
    assertThat(summary.path("status").asText()).isEqualTo("finished");
    assertThat(summary.path("versions").asLong()).isEqualTo(1);
    assertThat(summary.path("data").path("test_problems").asInt()).isEqualTo(2);
    for (String field : List.of("base", "final")) {
      JsonNode report = summary.path(field);
      assertThat(report.isObject()).as(field).isTrue();
      assertThat(report.path("greedy_accuracy").isNumber()).as(field).isTrue();
      assertThat(report.path("problems").asInt()).as(field).isEqualTo(2);
      assertThat(report.path("k").asInt()).as(field).isEqualTo(1);
      JsonNode steps = report.path("steps");
      assertThat(steps.path("problems").asInt()).as(field).isEqualTo(2);
      assertThat(steps.path("exact_rate").isNumber()).as(field).isTrue();
      assertThat(steps.path("by_index").isArray()).as(field).isTrue();
      assertThat(steps.path("sampled").path("k").asInt()).as(field).isEqualTo(1);
    }
    assertThat(summary.path("base").path("version").asLong()).isZero();
    assertThat(summary.path("final").path("version").asLong()).isEqualTo(1);
    assertThat(summary.path("loss_curve")).hasSize(1);
    // The scorer's setting is recorded even where no scorer runs.
    assertThat(summary.path("settings").path("autojunk").isBoolean()).isTrue();
    assertThat(summary.path("settings").path("autojunk").asBoolean()).isFalse();
    assertThat(runDir.resolve("report.html")).isRegularFile();
    assertThat(Files.readString(runDir.resolve("report.html")))
        .contains("<h2>Test split, step level: base vs final policy</h2>");
    assertThat(runDir.resolve("base.bin")).isRegularFile();
    assertThat(runDir.resolve("final.bin")).isRegularFile();
    assertThat(runDir.resolve("kafka")).doesNotExist();
  }

  @Test
  void aStopFileFinishesARunWithoutBudgetCleanlyWithItsFinalEvaluation() throws Exception {
    List<String> args =
        with(
            with(
                sft("--test", test.toString(), "--k", "1", "--max-new-tokens", "16"),
                "--minutes",
                "0"),
            "--max-versions",
            "1000000");
    CompletableFuture<CommandRun> running = CompletableFuture.supplyAsync(() -> run(args));
    // Training has begun once the first version's loss is on record.
    Path metrics = runDir.resolve("metrics.jsonl");
    while (!(Files.isRegularFile(metrics) && Files.size(metrics) > 0) && !running.isDone()) {
      Thread.sleep(50);
    }
    Files.writeString(runDir.resolve(TrainRun.STOP_FILE), "");
    CommandRun run = running.get(5, TimeUnit.MINUTES);

    assertThat(run.exitCode()).as(run.err()).isZero();
    assertThat(run.err())
        .contains("until stopped; touch " + runDir.resolve(TrainRun.STOP_FILE).toAbsolutePath());
    JsonNode summary = new ObjectMapper().readTree(runDir.resolve("summary.json").toFile());
    assertThat(summary.path("status").asText())
        .isEqualTo(
            "stopped: asked to finish by " + runDir.resolve(TrainRun.STOP_FILE).toAbsolutePath());
    assertThat(summary.path("versions").asLong()).isBetween(1L, 999_999L);
    assertThat(summary.path("final").path("greedy_accuracy").isNumber()).isTrue();
    assertThat(summary.path("final").path("version").asLong())
        .isEqualTo(summary.path("versions").asLong());
  }

  @Test
  void helpListsAutojunkWithItsDefaultAndWhy() {
    for (String command : List.of("train", "demo", "compare")) {
      CommandRun run = CommandRun.of(command, "--help");
      assertThat(run.exitCode()).as(command).isZero();
      assertThat(run.out().replaceAll("\\s+", " "))
          .as(command)
          .contains("--autojunk=true|false", "Default: false, since", "paper-exact replication");
    }
  }

  /** --autojunk reaches the scorer the run starts; without it, the scorer's default (false). */
  @Test
  void autojunkFlowsIntoTheRunsScorerConfig() throws Exception {
    TrainSettings byDefault = parse(with(sft(), "--recipe", "srl")).settings();
    assertThat(byDefault.autojunk()).isFalse();
    assertThat(byDefault.scorerConfig()).isEqualTo(ScorerConfig.DEFAULTS);

    TrainSettings on = parse(with(sft(), "--recipe", "srl"), "--autojunk", "true").settings();
    assertThat(on.autojunk()).isTrue();
    assertThat(on.scorerConfig()).isEqualTo(ScorerConfig.DEFAULTS.withAutojunk(true));

    TrainSettings off = parse(sft(), "--autojunk", "false").settings();
    assertThat(off.scorerConfig().autojunk()).isFalse();
  }

  @Test
  void syncAsksForTheSynchronousTwinOfAStreamingRecipeOnly() throws Exception {
    assertThat(parse(with(sft(), "--recipe", "srl")).settings().sync()).isFalse();
    assertThat(parse(with(sft(), "--recipe", "srl"), "--sync").settings().sync()).isTrue();
    assertFails(run(sft("--sync")), 1, "recipe sft has none");
  }

  @Test
  void warmupUpdatesReachTheSettingsAndANegativeCountIsRefused() throws Exception {
    assertThat(parse(with(sft(), "--recipe", "srl")).settings().warmupUpdates()).isZero();
    assertThat(parse(with(sft(), "--recipe", "srl"), "--warmup-updates", "50").settings())
        .extracting(TrainSettings::warmupUpdates)
        .isEqualTo(50);
    assertFails(
        run(sft("--warmup-updates", "-1")),
        1,
        "--warmup-updates must be >= 0 (0 for none), but was -1");
  }

  /** The train command with its options parsed, not run. */
  private static TrainCommand parse(List<String> args, String... more) {
    TrainCommand command = new TrainCommand();
    List<String> all = new ArrayList<>(args.subList(1, args.size()));
    all.addAll(Arrays.asList(more));
    new CommandLine(command).parseArgs(all.toArray(String[]::new));
    return command;
  }
}
