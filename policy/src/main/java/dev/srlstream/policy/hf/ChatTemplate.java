package dev.srlstream.policy.hf;

import com.hubspot.jinjava.Jinjava;
import com.hubspot.jinjava.JinjavaConfig;
import com.hubspot.jinjava.interpret.RenderResult;
import com.hubspot.jinjava.interpret.TemplateError;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A Hugging Face chat template (Jinja), rendered as {@code transformers}' {@code
 * apply_chat_template} renders it: blocks trimmed and left-stripped ({@code trim_blocks}, {@code
 * lstrip_blocks}), with {@code messages}, {@code add_generation_prompt} and the special tokens'
 * texts as variables. Rendered by Jinjava, a Jinja implementation for the JVM.
 */
public final class ChatTemplate {

  /** One message: {@code system}, {@code user} or {@code assistant}, and its text. */
  public record Message(String role, String content) {}

  private static final JinjavaConfig CONFIG =
      JinjavaConfig.newBuilder().withTrimBlocks(true).withLstripBlocks(true).build();

  private final String source;
  private final Map<String, Object> specialTokens;

  // One processor for every render (its filters and functions are built once); each render has
  // an interpreter of its own, so concurrent renders do not share state.
  private final Jinjava jinjava = new Jinjava(CONFIG);

  /**
   * @param source the template's Jinja text
   * @param specialTokens {@code bos_token}, {@code eos_token} and the like, by name, as texts
   */
  public ChatTemplate(String source, Map<String, String> specialTokens) {
    this.source = source;
    this.specialTokens = Map.copyOf(specialTokens);
  }

  /** The template's Jinja text. */
  public String source() {
    return source;
  }

  /**
   * The prompt text of {@code messages}, ending with the assistant's header when {@code
   * addGenerationPrompt}.
   *
   * @throws IllegalArgumentException if the template does not render (its errors, with lines)
   */
  public String render(List<Message> messages, boolean addGenerationPrompt) {
    Map<String, Object> context = new HashMap<>(specialTokens);
    context.put(
        "messages",
        messages.stream().map(m -> Map.of("role", m.role(), "content", m.content())).toList());
    context.put("add_generation_prompt", addGenerationPrompt);
    RenderResult result = jinjava.renderForResult(source, context);
    List<TemplateError> errors =
        result.getErrors().stream()
            .filter(e -> e.getSeverity() == TemplateError.ErrorType.FATAL)
            .toList();
    if (!errors.isEmpty()) {
      throw new IllegalArgumentException(
          "the chat template does not render: "
              + errors.stream().map(e -> "line " + e.getLineno() + ": " + e.getMessage()).toList());
    }
    return result.getOutput();
  }
}
