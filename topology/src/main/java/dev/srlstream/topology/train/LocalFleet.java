package dev.srlstream.topology.train;

import dev.srlstream.actor.ActorConfig;
import dev.srlstream.actor.ActorMetrics;
import dev.srlstream.actor.ActorService;
import dev.srlstream.actor.ActorTopics;
import dev.srlstream.learner.GrpoTrainer;
import dev.srlstream.learner.LearnerConfig;
import dev.srlstream.learner.LearnerCounters;
import dev.srlstream.learner.LearnerService;
import dev.srlstream.learner.TrainerConfig;
import dev.srlstream.policy.SessionThreads;
import dev.srlstream.policy.WeightsCodec;
import dev.srlstream.schemas.ServiceGroups;
import dev.srlstream.schemas.Topics;
import dev.srlstream.scorer.ScorerCounters;
import dev.srlstream.scorer.ScorerService;
import dev.srlstream.scorer.ScorerTopics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The services of a streaming run, started in this process on a cluster exactly as each starts
 * alone: the scorer (Kafka Streams), the learner (TF Java, on a thread of its own) and the actors
 * (Vert.x). They meet only on the topics; the fleet only starts them, says whether they still run,
 * and stops them in the order that loses nothing: actors first (no new rollouts), then the learner
 * (its last update committed), then the scorer.
 */
final class LocalFleet implements AutoCloseable {
  /** How long the scorer may take to reach RUNNING. */
  private static final Duration SCORER_START = Duration.ofSeconds(120);

  /** How long the learner may take to finish its update and stop. */
  private static final Duration LEARNER_STOP = Duration.ofSeconds(120);

  /** One stream thread: the run's one scorer instance. */
  private static final int SCORER_THREADS = 1;

  private final ScorerService scorer;
  private final GrpoTrainer trainer;
  private final LearnerService learner;
  private final ExecutorService learnerThread;
  private final Future<?> learnerRun;
  private final AtomicBoolean learnerRunning;
  private final ActorService actors;
  private ActorMetrics actorMetrics;
  private boolean actorsClosed;

  private LocalFleet(
      ScorerService scorer,
      GrpoTrainer trainer,
      LearnerService learner,
      ExecutorService learnerThread,
      Future<?> learnerRun,
      AtomicBoolean learnerRunning,
      ActorService actors) {
    this.scorer = scorer;
    this.trainer = trainer;
    this.learner = learner;
    this.learnerThread = learnerThread;
    this.learnerRun = learnerRun;
    this.learnerRunning = learnerRunning;
    this.actors = actors;
  }

  /** The names a run's services use on the cluster: all derive from the run id, its policy. */
  record Names(String scorerApplication, String learnerGroup, String actorGroup) {
    static Names of(String runId) {
      return new Names(
          ScorerService.defaultApplicationId(runId),
          ServiceGroups.learner(runId),
          ActorConfig.defaultGroupId(runId));
    }
  }

  /** The learner's settings of a run. */
  static LearnerConfig learnerConfig(TrainSettings settings) {
    return LearnerConfig.defaults(settings.runId(), settings.runDir().resolve("checkpoints"))
        .withBatchGroups(settings.batchGroups())
        .withKeepCheckpoints(settings.keepCheckpoints())
        .withMaxVersions(settings.maxVersions());
  }

  /**
   * Starts the scorer, then the learner on the run's base weights (and, with a KL penalty, the base
   * as its reference), then the actors. On a failure, what started is stopped again.
   */
  static LocalFleet start(TrainSettings settings, ClusterAccess cluster, Names names)
      throws Exception {
    // One registry for the run's three services, as in a process of its own (nothing serves it:
    // the run's record reads the counters).
    PrometheusMeterRegistry meters = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    ScorerService scorer =
        ScorerService.start(scorerSettings(settings, cluster, names), SCORER_START, meters);
    GrpoTrainer trainer = null;
    LearnerService learner = null;
    ExecutorService learnerThread = null;
    AtomicBoolean learnerRunning = new AtomicBoolean(true);
    try {
      trainer =
          GrpoTrainer.create(
              settings.model(),
              WeightsCodec.tokenizer(settings.baseWeights()),
              trainerConfig(settings),
              SessionThreads.TENSORFLOW_DEFAULT);
      prepare(trainer, settings);
      learner =
          LearnerService.start(
              learnerSettings(settings, cluster), trainer, cluster.registry(), meters);
      learnerThread = Executors.newSingleThreadExecutor(r -> new Thread(r, "srl-learner"));
      LearnerService running = learner;
      Future<?> learnerRun =
          learnerThread.submit(
              () -> {
                running.run(learnerRunning::get);
                return null;
              });
      ActorService actors = ActorService.start(actorSettings(settings, cluster, names), meters);
      return new LocalFleet(
          scorer, trainer, learner, learnerThread, learnerRun, learnerRunning, actors);
    } catch (Exception | Error e) {
      learnerRunning.set(false);
      if (learnerThread != null) {
        learnerThread.shutdown();
        learnerThread.awaitTermination(30, TimeUnit.SECONDS);
      }
      if (learner != null) {
        learner.close();
      }
      if (trainer != null) {
        trainer.close();
      }
      scorer.close();
      throw e;
    }
  }

