package dev.srlstream.infra.kafka;

import dev.srlstream.schemas.TopicSpec;
import dev.srlstream.schemas.WarmupRecords;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListTopicsOptions;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.RecordsToDelete;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.RetriableException;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Creates topics that do not exist yet, on any Kafka cluster, and warms up every partition it
 * creates.
 *
 * <p><b>Why a warm-up (KAFKA-15591).</b> Up to Kafka 4.4, producing with an idempotent producer
 * right after a topic is created can lose records silently: the broker answers {@code
 * OUT_OF_ORDER_SEQUENCE_NUMBER}, the producer stalls for up to two minutes and drops the batch. The
 * bug is fixed only in Kafka 4.5. What held in every run measured here: send one record to every
 * new partition, synchronously, with a <em>non</em>-idempotent producer, before any service
 * produces in bulk. So after creating a topic this class sends warm-up records to every partition
 * (key {@value WarmupRecords#KEY}, null value, header {@value WarmupRecords#HEADER}{@code =1}) and
 * retries each until the broker has acknowledged it.
 *
 * <p><b>Why two of them.</b> The first carries a padding header larger than Kafka's default {@code
 * index.interval.bytes} (4 KiB), so the second one's append writes the partition's first offset-
 * and time-index entries. A new segment's index files are sparse memory-mapped files and the first
 * write to a page faults a block in (1.5 ms a page on this project's machines when idle, far more
 * beside a busy broker); done here, it is not done in the first seconds of the services, where it
 * held up the scorer's transaction markers (README, "A fresh scorer's first seconds").
 *
 * <p><b>Who sees the warm-up records.</b> On a topic whose {@code cleanup.policy} includes {@code
 * delete}, they are removed right away with {@code Admin.deleteRecords} (the log start offset moves
 * past them), so no consumer ever sees them. A compacted topic cannot delete records: there the
 * warm-up records stay as tombstones until compaction removes them, and <b>consumers of compacted
 * topics must skip records for which {@link WarmupRecords#isWarmup} is true</b> (a table built from
 * the topic may also just apply them: they delete the key {@value WarmupRecords#KEY}, which never
 * holds data).
 *
 * <p>A topic that already exists is left as it is; if its partition count differs from the one
 * asked for, a warning is logged (changing partition counts moves keys between partitions, so that
 * is an operator's decision, never done here).
 */
public final class TopicProvisioner {

  /**
   * As a replication factor: the cluster's own default ({@code default.replication.factor}), one on
   * the single-node embedded broker and three on the three-node one.
   */
  public static final short CLUSTER_DEFAULT = -1;

  private static final Duration ADMIN_TIMEOUT = Duration.ofSeconds(30);
  private static final Duration WARMUP_TIMEOUT = Duration.ofSeconds(60);

  /** Bytes of padding on the first warm-up record: past the default index.interval.bytes. */
  static final int WARMUP_PADDING_BYTES = 4096 + 1024;

  private static final Logger log = LoggerFactory.getLogger(TopicProvisioner.class);

  private TopicProvisioner() {}

  /** What to create: a name, a partition count and topic-level configuration. */
  private record Plan(String name, int partitions, Map<String, String> config) {

    /** Whether records can be deleted from the topic ({@code cleanup.policy} includes delete). */
    boolean deletable() {
      String policy = config.getOrDefault("cleanup.policy", "delete");
      return Arrays.stream(policy.split(",")).map(String::trim).anyMatch("delete"::equals);
    }
  }

  /**
   * Creates the topics that do not exist yet with the cluster's default replication factor and
   * warms them up.
   *
   * @return the names of the topics this call created, in the order given
   */
  public static List<String> provision(Admin admin, Collection<? extends TopicSpec<?>> topics) {
    return provision(admin, topics, CLUSTER_DEFAULT);
  }

  /**
   * Creates the topics that do not exist yet with the given replication factor and warms them up.
   *
   * @return the names of the topics this call created, in the order given
   */
  public static List<String> provision(
      Admin admin, Collection<? extends TopicSpec<?>> topics, short replicationFactor) {
    return provision(admin, topics, replicationFactor, Map.of());
  }

  /**
   * Creates the topics that do not exist yet with the given replication factor and warms them up.
   * With three replicas or more, a topic also asks for two in sync ({@code min.insync.replicas=2}),
   * so a write acknowledged with {@code acks=all} survives the loss of a broker.
   *
   * @param clientConfig extra settings for the warm-up producer, such as the security settings of
   *     an external cluster; {@code bootstrap.servers} defaults to the brokers the admin client
   *     sees. The settings the warm-up depends on (no idempotence, one request in flight, {@code
   *     acks=all}) always win.
   * @return the names of the topics this call created, in the order given
   * @throws IllegalArgumentException if the replication factor is below 1 (and not {@link
   *     #CLUSTER_DEFAULT}) or a name is given twice
   * @throws IllegalStateException if the cluster refuses a topic, does not answer within 30 s, or
   *     does not acknowledge a warm-up record within 60 s (topics created before the failure stay;
   *     a later call does not warm them up again, so a failed call is best followed by deleting
   *     them)
   */
  public static List<String> provision(
      Admin admin,
      Collection<? extends TopicSpec<?>> topics,
      short replicationFactor,
      Map<String, Object> clientConfig) {
    List<Plan> plans =
        topics.stream().map(t -> new Plan(t.name(), t.partitions(), t.topicConfig())).toList();
    return ensure(admin, plans, replicationFactor, clientConfig);
  }

  /**
   * Creates a compacted topic of one partition ({@code cleanup.policy=compact}) if it does not
   * exist, with the cluster's default replication factor, and warms it up; the schema registry
   * keeps {@code _schemas} in such a topic. Its reader must skip the warm-up record ({@link
   * WarmupRecords#isWarmup}).
   *
   * @return true if this call created the topic
   */
  public static boolean ensureCompactedTopic(Admin admin, String name) {
    return ensureCompactedTopic(admin, name, CLUSTER_DEFAULT, Map.of());
  }

  /**
   * Creates a compacted topic of one partition if it does not exist, and warms it up.
   *
   * @param clientConfig extra settings for the warm-up producer (see {@link #provision(Admin,
   *     Collection, short, Map)})
   * @return true if this call created the topic
   */
  public static boolean ensureCompactedTopic(
      Admin admin, String name, short replicationFactor, Map<String, Object> clientConfig) {
    Plan plan = new Plan(name, 1, Map.of("cleanup.policy", "compact"));
    return !ensure(admin, List.of(plan), replicationFactor, clientConfig).isEmpty();
  }

  private static List<String> ensure(
      Admin admin, List<Plan> plans, short replicationFactor, Map<String, Object> clientConfig) {
    if (replicationFactor < 1 && replicationFactor != CLUSTER_DEFAULT) {
      throw new IllegalArgumentException(
          "replicationFactor must be >= 1, but was " + replicationFactor);
    }
    Set<String> seen = new HashSet<>();
    for (Plan plan : plans) {
      if (!seen.add(plan.name())) {
        throw new IllegalArgumentException(
            "topic names must be unique, but '" + plan.name() + "' was given twice");
      }
    }

    Set<String> existing =
        await(
            admin.listTopics(new ListTopicsOptions().listInternal(true)).names(), "listing topics");
    List<Plan> missing = plans.stream().filter(p -> !existing.contains(p.name())).toList();
    List<Plan> present =
        new ArrayList<>(plans.stream().filter(p -> existing.contains(p.name())).toList());

    List<Plan> created = create(admin, missing, replicationFactor, present);
    warnOnPartitionMismatch(admin, present);
    if (!created.isEmpty()) {
      warmUp(admin, created, clientConfig);
    }
    return created.stream().map(Plan::name).toList();
  }

  /** Creates the missing topics; one created concurrently by someone else moves to present. */
  private static List<Plan> create(
      Admin admin, List<Plan> missing, short replicationFactor, List<Plan> present) {
    if (missing.isEmpty()) {
      return List.of();
    }
    Optional<Short> replicas =
        replicationFactor == CLUSTER_DEFAULT ? Optional.empty() : Optional.of(replicationFactor);
    List<NewTopic> newTopics =
        missing.stream()
            .map(
                p ->
                    new NewTopic(p.name(), Optional.of(p.partitions()), replicas)
                        .configs(withMinInSync(p.config(), replicationFactor)))
            .toList();
    Map<String, KafkaFuture<Void>> results = admin.createTopics(newTopics).values();
    List<Plan> created = new ArrayList<>();
    for (Plan plan : missing) {
      try {
        results.get(plan.name()).get(ADMIN_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        created.add(plan);
        log.info(
            "Created topic {} ({} partitions, replication factor {}, {})",
            plan.name(),
            plan.partitions(),
            replicationFactor == CLUSTER_DEFAULT ? "of the cluster" : replicationFactor,
            plan.config());
      } catch (ExecutionException e) {
        if (e.getCause() instanceof TopicExistsException) {
          log.info("Topic {} was created concurrently by another client", plan.name());
          present.add(plan);
        } else {
          throw failure("creating topic " + plan.name(), e.getCause());
        }
      } catch (TimeoutException e) {
        throw failure("creating topic " + plan.name(), e);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw failure("creating topic " + plan.name(), e);
      }
    }
    return created;
  }

  /** Two replicas in sync once there are three: what survives the loss of a broker. */
  private static Map<String, String> withMinInSync(Map<String, String> config, short replicas) {
    if (replicas < 3 || config.containsKey("min.insync.replicas")) {
      return config;
    }
    Map<String, String> more = new HashMap<>(config);
    more.put("min.insync.replicas", "2");
    return more;
  }

  private static void warnOnPartitionMismatch(Admin admin, List<Plan> present) {
    if (present.isEmpty()) {
      return;
    }
    Map<String, TopicDescription> descriptions =
        await(
            admin.describeTopics(present.stream().map(Plan::name).toList()).allTopicNames(),
            "describing existing topics");
    for (Plan plan : present) {
      int actual = descriptions.get(plan.name()).partitions().size();
      if (actual != plan.partitions()) {
        log.warn(
            "Topic {} exists with {} partitions, but the catalogue asks for {}; left unchanged",
            plan.name(),
            actual,
            plan.partitions());
      }
    }
  }

  /**
   * Sends two warm-up records to every partition of the created topics, then deletes them where the
   * cleanup policy allows (see the class comment: KAFKA-15591 and the first index entries).
   */
  private static void warmUp(Admin admin, List<Plan> created, Map<String, Object> clientConfig) {
    Map<TopicPartition, RecordsToDelete> toDelete = new LinkedHashMap<>();
    try (Producer<String, byte[]> producer =
        new KafkaProducer<>(
            warmupProducerConfig(admin, clientConfig),
            new StringSerializer(),
            new ByteArraySerializer())) {
      Map<TopicPartition, Plan> partitions = new LinkedHashMap<>();
      for (Plan plan : created) {
        for (int partition = 0; partition < plan.partitions(); partition++) {
          partitions.put(new TopicPartition(plan.name(), partition), plan);
        }
      }
      // The first record, padded, to one partition at a time (KAFKA-15591: each acknowledged
      // before the next is sent).
      for (TopicPartition tp : partitions.keySet()) {
        sendUntilAcknowledged(producer, tp, WARMUP_PADDING_BYTES);
      }
      // The second, which writes the first index entries, to every partition at once: the broker
      // and the producer know every partition by now, so they share produce requests rather than
      // each waiting a round trip (`srl infra up` warmed its 32 partitions in 2.4 s one by one).
      Map<TopicPartition, Future<RecordMetadata>> seconds = new LinkedHashMap<>();
      for (TopicPartition tp : partitions.keySet()) {
        seconds.put(tp, producer.send(warmupRecord(tp, 0)));
      }
      for (Map.Entry<TopicPartition, Future<RecordMetadata>> second : seconds.entrySet()) {
        TopicPartition tp = second.getKey();
        long offset = offsetOrResend(second.getValue(), producer, tp);
        if (partitions.get(tp).deletable()) {
          toDelete.put(tp, RecordsToDelete.beforeOffset(offset + 1));
        }
      }
    }
    if (!toDelete.isEmpty()) {
      await(admin.deleteRecords(toDelete).all(), "deleting the warm-up records");
    }
    log.debug("Warmed up {} ({} warm-up records deleted)", created, toDelete.size());
  }

  private static Map<String, Object> warmupProducerConfig(
      Admin admin, Map<String, Object> clientConfig) {
    Map<String, Object> config = new HashMap<>(clientConfig);
    config.remove(ProducerConfig.TRANSACTIONAL_ID_CONFIG);
    if (!config.containsKey(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG)) {
      Collection<Node> nodes = await(admin.describeCluster().nodes(), "describing the cluster");
      config.put(
          ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
          nodes.stream().map(n -> n.host() + ":" + n.port()).collect(Collectors.joining(",")));
    }
    config.putIfAbsent(ProducerConfig.CLIENT_ID_CONFIG, "srl-topic-warmup");
    // The point of the warm-up: no idempotent producer state, one request at a time, all replicas.
    config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, false);
    config.put(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, 1);
    config.put(ProducerConfig.ACKS_CONFIG, "all");
    config.put(ProducerConfig.LINGER_MS_CONFIG, 0);
    // One attempt is bounded by these; sendUntilAcknowledged retries a timed-out attempt.
    config.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000);
    config.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 15_000);
    config.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 15_000);
    return config;
  }

  /** A warm-up record to one partition with {@code paddingBytes} of padding header. */
  private static ProducerRecord<String, byte[]> warmupRecord(TopicPartition tp, int paddingBytes) {
    List<Header> headers = new ArrayList<>();
    headers.add(new RecordHeader(WarmupRecords.HEADER, WarmupRecords.headerValue()));
    if (paddingBytes > 0) {
      headers.add(new RecordHeader(WarmupRecords.HEADER + ".padding", new byte[paddingBytes]));
    }
    return new ProducerRecord<>(tp.topic(), tp.partition(), null, WarmupRecords.KEY, null, headers);
  }

  /**
   * The offset of a warm-up record sent without waiting; if it failed, the record is sent again as
   * {@link #sendUntilAcknowledged} does. (Should the failed one have been written after all, the
   * partition holds one warm-up record more, deleted or skipped as the others are.)
   */
  private static long offsetOrResend(
      Future<RecordMetadata> sent, Producer<String, byte[]> producer, TopicPartition tp) {
    try {
      return sent.get().offset();
    } catch (ExecutionException e) {
      log.info("Warm-up of {} not acknowledged, sending it again: {}", tp, e.getCause().toString());
      return sendUntilAcknowledged(producer, tp, 0);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw failure("warming up " + tp, e);
    }
  }

  /**
   * Sends a warm-up record with {@code paddingBytes} of padding header to one partition until the
   * broker acknowledges it (bounded); returns its offset.
   */
  private static long sendUntilAcknowledged(
      Producer<String, byte[]> producer, TopicPartition tp, int paddingBytes) {
    ProducerRecord<String, byte[]> record = warmupRecord(tp, paddingBytes);
    long deadline = System.nanoTime() + WARMUP_TIMEOUT.toNanos();
    for (int attempt = 1; ; attempt++) {
      Exception failure;
      try {
        return producer.send(record).get().offset();
      } catch (ExecutionException e) {
        failure = e.getCause() instanceof Exception cause ? cause : e;
      } catch (org.apache.kafka.common.errors.TimeoutException e) { // from send(): no metadata
        failure = e;
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw failure("warming up " + tp, e);
      }
      if (!(failure instanceof RetriableException) || System.nanoTime() > deadline) {
        throw failure("warming up " + tp + " (attempt " + attempt + ")", failure);
      }
      log.info(
          "Warm-up of {} not acknowledged yet (attempt {}): {}", tp, attempt, failure.toString());
      sleep(Duration.ofMillis(200));
    }
  }

  private static <T> T await(KafkaFuture<T> future, String what) {
    try {
      return future.get(ADMIN_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (ExecutionException e) {
      throw failure(what, e.getCause());
    } catch (TimeoutException e) {
      throw failure(what + " (no answer within " + ADMIN_TIMEOUT.toSeconds() + " s)", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw failure(what, e);
    }
  }

  private static void sleep(Duration duration) {
    try {
      Thread.sleep(duration.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw failure("waiting to retry the warm-up", e);
    }
  }

  private static IllegalStateException failure(String what, Throwable cause) {
    return new IllegalStateException(what + " failed: " + cause, cause);
  }
}
