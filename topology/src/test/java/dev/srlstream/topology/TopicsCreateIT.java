package dev.srlstream.topology;

import static org.assertj.core.api.Assertions.assertThat;

import dev.srlstream.infra.kafka.BrokerConfig;
import dev.srlstream.infra.kafka.EmbeddedKafkaBroker;
import dev.srlstream.schemas.Topics;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.config.ConfigResource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

// The first test creates the catalogue on the fresh broker; the second changes existing topics.
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
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
  @Order(1)
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

  @Test
  @Order(2)
  void retentionIsChangedOnExistingTopicsAndOnlyOnTheNamedOnes() throws Exception {
    CommandRun run =
        CommandRun.of(
            "topics",
            "create",
            "--bootstrap-servers",
            broker.bootstrapServers(),
            "--retention",
            "srl.rollout-steps=P30D",
            "--retention",
            "srl.policy-versions=forever");
    assertThat(run.exitCode()).as(run.err()).isZero();
    assertThat(run.out())
        .containsPattern("srl\\.rollout-steps +exists, retention\\.ms 30 days")
        .containsPattern("srl\\.policy-versions +exists, min\\.compaction\\.lag\\.ms forever");

    try (Admin admin = Admin.create(Map.of("bootstrap.servers", broker.bootstrapServers()))) {
      Map<ConfigResource, Config> configs =
          admin
              .describeConfigs(
                  Topics.ALL.stream()
                      .map(t -> new ConfigResource(ConfigResource.Type.TOPIC, t.name()))
                      .toList())
              .all()
              .get(30, TimeUnit.SECONDS);
      assertThat(value(configs, "srl.rollout-steps", "retention.ms"))
          .isEqualTo(Long.toString(Duration.ofDays(30).toMillis()));
      assertThat(value(configs, "srl.policy-versions", "min.compaction.lag.ms"))
          .isEqualTo(Long.toString(Long.MAX_VALUE));
      // The topics not named keep the catalogue's retention.
      assertThat(value(configs, "srl.step-rewards", "retention.ms"))
          .isEqualTo(Topics.STEP_REWARDS.topicConfig().get("retention.ms"));
      assertThat(value(configs, "srl.expert-steps", "min.compaction.lag.ms"))
          .isEqualTo(Long.toString(Duration.ofDays(7).toMillis()));
    }
  }

  private static String value(Map<ConfigResource, Config> configs, String topic, String key) {
    return configs.get(new ConfigResource(ConfigResource.Type.TOPIC, topic)).get(key).value();
  }
}
