package dev.srlstream.method.data;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;

/**
 * Reads agent trajectories: JSONL of {@code {"id", "task" | "question", "messages": [...]}} in the
 * common OpenAI chat format, where assistant messages carry {@code tool_calls} ({@code {"id",
 * "function": {"name", "arguments"}}}, arguments a JSON string or an object) and each tool result
 * follows as a {@code {"role": "tool", "tool_call_id", "content"}} message.
 *
 * <p>Every tool call is one step. Its action is the call itself, rendered canonically, never the
 * assistant prose around it: for a shell tool ({@link Config#shellTools()}) whose only argument is
 * {@code command} (or {@code cmd}), the command string ({@code ls -la}); otherwise {@code
 * name(key="value", n=3)} with the arguments sorted by name and each value as compact JSON. Its
 * observation is the content of the matching tool result (by {@code tool_call_id}, else the next
 * result in order), cut to {@link Config#maxObservationChars()}; it reaches the policy in the
 * context of later steps (the paper keeps the last two action/observation pairs: {@link
 * InstanceExpander.Config#forAgentTrajectories()}). Steps have no title. The question is the first
 * of {@link Config#taskFields()} with text, else the first user message.
 *
 * <p>A record not in the format (no id, {@code messages} not an array of objects with a role, a
 * field of the wrong JSON type) stops the read with a {@link MalformedDataException}. A well-formed
 * trajectory without a task or without tool calls, with a tool call without a name or with
 * arguments that are not a JSON object, or with an id seen before, is skipped and counted.
 */
public final class AgentTrajectoryReader implements SolutionReader {

  /**
   * The fields to read and how to render steps.
   *
   * @param idField the field with the trajectory id
   * @param taskFields the fields that may hold the task (issue) text, in order of preference
   * @param shellTools names of tools whose {@code command} argument is the whole action
   * @param maxObservationChars observations longer than this are cut, with a note of how much
   * @param source the source of every solution, or null for the file name
   */
  public record Config(
      String idField,
      List<String> taskFields,
      Set<String> shellTools,
      int maxObservationChars,
      String source) {

    public static final List<String> DEFAULT_TASK_FIELDS =
        List.of("task", "question", "problem_statement");
    public static final Set<String> DEFAULT_SHELL_TOOLS =
        Set.of("bash", "shell", "execute_bash", "run_shell_command", "terminal");

    public Config {
      Texts.requireNonBlank(idField, "idField");
      taskFields = List.copyOf(Objects.requireNonNull(taskFields, "taskFields"));
      shellTools = Set.copyOf(Objects.requireNonNull(shellTools, "shellTools"));
      if (maxObservationChars < 1) {
        throw new IllegalArgumentException(
            "maxObservationChars must be >= 1, but was " + maxObservationChars);
      }
      if (source != null && source.isBlank()) {
        throw new IllegalArgumentException("source must be null or non-blank, but was blank");
      }
    }

    public static Config defaults() {
      return new Config("id", DEFAULT_TASK_FIELDS, DEFAULT_SHELL_TOOLS, 4000, null);
    }

    public Config withMaxObservationChars(int chars) {
      return new Config(idField, taskFields, shellTools, chars, source);
    }
  }

  private static final List<String> SHELL_ARGUMENTS = List.of("command", "cmd");

  private final Config config;

  public AgentTrajectoryReader(Config config) {
    this.config = Objects.requireNonNull(config, "config");
  }

  public AgentTrajectoryReader() {
    this(Config.defaults());
  }

  @Override
  public ReadResult read(InputStream in, String file, String defaultSource) throws IOException {
    String source = config.source() == null ? defaultSource : config.source();
    ReadCollector read = new ReadCollector();
    JsonLines.forEach(
        in,
        file,
        record -> {
          String id = record.requiredId(config.idField());
          Trajectory trajectory = new Trajectory(record, id);
          trajectory.parse();
          if (trajectory.skip != null) {
            read.skip(trajectory.skip);
            return;
          }
          read.keep(
              record, new ExpertSolution(id, trajectory.task, trajectory.steps(), null, source));
        });
    return read.result();
  }

  /** The parse of one record: the task, the tool calls in order, their observations. */
  private final class Trajectory {
    private final JsonRecord record;
    private final String id;
    private String task;
    private ReadResult.Skipped skip;
    // Call id (or a synthetic one) -> action; insertion order is step order.
    private final Map<String, String> actions = new LinkedHashMap<>();
    private final Map<String, String> observations = new HashMap<>();

    Trajectory(JsonRecord record, String id) {
      this.record = record;
      this.id = id;
    }

    void parse() throws MalformedDataException {
      JsonNode messages = record.get("messages");
      if (messages == null || !messages.isArray()) {
        throw record.error("messages", "an array of chat messages", messages);
      }
      task = taskField();
      for (int i = 0; i < messages.size() && skip == null; i++) {
        String field = "messages[" + i + "]";
        JsonNode message = messages.get(i);
        if (!message.isObject()) {
          throw record.error(field, "an object with a 'role'", message);
        }
        JsonNode role = message.get("role");
        if (role == null || !role.isTextual() || role.asText().isBlank()) {
          throw record.error(field + ".role", "a non-blank string", role);
        }
        switch (role.asText()) {
          case "user" -> {
            if (task == null) {
              task = blankToNull(content(message, field));
            }
          }
          case "assistant" -> toolCalls(message, field);
          case "tool" -> toolResult(message, field);
          default -> {
            // system prompts and other roles carry no step
          }
        }
      }
      if (skip != null) {
        return;
      }
      if (task == null) {
        skip(
            SkipReason.NO_QUESTION,
            "no task field " + config.taskFields() + " and no user message");
      } else if (actions.isEmpty()) {
        skip(SkipReason.NO_STEPS, "no tool calls in the messages");
      }
    }

