package dev.srlstream.actor;

import static org.assertj.core.api.Assertions.assertThat;

import dev.srlstream.schemas.PrometheusText;
import dev.srlstream.schemas.avro.RolloutStep;
import dev.srlstream.schemas.avro.StepTask;
import dev.srlstream.schemas.serde.AvroSerde;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * SIGTERM on an actor process (a child JVM, {@link ActorProcessMain}) in the middle of its work:
 * the groups in flight finish, exactly the completed tasks are committed, and it leaves the group.
 */
class ActorShutdownIT {
  private static KafkaFixture kafka;

  @BeforeAll
  static void startInfrastructure() {
    kafka = KafkaFixture.start();
  }

  @AfterAll
  static void stopInfrastructure() {
    if (kafka != null) {
      kafka.close();
    }
  }

  @Test
  void sigtermFinishesTheGroupsInFlightCommitsExactlyTheCompletedTasksAndLeaves() throws Exception {
    ActorTopics topics = kafka.topics("term");
    String group = "it-term";
    int taskCount = 60;
    List<StepTask> tasks = KafkaFixture.tasks(0, taskCount, 200);
    kafka.produceTasks(topics.tasks(), tasks);

    Path log = Path.of("target", "actor-child-" + System.currentTimeMillis() + ".log");
    Process child =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Djava.net.preferIPv4Stack=true",
                "-cp",
                System.getProperty("java.class.path"),
                ActorProcessMain.class.getName(),
                kafka.bootstrapServers(),
                kafka.registryUrl(),
                "term",
                group)
            .redirectErrorStream(true)
            .start();
    List<String> output = Collections.synchronizedList(new ArrayList<>());
    Thread reader =
        new Thread(
            () -> {
              try (BufferedReader in =
                  new BufferedReader(
                      new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
                in.lines().forEach(output::add);
              } catch (Exception e) {
                output.add("reader failed: " + e);
              }
            });
    reader.start();
    try {
      Waits.until(
          "the child's metrics URL",
          Duration.ofSeconds(60),
          () -> output.stream().anyMatch(l -> l.startsWith("metrics-url=")));
      String url =
          output.stream()
              .filter(l -> l.startsWith("metrics-url="))
              .findFirst()
              .orElseThrow()
              .substring("metrics-url=".length());
      Waits.until("a few tasks done", Duration.ofSeconds(60), () -> completed(url) >= 3);

      // SIGTERM; Process.destroy() would also close our end of its output before we read it all.
      assertThat(child.toHandle().destroy()).isTrue();
      assertThat(child.waitFor(60, TimeUnit.SECONDS)).isTrue();
      reader.join(10_000);
      assertThat(child.exitValue()).isEqualTo(143); // 128 + SIGTERM, after the shutdown hook ran
    } finally {
      child.destroyForcibly();
      Files.write(log, List.copyOf(output));
    }
    assertThat(output).anyMatch(l -> l.contains("child-0: stopping; final commit"));
    assertThat(output).anyMatch(l -> l.contains("committed and left the group"));
    assertThat(output).anyMatch(l -> l.contains("actors stopped in"));

    // Exactly the tasks with a complete group are committed: in-flight ones were finished and
    // committed, nothing finished was left uncommitted (a restart would redo nothing needlessly).
    Map<TopicPartition, Long> committed = kafka.committedOrStart(group, topics.tasks());
    List<RolloutStep> steps =
        KafkaFixture.decode(
            kafka.readToEnd(topics.rolloutSteps()),
            new AvroSerde<>(RolloutStep.class, kafka.registry),
            topics.rolloutSteps());
    Set<String> complete = KafkaFixture.completeTasks(steps, s -> true);
    AvroSerde<StepTask> serde = new AvroSerde<>(StepTask.class, kafka.registry);
    Set<String> committedTasks = new TreeSet<>();
    for (ConsumerRecord<byte[], byte[]> r : kafka.readToEnd(topics.tasks())) {
      if (r.offset() < committed.get(new TopicPartition(r.topic(), r.partition()))) {
        committedTasks.add(serde.deserialize(r.topic(), r.value()).getTaskId());
      }
    }
    assertThat(committedTasks).isEqualTo(new TreeSet<>(complete));
    assertThat(committedTasks).hasSizeBetween(3, taskCount - 1); // it was stopped mid-run
    assertThat(steps.stream().map(RolloutStep::getRolloutId).distinct().count())
        .isEqualTo(steps.size()); // no duplicates
  }

  private static long completed(String url) {
    try {
      HttpResponse<String> metrics =
          HttpClient.newHttpClient()
              .send(
                  HttpRequest.newBuilder(URI.create(url + "/metrics")).GET().build(),
                  HttpResponse.BodyHandlers.ofString());
      return (long) PrometheusText.parse(metrics.body()).value("srl_actor_tasks_completed_total");
    } catch (Exception e) {
      return 0;
    }
  }
}
