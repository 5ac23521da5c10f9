package dev.srlstream.topology.inspect;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.srlstream.method.format.ParsedResponse;
import dev.srlstream.method.format.ResponseParser;
import dev.srlstream.schemas.PolicyNames;
import dev.srlstream.schemas.Topics;
import dev.srlstream.schemas.registry.SchemaRegistry;
import dev.srlstream.topology.replay.TopicReader;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.IntPredicate;
import java.util.function.Predicate;
import org.apache.kafka.clients.consumer.Consumer;

/**
 * Gathers one group's or one instance's life from the topics, as one JSON document.
 *
 * <p>How the ids relate (RolloutGenerator, the feeders): a task is one dispatch of an instance; a
 * group is a task sampled under one policy version, {@code group_id = task_id/v<version>}; a
 * rollout is {@code group_id/<index>}. Tasks, expert steps and rollout steps are keyed by {@code
 * instance_id}; step rewards and training groups by {@code group_id}; policy versions by policy
 * name (one partition); dead letters by their source topic (one partition). A keyed lookup reads
 * only the partition the key hashes to (Kafka's default partitioner, which every producer here
 * uses); the single-partition topics are read whole. Compacted topics (expert steps, versions) are
 * read from their beginning whatever {@code from} says: they keep one record per key.
 */
public final class RunInspector {

  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  /**
   * Fields left out of every record read: the weights (megabytes per version) and the token arrays,
   * which a reader of the report does not need; Avro skips their bytes.
   */
  static final Set<String> OMITTED =
      Set.of("weights", "segments", "prompt_token_ids", "behaviour_logprobs");

  private final TopicReader reader;
  private final Instant from;
  private final double epsilon;

  /**
   * @param consumer a consumer with byte-array deserializers, read_committed, no group needed
   * @param from only records at or after it are searched (null: from the beginning)
   * @param epsilon the dynamic-sampling epsilon that explains groups missing from the groups topic
   */
  public RunInspector(
      Consumer<byte[], byte[]> consumer, SchemaRegistry registry, Instant from, double epsilon) {
    this.reader = new TopicReader(consumer, registry, note -> {}, OMITTED);
    this.from = from;
    this.epsilon = epsilon;
  }

  /**
   * One group's life.
   *
   * @throws IllegalArgumentException naming the group when no topic holds it
   */
  public ObjectNode group(String groupId) {
    requireId(groupId, "GROUP_ID");
    List<ObjectNode> rewards =
        read(
            Topics.STEP_REWARDS.name(),
            keyed(Topics.STEP_REWARDS.name(), groupId),
            hasKey(groupId));
    List<ObjectNode> groups =
        read(
            Topics.TRAINING_GROUPS.name(),
            keyed(Topics.TRAINING_GROUPS.name(), groupId),
            hasKey(groupId));
    String instanceId = null;
    for (ObjectNode line : concat(rewards, groups)) {
      instanceId = text(line.path("value"), "instance_id");
      if (instanceId != null) {
        break;
      }
    }
    List<ObjectNode> rollouts;
    if (instanceId != null) {
      rollouts =
          read(
              Topics.ROLLOUT_STEPS.name(),
              keyed(Topics.ROLLOUT_STEPS.name(), instanceId),
              field("group_id", groupId));
    } else {
      // Neither rewarded nor kept: every rollout may have been dead-lettered. Scan for them.
      rollouts = read(Topics.ROLLOUT_STEPS.name(), p -> true, field("group_id", groupId));
      if (rollouts.isEmpty()) {
        throw new IllegalArgumentException(
            "no group "
                + groupId
                + " on "
                + Topics.STEP_REWARDS.name()
                + ", "
                + Topics.TRAINING_GROUPS.name()
                + " or "
                + Topics.ROLLOUT_STEPS.name()
                + since()
                + "; a group id is TASK_ID/v<VERSION>: list them with srl read "
                + Topics.TRAINING_GROUPS.name()
                + " or srl read "
                + Topics.ROLLOUT_STEPS.name()
                + " --where instance_id=INSTANCE_ID");
      }
      instanceId = text(rollouts.get(0).path("value"), "instance_id");
    }
    Context context = context(instanceId, Set.of(groupId));
    ObjectNode doc = groupDoc(groupId, rollouts, rewards, groups, context);
    doc.set("searched", searched());
    return doc;
  }

