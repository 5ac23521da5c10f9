package dev.srlstream.topology.train;

import dev.srlstream.schemas.Topics;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListOffsetsOptions;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicPartition;

/** The offsets a run starts its consumer groups at and waits for, through the Admin client. */
final class ConsumerOffsets {
  private static final long TIMEOUT_SECONDS = 30;

  private ConsumerOffsets() {}

  /**
   * Commits the current end offsets of {@code topic} for consumer group {@code group}, unless the
   * group has committed offsets already (a run resumed under the same name keeps its own).
   */
  static void startAtTheEnd(Admin admin, String group, String topic) throws Exception {
    if (!admin
        .listConsumerGroupOffsets(group)
        .partitionsToOffsetAndMetadata()
        .get(TIMEOUT_SECONDS, TimeUnit.SECONDS)
        .isEmpty()) {
      return;
    }
    Map<TopicPartition, OffsetAndMetadata> ends = new HashMap<>();
    endOffsets(admin, topic, IsolationLevel.READ_UNCOMMITTED)
        .forEach((tp, offset) -> ends.put(tp, new OffsetAndMetadata(offset)));
    admin.alterConsumerGroupOffsets(group, ends).all().get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
  }

  /** The last stable offsets of the step rewards (what a read_committed reader can reach). */
  static Map<TopicPartition, Long> rewardEnds(Admin admin) throws Exception {
    return endOffsets(admin, Topics.STEP_REWARDS.name(), IsolationLevel.READ_COMMITTED);
  }

  /** The end offset of every partition of {@code topic}, as a reader of that isolation sees it. */
  static Map<TopicPartition, Long> endOffsets(Admin admin, String topic, IsolationLevel isolation)
      throws Exception {
    int partitions =
        admin
            .describeTopics(List.of(topic))
            .allTopicNames()
            .get(TIMEOUT_SECONDS, TimeUnit.SECONDS)
            .get(topic)
            .partitions()
            .size();
    Map<TopicPartition, OffsetSpec> request = new HashMap<>();
    for (int p = 0; p < partitions; p++) {
      request.put(new TopicPartition(topic, p), OffsetSpec.latest());
    }
    Map<TopicPartition, Long> ends = new HashMap<>();
    admin
        .listOffsets(request, new ListOffsetsOptions(isolation))
        .all()
        .get(TIMEOUT_SECONDS, TimeUnit.SECONDS)
        .forEach((tp, info) -> ends.put(tp, info.offset()));
    return ends;
  }
}