    List<Step> steps() {
      List<Step> steps = new ArrayList<>();
      actions.forEach(
          (callId, action) -> steps.add(new Step(null, action, observations.get(callId))));
      return steps;
    }

    private String taskField() throws MalformedDataException {
      for (String field : config.taskFields()) {
        String text = record.optionalText(field);
        if (text != null) {
          return text;
        }
      }
      return null;
    }

    private void toolCalls(JsonNode message, String field) throws MalformedDataException {
      JsonNode calls = message.get("tool_calls");
      if (calls == null || calls.isNull()) {
        return; // prose only: not a step
      }
      if (!calls.isArray()) {
        throw record.error(field + ".tool_calls", "an array of tool calls", calls);
      }
      for (int c = 0; c < calls.size() && skip == null; c++) {
        String callField = field + ".tool_calls[" + c + "]";
        JsonNode call = calls.get(c);
        if (!call.isObject()) {
          throw record.error(callField, "an object with a 'function'", call);
        }
        JsonNode function = call.get("function");
        if (function == null || !function.isObject()) {
          throw record.error(
              callField + ".function", "an object with 'name' and 'arguments'", function);
        }
        JsonNode name = function.get("name");
        if (name == null || !name.isTextual() || name.asText().isBlank()) {
          skip(
              SkipReason.BAD_TOOL_CALL,
              callField + ".function.name is " + JsonRecord.describe(name));
          return;
        }
        ObjectNode arguments =
            arguments(function.get("arguments"), callField + ".function.arguments");
        if (arguments == null) {
          return;
        }
        JsonNode callId = call.get("id");
        String key =
            callId != null && callId.isTextual() && !callId.asText().isBlank()
                ? callId.asText()
                : "#" + actions.size(); // no id: results are matched by order
        if (actions.containsKey(key)) {
          key = key + "#" + actions.size(); // a reused id must not replace an earlier step
        }
        actions.put(key, render(name.asText(), arguments));
      }
    }

    /** The arguments as an object, or null after recording why they are not one. */
    private ObjectNode arguments(JsonNode arguments, String field) throws MalformedDataException {
      JsonNode parsed = arguments;
      if (arguments == null || arguments.isNull()) {
        return JsonLines.MAPPER.createObjectNode();
      }
      if (arguments.isTextual()) {
        if (arguments.asText().isBlank()) {
          return JsonLines.MAPPER.createObjectNode(); // some providers send "" for no arguments
        }
        try {
          parsed = JsonLines.MAPPER.readTree(arguments.asText());
        } catch (JsonProcessingException e) {
          skip(SkipReason.BAD_TOOL_CALL, field + " is not JSON: " + JsonLines.message(e));
          return null;
        }
      } else if (!arguments.isObject()) {
        throw record.error(field, "a JSON object or a string holding one", arguments);
      }
      if (!(parsed instanceof ObjectNode object)) {
        skip(
            SkipReason.BAD_TOOL_CALL,
            field + " is not a JSON object but " + JsonRecord.describe(parsed));
        return null;
      }
      return object;
    }

    private void toolResult(JsonNode message, String field) throws MalformedDataException {
      String observation = truncate(content(message, field));
      JsonNode callId = message.get("tool_call_id");
      if (callId != null
          && callId.isTextual()
          && actions.containsKey(callId.asText())
          && !observations.containsKey(callId.asText())) {
        observations.put(callId.asText(), observation);
        return;
      }
      // No call id, an unknown one or one already answered: the oldest call still waiting.
      for (String key : actions.keySet()) {
        if (!observations.containsKey(key)) {
          observations.put(key, observation);
          return;
        }
      }
    }

    /** The text of a message: a string, or the text parts of a content array; null if none. */
    private String content(JsonNode message, String field) throws MalformedDataException {
      JsonNode content = message.get("content");
      if (content == null || content.isNull()) {
        return null;
      }
      if (content.isTextual()) {
        return content.asText();
      }
      if (!content.isArray()) {
        throw record.error(
            field + ".content", "a string, an array of content parts or null", content);
      }
      List<String> texts = new ArrayList<>();
      for (JsonNode part : content) {
        JsonNode text = part.get("text");
        if (text != null && text.isTextual()) {
          texts.add(text.asText());
        }
      }
      return String.join("\n", texts);
    }

    private void skip(SkipReason reason, String detail) {
      skip = new ReadResult.Skipped(record.file(), record.line(), id, reason, detail);
    }
  }

  /** The canonical text of a tool call. */
  String render(String name, ObjectNode arguments) {
    if (config.shellTools().contains(name) && arguments.size() == 1) {
      for (String key : SHELL_ARGUMENTS) {
        JsonNode command = arguments.get(key);
        if (command != null && command.isTextual() && !command.asText().isBlank()) {
          return command.asText().strip();
        }
      }
    }
    Map<String, JsonNode> sorted = new TreeMap<>();
    arguments.properties().forEach(e -> sorted.put(e.getKey(), e.getValue()));
    StringBuilder call = new StringBuilder(name).append('(');
    sorted.forEach(
        (key, value) -> {
          if (call.charAt(call.length() - 1) != '(') {
            call.append(", ");
          }
          call.append(key).append('=').append(value.toString());
        });
    return call.append(')').toString();
  }

  private String truncate(String observation) {
    if (observation == null || observation.length() <= config.maxObservationChars()) {
      return observation;
    }
    int cut = config.maxObservationChars();
    return observation.substring(0, cut)
        + "\n[... "
        + (observation.length() - cut)
        + " more characters]";
  }

  private static String blankToNull(String text) {
    return text == null || text.isBlank() ? null : text;
  }
}
