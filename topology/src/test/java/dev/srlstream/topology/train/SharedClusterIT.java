package dev.srlstream.topology.train;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.srlstream.infra.LocalInfrastructure;
import dev.srlstream.learner.Credit;
import dev.srlstream.method.data.ArithmeticProblems;
import dev.srlstream.schemas.CommittedRecords;
import dev.srlstream.schemas.TopicSpec;
import dev.srlstream.schemas.Topics;
import dev.srlstream.schemas.avro.PolicyVersion;
import dev.srlstream.schemas.avro.StepReward;
import dev.srlstream.schemas.avro.TrainingGroup;
import dev.srlstream.schemas.registry.SchemaRegistryClient;
import dev.srlstream.topology.CommandRun;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two policies trained at once on one cluster's shared topics (issue: a run on a shared cluster fed
 * another policy's learner). Run {@code alpha} trains until run {@code beta}, started while alpha
 * is training, has finished; every service of each run meets the other's tasks, rollouts and
 * groups. Each run's records name its policy, each rollout is rewarded and grouped once (by its own
 * policy's scorer), and each learner skipped the other's groups.
 */
class SharedClusterIT {
  @TempDir Path dir;

  @Test
  void twoPoliciesTrainAtOnceOnOneClusterEachOnItsOwnRecords() throws Exception {
    try (LocalInfrastructure infra =
        LocalInfrastructure.start(LocalInfrastructure.Config.ephemeral())) {
      ArithmeticProblems.DataSet data = TinyRuns.data();
      byte[] base = TinyRuns.warmBase(data);
      Path alphaDir = dir.resolve("alpha");
      Path betaDir = dir.resolve("beta");
      // alpha: no version limit; it ends when told to (the STOP file), after beta has finished.
      CompletableFuture<JsonNode> alpha =
          start(
              TinyRuns.srl(
                  "alpha",
                  alphaDir,
                  data,
                  base,
                  false,
                  null, // no budget: it ends when told to
                  0,
                  infra.bootstrapServers(),
                  infra.schemaRegistryUrl(),
                  0,
                  Credit.SEQUENCE));
      awaitFirstVersion(infra, "alpha", alpha);
      JsonNode beta =
          start(
                  TinyRuns.srl(
                      "beta",
                      betaDir,
                      data,
                      base,
                      false,
                      Duration.ofMinutes(3),
                      4,
                      infra.bootstrapServers(),
                      infra.schemaRegistryUrl(),
                      0,
                      Credit.SEQUENCE))
              .get(4, TimeUnit.MINUTES);
      Files.createFile(alphaDir.resolve(TrainRun.STOP_FILE));
      JsonNode alphaSummary = alpha.get(4, TimeUnit.MINUTES);

      assertThat(beta.path("status").asText()).isEqualTo("finished");
      assertThat(alphaSummary.path("status").asText()).startsWith("stopped: asked to finish");
      for (JsonNode summary : List.of(alphaSummary, beta)) {
        assertThat(summary.path("versions").asLong()).isGreaterThanOrEqualTo(4);
        // Each run's actors, scorer and learner met the other run's records and skipped them.
        JsonNode skipped = summary.path("other_policies_skipped");
        assertThat(skipped.path("tasks").asLong()).as(summary.toString()).isPositive();
        assertThat(skipped.path("rollouts").asLong()).as(summary.toString()).isPositive();
        assertThat(skipped.path("groups").asLong()).as(summary.toString()).isPositive();
      }

      SchemaRegistryClient registry = new SchemaRegistryClient(infra.schemaRegistryUrl());
      // Every reward and every group names the policy whose run sampled it, and a rollout is
      // rewarded once: by its own policy's scorer, not by every scorer on the cluster.
      List<StepReward> rewards = readAll(infra, registry, Topics.STEP_REWARDS);
      assertThat(rewards).isNotEmpty();
      assertThat(rewards)
          .allSatisfy(r -> assertThat(r.getGroupId()).startsWith(r.getPolicyName() + ":"));
      assertThat(rewards.stream().map(StepReward::getRolloutId).distinct().count())
          .isEqualTo(rewards.size());
      assertThat(rewards.stream().map(StepReward::getPolicyName).distinct())
          .containsExactlyInAnyOrder("alpha", "beta");
      List<TrainingGroup> groups = readAll(infra, registry, Topics.TRAINING_GROUPS);
      assertThat(groups)
          .allSatisfy(g -> assertThat(g.getGroupId()).startsWith(g.getPolicyName() + ":"));
      assertThat(groups.stream().map(TrainingGroup::getGroupId).distinct().count())
          .isEqualTo(groups.size());
      // Each learner trained no more groups than its own policy has on the topic.
      for (JsonNode summary : List.of(alphaSummary, beta)) {
        String policy = summary == beta ? "beta" : "alpha";
        long own = groups.stream().filter(g -> policy.equals(g.getPolicyName())).count();
        assertThat(summary.path("groups_trained").asLong()).isBetween(1L, own);
      }
      // Counted by id from outside, on every topic: each policy's work is whole and once.
      for (String policy : List.of("alpha", "beta")) {
        CommandRun audit =
            CommandRun.of(
                "audit",
                "--bootstrap-servers",
                infra.bootstrapServers(),
                "--schema-registry",
                infra.schemaRegistryUrl(),
                "--policy",
                policy,
                "--json",
                dir.resolve(policy + "-audit.json").toString());
        assertThat(audit.exitCode()).as(audit.out() + audit.err()).isZero();
        assertThat(audit.out())
            .contains("policy " + policy, "verdict: 0 lost, 0 duplicated, ")
            .containsPattern("skipped +[1-9][0-9,]* records of other policies");
        JsonNode report = new ObjectMapper().readTree(dir.resolve(policy + "-audit.json").toFile());
        assertThat(report.path("clean").asBoolean()).isTrue();
        assertThat(report.path("report").path("rewards").asLong())
            .isEqualTo(rewards.stream().filter(r -> policy.equals(r.getPolicyName())).count());
      }
      // From a time on: the rewards audited are exactly alpha's at or after it, and still clean.
      List<Long> alphaTimes = rewardTimes(infra, registry, "alpha");
      long from = alphaTimes.get(alphaTimes.size() / 2);
      CommandRun since =
          CommandRun.of(
              "audit",
              "--bootstrap-servers",
              infra.bootstrapServers(),
              "--schema-registry",
              infra.schemaRegistryUrl(),
              "--policy",
              "alpha",
              "--from-time",
              Instant.ofEpochMilli(from).toString(),
              "--json",
              dir.resolve("alpha-since-audit.json").toString());
      assertThat(since.exitCode()).as(since.out() + since.err()).isZero();
      assertThat(since.out())
          .contains("verdict: 0 lost, 0 duplicated, ")
          .contains("(records from " + Instant.ofEpochMilli(from) + " on)");
      JsonNode sinceReport =
          new ObjectMapper().readTree(dir.resolve("alpha-since-audit.json").toFile());
      assertThat(sinceReport.path("report").path("rewards").asLong())
          .isEqualTo(alphaTimes.stream().filter(t -> t >= from).count())
          .isLessThan(alphaTimes.size());
    }
  }

