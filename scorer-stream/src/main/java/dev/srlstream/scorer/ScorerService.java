package dev.srlstream.scorer;

import dev.srlstream.schemas.AdminSettings;
import dev.srlstream.schemas.BrokerProbe;
import dev.srlstream.schemas.Health;
import dev.srlstream.schemas.ServiceGroups;
import dev.srlstream.schemas.registry.RegistryAccess;
import dev.srlstream.schemas.registry.RegistryException;
import dev.srlstream.schemas.registry.SchemaRegistry;
import dev.srlstream.schemas.registry.SchemaRegistryClient;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.Metric;
import org.apache.kafka.common.MetricName;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.streams.CloseOptions;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse;
import org.apache.kafka.streams.processor.TaskId;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The scorer as a running service: the {@link ScorerTopology} on Kafka Streams with {@code
 * exactly_once_v2}, against any cluster. Several instances with the same application id share the
 * partitions (scale-out); a restarted one restores its stores from their changelogs.
 */
public final class ScorerService implements AutoCloseable {
  /** The stream threads' session timeout: how long a killed scorer keeps its tasks. */
  static final int SESSION_TIMEOUT_MS = 10_000;

  /** The Streams producer's batch.size (see {@link #streamsProperties}). */
  static final int PRODUCER_BATCH_BYTES = 256 * 1024;

  /** How long {@link #start} waits for the tasks to open their window-store segments. */
  static final Duration WARMUP_WAIT = Duration.ofSeconds(10);

  /** The changelog topics' index.interval.bytes (see {@link #streamsProperties}). */
  static final int CHANGELOG_INDEX_INTERVAL_BYTES = 1024 * 1024;

  private static final Logger log = LoggerFactory.getLogger(ScorerService.class);

  /** The application id of the default policy's scorer. */
  public static final String DEFAULT_APPLICATION_ID = ServiceGroups.SCORER;

  /**
   * The application id of a policy's scorer unless one is given: {@value #DEFAULT_APPLICATION_ID}
   * for the default policy (as before policies were named), {@code srl-scorer-<policy>} for any
   * other. Each policy's scorer needs its own: a scorer skips other policies' rollouts and commits
   * past them, so an application id shared by two policies would leave rollouts unrewarded.
   */
  public static String defaultApplicationId(String policyName) {
    return ServiceGroups.scorer(policyName);
  }

  /**
   * Where and how the scorer runs.
   *
   * @param bootstrapServers the Kafka cluster
   * @param schemaRegistryUrl the schema registry
   * @param applicationId the Kafka Streams application id (consumer group, prefix of internal
   *     topics)
   * @param stateDir where the local state stores live
   * @param threads stream threads in this instance
   * @param scorer the scoring settings
   * @param topics the topics to read and write
   * @param kafkaOverrides any further Kafka Streams or client settings, passed through
   * @param registryAccess how to reach a guarded registry (basic authentication, trust for HTTPS)
   */
  public record Settings(
      String bootstrapServers,
      String schemaRegistryUrl,
      String applicationId,
      Path stateDir,
      int threads,
      ScorerConfig scorer,
      ScorerTopics topics,
      Map<String, String> kafkaOverrides,
      RegistryAccess registryAccess) {
    public Settings {
      Objects.requireNonNull(bootstrapServers, "bootstrapServers must be host:port, but was null");
      Objects.requireNonNull(schemaRegistryUrl, "schemaRegistryUrl must be a URL, but was null");
      Objects.requireNonNull(scorer, "scorer");
      Objects.requireNonNull(topics, "topics");
      Objects.requireNonNull(stateDir, "stateDir must be a directory, but was null");
      if (applicationId == null || !applicationId.matches("[a-zA-Z0-9._-]+")) {
        throw new IllegalArgumentException(
            "applicationId must be letters, digits, '.', '_' or '-', but was " + applicationId);
      }
      if (threads < 1) {
        throw new IllegalArgumentException("threads must be >= 1, but was " + threads);
      }
      kafkaOverrides = kafkaOverrides == null ? Map.of() : Map.copyOf(kafkaOverrides);
      registryAccess = registryAccess == null ? RegistryAccess.NONE : registryAccess;
    }

    /** An open registry. */
    public Settings(
        String bootstrapServers,
        String schemaRegistryUrl,
        String applicationId,
        Path stateDir,
        int threads,
        ScorerConfig scorer,
        ScorerTopics topics,
        Map<String, String> kafkaOverrides) {
      this(
          bootstrapServers,
          schemaRegistryUrl,
          applicationId,
          stateDir,
          threads,
          scorer,
          topics,
          kafkaOverrides,
          RegistryAccess.NONE);
    }
  }

