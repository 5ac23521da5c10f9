package dev.srlstream.topology.train;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.srlstream.infra.LocalInfrastructure;
import dev.srlstream.infra.kafka.TopicProvisioner;
import dev.srlstream.learner.GrpoTrainer;
import dev.srlstream.method.data.InstanceExpander;
import dev.srlstream.method.data.Split;
import dev.srlstream.method.data.StepInstance;
import dev.srlstream.policy.ByteTokenizer;
import dev.srlstream.policy.WeightsCodec;
import dev.srlstream.schemas.Topics;
import dev.srlstream.schemas.avro.ExpertStep;
import dev.srlstream.schemas.avro.StepTask;
import dev.srlstream.schemas.avro.TrainingMode;
import dev.srlstream.schemas.serde.AvroSerde;
import java.time.Duration;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * A streaming recipe's training (SRL, RLVR, HOLISTIC, SRL -> RLVR): the services run in this
 * process ({@link LocalFleet}) on the embedded cluster or the user's; this class publishes the
 * expert steps, keeps {@code taskWindow} tasks in flight, watches the topics ({@link RunMonitor}),
 * the services and the cluster, switches SRL -> RLVR, and submits versions to validation, until a
 * {@link StopConditions stop condition} holds.
 */
final class StreamingTraining {
  private static final Duration TICK = Duration.ofMillis(250);
  private static final Duration STATUS_EVERY = Duration.ofSeconds(2);
  private static final Duration CLUSTER_TIMEOUT = Duration.ofSeconds(30);
  private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(5);
  private static final Duration LAST_REWARDS_WAIT = Duration.ofSeconds(15);

  private final TrainSettings settings;
  private final RunRecord record;
  private final StopConditions stops;
  private final ObjectNode summary;
  private final RunRecord.Progress progress = new RunRecord.Progress();
  private TrainingMode mode;
  private PipelineUse trainingStart;

  StreamingTraining(TrainSettings settings, RunRecord record, StopConditions stops) {
    this.settings = settings;
    this.record = record;
    this.stops = stops;
    this.summary = record.summary();
  }

