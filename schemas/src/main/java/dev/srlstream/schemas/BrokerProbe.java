package dev.srlstream.schemas;

import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.DescribeClusterOptions;

/**
 * Whether a service can reach its Kafka cluster, for its {@code /health}: a background thread asks
 * the cluster for its id every {@code interval}, and the service counts as cut off once no answer
 * has come for {@code grace}. Kafka's clients retry on their own while the broker is gone, so
 * nothing else in a service notices: a consumer keeps its assignment, Kafka Streams stays RUNNING.
 */
public final class BrokerProbe implements AutoCloseable {

  /** How often the cluster is asked. */
  public static final Duration DEFAULT_INTERVAL = Duration.ofSeconds(2);

  /**
   * How long without an answer before a service is not ready: longer than a broker's restart or a
   * leader election (seconds), short enough for an orchestrator to notice a real outage.
   */
  public static final Duration DEFAULT_GRACE = Duration.ofSeconds(15);

  private final Admin admin;
  private final ScheduledExecutorService probes;
  private final Duration grace;
  private final LongSupplier nanoClock;
  private volatile long lastAnswerNanos;
  private final AtomicLong answers = new AtomicLong();

  private BrokerProbe(
      Admin admin, Duration interval, Duration grace, LongSupplier nanoClock, String name) {
    this.admin = admin;
    this.grace = grace;
    this.nanoClock = nanoClock;
    // Reachable until shown otherwise: a service starting up has just talked to the cluster.
    this.lastAnswerNanos = nanoClock.getAsLong();
    this.probes =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, name + "-broker-probe");
              t.setDaemon(true);
              return t;
            });
    long millis = interval.toMillis();
    probes.scheduleWithFixedDelay(this::probe, 0, millis, TimeUnit.MILLISECONDS);
  }

  /**
   * Starts probing {@code bootstrapServers}.
   *
   * @param clientProperties the service's client settings (security, for example): those an Admin
   *     client knows are used; may be empty
   * @param name names the probe's thread and client
   */
  public static BrokerProbe start(
      String bootstrapServers, Map<String, Object> clientProperties, String name) {
    return start(bootstrapServers, clientProperties, name, DEFAULT_INTERVAL, DEFAULT_GRACE);
  }

  /** Starts probing with the given interval and grace. */
  public static BrokerProbe start(
      String bootstrapServers,
      Map<String, Object> clientProperties,
      String name,
      Duration interval,
      Duration grace) {
    Objects.requireNonNull(bootstrapServers, "bootstrapServers");
    if (interval.isNegative() || interval.isZero() || grace.compareTo(interval) <= 0) {
      throw new IllegalArgumentException(
          "the grace must be longer than the interval, and both positive, but were "
              + grace
              + " and "
              + interval);
    }
    Map<String, Object> props = AdminSettings.of(bootstrapServers, clientProperties);
    props.put(AdminClientConfig.CLIENT_ID_CONFIG, name + "-broker-probe");
    int timeout = (int) Math.min(Integer.MAX_VALUE, interval.toMillis());
    props.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, timeout);
    props.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, timeout);
    return new BrokerProbe(Admin.create(props), interval, grace, System::nanoTime, name);
  }

  private void probe() {
    try {
      admin
          .describeCluster(new DescribeClusterOptions().timeoutMs((int) grace.toMillis()))
          .clusterId()
          .get(grace.toMillis(), TimeUnit.MILLISECONDS);
      lastAnswerNanos = nanoClock.getAsLong();
      answers.incrementAndGet();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (Exception e) {
      // No answer: the time since the last one grows until the cluster is back.
    }
  }

  /** How many times the cluster has answered. */
  public long answers() {
    return answers.get();
  }

  /** Whether the cluster answered within the grace (or the probe started within it). */
  public boolean reachable() {
    return sinceLastAnswer().compareTo(grace) <= 0;
  }

  /** The time since the cluster last answered (since the start, before the first answer). */
  public Duration sinceLastAnswer() {
    return Duration.ofNanos(nanoClock.getAsLong() - lastAnswerNanos);
  }

  @Override
  public void close() {
    probes.shutdownNow();
    admin.close(Duration.ofSeconds(1));
  }
}
