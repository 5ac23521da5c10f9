package dev.srlstream.method.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import dev.srlstream.schemas.avro.TrainingMode;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AgentTrajectoryReaderTest {
  @TempDir Path dir;

  private final Path fixture = Fixtures.resource("trajectories.jsonl");

  @Test
  void oneStepPerToolCallRenderedCanonically() throws IOException {
    ReadResult result = new AgentTrajectoryReader().read(fixture);

    ExpertSolution swe1 = result.solutions().get(0);
    assertThat(swe1.id()).isEqualTo("swe-1");
    assertThat(swe1.question()).isEqualTo("divide() in calc.py should use integer division.");
    assertThat(swe1.answer()).isNull();
    assertThat(swe1.steps())
        .as("actions are the calls, not the prose; observations matched by tool_call_id")
        .containsExactly(
            new Step(null, "ls -la", "calc.py\ntests"),
            new Step(
                null,
                "str_replace_editor(command=\"view\", path=\"/testbed/calc.py\")",
                "def divide(a, b):\n    return a / b"),
            new Step(null, "grep -n divide calc.py", "1:def divide(a, b):"),
            new Step(
                null,
                "str_replace_editor(command=\"str_replace\", new_str=\"a // b\","
                    + " old_str=\"a / b\", path=\"/testbed/calc.py\")",
                "The file has been edited."));
  }

  @Test
  void withoutTaskFieldTheFirstUserMessageIsTheTask() throws IOException {
    ExpertSolution swe2 = new AgentTrajectoryReader().read(fixture).solutions().get(1);

    assertThat(swe2.question()).isEqualTo("The test suite fails on Python 3.12.");
    assertThat(swe2.steps())
        .as("a shell call with more than the command keeps the call form; no ids: matched in order")
        .containsExactly(
            new Step(null, "bash(cmd=\"pytest -q\", timeout=60)", "1 failed, 9 passed"));
  }

  @Test
  void skipsTrajectoriesWithoutUsableToolCalls() throws IOException {
    ReadResult result = new AgentTrajectoryReader().read(fixture);

    assertThat(result.solutions()).extracting(ExpertSolution::id).containsExactly("swe-1", "swe-2");
    assertThat(result.skipped())
        .extracting(ReadResult.Skipped::id, ReadResult.Skipped::reason, ReadResult.Skipped::detail)
        .containsExactly(
            tuple("swe-3", SkipReason.NO_STEPS, "no tool calls in the messages"),
            tuple(
                "swe-4",
                SkipReason.BAD_TOOL_CALL,
                "messages[0].tool_calls[0].function.arguments is not JSON: Unexpected end-of-input:"
                    + " was expecting closing quote for a string value"),
            tuple(
                "swe-5",
                SkipReason.BAD_TOOL_CALL,
                "messages[0].tool_calls[0].function.name is missing"));
  }

  @Test
  void theContextCarriesTheLastTwoActionsWithTheirObservations() throws IOException {
    ExpertSolution swe1 = new AgentTrajectoryReader().read(fixture).solutions().get(0);

    List<StepInstance> instances =
        new InstanceExpander(InstanceExpander.Config.forAgentTrajectories())
            .expand(swe1, Split.TRAIN);

    assertThat(instances).hasSize(4);
    StepInstance last = instances.get(3);
    assertThat(last.mode()).isEqualTo(TrainingMode.SRL);
    assertThat(last.target()).startsWith("str_replace_editor(command=\"str_replace\"");
    assertThat(last.contextSteps())
        .containsExactly(
            "str_replace_editor(command=\"view\", path=\"/testbed/calc.py\")\n<observation>\n"
                + "def divide(a, b):\n    return a / b\n</observation>",
            "grep -n divide calc.py\n<observation>\n1:def divide(a, b):\n</observation>");
    assertThat(instances.get(1).contextSteps())
        .containsExactly("ls -la\n<observation>\ncalc.py\ntests\n</observation>");
    assertThat(instances.get(0).contextSteps()).isEmpty();
  }

  @Test
  void longObservationsAreCut() throws IOException {
    Path file =
        Fixtures.write(
            dir,
            "long.jsonl",
            "{\"id\":\"t\",\"task\":\"x\",\"messages\":[{\"role\":\"assistant\",\"tool_calls\":"
                + "[{\"id\":\"a\",\"function\":{\"name\":\"bash\",\"arguments\":{\"command\":\"cat f\"}}}]},"
                + "{\"role\":\"tool\",\"tool_call_id\":\"a\",\"content\":\"0123456789\"}]}");

    ReadResult result =
        new AgentTrajectoryReader(
                AgentTrajectoryReader.Config.defaults().withMaxObservationChars(4))
            .read(file);

    assertThat(result.solutions().get(0).steps())
        .containsExactly(new Step(null, "cat f", "0123\n[... 6 more characters]"));
  }

  @Test
  void rendersValuesAsJson() {
    AgentTrajectoryReader reader = new AgentTrajectoryReader();
    var arguments = JsonLines.MAPPER.createObjectNode();
    arguments.put("text", "say \"hi\"\nbye");
    arguments.put("n", 3);
    arguments.putNull("none");
    arguments.putArray("list").add(1).add("two");

    assertThat(reader.render("write", arguments))
        .isEqualTo("write(list=[1,\"two\"], n=3, none=null, text=\"say \\\"hi\\\"\\nbye\")");
    assertThat(reader.render("noargs", JsonLines.MAPPER.createObjectNode())).isEqualTo("noargs()");
  }

  @Test
  void aRecordNotInTheFormatStopsTheRead() throws IOException {
    Path noMessages =
        Fixtures.write(dir, "a.jsonl", "{\"id\":\"t\",\"task\":\"x\",\"messages\":{}}");
    Path noRole =
        Fixtures.write(
            dir, "b.jsonl", "{\"id\":\"t\",\"task\":\"x\",\"messages\":[{\"content\":\"hi\"}]}");
    Path noId = Fixtures.write(dir, "c.jsonl", "{\"task\":\"x\",\"messages\":[]}");
    Path badCalls =
        Fixtures.write(
            dir,
            "d.jsonl",
            "{\"id\":\"t\",\"task\":\"x\",\"messages\":[{\"role\":\"assistant\",\"tool_calls\":\"ls\"}]}");

    AgentTrajectoryReader reader = new AgentTrajectoryReader();
    assertThatThrownBy(() -> reader.read(noMessages))
        .hasMessage(
            noMessages
                + " line 1: field 'messages' must be an array of chat messages, but was an object");
    assertThatThrownBy(() -> reader.read(noRole))
        .hasMessage(
            noRole
                + " line 1: field 'messages[0].role' must be a non-blank string, but was missing");
    assertThatThrownBy(() -> reader.read(noId))
        .hasMessage(
            noId + " line 1: field 'id' must be a non-blank string or an integer, but was missing");
    Path callNotObject =
        Fixtures.write(
            dir,
            "e.jsonl",
            "{\"id\":\"t\",\"task\":\"x\",\"messages\":[{\"role\":\"assistant\",\"tool_calls\":[\"ls\"]}]}");
    assertThatThrownBy(() -> reader.read(callNotObject))
        .hasMessage(
            callNotObject
                + " line 1: field 'messages[0].tool_calls[0]' must be an object with a 'function',"
                + " but was \"ls\"");
    assertThatThrownBy(() -> reader.read(badCalls))
        .hasMessage(
            badCalls
                + " line 1: field 'messages[0].tool_calls' must be an array of tool calls, but was \"ls\"");
  }

  @Test
  void aReusedCallIdKeepsBothSteps() throws IOException {
    String call =
        "{\"id\":\"call_0\",\"function\":{\"name\":\"bash\",\"arguments\":{\"command\":\"%s\"}}}";
    Path file =
        Fixtures.write(
            dir,
            "reused.jsonl",
            "{\"id\":\"t\",\"task\":\"x\",\"messages\":["
                + "{\"role\":\"assistant\",\"tool_calls\":["
                + call.formatted("ls")
                + "]},"
                + "{\"role\":\"tool\",\"tool_call_id\":\"call_0\",\"content\":\"a.txt\"},"
                + "{\"role\":\"assistant\",\"tool_calls\":["
                + call.formatted("cat a.txt")
                + "]},"
                + "{\"role\":\"tool\",\"tool_call_id\":\"call_0\",\"content\":\"hello\"}]}");

    assertThat(new AgentTrajectoryReader().read(file).solutions().get(0).steps())
        .containsExactly(new Step(null, "ls", "a.txt"), new Step(null, "cat a.txt", "hello"));
  }

  @Test
  void aTrajectoryWithoutTaskIsSkipped() throws IOException {
    Path file =
        Fixtures.write(
            dir,
            "notask.jsonl",
            "{\"id\":\"t\",\"messages\":[{\"role\":\"assistant\",\"tool_calls\":"
                + "[{\"id\":\"a\",\"function\":{\"name\":\"bash\",\"arguments\":\"{\\\"command\\\":\\\"ls\\\"}\"}}]}]}");

    ReadResult result = new AgentTrajectoryReader().read(file);

    assertThat(result.solutions()).isEmpty();
    assertThat(result.skipped())
        .extracting(ReadResult.Skipped::reason)
        .containsExactly(SkipReason.NO_QUESTION);
  }
}
