package dev.srlstream.scorer.bench;

import dev.srlstream.infra.kafka.BrokerConfig;
import dev.srlstream.infra.kafka.EmbeddedKafkaBroker;
import dev.srlstream.infra.kafka.TopicProvisioner;
import dev.srlstream.infra.registry.RegistryConfig;
import dev.srlstream.infra.registry.SchemaRegistryServer;
import dev.srlstream.schemas.TopicSpec;
import dev.srlstream.schemas.Topics;
import dev.srlstream.schemas.avro.ExpertStep;
import dev.srlstream.schemas.avro.RolloutStep;
import dev.srlstream.schemas.avro.StepReward;
import dev.srlstream.schemas.registry.SchemaRegistryClient;
import dev.srlstream.schemas.serde.AvroSerde;
import dev.srlstream.schemas.serde.WireFormat;
import dev.srlstream.scorer.DeadLetterReason;
import dev.srlstream.scorer.ScorerConfig;
import dev.srlstream.scorer.ScorerService;
import dev.srlstream.scorer.ScorerTopics;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.producer.Callback;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.Metric;
import org.apache.kafka.common.MetricName;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.streams.StreamsConfig;

/**
 * The scorer benchmark (DESIGN.md section 3): scorer throughput with exactly_once_v2 as a ratio of
 * raw produce+consume of the same records on the same broker, and reward latency at half that load.
 * A {@code main}, not a test: it measures and prints, it asserts nothing. Run it with {@code
 * scorer-stream/bench/scorer-throughput.sh}.
 *
 * <pre>
 * ScorerBenchmark [--records N] [--latency-seconds S] [--threads 1,2] [--linger-ms L]
 *                 [--instances I] [--seed X] [--latency-commit-50 auto|always|never]
 *                 [--warmup-records W] [--latency-rate R]
 * </pre>
 *
 * Defaults: 40000 rollout steps (rounded up to whole groups of 8), 20 s of latency, scorer runs
 * with 1 and 2 threads, linger 5 ms, 200 instances, seed 2510, the 50 ms run only when the default
 * misses the p99 target, 16384 warm-up rollouts. With {@code --latency-rate R} only the warm-up and
 * the latency phase run, at R rollouts per second.
 *
 * <p>One JVM, one embedded broker on 127.0.0.1, the real schema registry. Every record is built and
 * serialized (Confluent wire format) before anything is timed, so serialization is measured on
 * neither side. Phases, each on topics and an application id of its own:
 *
 * <ol>
 *   <li>warm-up, not reported: a raw pass and a scorer run of W rollouts (the JIT, connections).
 *       The JIT still compiles during the first scorer phase (its CPU time is printed): a scorer on
 *       a fresh JVM pays that for its first minute or so;
 *   <li>raw: the N rollout-step byte arrays produced to a 6-partition topic and read back by one
 *       plain consumer; time from the first send to the last record read;
 *   <li>scorer (1 thread, then 2): expert steps first, the scorer started and RUNNING, then the N
 *       rollout steps produced and the rewards read with read_committed; time from the first send
 *       to the N-th reward read;
 *   <li>raw again, to show the run-to-run noise of the baseline;
 *   <li>latency: fresh rollout steps at half the 1-thread scorer throughput for S seconds, each
 *       stamped with {@link System#nanoTime()} just before {@code send}; per reward, read time
 *       minus send time. With the EOS default commit interval, and also with 50 ms when the default
 *       misses p99 250 ms (or when asked).
 * </ol>
 */
public final class ScorerBenchmark {
  private static final Duration PHASE_TIMEOUT = Duration.ofSeconds(90);
  private static final double P99_TARGET_MS = 250;
  private static final double THROUGHPUT_TARGET = 0.5;

  /** Groups kept as objects after serializing (see {@link Workload#trimmed}). */
  private static final int LATENCY_GROUPS = 4096;

  private final Options options;
  private final Path brokerDataDir;
  private final String bootstrap;
  private final SchemaRegistryClient registry;
  private final String registryUrl;
  private final Workload workload;
  private final long[] alikePrefix;
  private final byte[][] keys;
  private final byte[][] values;

  private ScorerBenchmark(
      Options options,
      Path brokerDataDir,
      String bootstrap,
      SchemaRegistryClient registry,
      String registryUrl,
      Workload workload,
      long[] alikePrefix,
      byte[][] keys,
      byte[][] values) {
    this.options = options;
    this.brokerDataDir = brokerDataDir;
    this.bootstrap = bootstrap;
    this.registry = registry;
    this.registryUrl = registryUrl;
    this.workload = workload;
    this.alikePrefix = alikePrefix;
    this.keys = keys;
    this.values = values;
  }

