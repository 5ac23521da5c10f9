package dev.srlstream.policy;

import dev.srlstream.method.format.ParsedResponse;
import dev.srlstream.method.format.ResponseFormat;
import dev.srlstream.method.format.ResponseParser;
import dev.srlstream.method.format.StepPrompt;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Solves a problem end to end, step after step on the policy's own context: the one loop behind the
 * actors' whole-solution rollouts (RLVR, HOLISTIC) and the evaluation, so that evaluation asks
 * exactly what training taught.
 *
 * <ol>
 *   <li>Step 1 of every solution is one batched call on {@link StepPrompt#text}{@code (question,
 *       [], null)}, i.e. {@code "Problem: Q\nStep 1:"}; solution {@code i} draws from {@link
 *       SamplingParams#rowSeed}{@code (i)} of the seed, its {@linkplain Solution#seed seed}.
 *   <li>Step {@code s > 1} is asked on {@link StepPrompt#text}{@code (question, [a1 … a(s-1)],
 *       null)}: the prompt of SRL step {@code s} with the solution's own actions in place of the
 *       expert's (only the newest {@code contextWindow} of them, as SRL instances of that window
 *       show the newest expert steps; in the arithmetic data the last action ends with what remains
 *       of the expression, so it is the whole state). The action of a step is what {@link
 *       ResponseParser#parseStep} reads from its response, the scorer's reading.
 *   <li>The unfinished solutions that would be asked the same prompt with the same token limit are
 *       sampled in one call, seeded {@link Seeds#mix}{@code (seed of its first member, s)}: a
 *       confident policy whose samples agree costs little more than one greedy solution, and a
 *       solution asked alone draws from {@code mix(its seed, s)}. Deterministic for a seed.
 *   <li>A solution ends after {@code maxSteps} steps, or earlier at a step that did not end with
 *       EOS (out of tokens or context), that is malformed, or whose action writes {@code \boxed{…}}
 *       (a final answer); or when no token of room is left. The room of a step is the least of
 *       {@code maxNewTokens}, the context after its own prompt, and the context after the first
 *       prompt and all the solution's responses so far: the first prompt followed by every step's
 *       tokens stays a valid single context (the flat fields of a rollout record).
 * </ol>
 */
public final class StepwiseSolver {

  /** Why a solution ended. */
  public enum Stop {
    STEP_BUDGET("step budget"),
    NO_EOS("no EOS"),
    MALFORMED("malformed response"),
    FINAL_ANSWER("boxed answer"),
    CONTEXT_FULL("context full");

    private final String text;

    Stop(String text) {
      this.text = text;
    }

    /** How evaluation reports list it. */
    public String text() {
      return text;
    }
  }

  /**
   * How solutions are sampled.
   *
   * @param maxNewTokens the most tokens of one step's response
   * @param contextWindow how many of the newest own actions a prompt shows ({@link
   *     Integer#MAX_VALUE} for all)
   * @param temperature the sampling temperature, or null for greedy decoding
   * @param seed the seed of the solutions (ignored when greedy)
   */
  public record Settings(int maxNewTokens, int contextWindow, Float temperature, long seed) {
    public Settings {
      if (maxNewTokens < 1) {
        throw new IllegalArgumentException("maxNewTokens must be >= 1, but was " + maxNewTokens);
      }
      if (contextWindow < 1) {
        throw new IllegalArgumentException("contextWindow must be >= 1, but was " + contextWindow);
      }
      if (temperature != null && !(temperature > 0)) {
        throw new IllegalArgumentException("temperature must be > 0, but was " + temperature);
      }
    }

    /** Greedy decoding. */
    public static Settings greedy(int maxNewTokens, int contextWindow) {
      return new Settings(maxNewTokens, contextWindow, null, 0L);
    }

    /** Sampling at {@code temperature} from {@code seed}. */
    public static Settings sampling(
        int maxNewTokens, int contextWindow, float temperature, long seed) {
      return new Settings(maxNewTokens, contextWindow, temperature, seed);
    }
  }

  /**
   * One step of a solution.
   *
   * @param prompt the exact prompt tokens it was sampled after
   * @param sample what was sampled (tokens with EOS, behaviour log-probs, finish reason)
   * @param response the response text
   * @param parsed the response read as one step
   */
  public record Step(int[] prompt, SampleResult sample, String response, ParsedResponse parsed) {
    /** The step's action; empty when the response is malformed. */
    public String action() {
      return parsed.formatOk() ? parsed.action() : "";
    }
  }

  /**
   * One solution.
   *
   * @param seed its row seed of step 1 (0 when greedy)
   * @param steps its steps (none when the first prompt left no room)
   * @param stop why it ended
   */
  public record Solution(long seed, List<Step> steps, Stop stop) {
    public Solution {
      steps = List.copyOf(steps);
      Objects.requireNonNull(stop, "stop");
    }

    public List<String> responses() {
      return steps.stream().map(Step::response).toList();
    }

    public List<String> actions() {
      return steps.stream().map(Step::action).toList();
    }

    /** The actions, one per line: what the answer verifier reads. */
    public String text() {
      return String.join("\n", actions());
    }

    /** The stop, with the last step's finish reason or the parser's reason where they say more. */
    public String stopReason() {
      return switch (stop) {
        case NO_EOS -> stop.text() + " (" + last().sample().finishReason() + ")";
        case MALFORMED -> stop.text() + " (" + last().parsed().reason() + ")";
        default -> stop.text();
      };
    }

    private Step last() {
      return steps.get(steps.size() - 1);
    }
  }

  private final Sampler sampler;
  private final Tokenizer tokenizer;
  private final int contextLength;

  /**
   * @param sampler samples groups (a {@link Policy}'s {@code sampleGroup}, an actor's handle)
   * @param tokenizer the policy's tokenizer
   * @param contextLength the most tokens, prompt and response, the policy sees
   */
  public StepwiseSolver(Sampler sampler, Tokenizer tokenizer, int contextLength) {
    this.sampler = Objects.requireNonNull(sampler, "sampler");
    this.tokenizer = Objects.requireNonNull(tokenizer, "tokenizer");
    this.contextLength = contextLength;
  }

  /** A solver that samples from {@code policy}. */
  public static StepwiseSolver of(Policy policy) {
    return new StepwiseSolver(
        policy::sampleGroup, policy.tokenizer(), policy.config().contextLength());
  }

  /** The prompt tokens of a whole solution's first step. */
  public int[] firstPrompt(String question) {
    return PromptFormat.promptTokens(tokenizer, StepPrompt.text(question, List.of(), null));
  }

  /**
   * Solves {@code question} {@code count} times in at most {@code maxSteps} steps each. When the
   * first prompt leaves no room in the context, every solution has no step and ends {@link
   * Stop#CONTEXT_FULL}.
   */
  public List<Solution> solve(String question, int maxSteps, int count, Settings settings) {
    if (maxSteps < 1 || count < 1) {
      throw new IllegalArgumentException(
          "maxSteps and count must be >= 1, but were " + maxSteps + " and " + count);
    }
    int[] first = firstPrompt(question);
    int firstRoom = Math.min(settings.maxNewTokens(), contextLength - first.length);
    if (firstRoom < 1) {
      return Collections.nCopies(count, new Solution(0L, List.of(), Stop.CONTEXT_FULL));
    }
    List<SampleResult> firstSamples =
        sampler.sample(first, count, params(settings, firstRoom, settings.seed()));
    List<Draft> drafts = new ArrayList<>(count);
    for (SampleResult sample : firstSamples) {
      Draft draft = new Draft(settings.temperature() == null ? 0L : sample.seed());
      draft.add(first, sample, tokenizer);
      drafts.add(draft);
    }
    for (int step = 2; step <= maxSteps; step++) {
      Map<Ask, List<Draft>> asks = new LinkedHashMap<>();
      // Each distinct prompt is tokenized once: drafts that agree share it, and the call uses it.
      Map<String, int[]> tokensOf = new HashMap<>();
      for (Draft draft : drafts) {
        if (draft.stop != null) {
          continue;
        }
        List<String> shown =
            draft.actions.subList(
                Math.max(0, draft.actions.size() - settings.contextWindow()), draft.actions.size());
        String text = StepPrompt.text(question, shown, null);
        int promptLength =
            tokensOf.computeIfAbsent(text, t -> PromptFormat.promptTokens(tokenizer, t)).length;
        int room =
            Math.min(
                settings.maxNewTokens(),
                Math.min(
                    contextLength - promptLength,
                    contextLength - first.length - draft.responseTokens));
        if (room < 1) {
          draft.stop = Stop.CONTEXT_FULL;
          continue;
        }
        asks.computeIfAbsent(new Ask(text, room), a -> new ArrayList<>()).add(draft);
      }
      if (asks.isEmpty()) {
        break;
      }
      for (Map.Entry<Ask, List<Draft>> ask : asks.entrySet()) {
        List<Draft> members = ask.getValue();
        int[] prompt = tokensOf.get(ask.getKey().text());
        long seed = Seeds.mix(members.get(0).seed, step);
        List<SampleResult> samples =
            sampler.sample(prompt, members.size(), params(settings, ask.getKey().room(), seed));
        for (int i = 0; i < members.size(); i++) {
          members.get(i).add(prompt, samples.get(i), tokenizer);
        }
      }
    }
    List<Solution> solutions = new ArrayList<>(count);
    for (Draft draft : drafts) {
      solutions.add(
          new Solution(
              draft.seed, draft.steps, draft.stop == null ? Stop.STEP_BUDGET : draft.stop));
    }
    return solutions;
  }

  private SamplingParams params(Settings settings, int maxNewTokens, long seed) {
    return settings.temperature() == null
        ? SamplingParams.greedy(maxNewTokens, tokenizer.eos())
        : SamplingParams.sampling(settings.temperature(), maxNewTokens, tokenizer.eos(), seed);
  }

  /** A prompt and a token limit: the solutions asked the same are sampled in one call. */
  private record Ask(String text, int room) {}

  private static final class Draft {
    final long seed;
    final List<Step> steps = new ArrayList<>();
    final List<String> actions = new ArrayList<>();
    int responseTokens;
    Stop stop;

    Draft(long seed) {
      this.seed = seed;
    }

    void add(int[] prompt, SampleResult sample, Tokenizer tokenizer) {
      String response = PromptFormat.responseText(tokenizer, sample.tokens());
      Step step = new Step(prompt, sample, response, ResponseParser.parseStep(response));
      steps.add(step);
      actions.add(step.action());
      responseTokens += sample.length();
      if (sample.finishReason() != FinishReason.STOP) {
        stop = Stop.NO_EOS;
      } else if (!step.parsed().formatOk()) {
        stop = Stop.MALFORMED;
      } else if (ResponseFormat.givesFinalAnswer(step.action())) {
        stop = Stop.FINAL_ANSWER;
      }
    }
  }
}
