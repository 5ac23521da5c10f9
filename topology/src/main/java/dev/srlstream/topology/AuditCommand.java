package dev.srlstream.topology;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.srlstream.schemas.PolicyNames;
import dev.srlstream.topology.audit.LogAudit;
import dev.srlstream.topology.audit.LogReader;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code srl audit}: the log's invariants for one policy, checked by id from outside. */
@Command(
    name = "audit",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = {
      "Check one policy's work on a cluster by counting ids on every topic: no task lost (every"
          + " task the actors committed past has rollouts or a dead letter), no rollout lost"
          + " (every rollout the scorer committed past has a reward or a dead letter), no group"
          + " lost (every group with all its rewards has a training group, unless its rewards"
          + " were all alike and dynamic sampling filtered it), no reward"
          + " twice, no task trained in two groups, versions only increasing, and no more groups"
          + " trained than the learner consumed. Work not committed past yet is pending, not lost:"
          + " run it once the services have drained for an exact answer.",
      "Prints the counts and a verdict line (\"0 lost, 0 duplicated, N versions monotonic\");"
          + " exit code 0 if every invariant holds, 1 otherwise, naming examples of each failure."
    })
final class AuditCommand implements Callable<Integer> {
  private static final ObjectMapper JSON =
      new ObjectMapper()
          .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
          .enable(SerializationFeature.INDENT_OUTPUT);

  @Spec CommandSpec spec;

  @Mixin ClusterOptions cluster;

  @Option(
      names = "--policy",
      defaultValue = PolicyNames.DEFAULT,
      paramLabel = "NAME",
      description =
          "Policy to audit (a srl train run's is its run id) (default: ${DEFAULT-VALUE}).")
  String policy;

  @Option(
      names = "--epsilon",
      defaultValue = "" + LogAudit.DEFAULT_EPSILON,
      paramLabel = "E",
      description =
          "The scorer's dynamic-sampling epsilon: a group whose rewards' population std is at most"
              + " E was filtered, not lost (default: ${DEFAULT-VALUE}, the scorer's).")
  double epsilon;

  @Option(
      names = "--from-time",
      paramLabel = "TIME",
      description =
          "Audit the records from TIME on (ISO-8601, e.g. 2026-12-04T01:00:00Z), for a long"
              + " continuous run: the same checks hold on them, as an effect is never older than"
              + " its cause, except the groups trained against those consumed, which counts from"
              + " the run's start (default: the whole log).")
  String fromTime;

  @Option(
      names = "--json",
      paramLabel = "FILE",
      description = "Also write the report as JSON (snake_case fields, the verdict and `clean`).")
  Path json;

  @Option(
      names = "--timeout",
      defaultValue = "120",
      paramLabel = "SECONDS",
      description = "Longest wait to read a topic to its end (default: ${DEFAULT-VALUE}).")
  int timeoutSeconds;

  @Override
  public Integer call() throws Exception {
    PolicyNames.requireValid("--policy", policy);
    if (timeoutSeconds < 1) {
      throw new IllegalArgumentException("--timeout must be >= 1, but was " + timeoutSeconds);
    }
    Instant from = fromTime == null ? null : Instants.parse(fromTime, "--from-time");
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    LogReader reader =
        new LogReader(
            cluster.bootstrapServers,
            cluster.kafkaConfig(),
            cluster.registry(),
            Duration.ofSeconds(timeoutSeconds));
    long[] shown = {0};
    LogAudit.Snapshot snapshot =
        reader.read(
            policy,
            from,
            n -> {
              if (n - shown[0] >= 100_000) {
                shown[0] = n;
                err.printf("srl audit: %,d records read%n", n);
                err.flush();
              }
            });
    LogAudit.Report report = LogAudit.check(snapshot, epsilon);
    LogReader.Skipped skipped = reader.skipped();

    out.printf("srl audit: policy %s on %s%n", policy, cluster.bootstrapServers);
    out.printf(
        "  tasks         %,9d (%,d pending)   lost %d%n",
        report.tasks(), report.tasksPending(), report.tasksLost());
    out.printf(
        "  rollouts      %,9d (%,d pending)   lost %d, rewarded twice %d%n",
        report.rollouts(), report.rolloutsPending(), report.rolloutsLost(), report.rewardedTwice());
    out.printf("  rewards       %,9d%n", report.rewards());
    out.printf(
        "  groups        %,9d (%,d consumed by the learner)   lost %d, tasks in two groups %d%n",
        report.groups(), report.groupsConsumed(), report.groupsLost(), report.groupedTwice());
    out.printf(
        "  versions      %,9d on the log, newest %d, %,d groups trained   out of order %d%n",
        report.versions(),
        report.newestVersion(),
        report.groupsTrained(),
        report.versionsOutOfOrder());
    out.printf("  dead letters  %,9d (all policies)%n", report.deadLetters());
    out.printf(
        "  skipped       %,d records of other policies, %,d undecodable%n",
        skipped.otherPolicies(), skipped.undecodable());
    report.examples().forEach((kind, ids) -> out.printf("  %s, e.g.: %s%n", kind, ids));
    out.printf("verdict: %s%n", report.verdict());
    out.flush();
    if (json != null) {
      Map<String, Object> doc = new LinkedHashMap<>();
      doc.put("clean", report.clean());
      doc.put("verdict", report.verdict());
      doc.put("report", report);
      doc.put("skipped", skipped);
      Path parent = json.toAbsolutePath().getParent();
      if (parent != null) {
        Files.createDirectories(parent);
      }
      JSON.writeValue(json.toFile(), doc);
    }
    return report.clean() ? 0 : 1;
  }
}