  private static ScorerService.Settings scorerSettings(
      TrainSettings settings, ClusterAccess cluster, Names names) {
    return new ScorerService.Settings(
        cluster.bootstrapServers(),
        cluster.schemaRegistryUrl(),
        names.scorerApplication(),
        settings.runDir().resolve("scorer-state"),
        SCORER_THREADS,
        settings.scorerConfig().withPolicyName(settings.runId()),
        ScorerTopics.LIVE,
        cluster.kafkaConfig(),
        cluster.registryAccess());
  }

  /**
   * Sets the trainer up to start from the run's base weights, with the run's prompt format (and,
   * with a KL penalty, the base as its reference).
   */
  private static void prepare(GrpoTrainer trainer, TrainSettings settings) {
    trainer.restore(settings.baseWeights(), new byte[0]);
    // Every version this run publishes records the prompt format it trains with.
    trainer.setPromptSettings(settings.promptSettings());
    if (settings.klCoef() > 0) {
      // The KL penalty keeps the policy near the base it started from.
      trainer.setReference(settings.baseWeights());
    }
  }

  private static LearnerService.Settings learnerSettings(
      TrainSettings settings, ClusterAccess cluster) {
    return new LearnerService.Settings(
        cluster.bootstrapServers(),
        learnerConfig(settings),
        Topics.TRAINING_GROUPS.name(),
        Map.copyOf(cluster.kafkaConfig()));
  }

  /**
   * How often the synchronous twin measures the backlog and counts the kept groups: each batch
   * waits for a measurement, then a count, after its last group is delivered, so this paces its
   * hand-offs (a few Admin calls and a fetch on loopback).
   */
  static final Duration SYNC_BACKLOG_INTERVAL = Duration.ofMillis(50);

  private static ActorService.Settings actorSettings(
      TrainSettings settings, ClusterAccess cluster, Names names) {
    ActorConfig.Builder actor = ActorConfig.builder();
    if (settings.sync()) {
      actor
          .maxStaleness(0)
          .syncBatchGroups(settings.batchGroups())
          .backlogInterval(SYNC_BACKLOG_INTERVAL);
    }
    return new ActorService.Settings(
        cluster.bootstrapServers(),
        cluster.schemaRegistryUrl(),
        actor
            .policyName(settings.runId())
            .groupId(names.actorGroup())
            .instances(settings.actors())
            .maxNewTokens(Math.max(settings.tasks().maxNewTokens(), 1))
            .solutionContextWindow(settings.contextWindow())
            .basePolicy(settings.runDir().resolve(RunFiles.BASE_WEIGHTS))
            .initSeed(settings.seed())
            .build(),
        ActorTopics.LIVE,
        ActorService.Settings.NO_HTTP,
        cluster.kafkaConfig(),
        cluster.registryAccess());
  }

  private static TrainerConfig trainerConfig(TrainSettings settings) {
    return TrainerConfig.defaults().toBuilder()
        .learningRate(settings.learningRate())
        .warmupConstant(settings.warmupUpdates())
        .klCoef(settings.klCoef())
        .credit(settings.credit())
        // The ratio pi_theta / pi_behaviour needs both at the sampling temperature.
        .temperature(settings.tasks().temperature())
        .seed(settings.seed())
        .build();
  }

  /** The trainer the learner updates (synchronized: a restore falls between two updates). */
  GrpoTrainer trainer() {
    return trainer;
  }

  /** The newest policy version the learner published. */
  long version() {
    return learner.version();
  }

  LearnerCounters learnerCounters() {
    return learner.counters();
  }

  ScorerCounters scorerCounters() {
    return scorer.counters();
  }

  /** The actors' metrics; they keep counting after the actors stop. */
  ActorMetrics actorMetrics() {
    return actorsClosed ? actorMetrics : actors.metrics();
  }

  /** The live learner and actors, for the status line; null once stopped. */
  LearnerService learner() {
    return learner;
  }

  ActorService actors() {
    return actorsClosed ? null : actors;
  }

  /** Why a service is no longer running, or null when all of them run. */
  String failure() {
    if (learnerRun.isDone()) {
      try {
        learnerRun.get();
        return "the learner stopped";
      } catch (ExecutionException e) {
        return "the learner failed: " + TrainRun.rootMessage(e);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return "interrupted";
      }
    }
    if (!scorer.state().isRunningOrRebalancing()) {
      return "the scorer stopped (state " + scorer.state() + ")";
    }
    if (!actorsClosed && actors.done().isDone()) {
      try {
        actors.done().get();
        return "the actors stopped";
      } catch (ExecutionException e) {
        return "the actors failed: " + TrainRun.rootMessage(e);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return "interrupted";
      }
    }
    return null;
  }

  /**
   * Ends training: the actors stop sampling, then the learner finishes its update and stops.
   * Returns the weights of the last version it published.
   */
  byte[] stopTraining() throws Exception {
    closeActors();
    learnerRunning.set(false);
    try {
      learnerRun.get(LEARNER_STOP.toSeconds(), TimeUnit.SECONDS);
    } catch (ExecutionException | TimeoutException e) {
      // The status says the learner failed or hung; the weights of its last version stand.
    }
    return trainer.exportWeights(learner.version());
  }

  private void closeActors() {
    if (!actorsClosed) {
      actorMetrics = actors.metrics();
      actors.close();
      actorsClosed = true;
    }
  }

  @Override
  public void close() throws Exception {
    closeActors();
    learnerRunning.set(false);
    learnerThread.shutdown();
    learnerThread.awaitTermination(30, TimeUnit.SECONDS);
    learner.close();
    trainer.close();
    scorer.close();
  }
}
