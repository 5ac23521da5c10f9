package dev.srlstream.topology.train;

import dev.srlstream.learner.SftRunner;
import dev.srlstream.method.data.ExpertSolution;
import dev.srlstream.method.data.InstanceExpander;
import dev.srlstream.method.data.Split;
import dev.srlstream.method.data.StepInstance;
import dev.srlstream.method.format.ResponseFormat;
import dev.srlstream.method.format.StepPrompt;
import dev.srlstream.policy.ModelConfig;
import dev.srlstream.policy.PromptFormat;
import dev.srlstream.policy.Tokenizer;
import java.util.ArrayList;
import java.util.List;

/**
 * The supervised examples of expert solutions: every step of every solution is one example, prompt
 * = {@link StepPrompt#text}(problem, expert steps before it), target = {@link
 * ResponseFormat#write}(title, action), then EOS — the text SRL rewards and evaluation reads.
 */
public final class SftExamples {

  /** The examples, and how many steps were left out for not fitting the context. */
  public record Result(List<SftRunner.Example> examples, int tooLong) {}

  private SftExamples() {}

  /**
   * @param maxSolutionSteps use only solutions of at most this many steps; null for all
   */
  public static Result of(
      List<ExpertSolution> solutions,
      ModelConfig model,
      Tokenizer tokenizer,
      Integer maxSolutionSteps) {
    return of(
        solutions, model, tokenizer, maxSolutionSteps, InstanceExpander.Config.ALL_EARLIER_STEPS);
  }

  /**
   * @param contextWindow how many of the earlier expert steps a prompt shows, newest kept
   */
  public static Result of(
      List<ExpertSolution> solutions,
      ModelConfig model,
      Tokenizer tokenizer,
      Integer maxSolutionSteps,
      int contextWindow) {
    InstanceExpander expander =
        new InstanceExpander(InstanceExpander.Config.defaults().withContextWindow(contextWindow));
    List<SftRunner.Example> examples = new ArrayList<>();
    int tooLong = 0;
    for (ExpertSolution solution : solutions) {
      if (maxSolutionSteps != null && solution.steps().size() > maxSolutionSteps) {
        continue;
      }
      for (StepInstance instance : expander.expand(solution, Split.TRAIN)) {
        int[] prompt =
            PromptFormat.promptTokens(
                tokenizer,
                StepPrompt.text(instance.question(), instance.contextSteps(), instance.hint()));
        String think = instance.targetTitle() == null ? "" : instance.targetTitle();
        int[] target =
            PromptFormat.targetTokens(tokenizer, ResponseFormat.write(think, instance.target()));
        if (prompt.length + target.length > model.contextLength()) {
          tooLong++;
          continue;
        }
        examples.add(new SftRunner.Example(prompt, target));
      }
    }
    return new Result(examples, tooLong);
  }
}
