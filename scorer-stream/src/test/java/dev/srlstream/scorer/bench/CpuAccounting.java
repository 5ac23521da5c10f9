package dev.srlstream.scorer.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Where the CPU went during a phase: the process's CPU time and the CPU time of its Java threads,
 * grouped by what they are (scorer stream threads, broker, benchmark clients), plus the JVM's and
 * RocksDB's native threads as Linux accounts them ({@code /proc/self/task}). Cheap enough to take
 * around a timed phase. Threads that start or end inside the phase are partly missed, which the
 * line "unaccounted" shows.
 */
final class CpuAccounting {
  private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

  private final long processStart;
  private final Map<Long, Long> threadStart;
  private final Map<String, Long> nativeStart;

  private CpuAccounting(long processStart, Map<Long, Long> threadStart, Map<String, Long> natives) {
    this.processStart = processStart;
    this.threadStart = threadStart;
    this.nativeStart = natives;
  }

  static CpuAccounting start() {
    Map<Long, Long> cpu = new HashMap<>();
    snapshot(cpu, new HashMap<>());
    return new CpuAccounting(processCpuNanos(), cpu, nativeThreads());
  }

  /** CPU seconds since {@link #start()}: "process" and one entry per group of threads. */
  Map<String, Double> stop() {
    long process = processCpuNanos() - processStart;
    Map<Long, Long> cpu = new HashMap<>();
    Map<Long, String> endNames = new HashMap<>();
    snapshot(cpu, endNames);
    Map<String, Long> byGroup = new LinkedHashMap<>();
    long javaThreads = 0;
    for (Map.Entry<Long, Long> e : cpu.entrySet()) {
      long used = e.getValue() - threadStart.getOrDefault(e.getKey(), 0L);
      javaThreads += used;
      byGroup.merge(group(endNames.get(e.getKey())), used, Long::sum);
    }
    long nativeThreads = 0;
    for (Map.Entry<String, Long> e : nativeThreads().entrySet()) {
      long used = e.getValue() - nativeStart.getOrDefault(e.getKey(), 0L);
      String group = nativeGroup(e.getKey().substring(e.getKey().indexOf(' ') + 1));
      if (group != null) {
        nativeThreads += used;
        byGroup.merge(group, used, Long::sum);
      }
    }
    Map<String, Double> seconds = new LinkedHashMap<>();
    seconds.put("process", process / 1e9);
    byGroup.entrySet().stream()
        .filter(e -> e.getValue() > 0)
        .sorted(Map.Entry.<String, Long>comparingByValue().reversed())
        .forEach(e -> seconds.put(e.getKey(), e.getValue() / 1e9));
    seconds.put("unaccounted", (process - javaThreads - nativeThreads) / 1e9);
    return seconds;
  }

  /** The group of a thread that is not a Java thread, by its Linux name; null for Java threads. */
  private static String nativeGroup(String comm) {
    if (comm.startsWith("rocksdb")) {
      return "RocksDB background (native)";
    }
    if (comm.startsWith("GC Thread")
        || comm.startsWith("G1 ")
        || comm.startsWith("VM Periodic")
        || comm.startsWith("VM Thread")) {
      return "GC and VM (native)";
    }
    if (comm.startsWith("C1 CompilerThre") || comm.startsWith("C2 CompilerThre")) {
      return "JIT compiler (native)";
    }
    return null;
  }

  /**
   * CPU nanoseconds of every thread of this process by "tid name", from {@code
   * /proc/self/task/<tid>/stat} (utime + stime, in clock ticks of 10 ms); empty where there is no
   * such file (not Linux).
   */
  private static Map<String, Long> nativeThreads() {
    Map<String, Long> cpu = new HashMap<>();
    Path tasks = Path.of("/proc/self/task");
    if (!Files.isDirectory(tasks)) {
      return cpu;
    }
    try (Stream<Path> dirs = Files.list(tasks)) {
      for (Path dir : dirs.toList()) {
        try {
          String stat = Files.readString(dir.resolve("stat"));
          // "tid (comm) state ...": comm may hold spaces and parentheses, so split after the last
          // ')'
          int open = stat.indexOf('(');
          int close = stat.lastIndexOf(')');
          String comm = stat.substring(open + 1, close);
          String[] fields = stat.substring(close + 2).split(" ");
          long ticks = Long.parseLong(fields[11]) + Long.parseLong(fields[12]); // utime, stime
          cpu.put(dir.getFileName() + " " + comm, ticks * 10_000_000L);
        } catch (IOException | RuntimeException e) {
          // the thread ended between listing and reading
        }
      }
    } catch (IOException e) {
      return cpu;
    }
    return cpu;
  }

  private static String group(String name) {
    if (name == null) {
      return "other";
    }
    if (name.contains("StreamThread")) {
      return "scorer (stream threads and their clients)";
    }
    if (name.contains("bench-producer")) {
      return "benchmark producer";
    }
    if (name.contains("bench-reader")) {
      return "benchmark reader";
    }
    if (name.startsWith("main")) {
      return "benchmark main";
    }
    if (name.contains("data-plane")
        || name.contains("request-handler")
        || name.contains("kafka-")
        || name.contains("broker")
        || name.contains("controller")
        || name.contains("raft")
        || name.contains("Reaper")
        || name.contains("coordinator")
        || name.contains("log-cleaner")
        || name.contains("TxnMarker")) {
      return "broker";
    }
    return "other Java threads";
  }

  private static void snapshot(Map<Long, Long> cpu, Map<Long, String> names) {
    for (ThreadInfo info : THREADS.getThreadInfo(THREADS.getAllThreadIds())) {
      if (info == null) {
        continue;
      }
      long used = THREADS.getThreadCpuTime(info.getThreadId());
      if (used >= 0) {
        cpu.put(info.getThreadId(), used);
        names.put(info.getThreadId(), info.getThreadName());
      }
    }
  }

  private static long processCpuNanos() {
    return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
        .getProcessCpuTime();
  }
}