  private static CompletableFuture<JsonNode> start(TrainSettings settings) {
    return CompletableFuture.supplyAsync(
        () -> {
          try {
            return new TrainRun(settings, new PrintWriter(new StringWriter(), true)).run();
          } catch (Exception e) {
            throw new IllegalStateException(e);
          }
        },
        runnable -> {
          Thread t = new Thread(runnable, "run-" + settings.runId());
          t.start();
        });
  }

  /** Waits until {@code policy} has published a version, so that its services are running. */
  private static void awaitFirstVersion(
      LocalInfrastructure infra, String policy, CompletableFuture<JsonNode> run) throws Exception {
    SchemaRegistryClient registry = new SchemaRegistryClient(infra.schemaRegistryUrl());
    long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
    while (System.nanoTime() < deadline && !run.isDone()) {
      if (readAll(infra, registry, Topics.POLICY_VERSIONS).stream()
          .map(PolicyVersion::getPolicyName)
          .anyMatch(policy::equals)) {
        return;
      }
      Thread.sleep(200);
    }
    throw new AssertionError(
        policy + " published no version in 2 minutes" + (run.isDone() ? ": " + run.get() : ""));
  }

  /** The record timestamps of one policy's rewards, in increasing order. */
  private static List<Long> rewardTimes(
      LocalInfrastructure infra, SchemaRegistryClient registry, String policy) {
    return CommittedRecords.records(infra.bootstrapServers(), registry, Topics.STEP_REWARDS)
        .stream()
        .filter(r -> policy.equals(r.value().getPolicyName()))
        .map(ConsumerRecord::timestamp)
        .sorted()
        .toList();
  }

  private static <T extends SpecificRecord> List<T> readAll(
      LocalInfrastructure infra, SchemaRegistryClient registry, TopicSpec<T> topic) {
    return CommittedRecords.of(infra.bootstrapServers(), registry, topic);
  }
}
