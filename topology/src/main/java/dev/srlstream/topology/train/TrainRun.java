package dev.srlstream.topology.train;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.srlstream.actor.ActorConfig;
import dev.srlstream.actor.ActorMetrics;
import dev.srlstream.actor.ActorService;
import dev.srlstream.actor.ActorTopics;
import dev.srlstream.infra.LocalInfrastructure;
import dev.srlstream.infra.kafka.TopicProvisioner;
import dev.srlstream.learner.GrpoTrainer;
import dev.srlstream.learner.LearnerConfig;
import dev.srlstream.learner.LearnerService;
import dev.srlstream.learner.SftRunner;
import dev.srlstream.learner.StalenessPolicy;
import dev.srlstream.learner.TrainerConfig;
import dev.srlstream.policy.Seeds;
import dev.srlstream.schemas.Topics;
import dev.srlstream.schemas.avro.ExpertStep;
import dev.srlstream.schemas.avro.StepTask;
import dev.srlstream.schemas.avro.TrainingMode;
import dev.srlstream.schemas.registry.SchemaRegistryClient;
import dev.srlstream.schemas.serde.AvroSerde;
import dev.srlstream.scorer.ScorerService;
import dev.srlstream.scorer.ScorerTopics;
import dev.srlstream.topology.data.InstanceExpander;
import dev.srlstream.topology.data.Split;
import dev.srlstream.topology.data.StepInstance;
import dev.srlstream.topology.eval.EvalReports;
import dev.srlstream.topology.eval.Evaluator;
import dev.srlstream.topology.eval.StepEvaluator;
import dev.srlstream.topology.eval.StepReports;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListOffsetsOptions;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * One training run, start to end: evaluate the base policy, train by the recipe within the budget,
 * evaluate the final policy, and keep the record in the run directory ({@link RunFiles}).
 *
 * <p>The streaming recipes run the real services in this process — scorer (Kafka Streams), learner
 * (TF Java) and actors (Vert.x) — which meet only on the topics, exactly as when each runs alone;
 * this class only feeds tasks, watches the topics ({@link RunMonitor}) and the services' health,
 * and measures validation accuracy. More actors on other machines can join the run's consumer group
 * (printed at the start) and share its tasks.
 *
 * <p>A run that stops early — by {@link #requestStop(String)}, a failed service, or a lost cluster
 * — still leaves its summary (status and reason), metrics, the weights reached so far, and its
 * report. A file named {@value #STOP_FILE} in the run directory asks for a clean finish: training
 * ends at the next tick and the final evaluation runs, as at the end of the budget (a signal ends
 * the process, so it skips that evaluation).
 */
public final class TrainRun {
  private static final Duration TICK = Duration.ofMillis(250);
  private static final Duration STATUS_EVERY = Duration.ofSeconds(2);
  private static final Duration CLUSTER_TIMEOUT = Duration.ofSeconds(30);
  private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(5);

  /** The file in the run directory whose appearance asks the run to finish cleanly. */
  public static final String STOP_FILE = "STOP";

  private final TrainSettings settings;
  private final PrintWriter log;
  private final AtomicBoolean stopRequested = new AtomicBoolean();
  private RunRecord record;
  private ObjectNode summary;
  private long trainingStartNanos;
  private RunFiles files;
  private String stopReason;

  /**
   * @param log where progress goes: a status line every 2 s and the run's milestones
   */
  public TrainRun(TrainSettings settings, PrintWriter log) {
    this.settings = settings;
    this.log = log;
  }

  /** Ends training soon (at the next tick); the run then evaluates and writes its record. */
  public void requestStop(String reason) {
    if (stopRequested.compareAndSet(false, true)) {
      stopReason = reason;
    }
  }

  /** Whether the stop file appeared; it then asks for the stop. */
  private boolean stopFileAppeared() {
    Path file = settings.runDir().resolve(STOP_FILE);
    if (!Files.exists(file)) {
      return false;
    }
    requestStop("asked to finish by " + file);
    return true;
  }

  /** What the start of training says about its end. */
  private String howItEnds() {
    String stop =
        "touch " + settings.runDir().resolve(STOP_FILE) + " finishes with the final evaluation";
    return settings.budget() == null
        ? "until stopped; " + stop
        : "for " + RunRecord.minutes(settings.budget()) + "; " + stop;
  }

  /**
   * Runs to the end and returns the summary (also in {@code summary.json}).
   *
   * @throws Exception when the run failed; its summary then says so and why
   */
  public ObjectNode run() throws Exception {
    files = new RunFiles(settings.runDir());
    record = new RunRecord(settings, files, log);
    summary = record.summary();
    try (RunFiles ignored = files) {
      record.init();
      files.writeWeights(RunFiles.BASE_WEIGHTS, settings.baseWeights());
      if (!settings.test().isEmpty() && settings.evaluateBase()) {
        record.say("evaluating the base policy on %d held-out problems", settings.test().size());
        summary.set("base", evaluate(settings.baseWeights()));
        record.writeSummary();
      }
      byte[] last;
      try (Validator validator =
          new Validator(
              settings.validationSample(),
              settings.eval(),
              settings.scorerConfig().autojunk(),
              files,
              record::elapsedSeconds)) {
        last = settings.recipe().streams() ? trainOnKafka(validator) : trainSft(validator);
        files.writeWeights(RunFiles.FINAL_WEIGHTS, last);
        record.recordValidation(validator);
      }
      boolean interrupted =
          stopRequested.get() && stopReason != null && stopReason.startsWith("interrupted");
      if (!settings.test().isEmpty() && !interrupted) {
        record.say("evaluating the final policy on %d held-out problems", settings.test().size());
        summary.set("final", evaluate(last));
      }
      summary.put("status", stopRequested.get() ? "stopped: " + stopReason : "finished");
      record.writeSummary();
      return summary;
    } catch (Exception | Error e) {
      summary.put("status", "failed: " + rootMessage(e));
      record.writeSummary();
      throw e;
    }
  }

  // ---- streaming recipes: actors, scorer and learner on Kafka ----

  private byte[] trainOnKafka(Validator validator) throws Exception {
    LocalInfrastructure infra = null;
    ClusterAccess cluster = settings.cluster();
    if (settings.embedded()) {
      record.say("starting the embedded Kafka broker and schema registry");
      infra =
          LocalInfrastructure.start(
              new LocalInfrastructure.Config(settings.runDir().resolve("kafka"), 0, 0));
      cluster = ClusterAccess.open(infra.bootstrapServers(), infra.schemaRegistryUrl());
    }
    try {
      summary
          .putObject("cluster")
          .put("bootstrap_servers", cluster.bootstrapServers())
          .put("schema_registry", cluster.schemaRegistryUrl())
          .put("embedded", settings.embedded());
      if (!settings.embedded()) {
        ensureTopics(cluster);
      }
      return trainOnCluster(cluster, validator);
    } finally {
      if (infra != null) {
        infra.close();
      }
    }
  }

  private byte[] trainOnCluster(ClusterAccess cluster, Validator validator) throws Exception {
    String runId = settings.runId();
    String bootstrap = cluster.bootstrapServers();
    String registryUrl = cluster.schemaRegistryUrl();
    SchemaRegistryClient registry = cluster.registry();
    Map<TrainingMode, List<StepInstance>> instances = instances();
    AtomicReference<TrainingMode> mode = new AtomicReference<>(settings.recipe().firstMode());

    try (RunMonitor monitor =
            new RunMonitor(
                cluster,
                registry,
                runId,
                runId,
                settings.tasks().groupSize(),
                settings.scorerConfig().dynamicSamplingEpsilon());
        KafkaProducer<String, byte[]> producer = producer(cluster);
        // Bounded closes: without a timeout they wait out every pending request when the cluster
        // is gone (each client's close() is then a no-op).
        AutoCloseable producerClose = () -> producer.close(CLOSE_TIMEOUT);
        Admin admin = Admin.create(cluster.admin());
        AutoCloseable adminClose = () -> admin.close(CLOSE_TIMEOUT)) {
      monitor.start();
      // A run reads only what is produced after it starts: on a shared cluster the topics still
      // hold earlier runs' tasks, rollouts and groups, which its new consumer groups would
      // otherwise read from the beginning (the expert steps are the exception: the scorer needs
      // them all, and has no committed offset there).
      // The run's policy is its id: its tasks, rollouts, rewards and groups name it, and its
      // services, in their own consumer groups, skip every other policy's records.
      String scorerApplication = ScorerService.defaultApplicationId(runId);
      String actorGroup = ActorConfig.defaultGroupId(runId);
      LearnerConfig learnerConfig =
          new LearnerConfig(
              runId,
              settings.batchGroups(),
              2,
              StalenessPolicy.DROP,
              settings.runDir().resolve("checkpoints"),
              3,
              settings.maxVersions());
      startAtTheEnd(admin, scorerApplication, Topics.ROLLOUT_STEPS.name());
      startAtTheEnd(admin, learnerConfig.clientId(), Topics.TRAINING_GROUPS.name());
      startAtTheEnd(admin, actorGroup, Topics.TASKS.name());
      // One registry for the run's three services, as in a process of its own (nothing serves it:
      // the run's record reads the counters).
      PrometheusMeterRegistry meters = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
      ScorerService scorer =
          ScorerService.start(
              new ScorerService.Settings(
                  bootstrap,
                  registryUrl,
                  scorerApplication,
                  settings.runDir().resolve("scorer-state"),
                  1,
                  settings.scorerConfig().withPolicyName(runId),
                  ScorerTopics.LIVE,
                  cluster.kafkaConfig(),
                  cluster.registryAccess()),
              Duration.ofSeconds(120),
              meters);
      GrpoTrainer trainer =
          GrpoTrainer.create(
              settings.model(),
              TrainerConfig.defaults().toBuilder()
                  .learningRate(settings.learningRate())
                  .warmupConstant(settings.warmupUpdates())
                  .klCoef(settings.klCoef())
                  .credit(settings.credit())
                  // The ratio pi_theta / pi_behaviour needs both at the sampling temperature.
                  .temperature(settings.tasks().temperature())
                  .seed(settings.seed())
                  .build());
      ActorService actors = null;
      LearnerService learner = null;
      Thread learnerThread = null;
      AtomicBoolean learnerRunning = new AtomicBoolean(true);
      AtomicReference<Throwable> learnerFailure = new AtomicReference<>();
      try {
        trainer.restore(settings.baseWeights(), new byte[0]);
        // Every version this run publishes records the prompt format it trains with.
        trainer.setPromptSettings(settings.promptSettings());
        if (settings.klCoef() > 0) {
          // The KL penalty keeps the policy near the base it started from.
          trainer.setReference(settings.baseWeights());
        }
        learner =
            LearnerService.start(
                new LearnerService.Settings(
                    bootstrap,
                    learnerConfig,
                    Topics.TRAINING_GROUPS.name(),
                    Map.copyOf(cluster.kafkaConfig())),
                trainer,
                registry,
                meters);
        LearnerService runningLearner = learner;
        learnerThread =
            new Thread(
                () -> {
                  try {
                    runningLearner.run(learnerRunning::get);
                  } catch (Throwable t) {
                    learnerFailure.set(t);
                  }
                },
                "srl-learner");
        learnerThread.start();
        actors =
            ActorService.start(
                new ActorService.Settings(
                    bootstrap,
                    registryUrl,
                    ActorConfig.builder()
                        .policyName(runId)
                        .groupId(actorGroup)
                        .instances(settings.actors())
                        .maxNewTokens(Math.max(settings.tasks().maxNewTokens(), 1))
                        .solutionContextWindow(settings.contextWindow())
                        .basePolicy(settings.runDir().resolve(RunFiles.BASE_WEIGHTS))
                        .initSeed(settings.seed())
                        .build(),
                    ActorTopics.LIVE,
                    -1,
                    cluster.kafkaConfig(),
                    cluster.registryAccess()),
                meters);
        record.say(
            "scorer, learner and %d actor(s) running on %s; more actors can join with: srl actor"
                + " --bootstrap-servers %s --schema-registry %s --policy %s --group-id %s"
                + " --base-policy %s",
            settings.actors(),
            bootstrap,
            bootstrap,
            registryUrl,
            runId,
            actorGroup,
            settings.runDir().resolve(RunFiles.BASE_WEIGHTS));

        TaskFeeder feeder =
            new TaskFeeder(
                producer,
                AvroSerde.<ExpertStep>forTopic(Topics.EXPERT_STEPS, registry),
                AvroSerde.<StepTask>forTopic(Topics.TASKS, registry),
                instances,
                settings.tasks(),
                settings.seed(),
                runId);
        long experts = feeder.publishExpertSteps();
        record.say(
            "%d expert steps published; training %s (%s)", experts, settings.recipe(), howItEnds());
        if (validator.enabled()) {
          validator.measureNow(0, settings.baseWeights());
        }

        trainingStartNanos = System.nanoTime();
        RunRecord.Progress progress = new RunRecord.Progress();
        long nextStatus = 0;
        long lastValidationNanos = System.nanoTime();
        long lastClusterAnswer = System.nanoTime();
        while (true) {
          if (settings.budget() != null && trainingTime().compareTo(settings.budget()) >= 0) {
            break;
          }
          if (stopRequested.get() || stopFileAppeared()) {
            break;
          }
          if (settings.maxVersions() > 0 && learner.version() >= settings.maxVersions()) {
            break;
          }
          String failure =
              failureOf(scorer, actors, learnerThread, learnerFailure.get(), monitor, validator);
          if (failure != null) {
            throw new IllegalStateException(failure);
          }
          if (feeder.deliveryFailure() != null) {
            throw new IllegalStateException(
                "could not deliver tasks to Kafka: " + rootMessage(feeder.deliveryFailure()));
          }
          RunMonitor.Snapshot snapshot = monitor.snapshot();
          long done = snapshot.tasksRewarded() + actors.metrics().deadLetters();
          feeder.topUp(mode.get(), done, settings.taskWindow());

          if (settings.recipe() == Recipe.SRL_RLVR && mode.get() == TrainingMode.SRL) {
            String reason =
                settings
                    .switchCriterion()
                    .reasonToSwitch(trainingTime(), settings.budget(), validator.accuracies());
            if (reason != null) {
              mode.set(TrainingMode.RLVR);
              ObjectNode switched =
                  summary
                      .putObject("switch")
                      .put("to", "rlvr")
                      .put("reason", reason)
                      .put("version", learner.version())
                      .put("elapsed_seconds", record.elapsedSeconds());
              record.say("switching from SRL to RLVR at version %d: %s", learner.version(), reason);
              // RLVR starts from the best-validation SRL checkpoint, as the paper's SRL -> RLVR
              // does, with a fresh optimiser. The trainer is synchronized, so the restore falls
              // between two updates; SRL groups still in flight are trained on it as any stale
              // group is (their ratios are against the policy that sampled them).
              Validator.Point best = validator.best();
              byte[] bestWeights = validator.bestWeights();
              if (best != null && bestWeights != null) {
                trainer.restore(bestWeights, new byte[0]);
                trainer.setPromptSettings(settings.promptSettings());
                switched.put("from_best_validation_version", best.version());
                record.say(
                    "RLVR starts from the best-validation SRL policy (version %d, greedy %.1f%%)",
                    best.version(), 100 * best.greedyAccuracy());
              } else {
                switched.putNull("from_best_validation_version");
                record.say("no validation yet: RLVR continues from the current policy");
              }
            }
          }
          if (validator.enabled()
              && System.nanoTime() - lastValidationNanos
                  >= settings.validationInterval().toNanos()) {
            RunMonitor.VersionedWeights newest = monitor.newestWeights();
            if (newest != null && validator.submit(newest.version(), newest.weights())) {
              lastValidationNanos = System.nanoTime();
            }
          }
          if (System.nanoTime() >= nextStatus) {
            lastClusterAnswer = checkCluster(admin, lastClusterAnswer);
            record.tick(progress, snapshot, learner, actors, validator, feeder.sent(), mode.get());
            nextStatus = System.nanoTime() + STATUS_EVERY.toNanos();
          }
          Thread.sleep(TICK.toMillis());
        }
        summary.put("training_seconds", RunRecord.round(trainingTime().toNanos() / 1e9));
        record.say("training ends at version %d; stopping the services", learner.version());
        ActorMetrics actorMetrics = actors.metrics(); // counts on after the actors close
        actors.close();
        actors = null;
        learnerRunning.set(false);
        learnerThread.join(TimeUnit.SECONDS.toMillis(120));
        long version = learner.version();
        byte[] last = trainer.exportWeights(version);
        if (!monitor.awaitRewardsUpTo(rewardEnds(admin), Duration.ofSeconds(15))) {
          record.say(
              "the reward curve may miss the last rewards: the monitor did not catch up in 15 s");
        }
        record.tick(
            progress, monitor.snapshot(), learner, null, validator, feeder.sent(), mode.get());
        record.recordCurve(monitor.snapshot());
        if (validator.enabled()
            && validator.points().stream().noneMatch(p -> p.version() == version)) {
          validator.measureNow(version, last);
        }
        summary.put("versions", version);
        summary.put("groups_trained", learner.counters().groupsTrained());
        summary.put("groups_dropped_stale", learner.counters().groupsDroppedStale());
        // Records of other policies on a shared cluster, which this run's services skipped.
        ObjectNode foreign = summary.putObject("other_policies_skipped");
        foreign.put("tasks", actorMetrics.foreignTasks());
        foreign.put("rollouts", scorer.counters().foreignRollouts());
        foreign.put("groups", learner.counters().foreignGroups());
        summary.put("tasks_sent", feeder.sent());
        return last;
      } finally {
        if (actors != null) {
          actors.close();
        }
        learnerRunning.set(false);
        if (learnerThread != null) {
          learnerThread.join(TimeUnit.SECONDS.toMillis(30));
        }
        if (learner != null) {
          learner.close();
        }
        trainer.close();
        scorer.close();
      }
    }
  }

  /** The instances of every mode the recipe trains, each checked to fit the context. */
  private Map<TrainingMode, List<StepInstance>> instances() {
    Map<TrainingMode, List<StepInstance>> byMode = new EnumMap<>(TrainingMode.class);
    for (TrainingMode mode : settings.recipe().modes()) {
      InstanceExpander expander =
          new InstanceExpander(
              InstanceExpander.Config.defaults()
                  .withMode(mode)
                  .withContextWindow(settings.contextWindow()));
      byMode.put(mode, expander.expandAll(settings.train(), Split.TRAIN));
    }
    return byMode;
  }

  private static String failureOf(
      ScorerService scorer,
      ActorService actors,
      Thread learnerThread,
      Throwable learnerFailure,
      RunMonitor monitor,
      Validator validator) {
    if (learnerFailure != null) {
      return "the learner failed: " + rootMessage(learnerFailure);
    }
    if (!learnerThread.isAlive()) {
      return "the learner stopped";
    }
    if (!scorer.state().isRunningOrRebalancing()) {
      return "the scorer stopped (state " + scorer.state() + ")";
    }
    if (actors.done().isDone()) {
      try {
        actors.done().get();
        return "the actors stopped";
      } catch (ExecutionException e) {
        return "the actors failed: " + rootMessage(e);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return "interrupted";
      }
    }
    if (monitor.failure() != null) {
      return "the run monitor failed: " + rootMessage(monitor.failure());
    }
    if (validator.failure() != null) {
      return "validation failed: " + rootMessage(validator.failure());
    }
    return null;
  }

  /** Asks the cluster for its id; fails the run when it has not answered for 30 s. */
  private long checkCluster(Admin admin, long lastAnswer) {
    try {
      admin.describeCluster().clusterId().get(2, TimeUnit.SECONDS);
      return System.nanoTime();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return lastAnswer;
    } catch (Exception e) {
      if (System.nanoTime() - lastAnswer > CLUSTER_TIMEOUT.toNanos()) {
        throw new IllegalStateException(
            "lost the Kafka cluster: no answer for "
                + CLUSTER_TIMEOUT.toSeconds()
                + " s ("
                + rootMessage(e)
                + ")");
      }
      return lastAnswer;
    }
  }

  /**
   * Commits the current end offsets of {@code topic} for consumer group {@code group}, unless the
   * group has committed offsets already (a run resumed under the same name keeps its own).
   */
  private static void startAtTheEnd(Admin admin, String group, String topic) throws Exception {
    if (!admin
        .listConsumerGroupOffsets(group)
        .partitionsToOffsetAndMetadata()
        .get(30, TimeUnit.SECONDS)
        .isEmpty()) {
      return;
    }
    Map<TopicPartition, OffsetAndMetadata> ends = new HashMap<>();
    endOffsets(admin, topic, IsolationLevel.READ_UNCOMMITTED)
        .forEach((tp, offset) -> ends.put(tp, new OffsetAndMetadata(offset)));
    admin.alterConsumerGroupOffsets(group, ends).all().get(30, TimeUnit.SECONDS);
  }

  /** The last stable offsets of the step rewards (what a read_committed reader can reach). */
  private static Map<TopicPartition, Long> rewardEnds(Admin admin) throws Exception {
    return endOffsets(admin, Topics.STEP_REWARDS.name(), IsolationLevel.READ_COMMITTED);
  }

  /** The end offset of every partition of {@code topic}, as a reader of that isolation sees it. */
  private static Map<TopicPartition, Long> endOffsets(
      Admin admin, String topic, IsolationLevel isolation) throws Exception {
    int partitions =
        admin
            .describeTopics(List.of(topic))
            .allTopicNames()
            .get(30, TimeUnit.SECONDS)
            .get(topic)
            .partitions()
            .size();
    Map<TopicPartition, OffsetSpec> request = new HashMap<>();
    for (int p = 0; p < partitions; p++) {
      request.put(new TopicPartition(topic, p), OffsetSpec.latest());
    }
    Map<TopicPartition, Long> ends = new HashMap<>();
    admin
        .listOffsets(request, new ListOffsetsOptions(isolation))
        .all()
        .get(30, TimeUnit.SECONDS)
        .forEach((tp, info) -> ends.put(tp, info.offset()));
    return ends;
  }

  private void ensureTopics(ClusterAccess cluster) {
    try (Admin admin = Admin.create(cluster.admin())) {
      List<String> created =
          TopicProvisioner.provision(
              admin,
              Topics.ALL,
              TopicProvisioner.CLUSTER_DEFAULT,
              Map.copyOf(cluster.kafkaConfig()));
      if (!created.isEmpty()) {
        record.say("created topics %s", created);
      }
    }
  }

  private static KafkaProducer<String, byte[]> producer(ClusterAccess cluster) {
    return new KafkaProducer<>(
        cluster.client(
            Map.of(
                ProducerConfig.ACKS_CONFIG,
                "all",
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG,
                true,
                ProducerConfig.MAX_BLOCK_MS_CONFIG,
                30_000,
                ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG,
                15_000,
                ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG,
                60_000,
                ProducerConfig.CLIENT_ID_CONFIG,
                "srl-feeder")),
        new StringSerializer(),
        new ByteArraySerializer());
  }

  // ---- SFT: in this process, no Kafka ----

  private byte[] trainSft(Validator validator) throws Exception {
    SftExamples.Result examples =
        SftExamples.of(settings.train(), settings.model(), null, settings.contextWindow());
    if (examples.examples().isEmpty()) {
      throw new IllegalArgumentException(
          "the training data gives no SFT example (" + examples.tooLong() + " too long)");
    }
    record.say("SFT on %d expert steps (%s)", examples.examples().size(), howItEnds());
    if (validator.enabled()) {
      validator.measureNow(0, settings.baseWeights());
    }
    final int updatesPerVersion = 25;
    try (GrpoTrainer trainer =
        GrpoTrainer.create(
            settings.model(),
            TrainerConfig.defaults().toBuilder()
                .mode(TrainerConfig.Mode.SFT)
                .learningRate(settings.learningRate())
                .seed(settings.seed())
                .build())) {
      trainer.restore(settings.baseWeights(), new byte[0]);
      // Every version this run publishes records the prompt format it trains with.
      trainer.setPromptSettings(settings.promptSettings());
      long version = 0;
      long lastValidationNanos = System.nanoTime();
      trainingStartNanos = System.nanoTime();
      ArrayNode lossCurve = summary.putArray("loss_curve");
      while (!stopRequested.get()
          && !stopFileAppeared()
          && (settings.budget() == null || trainingTime().compareTo(settings.budget()) < 0)
          && (settings.maxVersions() == 0 || version < settings.maxVersions())) {
        Map<String, Double> metrics =
            SftRunner.run(
                trainer,
                examples.examples(),
                updatesPerVersion,
                settings.sftBatch(),
                Seeds.mix(settings.seed(), version),
                p -> {});
        version++;
        double loss = metrics.getOrDefault("loss", Double.NaN);
        lossCurve.addObject().put("version", version).put("loss", loss);
        ObjectNode line = record.baseLine(version);
        line.put("loss", loss);
        files.appendMetrics(line);
        record.say(
            "[%s] v %d | loss %.4f | rss %s",
            record.clock(), version, loss, RunRecord.gib(RunFiles.rssBytes()));
        if (validator.enabled()
            && System.nanoTime() - lastValidationNanos >= settings.validationInterval().toNanos()) {
          validator.measureNow(version, trainer.exportWeights(version));
          lastValidationNanos = System.nanoTime();
        }
        record.writeSummary();
      }
      summary.put("training_seconds", RunRecord.round(trainingTime().toNanos() / 1e9));
      long finalVersion = version;
      summary.put("versions", finalVersion);
      byte[] last = trainer.exportWeights(finalVersion);
      if (validator.enabled()
          && validator.points().stream().noneMatch(p -> p.version() == finalVersion)) {
        validator.measureNow(finalVersion, last);
      }
      return last;
    }
  }

  private ObjectNode evaluate(byte[] weights) throws InterruptedException {
    int total = settings.test().size();
    int every = Math.max(1, total / 4);
    Evaluator.Report report =
        Evaluator.evaluate(
            weights,
            settings.test(),
            settings.eval(),
            done -> {
              if (done % every == 0 && done < total) {
                record.say("  evaluated %d/%d", done, total);
              }
            });
    ObjectNode node = EvalReports.summary(report);
    record.say(
        "  greedy %.1f%% | avg@%d %.1f%% | pass@%d %.1f%%",
        100 * report.greedyAccuracy(),
        report.k(),
        100 * report.avgAtK(),
        report.k(),
        100 * report.passAtK());
    // The step level with the run's window, k and scorer (so it reports the reward training was
    // given): has the step SRL trains got better?
    StepEvaluator.Report steps =
        new StepEvaluator(settings.eval(), settings.scorerConfig().autojunk())
            .evaluate(
                weights,
                settings.test(),
                done -> {
                  if (done % every == 0 && done < total) {
                    record.say("  step level: evaluated %d/%d", done, total);
                  }
                });
    node.set("steps", StepReports.summary(steps));
    record.say(
        "  steps: greedy exact %.1f%%, well-formed %.1f%%, reward %.3f%s",
        100 * steps.greedy().exactRate(),
        100 * steps.greedy().wellFormedRate(),
        steps.greedy().meanReward(),
        steps.k() == 0
            ? ""
            : String.format(
                Locale.ROOT,
                " | %d samples: exact %.1f%%, well-formed %.1f%%, reward %.3f",
                steps.k(),
                100 * steps.sampled().exactRate(),
                100 * steps.sampled().wellFormedRate(),
                steps.sampled().meanReward()));
    return node;
  }

  /** The time spent training (the budget's measure): evaluation and start-up do not count. */
  private Duration trainingTime() {
    return Duration.ofNanos(System.nanoTime() - trainingStartNanos);
  }

  static String rootMessage(Throwable t) {
    Throwable root = t;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    String message = root.getMessage();
    return message == null ? root.getClass().getSimpleName() : message;
  }

  Path runDir() {
    return settings.runDir();
  }
}