  /**
   * One instance's life: its expert step and every group of it, one summary each.
   *
   * @throws IllegalArgumentException naming the instance when no topic holds it
   */
  public ObjectNode instance(String instanceId) {
    requireId(instanceId, "INSTANCE_ID");
    List<ObjectNode> rollouts =
        read(
            Topics.ROLLOUT_STEPS.name(),
            keyed(Topics.ROLLOUT_STEPS.name(), instanceId),
            hasKey(instanceId));
    Set<String> groupIds = new LinkedHashSet<>();
    rollouts.forEach(r -> groupIds.add(r.path("value").path("group_id").asText()));
    Context context = context(instanceId, groupIds);
    if (rollouts.isEmpty() && context.experts.isEmpty() && context.tasks.isEmpty()) {
      throw new IllegalArgumentException(
          "no instance "
              + instanceId
              + " on "
              + Topics.EXPERT_STEPS.name()
              + ", "
              + Topics.TASKS.name()
              + " or "
              + Topics.ROLLOUT_STEPS.name()
              + since()
              + "; list instance ids with srl read "
              + Topics.EXPERT_STEPS.name()
              + " or srl read "
              + Topics.ROLLOUT_STEPS.name()
              + " --where problem_id=PROBLEM_ID");
    }
    List<ObjectNode> rewards = readByGroup(Topics.STEP_REWARDS.name(), groupIds);
    List<ObjectNode> groups = readByGroup(Topics.TRAINING_GROUPS.name(), groupIds);
    ObjectNode doc = NODES.objectNode();
    doc.put("instance_id", instanceId);
    doc.set("expert_step", expert(context.experts, List.of()));
    doc.put("expert_steps_recorded", context.experts.size());
    ArrayNode tasks = doc.putArray("tasks");
    context.tasks.forEach(t -> tasks.add(recordOf(t)));
    ArrayNode summaries = doc.putArray("groups");
    for (String groupId : groupIds) {
      ObjectNode group =
          groupDoc(
              groupId,
              rollouts.stream().filter(field("group_id", groupId)).toList(),
              rewards.stream().filter(hasKey(groupId)).toList(),
              groups.stream().filter(hasKey(groupId)).toList(),
              context);
      summaries.add(group);
    }
    ArrayNode letters = doc.putArray("dead_letters");
    context.letters.stream()
        .filter(l -> refersToInstance(l, instanceId, groupIds))
        .forEach(l -> letters.add(letter(l)));
    doc.set("searched", searched());
    return doc;
  }

  /** What is read once for an instance: its tasks, expert steps, versions and dead letters. */
  private record Context(
      String instanceId,
      List<ObjectNode> tasks,
      List<ObjectNode> experts,
      Map<String, List<LearnerFate.Version>> versionsByPolicy,
      List<ObjectNode> letters) {}

  private Context context(String instanceId, Set<String> groupIds) {
    List<ObjectNode> tasks =
        read(Topics.TASKS.name(), keyed(Topics.TASKS.name(), instanceId), hasKey(instanceId));
    List<ObjectNode> experts =
        readWhole(
            Topics.EXPERT_STEPS.name(),
            keyed(Topics.EXPERT_STEPS.name(), instanceId),
            hasKey(instanceId));
    Map<String, List<LearnerFate.Version>> versions = new LinkedHashMap<>();
    for (ObjectNode line : readWhole(Topics.POLICY_VERSIONS.name(), p -> true, l -> true)) {
      JsonNode value = line.path("value");
      if (value.isObject()) {
        versions
            .computeIfAbsent(value.path("policy_name").asText(), k -> new ArrayList<>())
            .add(LearnerFate.Version.fromJson(value));
      }
    }
    List<ObjectNode> letters =
        read(Topics.DEAD_LETTERS.name(), p -> true, l -> refersToInstance(l, instanceId, groupIds));
    return new Context(instanceId, tasks, experts, versions, letters);
  }

