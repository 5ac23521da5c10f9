package dev.srlstream.actor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ActorConfigTest {

  @Test
  void defaults() {
    ActorConfig c = ActorConfig.builder().build();
    assertThat(c.groupId()).isEqualTo("srl-actors");
    assertThat(c.policyName()).isEqualTo("srl");
    assertThat(c.instances()).isEqualTo(1);
    assertThat(c.maxGroupsInFlight()).isEqualTo(2);
    assertThat(c.maxStaleness()).isEqualTo(1);
    assertThat(c.actorId()).startsWith("actor-").matches("[a-zA-Z0-9._-]+");
    assertThat(c.instanceId(3)).isEqualTo(c.actorId() + "-3");
  }

  @Test
  void eachPolicysFleetHasItsOwnConsumerGroupUnlessOneIsGiven() {
    assertThat(ActorConfig.builder().policyName("srl").build().groupId()).isEqualTo("srl-actors");
    assertThat(ActorConfig.builder().policyName("beta").build().groupId())
        .isEqualTo("srl-actors-beta");
    assertThat(ActorConfig.builder().policyName("beta").groupId("mine").build().groupId())
        .isEqualTo("mine");
    assertThatThrownBy(() -> ActorConfig.builder().policyName("a b").build())
        .hasMessage("policyName must be 1-100 letters, digits, '.', '_' or '-', but was 'a b'");
  }

  @Test
  void badValuesNameTheFieldAndTheValue() {
    assertThatThrownBy(() -> ActorConfig.builder().instances(0).build())
        .hasMessage("instances must be in 1..64, but was 0");
    assertThatThrownBy(() -> ActorConfig.builder().maxGroupsInFlight(0).build())
        .hasMessage("maxGroupsInFlight must be in 1..1024, but was 0");
    assertThatThrownBy(() -> ActorConfig.builder().maxStaleness(-1).build())
        .hasMessage("maxStaleness must be >= 0, but was -1");
    assertThatThrownBy(() -> ActorConfig.builder().groupId("a b").build())
        .hasMessage("groupId must be 1-100 letters, digits, '.', '_' or '-', but was 'a b'");
    assertThatThrownBy(() -> ActorConfig.builder().shutdownTimeout(Duration.ZERO).build())
        .hasMessage("shutdownTimeout must be a positive duration, but was PT0S");
    assertThatThrownBy(() -> ActorConfig.builder().basePolicy(Path.of("/no/such/file")).build())
        .hasMessage("basePolicy must be a readable weights file, but was /no/such/file");
    assertThatThrownBy(() -> ActorConfig.builder().model(null).build())
        .hasMessage("model must be a ModelConfig, but was null");
  }

  @Test
  void theSynchronousTwinNeedsNoStalenessAndTheBacklogItsGateReads() {
    assertThat(ActorConfig.builder().build().syncBatchGroups()).isZero();
    assertThat(ActorConfig.builder().maxStaleness(0).syncBatchGroups(4).build().syncBatchGroups())
        .isEqualTo(4);
    assertThatThrownBy(() -> ActorConfig.builder().syncBatchGroups(4).build())
        .hasMessage(
            "maxStaleness must be 0 when sampling synchronously (syncBatchGroups 4), but was 1");
    assertThatThrownBy(
            () ->
                ActorConfig.builder()
                    .maxStaleness(0)
                    .maxDownstreamBacklog(0)
                    .syncBatchGroups(4)
                    .build())
        .hasMessageStartingWith("maxDownstreamBacklog must be > 0 when sampling synchronously");
    assertThatThrownBy(() -> ActorConfig.builder().syncBatchGroups(-1).build())
        .hasMessage("syncBatchGroups must be in 0..65536, but was -1");
  }

  @Test
  void settingsAreValidatedToo() {
    ActorConfig c = ActorConfig.builder().build();
    assertThatThrownBy(() -> ActorService.Settings.of(" ", "http://r", c))
        .hasMessage("bootstrapServers must be host:port[,host:port...], but was  ");
    assertThatThrownBy(() -> ActorService.Settings.of("h:1", "r:2", c))
        .hasMessage("schemaRegistryUrl must be an http(s) URL, but was r:2");
    assertThatThrownBy(
            () ->
                new ActorService.Settings("h:1", "http://r", c, ActorTopics.LIVE, 70000, Map.of()))
        .hasMessage("httpPort must be -1 (none) or 0..65535, but was 70000");
    assertThatThrownBy(() -> new ActorTopics("srl.tasks", "bad topic", "v", "d"))
        .hasMessage(
            "rolloutSteps must be a topic name (1-249 of [a-zA-Z0-9._-]), but was 'bad topic'");
  }

  @Test
  void kafkaSettingsMakeTheConsumerAGroupMemberThatNeverAutoCommits() {
    ActorConfig c = ActorConfig.builder().groupId("fleet").maxGroupsInFlight(3).build();
    ActorService.Settings s =
        new ActorService.Settings(
            "h:1", "http://r", c, ActorTopics.LIVE, -1, Map.of("session.timeout.ms", "6000"));
    var consumer = ActorService.taskConsumerProperties(s, "actor-0");
    assertThat(consumer)
        .containsEntry("group.id", "fleet")
        .containsEntry("enable.auto.commit", false)
        .containsEntry("max.poll.records", 3)
        .containsEntry("isolation.level", "read_committed")
        .containsEntry("session.timeout.ms", "6000");
    var producer = ActorService.producerProperties(s);
    assertThat(producer).containsEntry("enable.idempotence", true).containsEntry("acks", "all");
    assertThat(ActorService.versionConsumerProperties(s)).doesNotContainKey("group.id");
    // Without an override, a killed actor's partitions move on after 10 s, not Kafka's 45.
    ActorService.Settings defaults =
        new ActorService.Settings("h:1", "http://r", c, ActorTopics.LIVE, -1, Map.of());
    assertThat(ActorService.taskConsumerProperties(defaults, "actor-0"))
        .containsEntry("session.timeout.ms", 10_000)
        .containsEntry(
            "heartbeat.interval.ms",
            3_333); // Dynamic members unless asked; a backlog is fetched a little of each partition
    // at a time.
    assertThat(ActorService.taskConsumerProperties(defaults, "actor-0"))
        .doesNotContainKey("group.instance.id")
        .containsEntry("max.partition.fetch.bytes", 16 * 1024);
  }

  @Test
  void aStableActorIdMakesStaticMembers() {
    ActorConfig c = ActorConfig.builder().actorId("gpu-3").staticMembership(true).build();
    ActorService.Settings s =
        new ActorService.Settings("h:1", "http://r", c, ActorTopics.LIVE, -1, Map.of());
    assertThat(ActorService.taskConsumerProperties(s, c.instanceId(1)))
        .containsEntry("group.instance.id", "gpu-3-1");
  }
}