  /** Command-line options. */
  record Options(
      int records,
      int latencySeconds,
      List<Integer> threads,
      int lingerMs,
      int instances,
      long seed,
      String latencyCommit50,
      int warmupRecords,
      boolean passthrough,
      Map<String, String> overrides,
      double latencyRate) {

    static Options parse(String[] args) {
      Map<String, String> given = new HashMap<>();
      for (int i = 0; i < args.length; i++) {
        if (!args[i].startsWith("--") || i + 1 >= args.length) {
          throw new IllegalArgumentException(
              "arguments must be --name value pairs, but got '" + args[i] + "'");
        }
        given.put(args[i].substring(2), args[++i]);
      }
      List<String> known =
          List.of(
              "records",
              "latency-seconds",
              "threads",
              "linger-ms",
              "instances",
              "seed",
              "latency-commit-50",
              "warmup-records",
              "passthrough",
              "overrides",
              "latency-rate");
      for (String name : given.keySet()) {
        if (!known.contains(name)) {
          throw new IllegalArgumentException("unknown option --" + name + "; known: " + known);
        }
      }
      int records = Integer.parseInt(given.getOrDefault("records", "40000"));
      if (records < Workload.GROUP_SIZE) {
        throw new IllegalArgumentException("--records must be >= 8, but was " + records);
      }
      String commit50 = given.getOrDefault("latency-commit-50", "auto");
      if (!List.of("auto", "always", "never").contains(commit50)) {
        throw new IllegalArgumentException(
            "--latency-commit-50 must be auto, always or never, but was " + commit50);
      }
      return new Options(
          records,
          Integer.parseInt(given.getOrDefault("latency-seconds", "20")),
          Arrays.stream(given.getOrDefault("threads", "1,2").split(","))
              .map(String::trim)
              .map(Integer::parseInt)
              .toList(),
          Integer.parseInt(given.getOrDefault("linger-ms", "5")),
          Integer.parseInt(given.getOrDefault("instances", "200")),
          Long.parseLong(given.getOrDefault("seed", "2510")),
          commit50,
          Integer.parseInt(given.getOrDefault("warmup-records", "16384")),
          parseYesNo("passthrough", given.getOrDefault("passthrough", "no")),
          parseOverrides(given.getOrDefault("overrides", "")),
          latencyRate(given.getOrDefault("latency-rate", "0")));
    }

    /** 0: half the 1-thread scorer's measured throughput; else that rate, and no throughput. */
    private static double latencyRate(String value) {
      double rate;
      try {
        rate = Double.parseDouble(value);
      } catch (NumberFormatException e) {
        rate = Double.NaN;
      }
      if (!(rate >= 0) || Double.isInfinite(rate)) {
        throw new IllegalArgumentException(
            "--latency-rate must be a finite number >= 0, but was " + value);
      }
      return rate;
    }

    private static boolean parseYesNo(String name, String value) {
      if (!List.of("yes", "no").contains(value)) {
        throw new IllegalArgumentException("--" + name + " must be yes or no, but was " + value);
      }
      return value.equals("yes");
    }

    /** "k=v,k=v": Kafka Streams or client settings for every scorer and pass-through phase. */
    private static Map<String, String> parseOverrides(String value) {
      Map<String, String> overrides = new java.util.LinkedHashMap<>();
      for (String pair : value.split(",")) {
        if (pair.isBlank()) {
          continue;
        }
        int eq = pair.indexOf('=');
        if (eq <= 0) {
          throw new IllegalArgumentException(
              "--overrides must be key=value pairs separated by commas, but got '" + pair + "'");
        }
        overrides.put(pair.substring(0, eq).trim(), pair.substring(eq + 1).trim());
      }
      return Map.copyOf(overrides);
    }
  }

  /** One timed throughput phase. */
  record Throughput(
      String phase,
      long expected,
      long received,
      long extra,
      double seconds,
      double produceSeconds,
      Map<String, Double> cpu,
      Map<String, Long> logBytes,
      String checks,
      String threadMetrics) {
    boolean complete() {
      return received >= expected;
    }

    double perSecond() {
      return received / seconds;
    }
  }

  /** One latency phase. */
  record Latency(
      long commitIntervalMs,
      String commitNote,
      double targetRate,
      double achievedRate,
      long sent,
      long[] sortedNanos,
      double[] p99BySecondMs) {
    double percentileMs(double q) {
      if (sortedNanos.length == 0) {
        return Double.NaN;
      }
      int rank = (int) Math.ceil(q * sortedNanos.length); // nearest rank
      return sortedNanos[Math.max(0, Math.min(sortedNanos.length - 1, rank - 1))] / 1e6;
    }
  }

