package dev.srlstream.method.data;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * Writes expert solutions in the JSONL format {@link JsonlSolutionReader} reads, so any input can
 * be normalised into it ({@code srl data import}). Steps are written as plain strings when no step
 * has a title or an observation, and as {@code {"title", "action", "observation"}} objects
 * otherwise; a null answer is left out. Reading the output back gives equal solutions.
 */
public final class JsonlWriter {

  private JsonlWriter() {}

  /**
   * Writes the file atomically: to a sibling temporary file first, then moved over the target, so a
   * failed import never leaves half a file behind.
   */
  public static void write(Path path, Iterable<ExpertSolution> solutions) throws IOException {
    Path absolute = path.toAbsolutePath();
    Path tmp = absolute.resolveSibling(absolute.getFileName() + ".tmp");
    try (BufferedWriter writer = Files.newBufferedWriter(tmp, StandardCharsets.UTF_8)) {
      write(writer, solutions);
    } catch (IOException | RuntimeException e) {
      Files.deleteIfExists(tmp);
      throw e;
    }
    Files.move(tmp, absolute, StandardCopyOption.REPLACE_EXISTING);
  }

  /** Writes one line per solution. */
  public static void write(Writer writer, Iterable<ExpertSolution> solutions) throws IOException {
    for (ExpertSolution solution : solutions) {
      writer.write(toJsonLine(solution));
      writer.write('\n');
    }
  }

  /** One solution as one line of JSON (no line break: Jackson escapes those inside strings). */
  public static String toJsonLine(ExpertSolution solution) {
    ObjectNode json = JsonLines.MAPPER.createObjectNode();
    json.put("id", solution.id());
    json.put("question", solution.question());
    ArrayNode steps = json.putArray("steps");
    boolean plain =
        solution.steps().stream().allMatch(s -> s.title() == null && s.observation() == null);
    for (Step step : solution.steps()) {
      if (plain) {
        steps.add(step.action());
      } else {
        ObjectNode object = steps.addObject();
        if (step.title() != null) {
          object.put("title", step.title());
        }
        object.put("action", step.action());
        if (step.observation() != null) {
          object.put("observation", step.observation());
        }
      }
    }
    if (solution.answer() != null) {
      json.put("answer", solution.answer());
    }
    json.put("source", solution.source());
    try {
      return JsonLines.MAPPER.writeValueAsString(json);
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException("a tree of strings always serialises", e);
    }
  }
}