  private ObjectNode groupDoc(
      String groupId,
      List<ObjectNode> rollouts,
      List<ObjectNode> rewards,
      List<ObjectNode> groups,
      Context context) {
    ObjectNode doc = NODES.objectNode();
    JsonNode first =
        !rollouts.isEmpty()
            ? rollouts.get(0).path("value")
            : !rewards.isEmpty() ? rewards.get(0).path("value") : groups.get(0).path("value");
    JsonNode groupRecord = groups.isEmpty() ? null : groups.get(groups.size() - 1);
    JsonNode groupValue = groupRecord == null ? NODES.objectNode() : groupRecord.path("value");
    String taskId = text(first, "task_id");
    if (taskId == null) {
      taskId = text(groupValue, "task_id");
    }
    String policy = PolicyNames.of(text(first, "policy_name"));
    doc.put("group_id", groupId);
    doc.put("task_id", taskId);
    doc.put("instance_id", context.instanceId);
    doc.put("problem_id", text(first, "problem_id"));
    doc.put("mode", text(first, "mode"));
    doc.put("step_index", first.path("step_index").asInt());
    doc.put("policy_name", policy);
    doc.put("policy_version", first.path("policy_version").asLong());
    JsonNode task = null;
    for (ObjectNode t : context.tasks) {
      if (Objects.equals(taskId, text(t.path("value"), "task_id"))) {
        task = recordOf(t);
      }
    }
    doc.set("task", task);
    doc.set("expert_step", expert(context.experts, rewards));

    // Rollouts, by rollout id in index order: what was sampled, its reward and its advantage.
    Map<String, ObjectNode> byId = new LinkedHashMap<>();
    int repeated = 0;
    for (ObjectNode line : rollouts) {
      JsonNode v = line.path("value");
      String id = v.path("rollout_id").asText();
      if (byId.containsKey(id)) {
        repeated++;
        continue;
      }
      ObjectNode r = NODES.objectNode();
      r.put("rollout_index", v.path("rollout_index").asInt());
      r.put("rollout_id", id);
      r.put("actor_id", text(v, "actor_id"));
      r.put("policy_version", v.path("policy_version").asLong());
      r.put("finish_reason", text(v, "finish_reason"));
      r.put("response_tokens", v.path("response_token_ids").size());
      r.put("response_text", text(v, "response_text"));
      r.put("action", action(text(v, "mode"), text(v, "response_text")));
      r.put("sampled_at", instant(v.path("sampled_at")));
      r.put("rollout_record", coordinates(line));
      byId.put(id, r);
    }
    int expectedSize =
        first.has("group_size")
            ? first.path("group_size").asInt()
            : groupValue.path("expected_size").asInt(0);
    for (ObjectNode line : rewards) {
      JsonNode v = line.path("value");
      String id = v.path("rollout_id").asText();
      ObjectNode r =
          byId.computeIfAbsent(
              id,
              k -> {
                ObjectNode only = NODES.objectNode();
                only.put("rollout_index", v.path("rollout_index").asInt());
                only.put("rollout_id", k);
                only.put("actor_id", text(v, "actor_id"));
                only.put("policy_version", v.path("policy_version").asLong());
                return only;
              });
      r.set("reward", v.path("reward"));
      r.set("similarity", v.path("similarity").isMissingNode() ? null : v.path("similarity"));
      r.put("format_ok", v.path("format_ok").asBoolean());
      r.put("reason", text(v, "reason"));
      r.put("reward_config", text(v, "reward_config"));
      r.put("reward_record", coordinates(line));
    }
    for (JsonNode g : groupValue.path("rollouts")) {
      ObjectNode r = byId.get(g.path("rollout_id").asText());
      if (r != null) {
        r.set("advantage", g.path("advantage"));
        if (!r.has("reward")) {
          r.set("reward", g.path("reward")); // its StepReward is outside what was read
          r.put("format_ok", g.path("format_ok").asBoolean());
        }
      }
    }
    List<ObjectNode> ordered = new ArrayList<>(byId.values());
    ordered.sort(Comparator.comparingInt(r -> r.path("rollout_index").asInt()));
    ArrayNode rolloutArray = doc.putArray("rollouts");
    ordered.forEach(rolloutArray::add);
    doc.put("rollouts_repeated", repeated);

    // The scorer's decision.
    List<Double> rewardValues = new ArrayList<>();
    ordered.stream()
        .filter(r -> r.path("reward").isNumber())
        .forEach(r -> rewardValues.add(r.path("reward").asDouble()));
    GroupState state =
        GroupState.of(
            expectedSize,
            rewardValues,
            groupRecord != null,
            groupValue.path("complete").asBoolean(true),
            epsilon);
    ObjectNode group = doc.putObject("group");
    group.put("state", state.state());
    group.put("recorded", state.recorded());
    group.put("text", state.text());
    group.put("expected_size", expectedSize);
    group.put("rewarded", rewardValues.size());
    if (groupRecord != null) {
      group.set("reward_mean", groupValue.path("reward_mean"));
      group.set("reward_std", groupValue.path("reward_std"));
      group.put("reward_config", text(groupValue, "reward_config"));
      group.put("assembled_at", instant(groupValue.path("assembled_at")));
      group.put("record", coordinates(groupRecord));
      if (groups.size() > 1) {
        group.put("records", groups.size());
      }
    } else if (!rewardValues.isEmpty()) {
      group.put(
          "reward_mean",
          rewardValues.stream().mapToDouble(Double::doubleValue).average().orElse(0));
    }

    // The learner's.
    if (groupRecord == null) {
      ObjectNode none = NODES.objectNode();
      none.put("fate", "not_applicable");
      none.put("exact", true);
      none.putNull("version");
      none.put("text", "not on " + Topics.TRAINING_GROUPS.name() + ": the learner never saw it");
      doc.set("learner", none);
    } else {
      Instant assembled = Instant.ofEpochMilli(groupValue.path("assembled_at").asLong());
      doc.set(
          "learner",
          LearnerFate.of(
                  groupId,
                  Topics.TRAINING_GROUPS.name(),
                  assembled,
                  context.versionsByPolicy.getOrDefault(policy, List.of()))
              .toJson());
    }

    ArrayNode letters = doc.putArray("dead_letters");
    context.letters.stream()
        .filter(l -> refersToGroup(l, groupId, context.instanceId))
        .forEach(l -> letters.add(letter(l)));
    return doc;
  }

