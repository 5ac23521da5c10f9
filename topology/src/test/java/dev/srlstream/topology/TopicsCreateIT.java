package dev.srlstream.topology;

import static org.assertj.core.api.Assertions.assertThat;

import dev.srlstream.infra.kafka.BrokerConfig;
import dev.srlstream.infra.kafka.EmbeddedKafkaBroker;
import dev.srlstream.schemas.Topics;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.TopicDescription;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class TopicsCreateIT {
  private static EmbeddedKafkaBroker broker;

  @BeforeAll
  static void startBroker() {
    broker = EmbeddedKafkaBroker.start(BrokerConfig.ephemeral());
  }

  @AfterAll
  static void stopBroker() {
    broker.close();
  }

  @Test
  void createsTheCatalogueOnceWithTheAskedPartitions() throws Exception {
    CommandRun first =
        CommandRun.of(
            "topics",
            "create",
            "--bootstrap-servers",
            broker.bootstrapServers(),
            "--partitions",
            "3");
    assertThat(first.exitCode()).as(first.err()).isZero();
    for (var topic : Topics.ALL) {
      assertThat(first.out()).containsPattern(topic.name().replace(".", "\\.") + " +created");
    }

    try (Admin admin = Admin.create(Map.of("bootstrap.servers", broker.bootstrapServers()))) {
      Map<String, TopicDescription> topics =
          admin
              .describeTopics(Topics.ALL.stream().map(t -> t.name()).toList())
              .allTopicNames()
              .get(30, TimeUnit.SECONDS);
      assertThat(topics.get("srl.rollout-steps").partitions()).hasSize(3);
      assertThat(topics.get("srl.expert-steps").partitions()).hasSize(3);
      assertThat(topics.get("srl.policy-versions").partitions()).hasSize(1);
    }

    CommandRun second =
        CommandRun.of("topics", "create", "--bootstrap-servers", broker.bootstrapServers());
    assertThat(second.exitCode()).as(second.err()).isZero();
    assertThat(second.out()).doesNotContain("created");
    assertThat(second.out().lines().filter(l -> l.endsWith("exists")).count())
        .isEqualTo(Topics.ALL.size());
  }
}