  public static void main(String[] args) throws Exception {
    Options options;
    try {
      options = Options.parse(args);
    } catch (IllegalArgumentException e) {
      System.err.println(e.getMessage());
      System.err.println(
          "usage: ScorerBenchmark [--records N] [--latency-seconds S] [--threads 1,2]"
              + " [--linger-ms L] [--instances I] [--seed X] [--latency-commit-50"
              + " auto|always|never] [--warmup-records W] [--passthrough yes|no]"
              + " [--overrides k=v,k=v] [--latency-rate R]");
      System.exit(2);
      return;
    }
    long startNanos = System.nanoTime();
    String loadAtStart = loadAverage();
    int groups = (options.records() + Workload.GROUP_SIZE - 1) / Workload.GROUP_SIZE;
    progress("generating %d groups of %d over %d instances", groups, 8, options.instances());
    Workload workload = Workload.generate(groups, options.instances(), options.seed());

    boolean ok;
    try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start(brokerConfig())) {
      try (Admin admin =
          Admin.create(
              Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers()))) {
        // Every topic of every phase up front (KAFKA-15591: create, warm up, then produce).
        TopicProvisioner.provision(admin, allTopics(options));
      }
      try (SchemaRegistryServer registryServer =
          SchemaRegistryServer.start(RegistryConfig.kafka(broker.bootstrapServers(), 0))) {
        SchemaRegistryClient registry = new SchemaRegistryClient(registryServer.url());
        progress("serializing %d rollout steps", workload.sendOrder.size());
        AvroSerde<RolloutStep> serde = new AvroSerde<>(RolloutStep.class, registry);
        int n = workload.sendOrder.size();
        byte[][] keys = new byte[n][];
        byte[][] values = new byte[n][];
        for (int i = 0; i < n; i++) {
          RolloutStep r = workload.sendOrder.get(i);
          keys[i] = r.getInstanceId().getBytes(StandardCharsets.UTF_8);
          values[i] = serde.serialize(scorerTopics("s1").rolloutSteps(), r);
        }
        long[] alikePrefix = new long[workload.groups.size() + 1];
        for (int g = 0; g < workload.groups.size(); g++) {
          RolloutStep[] group = workload.groups.get(g);
          boolean alike = Arrays.stream(group).map(ScorerBenchmark::action).distinct().count() == 1;
          alikePrefix[g + 1] = alikePrefix[g] + (alike ? 1 : 0);
        }
        ScorerBenchmark bench =
            new ScorerBenchmark(
                options,
                broker.dataDir(),
                broker.bootstrapServers(),
                registry,
                registryServer.url(),
                workload.trimmed(LATENCY_GROUPS),
                alikePrefix,
                keys,
                values);
        workload = null; // the full workload is garbage from here on (see Workload#trimmed)
        ok = bench.run(loadAtStart, startNanos);
      }
    }
    System.exit(ok ? 0 : 1);
  }

  private boolean run(String loadAtStart, long startNanos) throws Exception {
    printFacts(loadAtStart);

    progress("warm-up (not reported)");
    raw("bench.raw-warmup", values.length);
    // Whole interleaving windows (64 rollouts), so every group of the warm-up is complete.
    int warmup = Math.min(values.length, options.warmupRecords()) / 64 * 64;
    if (warmup > 0) {
      scorer("warmup", 1, warmup, options.overrides());
    }

    if (options.latencyRate() > 0) {
      // The fresh-start question alone (issue 15, item 4): no throughput phases, a given rate.
      List<Latency> latencies =
          List.of(
              latency(
                  "lat-default",
                  options.latencyRate(),
                  options.overrides(),
                  "Kafka Streams' EOS default"));
      printLatencies(latencies, "at " + (long) options.latencyRate() + " rollouts/s");
      printWallTime(startNanos);
      return true;
    }

    progress("raw produce+consume");
    Throughput raw = raw("bench.raw", values.length);
    List<Throughput> scorers = new ArrayList<>();
    if (options.passthrough()) {
      progress("pass-through Kafka Streams app, exactly_once_v2, 1 thread");
      scorers.add(passthrough("pt", values.length, options.overrides()));
    }
    for (int threads : options.threads()) {
      progress("scorer, exactly_once_v2, %d thread(s)", threads);
      scorers.add(scorer("s" + threads, threads, values.length, options.overrides()));
    }
    progress("raw produce+consume again (noise check)");
    Throughput rawAgain = raw("bench.raw-2", values.length);

    Throughput base = scorers.get(options.passthrough() ? 1 : 0);
    double rate = 0.5 * base.perSecond();
    List<Latency> latencies = new ArrayList<>();
    progress("latency at %.0f rec/s (half of the %s), default commit interval", rate, base.phase);
    latencies.add(latency("lat-default", rate, options.overrides(), "Kafka Streams' EOS default"));
    boolean missed = !(latencies.get(0).percentileMs(0.99) <= P99_TARGET_MS);
    if (options.latencyCommit50().equals("always")
        || (missed && options.latencyCommit50().equals("auto"))) {
      progress("latency at %.0f rec/s, commit.interval.ms=50", rate);
      Map<String, String> c50 = new HashMap<>(options.overrides());
      c50.put("commit.interval.ms", "50");
      latencies.add(latency("lat-c50", rate, c50, "override"));
    }

    List<Throughput> all = new ArrayList<>();
    all.add(raw);
    all.addAll(scorers);
    all.add(rawAgain);
    printResults(raw, rawAgain, scorers);
    printLatencies(latencies, "at half the 1-thread throughput");
    printWallTime(startNanos);
    return all.stream().allMatch(Throughput::complete)
        && scorers.stream().allMatch(t -> t.checks().startsWith("ok"));
  }

  // ---------------------------------------------------------------------------------------------
  // Phases

  /**
   * The timed part every throughput phase shares.
   *
   * @param seconds first send to the last expected record read
   * @param produceSeconds first send to the producer's flush
   * @param cpu CPU seconds by thread group over that time
   * @param threadMetrics Kafka Streams' thread metrics over that time ("" for a phase without)
   */
  private record Timed(
      double seconds, double produceSeconds, Map<String, Double> cpu, String threadMetrics) {}

  /**
   * Sends {@code count} pre-serialized rollout steps to {@code topic} and waits until {@code
   * reader} has the expected records, timing it; the reader ready and the topic's metadata fetched
   * first, outside the timed part.
   *
   * @param streamsMetrics the Kafka Streams app's metrics, or null for a phase without one
   */
  private Timed sendAndRead(
      TopicReader reader,
      KafkaProducer<byte[], byte[]> producer,
      String topic,
      int count,
      Supplier<Map<MetricName, ? extends Metric>> streamsMetrics)
      throws Exception {
    reader.awaitReady();
    producer.partitionsFor(topic); // metadata now, not in the timed part
    AtomicReference<Exception> failure = new AtomicReference<>();
    ThreadMetrics.Snapshot metricsBefore =
        streamsMetrics == null ? null : ThreadMetrics.snapshot(streamsMetrics.get());
    CpuAccounting cpu = CpuAccounting.start();
    long t0 = System.nanoTime();
    sendAll(producer, topic, count, failure);
    producer.flush();
    long produced = System.nanoTime();
    long end = reader.awaitExpected(PHASE_TIMEOUT);
    long stop = end > 0 ? end : System.nanoTime();
    Map<String, Double> used = cpu.stop();
    String threadMetrics =
        streamsMetrics == null
            ? ""
            : ThreadMetrics.describe(
                metricsBefore, ThreadMetrics.snapshot(streamsMetrics.get()), (stop - t0) / 1e9);
    throwIfFailed(failure, topic);
    return new Timed((stop - t0) / 1e9, (produced - t0) / 1e9, used, threadMetrics);
  }

  /** Produces {@code count} pre-serialized rollout steps to {@code topic} and reads them back. */
  private Throughput raw(String topic, int count) throws Exception {
    try (TopicReader reader = new TopicReader(bootstrap, topic, false, count, r -> {});
        KafkaProducer<byte[], byte[]> producer = producer("raw-" + topic)) {
      Timed timed = sendAndRead(reader, producer, topic, count, null);
      Thread.sleep(300); // anything beyond the expected records would show now
      long extra = Math.max(0, reader.count() - count);
      return new Throughput(
          topic,
          count,
          Math.min(count, reader.count()),
          extra,
          timed.seconds(),
          timed.produceSeconds(),
          timed.cpu(),
          logBytes(topic::equals, ""),
          "ok",
          timed.threadMetrics());
    }
  }

  /**
   * Runs the scorer on topics of its own: expert steps first, the scorer started, then {@code
   * count} rollout steps; waits for {@code count} committed rewards.
   */
  private Throughput scorer(String tag, int threads, int count, Map<String, String> overrides)
      throws Exception {
    ScorerTopics topics = scorerTopics(tag);
    registerSubject(topics.rolloutSteps());
    produceExperts(topics.expertSteps());
    Path stateDir = Files.createTempDirectory("srl-bench-state-");
    try (ScorerService scorer =
        ScorerService.start(
            settings("bench-" + tag, stateDir, threads, topics, overrides),
            Duration.ofSeconds(60))) {
      try (TopicReader reader =
              new TopicReader(bootstrap, topics.stepRewards(), true, count, r -> {});
          KafkaProducer<byte[], byte[]> producer = producer("scorer-" + tag)) {
        Timed timed =
            sendAndRead(reader, producer, topics.rolloutSteps(), count, scorer::streamsMetrics);
        progress("scorer %s: timed part done", tag);
        // A moment more: a reward beyond the expected ones (a duplicate) would show now. Groups
        // complete with their last reward, in the same transaction, so the counters are final too.
        Thread.sleep(1_000);
        long extra = Math.max(0, reader.count() - count);
        Map<String, Long> counters = scorer.counters().snapshot();
        long deadLetters =
            Arrays.stream(DeadLetterReason.values())
                .mapToLong(reason -> scorer.counters().deadLetters(reason))
                .sum();
        long groups = count / Workload.GROUP_SIZE;
        long alike = countAlike(count);
        long kept = counters.get("groups_kept");
        long filtered = counters.get("groups_filtered");
        boolean ok = deadLetters == 0 && extra == 0 && kept + filtered == groups;
        String checks =
            String.format(
                Locale.ROOT,
                "%s: dead letters %d, extra rewards %d, groups kept %d + filtered %d = %d"
                    + " (workload: %d complete groups, %d of them with 8 identical actions),"
                    + " partial %d",
                ok ? "ok" : "CHECK FAILED",
                deadLetters,
                extra,
                kept,
                filtered,
                kept + filtered,
                groups,
                alike,
                counters.get("partial_groups_emitted") + counters.get("partial_groups_dropped"));
        return new Throughput(
            "scorer EOS, " + threads + " thread" + (threads == 1 ? "" : "s"),
            count,
            Math.min(count, reader.count()),
            extra,
            timed.seconds(),
            timed.produceSeconds(),
            timed.cpu(),
            logBytes(
                name ->
                    name.startsWith("bench." + tag + ".") || name.startsWith("bench-" + tag + "-"),
                "bench." + tag + ".",
                "bench-" + tag + "-"),
            checks,
            timed.threadMetrics());
      }
    } finally {
      deleteRecursively(stateDir);
    }
  }

  /**
   * The framework's ceiling on this machine: a Kafka Streams app with the scorer's client settings
   * and exactly_once_v2 that copies each rollout step's bytes, unread, to the reward topic (no
   * stores, no decoding, no encoding); time from the first send to the N-th copy read committed.
   */
  private Throughput passthrough(String tag, int count, Map<String, String> overrides)
      throws Exception {
    ScorerTopics topics = scorerTopics(tag);
    Path stateDir = Files.createTempDirectory("srl-bench-state-");
    org.apache.kafka.streams.Topology topology = new org.apache.kafka.streams.Topology();
    topology.addSource(
        "in",
        new org.apache.kafka.common.serialization.ByteArrayDeserializer(),
        new org.apache.kafka.common.serialization.ByteArrayDeserializer(),
        topics.rolloutSteps());
    topology.addSink(
        "out", topics.stepRewards(), new ByteArraySerializer(), new ByteArraySerializer(), "in");
    Properties props = new Properties();
    props.put(StreamsConfig.APPLICATION_ID_CONFIG, "bench-" + tag);
    props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    props.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
    props.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
    props.put(StreamsConfig.NUM_STREAM_THREADS_CONFIG, 1);
    // As the scorer (ScorerService.streamsProperties): one request in flight (KAFKA-15591),
    // batches of 256 KiB.
    props.put(
        StreamsConfig.producerPrefix(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION), 1);
    props.put(StreamsConfig.producerPrefix(ProducerConfig.BATCH_SIZE_CONFIG), 256 * 1024);
    props.putAll(overrides);
    try (org.apache.kafka.streams.KafkaStreams streams =
        new org.apache.kafka.streams.KafkaStreams(topology, props)) {
      streams.start();
      long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
      while (streams.state() != org.apache.kafka.streams.KafkaStreams.State.RUNNING) {
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException("the pass-through app did not start: " + streams.state());
        }
        Thread.sleep(50);
      }
      try (TopicReader reader =
              new TopicReader(bootstrap, topics.stepRewards(), true, count, r -> {});
          KafkaProducer<byte[], byte[]> producer = producer("pt-" + tag)) {
        Timed timed = sendAndRead(reader, producer, topics.rolloutSteps(), count, streams::metrics);
        Thread.sleep(1_000);
        long extra = Math.max(0, reader.count() - count);
        return new Throughput(
            "pass-through EOS, 1 thread",
            count,
            Math.min(count, reader.count()),
            extra,
            timed.seconds(),
            timed.produceSeconds(),
            timed.cpu(),
            logBytes(
                name ->
                    name.startsWith("bench." + tag + ".") || name.startsWith("bench-" + tag + "-"),
                "bench." + tag + ".",
                "bench-" + tag + "-"),
            extra == 0 ? "ok: extra copies 0" : "CHECK FAILED: extra copies " + extra,
            timed.threadMetrics());
      }
    } finally {
      deleteRecursively(stateDir);
    }
  }

  /**
   * Fresh rollout steps at {@code rate} per second for the configured seconds; per reward, read
   * time minus send time.
   */
  private Latency latency(String tag, double rate, Map<String, String> overrides, String note)
      throws Exception {
    ScorerTopics topics = scorerTopics(tag);
    produceExperts(topics.expertSteps());
    AvroSerde<RolloutStep> rolloutSerde = new AvroSerde<>(RolloutStep.class, registry);
    AvroSerde<StepReward> rewardSerde = new AvroSerde<>(StepReward.class, registry);
    long seconds = options.latencySeconds();
    int capacity = (int) Math.min(Integer.MAX_VALUE - 8, (long) (rate * seconds * 1.5) + 1_000);
    long[] latencies = new long[capacity];
    long[] sentAtOf = new long[capacity]; // the send time of each latency, for the timeline
    int[] received = new int[1]; // written by the reader thread only; read after it has stopped
    Map<String, Long> sentAt = new ConcurrentHashMap<>();
    // -Dbench.stateRoot=DIR puts this phase's state stores elsewhere (e.g. /dev/shm), to tell the
    // scorer's own disk from the broker's in the first seconds (RocksDB segments are created then).
    Path stateDir =
        Files.createTempDirectory(
            Path.of(System.getProperty("bench.stateRoot", System.getProperty("java.io.tmpdir"))),
            "srl-bench-state-");
    long sent = 0;
    double elapsed;
    long t0;
    try (ScorerService scorer =
        ScorerService.start(
            settings("bench-" + tag, stateDir, 1, topics, overrides), Duration.ofSeconds(60))) {
      TopicReader reader =
          new TopicReader(
              bootstrap,
              topics.stepRewards(),
              true,
              Long.MAX_VALUE,
              record -> {
                long now = System.nanoTime();
                String id = rewardSerde.deserialize(record.topic(), record.value()).getRolloutId();
                Long at = sentAt.remove(id);
                if (at != null && received[0] < latencies.length) {
                  sentAtOf[received[0]] = at;
                  latencies[received[0]++] = now - at;
                }
              });
      try (KafkaProducer<byte[], byte[]> producer = producer("latency-" + tag)) {
        reader.awaitReady();
        producer.partitionsFor(topics.rolloutSteps());
        AtomicReference<Exception> failure = new AtomicReference<>();
        Callback callback = callback(failure);
        t0 = System.nanoTime();
        long end = t0 + seconds * 1_000_000_000L;
        List<RolloutStep[]> groups = workload.groups;
        while (true) {
          long now = System.nanoTime();
          if (now >= end) {
            break;
          }
          long due = (long) ((now - t0) / 1e9 * rate);
          while (sent < due) {
            // Rollouts go out group by group, as an actor samples them; building and encoding a
            // record takes microseconds and happens before the stamp.
            RolloutStep base =
                groups
                    .get((int) ((sent / Workload.GROUP_SIZE) % groups.size()))[
                    (int) (sent % Workload.GROUP_SIZE)];
            RolloutStep r = Workload.renamed(base, tag, sent, Instant.now());
            byte[] value = rolloutSerde.serialize(topics.rolloutSteps(), r);
            sentAt.put(r.getRolloutId(), System.nanoTime());
            producer.send(
                new ProducerRecord<>(
                    topics.rolloutSteps(),
                    r.getInstanceId().getBytes(StandardCharsets.UTF_8),
                    value),
                callback);
            sent++;
          }
          LockSupport.parkNanos(200_000);
        }
        elapsed = (System.nanoTime() - t0) / 1e9;
        producer.flush();
        throwIfFailed(failure, topics.rolloutSteps());
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (!sentAt.isEmpty() && System.nanoTime() < deadline) {
          Thread.sleep(50);
        }
      } finally {
        reader.close();
      }
    } finally {
      deleteRecursively(stateDir);
    }
    if (Boolean.getBoolean("bench.timeline")) {
      printTimeline(t0, sentAtOf, latencies, received[0]);
    }
    long[] sorted = Arrays.copyOf(latencies, received[0]);
    Arrays.sort(sorted);
    // The p99 of the rollouts sent in each second, to show whether the tail is spread or bunched.
    double[] p99BySecond = new double[(int) seconds];
    for (int second = 0; second < seconds; second++) {
      long from = t0 + second * 1_000_000_000L;
      long to = from + 1_000_000_000L;
      long[] inSecond = new long[received[0]];
      int n = 0;
      for (int i = 0; i < received[0]; i++) {
        if (sentAtOf[i] >= from && sentAtOf[i] < to) {
          inSecond[n++] = latencies[i];
        }
      }
      long[] bucket = Arrays.copyOf(inSecond, n);
      Arrays.sort(bucket);
      p99BySecond[second] =
          n == 0 ? Double.NaN : bucket[Math.max(0, (int) Math.ceil(0.99 * n) - 1)] / 1e6;
    }
    long commitMs = effectiveCommitInterval(overrides);
    return new Latency(commitMs, note, rate, sent / elapsed, sent, sorted, p99BySecond);
  }

  /**
   * -Dbench.timeline=true: the first 6 s of a latency phase in steps of 100 ms, on stderr: the
   * rewards read in each step and the largest latency among them, with the wall-clock time of the
   * first send, to line up with broker and Streams logs (LOGBACK). Rewards come in bursts, one per
   * committed transaction, so the gaps show where commits stalled.
   */
  private static void printTimeline(long t0, long[] sentAt, long[] latencies, int count) {
    int steps = 60;
    long[] read = new long[steps];
    long[] largest = new long[steps];
    for (int i = 0; i < count; i++) {
      int step = (int) ((sentAt[i] + latencies[i] - t0) / 100_000_000L);
      if (step >= 0 && step < steps) {
        read[step]++;
        largest[step] = Math.max(largest[step], latencies[i]);
      }
    }
    StringBuilder out =
        new StringBuilder(
            "[timeline] first send at "
                + Instant.now().minusNanos(System.nanoTime() - t0)
                + System.lineSeparator());
    for (int step = 0; step < steps; step++) {
      out.append(
          String.format(
              Locale.ROOT,
              "[timeline] %4d ms: %5d rewards read, largest latency %6.0f ms%n",
              step * 100,
              read[step],
              largest[step] / 1e6));
    }
    System.err.print(out);
  }

  // ---------------------------------------------------------------------------------------------
  // Helpers

  /** The producer of every phase: configured as the scorer's input side would be. */
  private KafkaProducer<byte[], byte[]> producer(String name) {
    Map<String, Object> config = new HashMap<>();
    config.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    config.put(ProducerConfig.CLIENT_ID_CONFIG, "bench-producer-" + name);
    config.put(ProducerConfig.ACKS_CONFIG, "all");
    config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    config.put(ProducerConfig.LINGER_MS_CONFIG, options.lingerMs());
    config.put(ProducerConfig.BATCH_SIZE_CONFIG, 256 * 1024);
    return new KafkaProducer<>(config, new ByteArraySerializer(), new ByteArraySerializer());
  }

  private void sendAll(
      KafkaProducer<byte[], byte[]> producer,
      String topic,
      int count,
      AtomicReference<Exception> failure) {
    Callback callback = callback(failure);
    for (int i = 0; i < count; i++) {
      producer.send(new ProducerRecord<>(topic, keys[i], values[i]), callback);
    }
  }

  private static Callback callback(AtomicReference<Exception> failure) {
    return (metadata, e) -> {
      if (e != null) {
        failure.compareAndSet(null, e);
      }
    };
  }

  private static void throwIfFailed(AtomicReference<Exception> failure, String topic) {
    if (failure.get() != null) {
      throw new IllegalStateException(
          "producing to " + topic + " failed: " + failure.get(), failure.get());
    }
  }

  private void produceExperts(String topic) throws Exception {
    AvroSerde<ExpertStep> serde = new AvroSerde<>(ExpertStep.class, registry);
    AtomicReference<Exception> failure = new AtomicReference<>();
    try (KafkaProducer<byte[], byte[]> producer = producer("experts-" + topic)) {
      for (ExpertStep e : workload.experts) {
        producer.send(
            new ProducerRecord<>(
                topic,
                e.getInstanceId().getBytes(StandardCharsets.UTF_8),
                serde.serialize(topic, e)),
            callback(failure));
      }
      producer.flush();
    }
    throwIfFailed(failure, topic);
  }

  /**
   * Registers the rollout schema under the topic's subject. Schema ids are global, so the bytes
   * serialized once before the run are valid on every phase's topic; this checks that they are.
   */
  private void registerSubject(String topic) {
    int id = registry.register(topic + "-value", RolloutStep.getClassSchema());
    int inBytes = WireFormat.schemaId(values[0], topic);
    if (id != inBytes) {
      throw new IllegalStateException(
          "the rollout schema has id " + id + " under " + topic + " but " + inBytes + " in bytes");
    }
  }

  private ScorerService.Settings settings(
      String applicationId,
      Path stateDir,
      int threads,
      ScorerTopics topics,
      Map<String, String> overrides) {
    return new ScorerService.Settings(
        bootstrap,
        registryUrl,
        applicationId,
        stateDir,
        threads,
        ScorerConfig.DEFAULTS,
        topics,
        overrides);
  }

  /**
   * Bytes in the broker's log segments of the topics a phase wrote (its changelogs included), by
   * topic name with the first of {@code prefixes} it starts with removed.
   */
  private Map<String, Long> logBytes(
      java.util.function.Predicate<String> phaseTopic, String... prefixes) {
    Map<String, Long> bytes = new java.util.TreeMap<>();
    try (Stream<Path> files = Files.walk(brokerDataDir, 2)) {
      for (Path file : files.filter(f -> f.toString().endsWith(".log")).toList()) {
        String dir = file.getParent().getFileName().toString();
        String topic = dir.substring(0, dir.lastIndexOf('-'));
        if (!phaseTopic.test(topic)) {
          continue;
        }
        String name = topic;
        for (String prefix : prefixes) {
          if (!prefix.isEmpty() && topic.startsWith(prefix)) {
            name = topic.substring(prefix.length());
            break;
          }
        }
        bytes.merge(name, Files.size(file), Long::sum);
      }
    } catch (IOException | java.io.UncheckedIOException e) {
      progress("could not size the broker's log: %s", e);
    }
    return bytes;
  }

  /** The commit interval Kafka Streams will use with exactly_once_v2 and these overrides. */
  private static long effectiveCommitInterval(Map<String, String> overrides) {
    Properties props = new Properties();
    props.put(StreamsConfig.APPLICATION_ID_CONFIG, "commit-interval-probe");
    props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "127.0.0.1:9");
    props.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
    props.putAll(overrides);
    return new StreamsConfig(props).getLong(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG);
  }

  /** Groups among the first {@code count} rollouts (whole groups) whose actions are identical. */
  private long countAlike(int count) {
    // sendOrder interleaves groups only within windows, so the first count/8 groups are sent whole
    // whenever count is a multiple of the window; the warm-up and the default runs are.
    return alikePrefix[Math.min(alikePrefix.length - 1, count / Workload.GROUP_SIZE)];
  }

  private static String action(RolloutStep r) {
    String text = r.getResponseText();
    int close = text.indexOf("</think>");
    return close < 0 ? "malformed:" + r.getRolloutId() : text.substring(close + 8);
  }

  static ScorerTopics scorerTopics(String tag) {
    String p = "bench." + tag + ".";
    return new ScorerTopics(
        p + "rollout-steps",
        p + "expert-steps",
        p + "step-rewards",
        p + "training-groups",
        p + "dead-letters");
  }

  /** The topics of every phase, shaped like the catalogue's. */
  private static List<TopicSpec<?>> allTopics(Options options) {
    List<String> tags = new ArrayList<>(List.of("warmup", "pt", "lat-default", "lat-c50"));
    options.threads().forEach(t -> tags.add("s" + t));
    List<TopicSpec<?>> specs = new ArrayList<>();
    for (String raw : List.of("bench.raw-warmup", "bench.raw", "bench.raw-2")) {
      specs.add(renamed(Topics.ROLLOUT_STEPS, raw));
    }
    for (String tag : tags) {
      ScorerTopics t = scorerTopics(tag);
      specs.add(renamed(Topics.ROLLOUT_STEPS, t.rolloutSteps()));
      specs.add(renamed(Topics.EXPERT_STEPS, t.expertSteps()));
      specs.add(renamed(Topics.STEP_REWARDS, t.stepRewards()));
      specs.add(renamed(Topics.TRAINING_GROUPS, t.trainingGroups()));
      specs.add(renamed(Topics.DEAD_LETTERS, t.deadLetters()));
    }
    return specs;
  }

  private static <V extends org.apache.avro.specific.SpecificRecord> TopicSpec<V> renamed(
      TopicSpec<V> spec, String name) {
    return new TopicSpec<>(
        name,
        spec.valueType(),
        spec.keyField(),
        spec.partitions(),
        spec.cleanupPolicy(),
        spec.retention(),
        spec.maxMessageBytes());
  }

  // ---------------------------------------------------------------------------------------------
  // Output

  private void printFacts(String loadAtStart) {
    Runtime rt = Runtime.getRuntime();
    long[] sizes = Arrays.stream(values).mapToLong(v -> v.length).sorted().toArray();
    long total = Arrays.stream(sizes).sum();
    System.out.println();
    System.out.println("## scorer benchmark");
    System.out.println();
    System.out.printf(
        Locale.ROOT,
        "machine: %d cores (%s), %s %s %s, %.1f GiB RAM; load average at start %s%n",
        rt.availableProcessors(),
        cpuModel(),
        System.getProperty("os.name"),
        System.getProperty("os.version"),
        System.getProperty("os.arch"),
        ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                .getTotalMemorySize()
            / (1024.0 * 1024 * 1024),
        loadAtStart);
    System.out.printf(
        Locale.ROOT,
        "java: %s (%s %s), max heap %d MiB, args %s%n",
        System.getProperty("java.version"),
        System.getProperty("java.vm.name"),
        System.getProperty("java.vm.version"),
        rt.maxMemory() / (1024 * 1024),
        ManagementFactory.getRuntimeMXBean().getInputArguments());
    System.out.printf(
        Locale.ROOT,
        "workload: %d rollout steps in %d groups of 8 over %d instances (seed %d), %d groups with"
            + " 8 identical actions (%d made so, the rest by chance); values %d B mean, %d-%d B"
            + " (p50 %d), %.1f MiB in all%n",
        values.length,
        alikePrefix.length - 1,
        options.instances(),
        options.seed(),
        countAlike(values.length),
        workload.allAlikeGroups,
        total / values.length,
        sizes[0],
        sizes[sizes.length - 1],
        sizes[sizes.length / 2],
        total / (1024.0 * 1024));
    System.out.printf(
        Locale.ROOT,
        "broker: embedded, 127.0.0.1, 6 partitions per data topic; producer: acks=all,"
            + " idempotent, linger.ms=%d, batch.size=262144, no compression%n",
        options.lingerMs());
    System.out.println();
  }

  private void printResults(Throughput raw, Throughput rawAgain, List<Throughput> scorers) {
    System.out.println();
    System.out.println("### throughput (first send -> last record/reward read)");
    System.out.println();
    System.out.println(
        "| phase | records | seconds | records/s | vs raw | vs raw again | produce s | process"
            + " CPU s |");
    System.out.println("|---|---:|---:|---:|---:|---:|---:|---:|");
    List<Throughput> rows = new ArrayList<>();
    rows.add(raw);
    rows.addAll(scorers);
    rows.add(rawAgain);
    for (Throughput t : rows) {
      System.out.printf(
          Locale.ROOT,
          "| %s | %s | %.2f | %,.0f | %.0f%% | %.0f%% | %.2f | %.1f |%n",
          t.phase().startsWith("bench.raw-2")
              ? "raw again (" + t.phase() + ")"
              : t.phase().startsWith("bench.raw") ? "raw (" + t.phase() + ")" : t.phase(),
          t.complete()
              ? String.format(Locale.ROOT, "%,d", t.received())
              : String.format(Locale.ROOT, "TIMEOUT %,d of %,d", t.received(), t.expected()),
          t.seconds(),
          t.perSecond(),
          100 * t.perSecond() / raw.perSecond(),
          100 * t.perSecond() / rawAgain.perSecond(),
          t.produceSeconds(),
          t.cpu().get("process"));
    }
    System.out.println();
    for (Throughput t : scorers) {
      System.out.printf(
          Locale.ROOT,
          "%s: %s; ratio to raw %.0f%% (target >= %.0f%%: %s)%n",
          t.phase(),
          t.checks(),
          100 * t.perSecond() / raw.perSecond(),
          100 * THROUGHPUT_TARGET,
          t.perSecond() >= THROUGHPUT_TARGET * raw.perSecond() ? "met" : "MISSED");
    }
    System.out.println();
    System.out.println("CPU seconds by thread group during each timed phase:");
    for (Throughput t : rows) {
      StringBuilder line = new StringBuilder("  " + t.phase() + ":");
      t.cpu().forEach((group, s) -> line.append(String.format(Locale.ROOT, " %s %.2f;", group, s)));
      System.out.println(line);
    }
    System.out.println();
    System.out.println("Kafka Streams thread metrics during each timed phase:");
    for (Throughput t : rows) {
      if (!t.threadMetrics().isEmpty()) {
        System.out.println("  " + t.phase() + ": " + t.threadMetrics());
      }
    }
    System.out.println();
    System.out.println("CPU microseconds per record by thread group during each timed phase:");
    for (Throughput t : rows) {
      StringBuilder line = new StringBuilder("  " + t.phase() + ":");
      double n = Math.max(1, t.received());
      t.cpu()
          .forEach(
              (group, s) ->
                  line.append(String.format(Locale.ROOT, " %s %.1f;", group, s * 1e6 / n)));
      System.out.println(line);
    }

    System.out.println();
    System.out.println(
        "Bytes the broker logged for each phase's topics (MiB; changelogs included):");
    for (Throughput t : rows) {
      long total = t.logBytes().values().stream().mapToLong(Long::longValue).sum();
      StringBuilder line =
          new StringBuilder(
              String.format(Locale.ROOT, "  %s: %.1f in all =", t.phase(), total / 1048576.0));
      t.logBytes().entrySet().stream()
          .sorted(Map.Entry.<String, Long>comparingByValue().reversed())
          .forEach(
              e ->
                  line.append(
                      String.format(
                          Locale.ROOT, " %s %.1f;", e.getKey(), e.getValue() / 1048576.0)));
      System.out.println(line);
    }
  }

  private void printLatencies(List<Latency> latencies, String rate) {
    System.out.println();
    System.out.printf(
        Locale.ROOT,
        "### reward latency (send -> committed reward read), scorer 1 thread, %d s %s%n",
        options.latencySeconds(),
        rate);
    System.out.println();
    System.out.println(
        "| commit.interval.ms | rate target / achieved | rewards | p50 ms | p95 ms | p99 ms | max"
            + " ms | p99 <= 250 ms |");
    System.out.println("|---|---:|---:|---:|---:|---:|---:|---|");
    for (Latency l : latencies) {
      double p99 = l.percentileMs(0.99);
      System.out.printf(
          Locale.ROOT,
          "| %d (%s) | %,.0f / %,.0f | %,d of %,d | %.1f | %.1f | %.1f | %.1f | %s |%n",
          l.commitIntervalMs(),
          l.commitNote(),
          l.targetRate(),
          l.achievedRate(),
          l.sortedNanos().length,
          l.sent(),
          l.percentileMs(0.50),
          l.percentileMs(0.95),
          p99,
          l.percentileMs(1.0),
          p99 <= P99_TARGET_MS ? "met" : "MISSED");
    }
    System.out.println();
    for (Latency l : latencies) {
      StringBuilder line =
          new StringBuilder(
              String.format(
                  Locale.ROOT,
                  "p99 ms by second of sending, commit.interval.ms=%d:",
                  l.commitIntervalMs()));
      for (double p : l.p99BySecondMs()) {
        line.append(String.format(Locale.ROOT, " %.0f", p));
      }
      System.out.println(line);
    }
  }

  private static void printWallTime(long startNanos) {
    System.out.println();
    System.out.printf(
        Locale.ROOT,
        "wall time %.0f s; load average at end %s%n",
        (System.nanoTime() - startNanos) / 1e9,
        loadAverage());
  }

  /** -Dbench.brokerOverrides=k=v,k=v: broker properties for the benchmark's embedded broker. */
  private static BrokerConfig brokerConfig() {
    BrokerConfig config = BrokerConfig.ephemeral();
    for (Map.Entry<String, String> e :
        Options.parseOverrides(System.getProperty("bench.brokerOverrides", "")).entrySet()) {
      config = config.withOverride(e.getKey(), e.getValue());
    }
    return config;
  }

  private static String loadAverage() {
    try {
      String[] parts = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
      return parts[0] + " " + parts[1] + " " + parts[2];
    } catch (IOException e) {
      return String.format(
          Locale.ROOT, "%.2f", ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
    }
  }

  private static String cpuModel() {
    try (Stream<String> lines = Files.lines(Path.of("/proc/cpuinfo"))) {
      return lines
          .filter(l -> l.startsWith("model name"))
          .map(l -> l.substring(l.indexOf(':') + 1).trim())
          .findFirst()
          .orElse("unknown CPU");
    } catch (IOException e) {
      return "unknown CPU";
    }
  }

  private static void progress(String format, Object... args) {
    System.err.printf(
        Locale.ROOT,
        "[bench] %s " + format + "%n",
        Stream.concat(Stream.of(java.time.LocalTime.now().withNano(0)), Arrays.stream(args))
            .toArray());
  }

  private static void deleteRecursively(Path path) {
    try (Stream<Path> paths = Files.walk(path)) {
      for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    } catch (IOException e) {
      progress("could not delete %s: %s", path, e);
    }
  }
}
