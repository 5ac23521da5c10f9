package dev.srlstream.actor;

import dev.srlstream.policy.InvalidWeightsException;
import dev.srlstream.schemas.AdminSettings;
import dev.srlstream.schemas.BrokerProbe;
import dev.srlstream.schemas.Topics;
import dev.srlstream.schemas.avro.TrainingGroup;
import dev.srlstream.schemas.registry.RegistryAccess;
import dev.srlstream.schemas.registry.SchemaRegistryClient;
import dev.srlstream.schemas.serde.AvroSerde;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.ThreadingModel;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.LongSupplier;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.CooperativeStickyAssignor;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An actor process: {@code instances} actor instances ({@link ActorVerticle}) on one Vert.x, each
 * with its own task consumer in the fleet's group, its own policy and its own sampling thread; one
 * version feed and one idempotent producer shared by all; and the operations endpoint. Several
 * processes with the same group id share the task partitions; a process joining or leaving
 * rebalances them.
 *
 * <p>Started by the {@code srl actor} command of the topology module, which is to offer (the
 * options map onto {@link Settings} and {@link ActorConfig}):
 *
 * <pre>
 * srl actor --bootstrap-servers HOST:PORT --schema-registry URL
 *           [--policy NAME]               policy whose versions to follow (default "srl", as srl learner)
 *           [--group-id ID]               consumer group of the fleet (default srl-actors)
 *           [--count N]                   actor instances in this process (default 1)
 *           [--max-groups-in-flight N]    per instance (default 2)
 *           [--max-staleness N]           pause when more versions behind (default 1)
 *           [--base-policy FILE]          WeightsCodec weights to start from if no version exists
 *           [--init-seed N]               seed of fresh weights otherwise (default 0)
 *           [--model-json JSON]           architecture of fresh weights (default ModelConfig.DEFAULT)
 *           [--threads INTRA,INTER]       TensorFlow pools per instance (default 0,0: TF's choice)
 *           [--max-group-size N] [--max-new-tokens N] [--max-solution-steps N]
 *           [--actor-id PREFIX]           (default actor-HOST-PID; instance i is PREFIX-i)
 *           [--metrics-port N]            /health and /metrics on 127.0.0.1 (0: a free port)
 *           [--shutdown-timeout PT30S]
 *           [--tasks-topic T] [--rollout-topic T] [--versions-topic T] [--dead-letters-topic T]
 *           [--kafka KEY=VALUE]...        any Kafka client setting
 * </pre>
 *
 * and to run until SIGTERM: {@link #closeOnShutdown()} closes gracefully from the JVM's shutdown
 * hook; {@link #done()} completes exceptionally if a fatal error stopped the actors, for a non-zero
 * exit.
 */
public final class ActorService implements AutoCloseable {
  /** The task consumer's session timeout: how long a killed actor keeps its partitions. */
  static final int SESSION_TIMEOUT_MS = 10_000;

  /** The task consumer's fetch size per partition: a backlog is taken from each in turn. */
  static final int TASK_FETCH_BYTES = 16 * 1024;

  private static final Logger log = LoggerFactory.getLogger(ActorService.class);

  /**
   * Where and how the actors run.
   *
   * @param bootstrapServers the Kafka cluster
   * @param schemaRegistryUrl the schema registry
   * @param actor the actor settings
   * @param topics the topics to read and write
   * @param httpPort the port of {@code /health} and {@code /metrics} on 127.0.0.1 (0: a free one;
   *     {@link #NO_HTTP}: no endpoint)
   * @param kafkaOverrides further Kafka client settings, applied to every consumer and producer
   *     last
   * @param registryAccess how to reach a guarded registry (basic authentication, trust for HTTPS)
   */
  public record Settings(
      String bootstrapServers,
      String schemaRegistryUrl,
      ActorConfig actor,
      ActorTopics topics,
      int httpPort,
      Map<String, String> kafkaOverrides,
      RegistryAccess registryAccess) {
    /** The {@code httpPort} of actors that serve no endpoint. */
    public static final int NO_HTTP = -1;

    public Settings {
      if (bootstrapServers == null || bootstrapServers.isBlank()) {
        throw new IllegalArgumentException(
            "bootstrapServers must be host:port[,host:port...], but was " + bootstrapServers);
      }
      if (schemaRegistryUrl == null || !schemaRegistryUrl.matches("https?://.+")) {
        throw new IllegalArgumentException(
            "schemaRegistryUrl must be an http(s) URL, but was " + schemaRegistryUrl);
      }
      Objects.requireNonNull(actor, "actor must be an ActorConfig, but was null");
      Objects.requireNonNull(topics, "topics must be given, but was null");
      if (httpPort < -1 || httpPort > 65535) {
        throw new IllegalArgumentException(
            "httpPort must be -1 (none) or 0..65535, but was " + httpPort);
      }
      kafkaOverrides = kafkaOverrides == null ? Map.of() : Map.copyOf(kafkaOverrides);
      registryAccess = registryAccess == null ? RegistryAccess.NONE : registryAccess;
    }

    /** An open registry. */
    public Settings(
        String bootstrapServers,
        String schemaRegistryUrl,
        ActorConfig actor,
        ActorTopics topics,
        int httpPort,
        Map<String, String> kafkaOverrides) {
      this(
          bootstrapServers,
          schemaRegistryUrl,
          actor,
          topics,
          httpPort,
          kafkaOverrides,
          RegistryAccess.NONE);
    }

    /** The catalogue's topics, no endpoint, no overrides. */
    public static Settings of(String bootstrapServers, String schemaRegistryUrl, ActorConfig a) {
      return new Settings(bootstrapServers, schemaRegistryUrl, a, ActorTopics.LIVE, -1, Map.of());
    }
  }

  private final Settings settings;
  private final Vertx vertx;
  private final KafkaProducer<String, byte[]> producer;
  private final PolicyVersionFeed feed;
  private final BrokerProbe probe;
  private final DownstreamBacklog backlog; // null when the backpressure is off
  private final KeptGroups keptGroups; // null unless sampling synchronously
  private final ActorMetrics metrics;
  private final List<ActorVerticle> actors;
  private final List<String> deployments;
  private final HttpServer http;
  private final long statusTimer;
  private final CompletableFuture<Void> done = new CompletableFuture<>();
  private final AtomicBoolean closing = new AtomicBoolean();
  private volatile Throwable fatalError;

  private ActorService(
      Settings settings,
      Vertx vertx,
      KafkaProducer<String, byte[]> producer,
      PolicyVersionFeed feed,
      BrokerProbe probe,
      DownstreamBacklog backlog,
      KeptGroups keptGroups,
      ActorMetrics metrics,
      List<ActorVerticle> actors,
      List<String> deployments,
      HttpServer http,
      long statusTimer) {
    this.settings = settings;
    this.vertx = vertx;
    this.producer = producer;
    this.feed = feed;
    this.probe = probe;
    this.backlog = backlog;
    this.keptGroups = keptGroups;
    this.metrics = metrics;
    this.actors = actors;
    this.deployments = deployments;
    this.http = http;
    this.statusTimer = statusTimer;
  }

  /**
   * Starts the actors and returns once every instance has loaded its policy and subscribed (it may
   * not own partitions yet: see {@link ActorStatus#ready()}).
   *
   * <p>Initial weights: the newest valid version of the policy on the versions topic; if there is
   * none, the base policy file; if none is given, fresh weights of {@code actor.model()} from
   * {@code actor.initSeed()} (version 0).
   *
   * @throws IllegalStateException if the versions topic cannot be read, or the actors do not start
   *     within a minute
   * @throws InvalidWeightsException if the base policy file is not valid weights
   */
  public static ActorService start(Settings settings) {
    return start(settings, new PrometheusMeterRegistry(PrometheusConfig.DEFAULT));
  }

  /**
   * Starts the actors as {@link #start(Settings)} does, with their meters ({@link ActorMetrics}) on
   * the process's registry, which {@code /metrics} serves.
   */
  public static ActorService start(Settings settings, PrometheusMeterRegistry registry) {
    ActorConfig config = settings.actor();
    log.info("{}", TfDevices.describe());
    SchemaRegistryClient schemas =
        new SchemaRegistryClient(settings.schemaRegistryUrl(), settings.registryAccess());
    ActorSerdes serdes = ActorSerdes.of(schemas);
    LongSupplier clock = System::currentTimeMillis;
    KafkaProducer<String, byte[]> producer =
        new KafkaProducer<>(
            producerProperties(settings), new StringSerializer(), new ByteArraySerializer());
    RecordSender sender = producer::send;
    ActorMetrics metrics = new ActorMetrics(registry);
    PolicyVersionFeed feed =
        new PolicyVersionFeed(
            new KafkaConsumer<>(
                versionConsumerProperties(settings),
                new ByteArrayDeserializer(),
                new ByteArrayDeserializer()),
            settings.topics().policyVersions(),
            config.policyName(),
            serdes,
            sender,
            settings.topics().deadLetters(),
            clock);
    Vertx vertx = null;
    BrokerProbe probe = null;
    DownstreamBacklog backlog = null;
    KeptGroups keptGroups = null;
    try {
      probe =
          BrokerProbe.start(
              settings.bootstrapServers(), Map.copyOf(settings.kafkaOverrides()), config.actorId());
      if (config.maxDownstreamBacklog() > 0) {
        backlog =
            new DownstreamBacklog(
                adminProperties(settings),
                settings.topics().rolloutSteps(),
                Topics.TRAINING_GROUPS.name(),
                config.policyName(),
                config.backlogInterval(),
                config.actorId());
      }
      SyncGate gate = null;
      if (config.syncBatchGroups() > 0) {
        // The gate hears each measurement and version before the instances do, so their pump
        // sees it.
        gate = new SyncGate(config.syncBatchGroups(), System::nanoTime);
        backlog.subscribe(gate);
        feed.subscribe(gate);
        keptGroups =
            new KeptGroups(
                new KafkaConsumer<>(
                    keptGroupsConsumerProperties(settings),
                    new ByteArrayDeserializer(),
                    new ByteArrayDeserializer()),
                Topics.TRAINING_GROUPS.name(),
                config.policyName(),
                new AvroSerde<>(TrainingGroup.class, schemas),
                config.backlogInterval(),
                config.actorId());
        keptGroups.subscribe(gate);
        keptGroups.start();
      }
      InitialWeights initial = InitialWeights.choose(feed.catchUp(Duration.ofSeconds(60)), config);
      log.info(
          "starting {} actor instance(s) of policy {} from {}",
          config.instances(),
          config.policyName(),
          initial.source());
      feed.follow(initial.model(), initial.tokenizerId());
      metrics.invalidVersionsFrom(feed::invalidVersions);

      vertx = Vertx.vertx();
      Vertx v = vertx;
      CompletableFuture<Throwable> fatal = new CompletableFuture<>();
      ActorVerticle.Shared shared =
          new ActorVerticle.Shared(
              config, settings.topics(), serdes, sender, metrics, clock, fatal::complete, gate);
      List<ActorVerticle> actors = new ArrayList<>();
      List<Future<String>> deployed = new ArrayList<>();
      for (int i = 0; i < config.instances(); i++) {
        String actorId = config.instanceId(i);
        KafkaTaskSource source =
            new KafkaTaskSource(
                new KafkaConsumer<>(
                    taskConsumerProperties(settings, actorId),
                    new ByteArrayDeserializer(),
                    new ByteArrayDeserializer()),
                settings.topics().tasks(),
                "srl-tasks-" + actorId,
                Duration.ofMillis(100));
        ActorVerticle actor =
            new ActorVerticle(
                actorId,
                shared,
                source,
                () ->
                    TfPolicyHandle.create(
                        initial.weights(),
                        config.model(),
                        config.initSeed(),
                        config.sessionThreads()));
        actors.add(actor);
        deployed.add(
            v.deployVerticle(
                actor, new DeploymentOptions().setThreadingModel(ThreadingModel.EVENT_LOOP)));
      }
      List<String> ids = new ArrayList<>();
      for (Future<String> f : deployed) {
        ids.add(await(f, Duration.ofMinutes(1), "deploy an actor instance"));
      }
      actors.forEach(feed::subscribe);
      if (backlog != null) {
        actors.forEach(backlog::subscribe);
      }
      ActorService[] self = new ActorService[1];
      HttpServer http =
          settings.httpPort() < 0
              ? null
              : await(
                  OpsServer.start(v, settings.httpPort(), () -> self[0].status(), registry),
                  Duration.ofSeconds(30),
                  "serve /health and /metrics");
      long timer =
          v.setPeriodic(
              config.statusInterval().toMillis(), new StatusLine(() -> self[0].status(), metrics));
      ActorService service =
          new ActorService(
              settings,
              v,
              producer,
              feed,
              probe,
              backlog,
              keptGroups,
              metrics,
              actors,
              ids,
              http,
              timer);
      self[0] = service;
      metrics.watch(
          service::status, actors.stream().map(ActorVerticle::actorId).toList(), backlog != null);
      fatal.thenAccept(service::stopAfterFatal);
      log.info(
          "{} actor instance(s) running in group {}{}",
          config.instances(),
          config.groupId(),
          http == null ? "" : "; /health and /metrics at " + service.url());
      return service;
    } catch (RuntimeException | Error e) {
      if (vertx != null) {
        vertx.close();
      }
      feed.close();
      if (probe != null) {
        probe.close();
      }
      if (backlog != null) {
        backlog.close();
      }
      if (keptGroups != null) {
        keptGroups.close();
      }
      producer.close(Duration.ofSeconds(5));
      throw e;
    }
  }

  static Properties producerProperties(Settings settings) {
    Properties props = new Properties();
    props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, settings.bootstrapServers());
    props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    props.put(ProducerConfig.ACKS_CONFIG, "all");
    props.put(ProducerConfig.LINGER_MS_CONFIG, 5);
    props.put(ProducerConfig.CLIENT_ID_CONFIG, settings.actor().actorId() + "-producer");
    // A dead letter keeps the original record, and a rejected policy version is megabytes.
    props.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, Topics.DEAD_LETTERS.maxMessageBytes());
    props.put(
        ProducerConfig.BUFFER_MEMORY_CONFIG,
        32L * 1024 * 1024 + Topics.DEAD_LETTERS.maxMessageBytes());
    props.putAll(settings.kafkaOverrides());
    return props;
  }

  static Properties taskConsumerProperties(Settings settings, String actorId) {
    Properties props = new Properties();
    props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, settings.bootstrapServers());
    props.put(ConsumerConfig.GROUP_ID_CONFIG, settings.actor().groupId());
    props.put(ConsumerConfig.CLIENT_ID_CONFIG, actorId);
    props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    // Tasks may be written in transactions (a feeder); an aborted task is never rolled out.
    props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    // A poll never hands over much more than the instance has room for.
    props.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, settings.actor().maxGroupsInFlight());
    // Small fetches, so that a backlog is taken from every partition in turn. The consumer hands
    // out one partition's fetched records before the next partition's; with the default 1 MiB per
    // partition that is thousands of tasks, so an actor drained a partition (an instance's every
    // epoch) before it started the next, and a process joining later was given partitions that
    // held all the work left while the first kept its drained ones. A task is a few hundred
    // bytes: 16 KiB is about the producer's batch, tens of tasks per partition per turn. (A larger
    // first batch is still returned whole, so the consumer always makes progress.)
    props.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, TASK_FETCH_BYTES);
    // Cooperative: a joining or leaving actor moves only the partitions that change owner.
    props.put(
        ConsumerConfig.PARTITION_ASSIGNMENT_STRATEGY_CONFIG,
        CooperativeStickyAssignor.class.getName());
    // A killed actor holds its partitions until its session expires. Kafka's 45 s default is sized
    // for long stop-the-world pauses; the consumer heartbeats from its own thread whatever the
    // sampling thread does, so 10 s only has to outlast a GC pause, and the partitions of a killed
    // actor move on (or come back to it, restarted) about 10 s after the kill.
    props.put(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, SESSION_TIMEOUT_MS);
    if (settings.actor().staticMembership()) {
      // A restarted process with the same actor id rejoins as the same member, at once.
      props.put(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG, actorId);
    }
    props.put(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG, SESSION_TIMEOUT_MS / 3);
    props.putAll(settings.kafkaOverrides());
    return props;
  }

  /** The Admin client's settings: the cluster, and those of the overrides an Admin client knows. */
  static Map<String, Object> adminProperties(Settings settings) {
    return AdminSettings.of(settings.bootstrapServers(), settings.kafkaOverrides());
  }

  static Properties versionConsumerProperties(Settings settings) {
    // The learner publishes versions in transactions: never see an aborted one.
    Properties props = readCommittedReader(settings, "-versions");
    props.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, Topics.POLICY_VERSION_MAX_BYTES);
    props.put(ConsumerConfig.FETCH_MAX_BYTES_CONFIG, Topics.POLICY_VERSION_MAX_BYTES);
    return props;
  }

  /** The synchronous gate's reader of kept training groups (an aborted group was never kept). */
  static Properties keptGroupsConsumerProperties(Settings settings) {
    return readCommittedReader(settings, "-kept-groups");
  }

  /** A consumer of transactional output that is assigned its partitions: no group, no commits. */
  private static Properties readCommittedReader(Settings settings, String clientIdSuffix) {
    Properties props = new Properties();
    props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, settings.bootstrapServers());
    props.put(ConsumerConfig.CLIENT_ID_CONFIG, settings.actor().actorId() + clientIdSuffix);
    props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    props.putAll(settings.kafkaOverrides());
    props.remove(ConsumerConfig.GROUP_ID_CONFIG); // assigned, not subscribed: no group
    return props;
  }

  /** A snapshot of every instance. */
  public ActorStatus status() {
    List<InstanceStatus> instances = new ArrayList<>();
    for (ActorVerticle actor : actors) {
      instances.add(actor.status());
    }
    return new ActorStatus(
        instances,
        feed.newestSeen(),
        closing.get(),
        backlog == null ? null : backlog.latest(),
        probe.reachable());
  }

  /** The counters, which answer after {@link #close()} too. */
  public ActorMetrics metrics() {
    return metrics;
  }

  /** The base URL of {@code /health} and {@code /metrics}. */
  public String url() {
    if (http == null) {
      throw new IllegalStateException("no HTTP endpoint: httpPort was -1");
    }
    return "http://127.0.0.1:" + http.actualPort();
  }

  /**
   * Completes when the service is closed: normally after {@link #close()}, exceptionally when a
   * fatal error (a consumer failed, steps could not be delivered, the policy failed) stopped it.
   */
  public CompletableFuture<Void> done() {
    return done;
  }

  /**
   * Registers a JVM shutdown hook (run on SIGTERM and SIGINT) that closes the service gracefully.
   *
   * @return the hook's thread
   */
  public Thread closeOnShutdown() {
    Thread hook = new Thread(this::close, "srl-actor-shutdown");
    Runtime.getRuntime().addShutdownHook(hook);
    return hook;
  }

  private void stopAfterFatal(Throwable error) {
    fatalError = error;
    new Thread(this::close, "srl-actor-fatal-stop").start();
  }

  /**
   * Stops gracefully: every instance stops taking tasks, lets its groups in flight finish (up to
   * the shutdown timeout), commits what completed and leaves the group; then the version feed, the
   * producer (flushing), the endpoint and Vert.x close. Idempotent.
   */
  @Override
  public void close() {
    if (!closing.compareAndSet(false, true)) {
      done.handle((v, e) -> null).join(); // another close is under way: wait for it
      return;
    }
    long started = System.nanoTime();
    vertx.cancelTimer(statusTimer);
    List<Future<Void>> undeployed = new ArrayList<>();
    for (String id : deployments) {
      undeployed.add(vertx.undeploy(id));
    }
    Duration wait = settings.actor().shutdownTimeout().plusSeconds(60);
    for (Future<Void> f : undeployed) {
      try {
        await(f, wait, "stop an actor instance");
      } catch (RuntimeException e) {
        log.warn("an actor instance did not stop cleanly: {}", e.toString());
      }
    }
    closeRest(Duration.ofSeconds(30));
    log.info(
        "actors stopped in {} ms; {} rollouts, {} tokens, {} tasks completed, {} dead-lettered,"
            + " {} released",
        (System.nanoTime() - started) / 1_000_000,
        metrics.rollouts(),
        metrics.responseTokens(),
        metrics.tasksCompleted(),
        metrics.deadLetters(),
        metrics.tasksReleased());
    if (fatalError != null) {
      done.completeExceptionally(fatalError);
    } else {
      done.complete(null);
    }
  }

  /**
   * A crash, for tests: every instance's consumer stops at once without committing or leaving the
   * group, unsent records are dropped, nothing waits for the groups in flight.
   *
   * @return where the tasks that were waiting or in flight came from ({@code topic-p@offset})
   */
  Set<String> crash() {
    closing.set(true);
    vertx.cancelTimer(statusTimer);
    Set<String> abandoned = new HashSet<>();
    for (ActorVerticle actor : actors) {
      try {
        abandoned.addAll(actor.crash().toCompletableFuture().get(30, TimeUnit.SECONDS));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      } catch (ExecutionException | TimeoutException e) {
        log.warn("{}: crash did not complete: {}", actor.actorId(), e.toString());
      }
    }
    producer.close(Duration.ZERO);
    for (String id : deployments) {
      vertx.undeploy(id);
    }
    closeRest(Duration.ZERO);
    done.complete(null);
    return abandoned;
  }

  private void closeRest(Duration producerTimeout) {
    feed.close();
    probe.close();
    if (backlog != null) {
      backlog.close();
    }
    if (keptGroups != null) {
      keptGroups.close();
    }
    producer.close(producerTimeout);
    if (http != null) {
      try {
        await(http.close(), Duration.ofSeconds(10), "close the HTTP endpoint");
      } catch (RuntimeException e) {
        log.warn("the HTTP endpoint did not close: {}", e.toString());
      }
    }
    try {
      await(vertx.close(), Duration.ofSeconds(30), "close Vert.x");
    } catch (RuntimeException e) {
      log.warn("Vert.x did not close: {}", e.toString());
    }
    metrics.close();
  }

  private static <T> T await(Future<T> future, Duration timeout, String what) {
    try {
      return future
          .toCompletionStage()
          .toCompletableFuture()
          .get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while waiting to " + what, e);
    } catch (ExecutionException e) {
      throw new IllegalStateException("could not " + what + ": " + e.getCause(), e.getCause());
    } catch (TimeoutException e) {
      throw new IllegalStateException("could not " + what + " within " + timeout, e);
    }
  }

  /** The status line logged every {@code statusInterval}, with rates over the interval. */
  private static final class StatusLine implements io.vertx.core.Handler<Long> {
    private final java.util.function.Supplier<ActorStatus> status;
    private final ActorMetrics metrics;
    private long lastNanos = System.nanoTime();
    private long lastRollouts;
    private long lastTokens;

    StatusLine(java.util.function.Supplier<ActorStatus> status, ActorMetrics metrics) {
      this.status = status;
      this.metrics = metrics;
    }

    @Override
    public void handle(Long timer) {
      ActorStatus s = status.get();
      long now = System.nanoTime();
      double seconds = Math.max(1e-9, (now - lastNanos) / 1e9);
      long rollouts = metrics.rollouts();
      long tokens = metrics.responseTokens();
      log.info(
          "actors: {} rollouts ({} /s), {} tokens ({} /s), {} in flight, version {} (newest {}),"
              + " {}/{} paused ({} held back by the downstream backlog), {} dead letters, ready {}",
          rollouts,
          String.format("%.1f", (rollouts - lastRollouts) / seconds),
          tokens,
          String.format("%.0f", (tokens - lastTokens) / seconds),
          s.instances().stream().mapToInt(InstanceStatus::groupsInFlight).sum(),
          s.instances().stream().mapToLong(InstanceStatus::policyVersion).min().orElse(-1),
          s.newestVersionSeen(),
          s.instances().stream().filter(InstanceStatus::paused).count(),
          s.instances().size(),
          s.instances().stream().filter(InstanceStatus::heldBack).count(),
          metrics.deadLetters(),
          s.ready());
      lastNanos = now;
      lastRollouts = rollouts;
      lastTokens = tokens;
    }
  }
}
