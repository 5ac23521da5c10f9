package dev.srlstream.topology;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.FileAppender;
import ch.qos.logback.core.filter.Filter;
import ch.qos.logback.core.spi.FilterReply;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.LoggerFactory;

/**
 * The log of a run ({@code srl train}, {@code srl demo}, one recipe of {@code srl compare}): while
 * it is open, everything the services log at INFO and above (the broker, the Kafka clients and
 * Kafka Streams, the registry, Vert.x, the learner, the actors) goes to {@code logs/srl.log} in the
 * run directory, and the console shows only warnings and errors, so that the status lines stay
 * readable. {@code SRL_LOG_LEVEL} (environment variable or system property), when set, is what the
 * console shows instead, as before: {@code SRL_LOG_LEVEL=INFO} puts the INFO lines back on the
 * console as well.
 *
 * <p>The file is an appender on the root logger, so the services' own threads (which inherit no
 * MDC) log into it like any other. Logs nest: a recipe's log in {@code srl compare} takes over from
 * the comparison's while the recipe runs, and hands back when it closes. The other commands (the
 * services run by hand) never open one and log at INFO to the console as before.
 */
public final class RunLog implements AutoCloseable {
  /** What {@code --help} of the commands that open a run log says about the console. */
  static final String CONSOLE_HELP =
      "The services' log goes to logs/srl.log in the run directory, named by the first line"
          + " printed; the console shows the status lines, warnings and errors"
          + " (SRL_LOG_LEVEL=INFO shows the INFO lines there too).";

  /** The log file, relative to the run directory. */
  public static final String FILE = "logs/srl.log";

  /** What the console shows during a run unless {@code SRL_LOG_LEVEL} says otherwise. */
  static final Level CONSOLE_LEVEL = Level.WARN;

  /**
   * Loggers that logback.xml keeps at WARN for the services run by hand (their INFO lines are many
   * and rarely useful on a console); in a run's file they are wanted.
   */
  private static final List<String> SERVICE_LOGGERS =
      List.of("org.apache.kafka", "kafka", "state.change.logger", "io.vertx");

  /** The Kafka loggers (broker, clients, Streams) among them, by name prefix. */
  private static final List<String> KAFKA_LOGGERS = SERVICE_LOGGERS.subList(0, 3);

  private static final String PATTERN =
      "%d{yyyy-MM-dd HH:mm:ss.SSS} %-5level [%thread] %logger{36} - %msg%n";

  /** The open log that receives events now, or null when no run log is open. */
  private static RunLog current;

  /**
   * What the console shows of the Kafka loggers (the broker, the clients, Kafka Streams) during a
   * run unless {@code SRL_LOG_LEVEL} says otherwise. Their warnings in a run are retried, passing
   * conditions (a leader not yet elected when the embedded broker starts, a metadata refresh) or
   * configuration advice, a dozen lines at every start; the run watches the cluster itself and
   * stops with its reason in summary.json when it does not answer for 30 s. So the console shows
   * their errors only; the run's file keeps the warnings.
   */
  static final Level KAFKA_CONSOLE_LEVEL = Level.ERROR;

  /** The console's threshold while a run log is open; null when none is (console as configured). */
  private static volatile Level consoleThreshold;

  /** The same for the Kafka loggers; null when no run log is open. */
  private static volatile Level kafkaConsoleThreshold;

  private final Path dir;
  private final Path file;
  private final RunLog outer;
  private final LoggerContext context;
  private final FileAppender<ILoggingEvent> appender;
  private final Map<String, Level> savedLevels = new HashMap<>();
  private final Level savedConsoleThreshold;
  private final Level savedKafkaConsoleThreshold;
  private boolean closed;

  private RunLog(
      Path dir,
      Path file,
      RunLog outer,
      LoggerContext context,
      FileAppender<ILoggingEvent> appender,
      Level savedConsoleThreshold,
      Level savedKafkaConsoleThreshold) {
    this.dir = dir;
    this.file = file;
    this.outer = outer;
    this.context = context;
    this.appender = appender;
    this.savedConsoleThreshold = savedConsoleThreshold;
    this.savedKafkaConsoleThreshold = savedKafkaConsoleThreshold;
  }