  private final KafkaStreams streams;
  private final ScorerCounters counters;
  private final BrokerProbe probe;
  private final boolean warmsWindowStores;

  private ScorerService(
      KafkaStreams streams, ScorerCounters counters, BrokerProbe probe, boolean warmsWindowStores) {
    this.streams = streams;
    this.counters = counters;
    this.probe = probe;
    this.warmsWindowStores = warmsWindowStores;
  }

  /**
   * Checks the topics, then starts the scorer and returns once it is running and its tasks have
   * opened their window-store segments ({@link SegmentWarmup}, waited for up to {@link
   * #WARMUP_WAIT}); its meters are on a registry of its own.
   *
   * @throws IllegalStateException if a topic is missing, the inputs are not co-partitioned, or the
   *     scorer does not reach RUNNING within {@code startTimeout}
   */
  public static ScorerService start(Settings settings, Duration startTimeout) {
    return start(settings, startTimeout, new PrometheusMeterRegistry(PrometheusConfig.DEFAULT));
  }

  /**
   * Starts the scorer as {@link #start(Settings, Duration)} does, with its meters ({@link
   * ScorerCounters}, {@code srl_scorer_running}, {@code srl_scorer_broker_reachable}) on the
   * process's registry.
   */
  public static ScorerService start(
      Settings settings, Duration startTimeout, MeterRegistry meterRegistry) {
    SegmentWarmup warmup;
    try (Admin admin = Admin.create(adminConfig(settings))) {
      List<TopicPartition> inputs = checkTopics(admin, settings);
      warmup = segmentWarmup(admin, settings, inputs, System.currentTimeMillis());
    }
    SchemaRegistry registry =
        new SchemaRegistryClient(settings.schemaRegistryUrl(), settings.registryAccess());
    registerSchemas(registry, settings);
    ScorerCounters counters = new ScorerCounters(meterRegistry);
    KafkaStreams streams =
        new KafkaStreams(
            ScorerTopology.build(settings.scorer(), settings.topics(), registry, counters, warmup),
            streamsProperties(settings));
    streams.setUncaughtExceptionHandler(
        e -> {
          // Records the topology can reject become dead letters; what reaches here is fatal.
          log.error("scorer stopped by an unexpected error", e);
          return StreamThreadExceptionResponse.SHUTDOWN_CLIENT;
        });
    streams.start();
    long deadline = System.nanoTime() + startTimeout.toNanos();
    while (streams.state() != KafkaStreams.State.RUNNING) {
      if (streams.state() == KafkaStreams.State.ERROR
          || streams.state() == KafkaStreams.State.NOT_RUNNING
          || System.nanoTime() > deadline) {
        KafkaStreams.State state = streams.state();
        streams.close(Duration.ofSeconds(10));
        counters.close();
        throw new IllegalStateException(
            "the scorer did not start (state "
                + state
                + " after "
                + startTimeout.toSeconds()
                + " s)");
      }
      sleep(50);
    }
    // Until every task has opened its window-store segments (see SegmentWarmup), the first rollouts
    // would wait for those opens. A task does so as it is initialised, about 140 ms after start in
    // the scorer benchmark, but a task restoring a large changelog is initialised only when it is
    // done: the scorer is running meanwhile, and the wait is bounded.
    boolean warmed =
        awaitWarmup(streams, warmup, Math.min(deadline, System.nanoTime() + WARMUP_WAIT.toNanos()));
    log.info(
        "scorer {} running on {} ({} thread(s), exactly_once_v2, {})",
        settings.applicationId(),
        settings.bootstrapServers(),
        settings.threads(),
        !warmup.enabled()
            ? "window stores not warmed: records older than the duplicate retention are still to"
                + " come"
            : warmed
                ? "window stores warmed"
                : "window stores warming as their tasks finish restoring");
    // Kafka Streams stays RUNNING while the cluster is gone (its clients retry): the probe shows
    // it.
    BrokerProbe probe =
        BrokerProbe.start(
            settings.bootstrapServers(),
            Map.copyOf(settings.kafkaOverrides()),
            settings.applicationId());
    counters.watch(streams::state, probe::reachable);
    return new ScorerService(streams, counters, probe, warmup.enabled());
  }