  /** Trains on the embedded cluster (started and stopped here) or the user's; the last weights. */
  byte[] train(Validator validator) throws Exception {
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
      return trainOn(cluster, validator);
    } finally {
      if (infra != null) {
        infra.close();
      }
    }
  }

  private byte[] trainOn(ClusterAccess cluster, Validator validator) throws Exception {
    String runId = settings.runId();
    LocalFleet.Names names = LocalFleet.Names.of(runId);
    try (RunMonitor monitor =
            new RunMonitor(
                cluster,
                cluster.registry(),
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
      // them all, and has no committed offset there). The run's policy is its id: its tasks,
      // rollouts, rewards and groups name it, and its services, in their own consumer groups, skip
      // every other policy's records.
      ConsumerOffsets.startAtTheEnd(admin, names.scorerApplication(), Topics.ROLLOUT_STEPS.name());
      ConsumerOffsets.startAtTheEnd(admin, names.learnerGroup(), Topics.TRAINING_GROUPS.name());
      ConsumerOffsets.startAtTheEnd(admin, names.actorGroup(), Topics.TASKS.name());
      try (LocalFleet fleet = LocalFleet.start(settings, cluster, names)) {
        record.say(
            "scorer, learner and %d actor(s) running on %s; more actors can join with: srl actor"
                + " --bootstrap-servers %s --schema-registry %s --policy %s --group-id %s"
                + " --base-policy %s",
            settings.actors(),
            cluster.bootstrapServers(),
            cluster.bootstrapServers(),
            cluster.schemaRegistryUrl(),
            runId,
            names.actorGroup(),
            // An actor learns a Hugging Face tokenizer only from the model's directory.
            WeightsCodec.tokenizer(settings.baseWeights()) instanceof ByteTokenizer
                ? settings.runDir().resolve(RunFiles.BASE_WEIGHTS)
                : "hf:DIR (the Hugging Face model this run started from)");
        // Continuous training: tasks fed from outside are the run's as soon as they name its
        // policy; the same task settings keep their groups like the run's own.
        record.say(
            "new expert data streams in with: srl feed --bootstrap-servers %s --schema-registry %s"
                + " --policy %s --mode %s --context-window %d --group-size %d --max-new-tokens %d"
                + " --temperature %s --data FILE",
            cluster.bootstrapServers(),
            cluster.schemaRegistryUrl(),
            runId,
            settings.recipe().modes()[0],
            // the feed's 0 is "all steps", as srl train's --context-window
            settings.contextWindow() == InstanceExpander.Config.ALL_EARLIER_STEPS
                ? 0
                : settings.contextWindow(),
            settings.tasks().groupSize(),
            settings.tasks().maxNewTokens(),
            settings.tasks().temperature());
        TaskFeeder feeder =
            new TaskFeeder(
                producer,
                AvroSerde.<ExpertStep>forTopic(Topics.EXPERT_STEPS, cluster.registry()),
                AvroSerde.<StepTask>forTopic(Topics.TASKS, cluster.registry()),
                instances(),
                settings.tasks(),
                settings.seed(),
                runId);
        long experts = feeder.publishExpertSteps();
        record.say(
            "%d expert steps published; training %s (%s)",
            experts, settings.recipe(), stops.howItEnds());
        if (validator.enabled()) {
          validator.measureNow(0, settings.baseWeights());
        }
        loop(fleet, feeder, monitor, admin, validator);
        return finish(fleet, feeder, monitor, admin, validator);
      }
    }
  }

  /** Feeds, watches and validates until a stop condition holds. */
  private void loop(
      LocalFleet fleet, TaskFeeder feeder, RunMonitor monitor, Admin admin, Validator validator)
      throws Exception {
    mode = settings.recipe().firstMode();
    stops.startTraining();
    trainingStart = PipelineUse.of(fleet.learnerCounters(), fleet.actorMetrics());
    long nextStatus = 0;
    long lastValidation = System.nanoTime();
    long lastClusterAnswer = System.nanoTime();
    while (!stops.reached(fleet.version())) {
      String failure = failureOf(fleet, monitor, validator, feeder);
      if (failure != null) {
        throw new IllegalStateException(failure);
      }
      RunMonitor.Snapshot snapshot = monitor.snapshot();
      feeder.topUp(
          mode,
          snapshot.tasksRewarded() + fleet.actorMetrics().deadLetters(),
          settings.taskWindow());
      if (settings.recipe() == Recipe.SRL_RLVR && mode == TrainingMode.SRL) {
        mode = maybeSwitchToRlvr(fleet.trainer(), fleet.version(), validator);
      }
      if (validator.enabled()
          && System.nanoTime() - lastValidation >= settings.validationInterval().toNanos()) {
        RunMonitor.VersionedWeights newest = monitor.newestWeights();
        if (newest != null && validator.submit(newest.version(), newest.weights())) {
          lastValidation = System.nanoTime();
        }
      }
      if (System.nanoTime() >= nextStatus) {
        lastClusterAnswer = checkCluster(admin, lastClusterAnswer);
        record.tick(
            progress, snapshot, fleet.learner(), fleet.actors(), validator, feeder.sent(), mode);
        nextStatus = System.nanoTime() + STATUS_EVERY.toNanos();
      }
      Thread.sleep(TICK.toMillis());
    }
  }

  /** Stops the services, waits for the last rewards, and records what training did. */
  private byte[] finish(
      LocalFleet fleet, TaskFeeder feeder, RunMonitor monitor, Admin admin, Validator validator)
      throws Exception {
    summary.put("training_seconds", RunRecord.round(stops.trainingTime().toNanos() / 1e9));
    PipelineUse.of(fleet.learnerCounters(), fleet.actorMetrics())
        .since(trainingStart, settings.actors(), settings.sync(), summary.putObject("pipeline"));
    record.say("training ends at version %d; stopping the services", fleet.version());
    byte[] last = fleet.stopTraining();
    long version = fleet.version();
    if (!monitor.awaitRewardsUpTo(ConsumerOffsets.rewardEnds(admin), LAST_REWARDS_WAIT)) {
      record.say(
          "the reward curve may miss the last rewards: the monitor did not catch up in %d s",
          LAST_REWARDS_WAIT.toSeconds());
    }
    record.tick(
        progress, monitor.snapshot(), fleet.learner(), null, validator, feeder.sent(), mode);
    record.recordCurve(monitor.snapshot());
    if (validator.enabled() && validator.points().stream().noneMatch(p -> p.version() == version)) {
      validator.measureNow(version, last);
    }
    summary.put("versions", version);
    summary.put("groups_trained", fleet.learnerCounters().groupsTrained());
    summary.put("groups_dropped_stale", fleet.learnerCounters().groupsDroppedStale());
    // Records of other policies on a shared cluster, which this run's services skipped.
    ObjectNode foreign = summary.putObject("other_policies_skipped");
    foreign.put("tasks", fleet.actorMetrics().foreignTasks());
    foreign.put("rollouts", fleet.scorerCounters().foreignRollouts());
    foreign.put("groups", fleet.learnerCounters().foreignGroups());
    summary.put("tasks_sent", feeder.sent());
    return last;
  }

  /**
   * SRL -> RLVR: switches when the criterion says so, to RLVR from the best-validation SRL
   * checkpoint (as the paper does) with a fresh optimiser; the mode to train in from now.
   */
  private TrainingMode maybeSwitchToRlvr(GrpoTrainer trainer, long version, Validator validator) {
    String reason =
        settings
            .switchCriterion()
            .reasonToSwitch(stops.trainingTime(), settings.budget(), validator.accuracies());
    if (reason == null) {
      return TrainingMode.SRL;
    }
    ObjectNode switched =
        summary
            .putObject("switch")
            .put("to", "rlvr")
            .put("reason", reason)
            .put("version", version)
            .put("elapsed_seconds", record.elapsedSeconds());
    record.say("switching from SRL to RLVR at version %d: %s", version, reason);
    // The trainer is synchronized, so the restore falls between two updates; SRL groups still in
    // flight are trained on it as any stale group is (their ratios are against the policy that
    // sampled them).
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
    return TrainingMode.RLVR;
  }

  /** Why the run cannot go on, or null. */
  private static String failureOf(
      LocalFleet fleet, RunMonitor monitor, Validator validator, TaskFeeder feeder) {
    String failure = fleet.failure();
    if (failure != null) {
      return failure;
    }
    if (monitor.failure() != null) {
      return "the run monitor failed: " + TrainRun.rootMessage(monitor.failure());
    }
    if (validator.failure() != null) {
      return "validation failed: " + TrainRun.rootMessage(validator.failure());
    }
    if (feeder.deliveryFailure() != null) {
      return "could not deliver tasks to Kafka: " + TrainRun.rootMessage(feeder.deliveryFailure());
    }
    return null;
  }

  /** The instances of every mode the recipe trains. */
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

  /** Asks the cluster for its id; fails the run when it has not answered for 30 s. */
  private static long checkCluster(Admin admin, long lastAnswer) {
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
                + TrainRun.rootMessage(e)
                + ")");
      }
      return lastAnswer;
    }
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
}