  /**
   * Opens {@code runDir/logs/srl.log} (creating the directories) and prints its path on {@code
   * say}, as {@code "<command>: log: <file> (...)"}. When the log of {@code runDir} is open already
   * (the demo opens it before its run does), returns a handle whose close does nothing.
   *
   * @param command the prefix of the printed line, e.g. {@code "srl train"}
   */
  static synchronized RunLog open(Path runDir, String command, PrintWriter say) throws IOException {
    Path dir = runDir.toAbsolutePath().normalize();
    if (current != null && current.dir.equals(dir)) {
      return new RunLog(
          dir, current.file, null, null, null, consoleThreshold, kafkaConsoleThreshold);
    }
    Path file = dir.resolve(FILE);
    Files.createDirectories(file.getParent());
    if (!(LoggerFactory.getILoggerFactory() instanceof LoggerContext context)) {
      // Another SLF4J binding (not ours): its configuration decides; nothing to redirect.
      return new RunLog(dir, file, null, null, null, consoleThreshold, kafkaConsoleThreshold);
    }
    // The console goes quiet before the file exists: a line logged once it does (another thread's,
    // as TrainLogsIT's) must not reach the console (CI once saw one that did, under load).
    Level console = configuredLevel();
    Level savedConsole = consoleThreshold;
    Level savedKafkaConsole = kafkaConsoleThreshold;
    consoleThreshold = console == null ? CONSOLE_LEVEL : console;
    kafkaConsoleThreshold = console == null ? KAFKA_CONSOLE_LEVEL : console;
    PatternLayoutEncoder encoder = new PatternLayoutEncoder();
    encoder.setContext(context);
    encoder.setPattern(PATTERN);
    encoder.start();
    FileAppender<ILoggingEvent> appender = new FileAppender<>();
    appender.setContext(context);
    appender.setName("run-log " + file);
    appender.setFile(file.toString());
    appender.setAppend(true);
    appender.setEncoder(encoder);
    appender.start();

    RunLog outer = current;
    RunLog log = new RunLog(dir, file, outer, context, appender, savedConsole, savedKafkaConsole);
    Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
    if (outer != null) {
      root.detachAppender(outer.appender);
    }
    root.addAppender(appender);
    // The file gets INFO even when SRL_LOG_LEVEL asks the console for less; the services' chatty
    // loggers get INFO (not DEBUG, which would drown everything else).
    log.setLevel(Logger.ROOT_LOGGER_NAME, moreVerbose(Level.INFO, console));
    for (String name : SERVICE_LOGGERS) {
      log.setLevel(name, Level.INFO);
    }
    current = log;
    say.printf(
        "%s: log: %s (%s)%n",
        command,
        file,
        console == null
            ? "the console shows warnings and errors; SRL_LOG_LEVEL=INFO shows the rest too"
            : "the console shows SRL_LOG_LEVEL=" + console + " and above");
    say.flush();
    return log;
  }

  /** The log file. */
  Path file() {
    return file;
  }

  /** Detaches and closes the file, and gives the console back (or the outer log its events). */
  @Override
  public void close() {
    synchronized (RunLog.class) {
      if (closed || appender == null) {
        return;
      }
      closed = true;
      Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
      root.detachAppender(appender);
      appender.stop();
      savedLevels.forEach((name, level) -> context.getLogger(name).setLevel(level));
      if (outer != null && !outer.closed) {
        root.addAppender(outer.appender);
      }
      consoleThreshold = savedConsoleThreshold;
      kafkaConsoleThreshold = savedKafkaConsoleThreshold;
      current = outer;
    }
  }

  private void setLevel(String name, Level level) {
    Logger logger = context.getLogger(name);
    savedLevels.putIfAbsent(name, logger.getLevel());
    logger.setLevel(level);
  }

  /** {@code SRL_LOG_LEVEL} as a level, or null when it is not set (or not a level). */
  static Level configuredLevel() {
    String value = System.getProperty("SRL_LOG_LEVEL", System.getenv("SRL_LOG_LEVEL"));
    return value == null || value.isBlank() ? null : Level.toLevel(value.strip(), null);
  }

  private static Level moreVerbose(Level a, Level b) {
    return b == null || a.toInt() <= b.toInt() ? a : b;
  }

  /**
   * The console appender's filter (logback.xml): while a run log is open, events below the
   * console's threshold (for the Kafka loggers, {@link #KAFKA_CONSOLE_LEVEL}'s) are dropped from
   * the console (the file has them); otherwise it lets everything through.
   */
  public static final class ConsoleFilter extends Filter<ILoggingEvent> {
    @Override
    public FilterReply decide(ILoggingEvent event) {
      Level threshold = isKafka(event.getLoggerName()) ? kafkaConsoleThreshold : consoleThreshold;
      return threshold == null || event.getLevel().isGreaterOrEqual(threshold)
          ? FilterReply.NEUTRAL
          : FilterReply.DENY;
    }

    private static boolean isKafka(String logger) {
      return KAFKA_LOGGERS.stream().anyMatch(logger::startsWith);
    }
  }
}