  /**
   * The expert step the rewards were scored against: the newest recorded at or before the first
   * reward, else the newest (the topic is compacted: a replaced one may be gone).
   */
  private static JsonNode expert(List<ObjectNode> experts, List<ObjectNode> rewards) {
    if (experts.isEmpty()) {
      return NODES.nullNode();
    }
    ObjectNode chosen = experts.get(experts.size() - 1);
    if (!rewards.isEmpty()) {
      long firstReward = Instant.parse(rewards.get(0).path("timestamp").asText()).toEpochMilli();
      for (ObjectNode e : experts) {
        if (Instant.parse(e.path("timestamp").asText()).toEpochMilli() <= firstReward) {
          chosen = e;
        }
      }
    }
    return recordOf(chosen);
  }

  /** A record's value with its coordinates. */
  private static ObjectNode recordOf(ObjectNode line) {
    ObjectNode record = NODES.objectNode();
    record.put("record", coordinates(line));
    record.put("timestamp", line.path("timestamp").asText());
    record.set("value", line.path("value"));
    return record;
  }

  private static ObjectNode letter(ObjectNode line) {
    JsonNode v = line.path("value");
    ObjectNode letter = NODES.objectNode();
    letter.put("record", coordinates(line));
    letter.put("timestamp", line.path("timestamp").asText());
    letter.put("reason", text(v, "reason"));
    letter.put("message", text(v, "message"));
    letter.put("service", text(v, "service"));
    letter.put(
        "source",
        text(v, "source_topic")
            + " "
            + v.path("source_partition").asInt()
            + "@"
            + v.path("source_offset").asLong());
    letter.put("record_id", text(v, "record_id"));
    if (line.has("original")) {
      letter.set("original", line.get("original"));
    } else if (line.has("original_error")) {
      letter.put("original_error", line.path("original_error").asText());
    }
    return letter;
  }

  private static boolean refersToGroup(ObjectNode line, String groupId, String instanceId) {
    JsonNode v = line.path("value");
    String recordId = text(v, "record_id");
    if (recordId != null && (recordId.equals(groupId) || recordId.startsWith(groupId + "/"))) {
      return true;
    }
    if (groupId.equals(text(line.path("original"), "group_id"))) {
      return true;
    }
    // The group's expert step, dead-lettered.
    return Topics.EXPERT_STEPS.name().equals(text(v, "source_topic"))
        && (instanceId.equals(recordId)
            || instanceId.equals(line.path("original_key").asText(null)));
  }

