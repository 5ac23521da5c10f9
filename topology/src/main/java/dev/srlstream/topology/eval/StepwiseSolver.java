package dev.srlstream.topology.eval;

import dev.srlstream.policy.FinishReason;
import dev.srlstream.policy.Policy;
import dev.srlstream.policy.PromptFormat;
import dev.srlstream.policy.SampleResult;
import dev.srlstream.policy.SamplingParams;
import dev.srlstream.policy.Seeds;
import dev.srlstream.policy.Tokenizer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Solves a problem end to end, step after step on the policy's own context: step s is sampled on
 * {@link PromptFormat#stepPrompt}(question, the policy's own actions 1..s-1) — the text an SRL task
 * shows with expert steps, and the text whole-solution rollouts are sampled on — so evaluation asks
 * exactly what training taught.
 *
 * <p>With a context window, a prompt shows only the newest actions, as the training instances did
 * (in the arithmetic data each action ends with what remains of the expression, so the last one is
 * the whole state).
 *
 * <p>A solution ends after {@code maxSteps} steps, or earlier at a step that did not end with EOS
 * (out of tokens or context), whose action is empty, or that writes {@code \boxed{…}}.
 *
 * <p>k samples share work: at each step the unfinished solutions are grouped by their context, and
 * each distinct context is one batched {@code sampleGroup} call, so a confident policy whose
 * samples agree costs little more than one greedy solution. Deterministic for a seed: the group of
 * a context draws from {@code mix(mix(seed, step), its first member)}.
 */
final class StepwiseSolver {
  private final Policy policy;
  private final int maxNewTokens;
  private final int contextWindow;

  StepwiseSolver(Policy policy, int maxNewTokens) {
    this(policy, maxNewTokens, Integer.MAX_VALUE);
  }

  /**
   * @param contextWindow how many of the newest own actions a prompt shows (the training window)
   */
  StepwiseSolver(Policy policy, int maxNewTokens, int contextWindow) {
    this.policy = policy;
    this.maxNewTokens = maxNewTokens;
    this.contextWindow = contextWindow;
  }

  /** One solution: the policy's responses and the actions read from them, in order. */
  record Solution(List<String> responses, List<String> actions, String stopReason) {
    Solution {
      responses = List.copyOf(responses);
      actions = List.copyOf(actions);
    }

    /** The actions, one per line: what the answer verifier reads. */
    String text() {
      return String.join("\n", actions);
    }
  }

  Solution greedy(String question, int maxSteps) {
    return solve(question, maxSteps, 1, null, 0L).get(0);
  }

  List<Solution> sample(String question, int maxSteps, int k, float temperature, long seed) {
    return solve(question, maxSteps, k, temperature, seed);
  }

  /** {@code temperature == null} means greedy. */
  private List<Solution> solve(
      String question, int maxSteps, int count, Float temperature, long seed) {
    Tokenizer tokenizer = policy.tokenizer();
    int context = policy.config().contextLength();
    List<Draft> drafts = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      drafts.add(new Draft());
    }
    for (int step = 1; step <= maxSteps; step++) {
      Map<List<String>, List<Draft>> byContext = new LinkedHashMap<>();
      for (Draft draft : drafts) {
        if (draft.stopReason == null) {
          List<String> actions = draft.actions;
          List<String> shown =
              actions.subList(Math.max(0, actions.size() - contextWindow), actions.size());
          byContext.computeIfAbsent(List.copyOf(shown), a -> new ArrayList<>()).add(draft);
        }
      }
      if (byContext.isEmpty()) {
        break;
      }
      for (Map.Entry<List<String>, List<Draft>> group : byContext.entrySet()) {
        List<Draft> members = group.getValue();
        int[] prompt =
            PromptFormat.promptTokens(
                tokenizer, PromptFormat.stepPrompt(question, group.getKey(), null));
        int room = context - prompt.length;
        if (room < 1) {
          members.forEach(d -> d.stopReason = "context full");
          continue;
        }
        int tokens = Math.min(maxNewTokens, room);
        SamplingParams params =
            temperature == null
                ? SamplingParams.greedy(tokens, tokenizer.eos())
                : SamplingParams.sampling(
                    temperature,
                    tokens,
                    tokenizer.eos(),
                    Seeds.mix(Seeds.mix(seed, step), drafts.indexOf(members.get(0))));
        List<SampleResult> results = policy.sampleGroup(prompt, members.size(), params);
        for (int i = 0; i < members.size(); i++) {
          members.get(i).add(results.get(i), tokenizer);
        }
      }
    }
    List<Solution> solutions = new ArrayList<>(count);
    for (Draft draft : drafts) {
      solutions.add(
          new Solution(
              draft.responses,
              draft.actions,
              draft.stopReason == null ? "step budget" : draft.stopReason));
    }
    return solutions;
  }

  private static final class Draft {
    final List<String> responses = new ArrayList<>();
    final List<String> actions = new ArrayList<>();
    String stopReason;

    void add(SampleResult result, Tokenizer tokenizer) {
      String response = PromptFormat.responseText(tokenizer, result.tokens());
      String action = PromptFormat.action(response);
      responses.add(response);
      actions.add(action);
      if (result.finishReason() != FinishReason.STOP) {
        stopReason = "no EOS (" + result.finishReason() + ")";
      } else if (action.isEmpty()) {
        stopReason = "empty action";
      } else if (action.contains("\\boxed{")) {
        stopReason = "boxed answer";
      }
    }
  }
}
