package dev.srlstream.topology;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.srlstream.policy.Policy;
import dev.srlstream.policy.PromptFormat;
import dev.srlstream.policy.SampleResult;
import dev.srlstream.policy.SamplingParams;
import dev.srlstream.policy.SessionThreads;
import dev.srlstream.policy.Tokenizer;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code srl generate}: one continuation of one prompt, with the actors' sampler. */
@Command(
    name = "generate",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = {
      "Continue a prompt with a model, to try it: the prompt is tokenized as the model's own"
          + " tokenizer does it (a Hugging Face tokenizer adds only what its tokenizer.json adds;"
          + " the bundled byte model starts with BOS), and the continuation is sampled with the"
          + " KV-cache sampler the actors use, up to the model's end-of-sequence token.",
      "Prints the continuation's text; with --json one object: the prompt's ids, the"
          + " continuation's ids, text and per-token log-probabilities (at the sampling"
          + " temperature, or at 1 when greedy), and why it ended (stop, max_tokens or context_full)."
    })
final class GenerateCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(names = "--model", required = true, paramLabel = "MODEL", description = ModelOption.HELP)
  String model;

  @Option(names = "--prompt", required = true, paramLabel = "TEXT", description = "The prompt.")
  String prompt;

  @ArgGroup(exclusive = true)
  Decoding decoding;

  /** Greedy (the default) or sampled. */
  static final class Decoding {
    @Option(names = "--greedy", description = "Take the most likely token each time (default).")
    boolean greedy;

    @ArgGroup(exclusive = false)
    Sampled sampled;
  }

  static final class Sampled {
    @Option(
        names = "--temperature",
        required = true,
        paramLabel = "T",
        description = "Sample at temperature T instead of greedily.")
    float temperature;

    @Option(
        names = "--seed",
        defaultValue = "0",
        paramLabel = "N",
        description = "The sampling seed (default: ${DEFAULT-VALUE}).")
    long seed;
  }

  @Option(
      names = "--max-new-tokens",
      defaultValue = "64",
      paramLabel = "N",
      description = "The most tokens to generate (default: ${DEFAULT-VALUE}).")
  int maxNewTokens;

  @Option(names = "--json", description = "Print one JSON object instead of the text.")
  boolean json;

  @Override
  public Integer call() throws Exception {
    if (maxNewTokens < 1) {
      throw new IllegalArgumentException(
          "--max-new-tokens must be at least 1, but was " + maxNewTokens);
    }
    Sampled sampled = decoding == null ? null : decoding.sampled;
    if (sampled != null && !(sampled.temperature > 0)) {
      throw new IllegalArgumentException(
          "--temperature must be > 0 (--greedy takes the most likely token), but was "
              + sampled.temperature);
    }
    byte[] weights = ModelOption.weights(model, "--model");
    try (Policy policy = Policy.load(weights, SessionThreads.TENSORFLOW_DEFAULT)) {
      Tokenizer tokenizer = policy.tokenizer();
      // The prompt as given, as the model's own tokenizer encodes it: no step layout, no chat
      // template (a user who wants one writes it into the prompt).
      int[] promptIds = tokenizer.encodePrompt(prompt);
      int context = policy.config().contextLength();
      if (promptIds.length + maxNewTokens > context) {
        throw new IllegalArgumentException(
            "the prompt ("
                + promptIds.length
                + " tokens) and --max-new-tokens "
                + maxNewTokens
                + " must fit the model's context of "
                + context
                + " tokens, but need "
                + (promptIds.length + maxNewTokens));
      }
      SamplingParams params =
          sampled == null
              ? SamplingParams.greedy(maxNewTokens, tokenizer.eos())
              : SamplingParams.sampling(
                  sampled.temperature, maxNewTokens, tokenizer.eos(), sampled.seed);
      SampleResult result = policy.sample(promptIds, params);
      String text = PromptFormat.responseText(tokenizer, result.tokens());
      PrintWriter out = spec.commandLine().getOut();
      out.println(json ? json(promptIds, result, text) : text);
      out.flush();
    }
    return 0;
  }

  private static String json(int[] promptIds, SampleResult result, String text) {
    ObjectMapper mapper = new ObjectMapper();
    ObjectNode node = mapper.createObjectNode();
    node.set("prompt_ids", mapper.valueToTree(promptIds));
    node.set("ids", mapper.valueToTree(result.tokens()));
    node.put("text", text);
    node.set("log_probs", mapper.valueToTree(result.logProbs()));
    node.put("finish_reason", result.finishReason().name().toLowerCase(java.util.Locale.ROOT));
    return node.toString();
  }
}