  private static boolean refersToInstance(
      ObjectNode line, String instanceId, Set<String> groupIds) {
    if (instanceId.equals(text(line.path("original"), "instance_id"))
        || instanceId.equals(text(line.path("value"), "record_id"))
        || (instanceId.equals(line.path("original_key").asText(null))
            && isInstanceKeyed(text(line.path("value"), "source_topic")))) {
      return true;
    }
    for (String groupId : groupIds) {
      if (refersToGroup(line, groupId, instanceId)) {
        return true;
      }
    }
    return false;
  }

  private static boolean isInstanceKeyed(String topic) {
    return Topics.TASKS.name().equals(topic)
        || Topics.EXPERT_STEPS.name().equals(topic)
        || Topics.ROLLOUT_STEPS.name().equals(topic);
  }

  /** The action of a response as the scorer's parser reads it, or null when malformed. */
  static String action(String mode, String response) {
    if (response == null) {
      return null;
    }
    ParsedResponse parsed =
        "SRL".equals(mode)
            ? ResponseParser.parseStep(response)
            : ResponseParser.parseWhole(response);
    return parsed.formatOk() ? parsed.action() : null;
  }

  private List<ObjectNode> readByGroup(String topic, Set<String> groupIds) {
    if (groupIds.isEmpty()) {
      return List.of();
    }
    int partitions = reader.partitionCount(topic);
    Set<Integer> wanted = new HashSet<>();
    groupIds.forEach(g -> wanted.add(TopicReader.partitionOf(g, partitions)));
    return read(topic, wanted::contains, l -> groupIds.contains(l.path("key").asText()));
  }

  private IntPredicate keyed(String topic, String key) {
    int partition = TopicReader.partitionOf(key, reader.partitionCount(topic));
    return p -> p == partition;
  }

  /** Records of a topic from {@code from} (or the beginning) to its end. */
  private List<ObjectNode> read(
      String topic, IntPredicate partitions, Predicate<ObjectNode> filter) {
    return read(topic, partitions, filter, from);
  }

  /** Records of a compacted topic, from its beginning: it keeps one record per key. */
  private List<ObjectNode> readWhole(
      String topic, IntPredicate partitions, Predicate<ObjectNode> filter) {
    return read(topic, partitions, filter, null);
  }

  private List<ObjectNode> read(
      String topic, IntPredicate partitions, Predicate<ObjectNode> filter, Instant start) {
    List<ObjectNode> lines = new ArrayList<>();
    TopicReader.Start at =
        start == null ? new TopicReader.Start.Beginning() : new TopicReader.Start.AtTime(start);
    reader.read(topic, partitions, at, null, false, 0, filter, lines::add, () -> false);
    // One partition's records come in offset order; several interleave: order them by time.
    lines.sort(
        Comparator.comparing((ObjectNode l) -> Instant.parse(l.path("timestamp").asText()))
            .thenComparingInt(l -> l.path("partition").asInt())
            .thenComparingLong(l -> l.path("offset").asLong()));
    return lines;
  }

  private ObjectNode searched() {
    ObjectNode searched = NODES.objectNode();
    if (from == null) {
      searched.putNull("from_time");
    } else {
      searched.put("from_time", from.toString());
    }
    searched.put("epsilon", epsilon);
    return searched;
  }

  private String since() {
    return from == null ? "" : " since " + from;
  }

  private static Predicate<ObjectNode> hasKey(String key) {
    return l -> key.equals(l.path("key").asText(null));
  }

  private static Predicate<ObjectNode> field(String name, String value) {
    return l -> value.equals(l.path("value").path(name).asText(null));
  }

  private static String coordinates(JsonNode line) {
    return line.path("topic").asText()
        + " "
        + line.path("partition").asInt()
        + "@"
        + line.path("offset").asLong();
  }

  private static String text(JsonNode node, String field) {
    JsonNode value = node == null ? null : node.get(field);
    return value == null || value.isNull() ? null : value.asText();
  }

  private static String instant(JsonNode millis) {
    return millis.isNumber() ? Instant.ofEpochMilli(millis.asLong()).toString() : null;
  }

  private static <T> List<T> concat(List<T> a, List<T> b) {
    List<T> all = new ArrayList<>(a);
    all.addAll(b);
    return all;
  }

  private static void requireId(String id, String what) {
    if (id == null || id.isBlank()) {
      throw new IllegalArgumentException(what + " must not be blank, but was '" + id + "'");
    }
  }
}
