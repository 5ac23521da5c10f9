package dev.srlstream.topology.inspect;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** {@link RunInspector}'s documents as readable text: a header, then one table or line per part. */
public final class InspectText {

  private static final int ACTION_WIDTH = 40;
  private static final int RESPONSE_WIDTH = 150;

  private InspectText() {}

  /** A group's document as text. */
  public static String group(JsonNode doc) {
    StringBuilder out = new StringBuilder();
    line(
        out,
        "group %s  policy %s, sampled under version %d  (task %s, instance %s)",
        doc.path("group_id").asText(),
        doc.path("policy_name").asText(),
        doc.path("policy_version").asLong(),
        doc.path("task_id").asText(),
        doc.path("instance_id").asText());
    JsonNode task = doc.path("task");
    if (task.isObject()) {
      JsonNode t = task.path("value");
      line(
          out,
          "task          %s at %s: problem %s, %s step %d of %d, G %d, temperature %s, %d new"
              + " tokens at most",
          task.path("record").asText(),
          task.path("timestamp").asText(),
          t.path("problem_id").asText(),
          t.path("mode").asText(),
          t.path("step_index").asInt() + 1,
          t.path("total_steps").asInt(),
          t.path("group_size").asInt(),
          t.path("temperature").asText(),
          t.path("max_new_tokens").asInt());
      line(out, "  question    %s", oneLine(t.path("question").asText(), RESPONSE_WIDTH));
      List<String> context = new ArrayList<>();
      int i = 1;
      for (JsonNode step : t.path("context_steps")) {
        context.add(i++ + ") " + oneLine(step.asText(), ACTION_WIDTH));
      }
      line(out, "  context     %s", context.isEmpty() ? "(none)" : String.join("   ", context));
    } else {
      line(out, "task          not found on srl.tasks (outside what was read, or expired)");
    }
    expert(out, doc.path("expert_step"), null);
    JsonNode rollouts = doc.path("rollouts");
    JsonNode group = doc.path("group");
    line(
        out,
        "rollouts      %d recorded, %d of %d rewarded%s",
        rollouts.size(),
        group.path("rewarded").asInt(),
        group.path("expected_size").asInt(),
        doc.path("rollouts_repeated").asInt() == 0
            ? ""
            : ", " + doc.path("rollouts_repeated").asInt() + " repeated on the topic");
    int actorWidth = 5;
    for (JsonNode r : rollouts) {
      actorWidth = Math.max(actorWidth, r.path("actor_id").asText("-").length());
    }
    actorWidth = Math.min(actorWidth, 30);
    String row = "  %3s  %7s  %-" + actorWidth + "s  %7s  %10s  %9s  %s";
    line(
        out,
        row,
        "i",
        "version",
        "actor",
        "reward",
        "similarity",
        "advantage",
        "action (or why malformed)");
    for (JsonNode r : rollouts) {
      String action =
          r.path("action").isTextual()
              ? oneLine(r.path("action").asText(), ACTION_WIDTH)
              : r.path("reason").isTextual()
                  ? "(malformed: " + r.path("reason").asText() + ")"
                  : "(malformed)";
      line(
          out,
          row,
          r.path("rollout_index").asInt(),
          r.path("policy_version").asLong(),
          oneLine(r.path("actor_id").asText("-"), actorWidth),
          number(r.path("reward"), "%.3f"),
          number(r.path("similarity"), "%.3f"),
          number(r.path("advantage"), "%+.3f"),
          action);
    }
    StringBuilder state = new StringBuilder(group.path("text").asText());
    if (group.path("reward_std").isNumber()) {
      state.append(
          String.format(
              Locale.ROOT,
              "; reward mean %.3f, std %.3f, %s (%s, assembled %s)",
              group.path("reward_mean").asDouble(),
              group.path("reward_std").asDouble(),
              group.path("reward_config").asText(),
              group.path("record").asText(),
              group.path("assembled_at").asText()));
    }
    line(out, "group         %s", state);
    line(out, "learner       %s", doc.path("learner").path("text").asText());
    letters(out, doc.path("dead_letters"));
    line(out, "responses");
    for (JsonNode r : rollouts) {
      line(
          out,
          "  %3d  %s",
          r.path("rollout_index").asInt(),
          r.path("response_text").isTextual()
              ? oneLine(r.path("response_text").asText(), RESPONSE_WIDTH)
              : "(not found on srl.rollout-steps)");
    }
    return out.toString();
  }