  static Properties streamsProperties(Settings settings) {
    Properties props = new Properties();
    props.put(StreamsConfig.APPLICATION_ID_CONFIG, settings.applicationId());
    props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, settings.bootstrapServers());
    props.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
    props.put(StreamsConfig.STATE_DIR_CONFIG, settings.stateDir().toString());
    props.put(StreamsConfig.NUM_STREAM_THREADS_CONFIG, settings.threads());
    // KAFKA-15591 (fixed in 4.5): Streams creates its changelog topics and writes to them at once.
    // With several produce requests in flight, one sent before the broker has applied the new
    // partition fails (NOT_LEADER), a later one is appended, and the first one's retries then fail
    // with OUT_OF_ORDER_SEQUENCE until it expires: those changelog records are lost silently, and
    // a restored store misses them. One request in flight per connection orders every retry
    // before the next request, which closes the race. The scorer outruns the actors by far, so the
    // throughput this costs is not missed.
    props.put(
        StreamsConfig.producerPrefix(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION), 1);
    // A killed scorer holds its tasks until its session expires. Kafka's 45 s default is sized for
    // long stop-the-world pauses; the consumer heartbeats from its own thread whatever the stream
    // thread does, so 10 s only has to outlast a GC pause, and a killed scorer's tasks move on (or
    // come back to it, restarted) about 10 s after the kill.
    // Batches of 256 KiB rather than the producer's 16 KiB: between two commits (100 ms) a task
    // writes about 125 KiB of training groups per partition at 5-7k rollouts/s, which 16 KiB
    // batches cut into eight produce batches, each appended, checksummed and acknowledged alone
    // (scorer benchmark, 250k rollouts: broker CPU 52-62 -> 31 us/rollout, stream thread and its
    // clients 141-161 -> 109 us/rollout, 4,640-5,707 -> 7,047 rollouts/s). A batch takes batch.size
    // of the producer's buffer.memory (32 MiB) while open, so one thread's producer has room for
    // 128 partitions with an open batch; a scorer thread with more than that should raise
    // buffer.memory with it (producer.buffer.memory).
    props.put(StreamsConfig.producerPrefix(ProducerConfig.BATCH_SIZE_CONFIG), PRODUCER_BATCH_BYTES);
    // The changelogs the scorer creates get an offset-index entry per MiB rather than per 4 KiB
    // (Kafka's default). A fresh application creates 7 changelogs of as many partitions as the
    // input, and with 4 KiB every one of them writes its first index entries within the first
    // seconds. A segment's index files are sparse, memory-mapped files, and the first write to
    // each page faults a block in: 1.5 ms a page on this machine's disk when idle, far more with
    // the broker appending beside it. Those faults hold up the transaction markers, and every
    // produce of the next transaction is refused (CONCURRENT_TRANSACTIONS) until they are written.
    // Scorer benchmark, fresh scorer at half load, 2 rounds each: p99 in the first four seconds
    // 1.8 / 1.4-1.6 / 1.0-1.2 / 0.3-0.6 s with 4 KiB, 1.0-1.1 / 0.2-0.4 / 0.2 / 0.2 s with 1 MiB.
    // A changelog is read only by a restore, once from its start or its checkpoint, so the sparser
    // index costs that restore a scan of at most 1 MiB of batch headers.
    props.put(
        StreamsConfig.topicPrefix(TopicConfig.INDEX_INTERVAL_BYTES_CONFIG),
        CHANGELOG_INDEX_INTERVAL_BYTES);
    props.put(
        StreamsConfig.consumerPrefix(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG), SESSION_TIMEOUT_MS);
    props.put(
        StreamsConfig.consumerPrefix(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG),
        SESSION_TIMEOUT_MS / 3);
    props.putAll(settings.kafkaOverrides());
    return props;
  }

  /**
   * Registers what the topology will write before it runs. A subject new to the registry costs a
   * write to the registry's topic, 10-15 ms each, which the stream thread would otherwise pay at
   * its first rollouts (8 subjects for a new application id). The client keeps each id, so the
   * topology's serializers then find them without a call.
   *
   * @throws IllegalStateException if the registry refuses one (unreachable, or incompatible with
   *     what the subject already holds)
   */
  private static void registerSchemas(SchemaRegistry registry, Settings settings) {
    ScorerTopology.writtenSchemas(settings.applicationId(), settings.topics())
        .forEach(
            (subject, schema) -> {
              try {
                registry.register(subject, schema);
              } catch (RegistryException e) {
                throw new IllegalStateException(
                    "cannot register the scorer's schema for "
                        + subject
                        + " with "
                        + registry.describe()
                        + ": "
                        + e.getMessage(),
                    e);
              }
            });
  }

  private static Map<String, Object> adminConfig(Settings settings) {
    Map<String, Object> config =
        AdminSettings.of(settings.bootstrapServers(), settings.kafkaOverrides());
    config.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 30_000);
    return config;
  }

  /**
   * Output topics must exist (nothing is auto-created) and the joined inputs co-partitioned.
   *
   * @return the partitions of both inputs
   */
  private static List<TopicPartition> checkTopics(Admin admin, Settings settings) {
    ScorerTopics t = settings.topics();
    List<String> names =
        List.of(
            t.rolloutSteps(),
            t.expertSteps(),
            t.stepRewards(),
            t.trainingGroups(),
            t.deadLetters());
    Map<String, TopicDescription> found;
    try {
      Set<String> existing = admin.listTopics().names().get(30, TimeUnit.SECONDS);
      List<String> missing = names.stream().filter(n -> !existing.contains(n)).toList();
      if (!missing.isEmpty()) {
        throw new IllegalStateException(
            "the scorer needs topics "
                + missing
                + " on "
                + settings.bootstrapServers()
                + ", which do not exist; create them with: srl topics create --bootstrap-servers "
                + settings.bootstrapServers());
      }
      found = admin.describeTopics(names).allTopicNames().get(30, TimeUnit.SECONDS);
    } catch (ExecutionException | TimeoutException e) {
      throw new IllegalStateException(
          "cannot reach Kafka at " + settings.bootstrapServers() + ": " + e, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while checking topics", e);
    }
    int rollouts = found.get(t.rolloutSteps()).partitions().size();
    int experts = found.get(t.expertSteps()).partitions().size();
    if (rollouts != experts) {
      throw new IllegalStateException(
          t.rolloutSteps()
              + " has "
              + rollouts
              + " partitions but "
              + t.expertSteps()
              + " has "
              + experts
              + ": the scorer joins them by instance_id, so they must have the same partition count");
    }
    List<TopicPartition> inputs = new ArrayList<>();
    for (String input : List.of(t.rolloutSteps(), t.expertSteps())) {
      found
          .get(input)
          .partitions()
          .forEach(p -> inputs.add(new TopicPartition(input, p.partition())));
    }
    return inputs;
  }

  /**
   * A warm-up at {@code now}, if no record this scorer will read on its {@code inputs} is older
   * than {@code now} minus the duplicate retention; otherwise, or if the offsets cannot be read,
   * none (see {@link SegmentWarmup}). A partition with no committed offset counts from its log
   * start: the earliest place a new application can start reading from, whatever its {@code
   * auto.offset.reset}.
   */
  static SegmentWarmup segmentWarmup(
      Admin admin, Settings settings, List<TopicPartition> inputs, long now) {
    long cutoff = now - settings.scorer().duplicateRetention().toMillis();
    try {
      Map<TopicPartition, OffsetAndMetadata> committed =
          admin
              .listConsumerGroupOffsets(settings.applicationId())
              .partitionsToOffsetAndMetadata()
              .get(30, TimeUnit.SECONDS);
      Map<TopicPartition, Long> logStart = offsets(admin, inputs, OffsetSpec.earliest());
      Map<TopicPartition, Long> start = new HashMap<>();
      for (TopicPartition p : inputs) {
        OffsetAndMetadata c = committed.get(p);
        start.put(p, c == null ? logStart.get(p) : c.offset());
      }
      boolean safe =
          SegmentWarmup.nothingOlderToCome(
              start,
              offsets(admin, inputs, OffsetSpec.latest()),
              offsets(admin, inputs, OffsetSpec.forTimestamp(cutoff)));
      return safe ? SegmentWarmup.at(now) : SegmentWarmup.NONE;
    } catch (ExecutionException | TimeoutException e) {
      // The warm-up only saves the first rollouts some waiting: the scorer runs without it.
      log.warn("not warming the window stores: cannot read the input offsets: {}", e.toString());
      return SegmentWarmup.NONE;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while reading the input offsets", e);
    }
  }

  private static Map<TopicPartition, Long> offsets(
      Admin admin, List<TopicPartition> partitions, OffsetSpec spec)
      throws ExecutionException, InterruptedException, TimeoutException {
    Map<TopicPartition, OffsetSpec> request = new HashMap<>();
    partitions.forEach(p -> request.put(p, spec));
    Map<TopicPartition, Long> offsets = new HashMap<>();
    admin
        .listOffsets(request)
        .all()
        .get(30, TimeUnit.SECONDS)
        .forEach((p, info) -> offsets.put(p, info.offset()));
    return offsets;
  }

  /** Waits until every local task has warmed its stores or the deadline passes; says which. */
  private static boolean awaitWarmup(KafkaStreams streams, SegmentWarmup warmup, long deadline) {
    while (!warmup.covers(activeTasks(streams))) {
      if (System.nanoTime() > deadline) {
        return false;
      }
      sleep(5);
    }
    return true;
  }

  private static Set<TaskId> activeTasks(KafkaStreams streams) {
    Set<TaskId> tasks = new HashSet<>();
    streams
        .metadataForLocalThreads()
        .forEach(thread -> thread.activeTasks().forEach(task -> tasks.add(task.taskId())));
    return tasks;
  }

  /**
   * Whether this scorer's tasks open their window stores' segments before their first rollout, as
   * decided at start from its inputs (see {@link SegmentWarmup}).
   */
  boolean warmsWindowStores() {
    return warmsWindowStores;
  }

  /** What the scorer has done since this instance started. */
  public ScorerCounters counters() {
    return counters;
  }

  /** Kafka Streams' own metrics (thread, task, store, client), e.g. for a benchmark to read. */
  public Map<MetricName, ? extends Metric> streamsMetrics() {
    return streams.metrics();
  }

  /** The Kafka Streams state (RUNNING, REBALANCING, ERROR, ...). */
  public KafkaStreams.State state() {
    return streams.state();
  }

  /** What {@code /health} answers now: see {@link #health(KafkaStreams.State, boolean)}. */
  public Health health() {
    return health(streams.state(), probe.reachable());
  }

  /**
   * Ready while Kafka Streams is RUNNING and the cluster answers. REBALANCING is not ready: the
   * tasks are moving between instances and this one processes nothing until they settle (a
   * restarted static member takes its tasks back without one).
   */
  static Health health(KafkaStreams.State state, boolean brokerReachable) {
    if (state != KafkaStreams.State.RUNNING) {
      return Health.notReady("Kafka Streams is " + state + ", not RUNNING");
    }
    if (!brokerReachable) {
      return Health.notReady("the Kafka cluster does not answer");
    }
    return Health.OK;
  }

  /**
   * Stops the scorer, committing what it processed, and leaves the consumer group so the other
   * instances take its partitions at once (Kafka Streams otherwise stays in the group until the
   * session times out, 45 s by default; a crashed instance still costs that wait).
   */
  @Override
  public void close() {
    streams.close(
        CloseOptions.groupMembershipOperation(CloseOptions.GroupMembershipOperation.LEAVE_GROUP)
            .withTimeout(Duration.ofSeconds(30)));
    probe.close();
    counters.close();
    log.info("scorer stopped; {}", counters.snapshot());
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while starting the scorer", e);
    }
  }
}