  /** An instance's document as text: its expert step, tasks, and one line per group. */
  public static String instance(JsonNode doc) {
    StringBuilder out = new StringBuilder();
    line(out, "instance %s", doc.path("instance_id").asText());
    expert(out, doc.path("expert_step"), doc.path("expert_steps_recorded").asInt());
    List<String> tasks = new ArrayList<>();
    for (JsonNode t : doc.path("tasks")) {
      tasks.add(t.path("value").path("task_id").asText() + " (" + t.path("record").asText() + ")");
    }
    line(
        out,
        "tasks         %d%s",
        tasks.size(),
        tasks.isEmpty() ? "" : ": " + String.join(", ", tasks));
    JsonNode groups = doc.path("groups");
    line(out, "groups        %d", groups.size());
    if (groups.size() > 0) {
      int width = 5;
      for (JsonNode g : groups) {
        width = Math.max(width, g.path("group_id").asText().length());
      }
      String format = "  %-" + width + "s  %7s  %8s  %11s  %-11s  %s";
      line(out, format, "group", "version", "rollouts", "mean reward", "scorer", "learner");
      for (JsonNode g : groups) {
        JsonNode group = g.path("group");
        line(
            out,
            format,
            g.path("group_id").asText(),
            Long.toString(g.path("policy_version").asLong()),
            group.path("rewarded").asInt() + "/" + group.path("expected_size").asInt(),
            number(group.path("reward_mean"), "%.3f"),
            group.path("state").asText() + (group.path("recorded").asBoolean() ? "" : "*"),
            shortFate(g.path("learner")));
      }
      boolean inferred = false;
      for (JsonNode g : groups) {
        inferred |= !g.path("group").path("recorded").asBoolean();
      }
      if (inferred) {
        line(
            out,
            "  (* inferred from the rewards: the scorer records only the groups it keeps; srl"
                + " inspect group GROUP_ID explains one)");
      }
    }
    letters(out, doc.path("dead_letters"));
    return out.toString();
  }

  private static void expert(StringBuilder out, JsonNode expert, Integer recorded) {
    if (!expert.isObject()) {
      line(out, "expert step   not found on srl.expert-steps");
      return;
    }
    line(
        out,
        "expert step   %s  (%s at %s%s)",
        oneLine(expert.path("value").path("target_step").asText(), RESPONSE_WIDTH),
        expert.path("record").asText(),
        expert.path("timestamp").asText(),
        recorded == null || recorded < 2 ? "" : "; " + recorded + " recorded, the newest shown");
  }

  private static void letters(StringBuilder out, JsonNode letters) {
    line(out, "dead letters  %d", letters.size());
    for (JsonNode l : letters) {
      line(
          out,
          "  %s by %s: %s (source %s; %s)",
          l.path("reason").asText(),
          l.path("service").asText(),
          oneLine(l.path("message").asText(), RESPONSE_WIDTH),
          l.path("source").asText(),
          l.path("record").asText());
    }
  }

  /** The learner's fate in a few words, for a table cell. */
  static String shortFate(JsonNode fate) {
    JsonNode version = fate.path("version");
    switch (fate.path("fate").asText()) {
      case "trained":
        return "trained by v" + version.asLong();
      case "dropped":
        return "dropped (" + fate.path("reason").asText() + ") before v" + version.asLong();
      case "trained_by_or_after":
        return "v" + version.asLong() + " or later (a bound)";
      case "not_trained_yet":
        return "not trained yet";
      default:
        return "-";
    }
  }

  private static String number(JsonNode node, String format) {
    return node.isNumber() ? String.format(Locale.ROOT, format, node.asDouble()) : "-";
  }

  /** Text on one line (line breaks shown as ⏎), cut to {@code width} characters with …. */
  static String oneLine(String text, int width) {
    String flat = text.replace("\r\n", "⏎").replace('\n', '⏎').replace('\r', '⏎');
    return flat.codePointCount(0, flat.length()) <= width
        ? flat
        : flat.substring(0, flat.offsetByCodePoints(0, width - 1)) + "…";
  }

  private static void line(StringBuilder out, String format, Object... args) {
    out.append(String.format(Locale.ROOT, format, args)).append('\n');
  }
}
