package dev.srlstream.policy.eval;

import dev.srlstream.method.data.ExpertSolution;
import dev.srlstream.method.data.InstanceExpander;
import dev.srlstream.method.data.Split;
import dev.srlstream.method.data.StepInstance;
import dev.srlstream.method.format.StepPrompt;
import dev.srlstream.method.reward.Reward;
import dev.srlstream.method.reward.StepSimilarityReward;
import dev.srlstream.policy.Policy;
import dev.srlstream.policy.PromptFormat;
import dev.srlstream.policy.SampleResult;
import dev.srlstream.policy.SamplingParams;
import dev.srlstream.policy.Seeds;
import dev.srlstream.policy.Tokenizer;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.TreeMap;
import java.util.function.IntConsumer;

/**
 * Step-level held-out evaluation: every step of every problem is asked for exactly as an SRL
 * training instance asks for it, and the responses are scored by the scorer's own reward.
 *
 * <p><b>Prompts.</b> Step k of a solution is prompted with the question and the expert's steps
 * before it, the newest {@code contextWindow} of them ({@link
 * dev.srlstream.method.data.Step#contextText()}), as {@link InstanceExpander} cuts an SRL instance
 * with that window (every step a target, no hint), written by {@link StepPrompt#text} and {@link
 * PromptFormat#promptTokens}: the text an actor samples a training group on. So the policy is never
 * asked to continue its own mistakes here, unlike in the end-to-end {@link Evaluator}: this
 * measures the step SRL optimises.
 *
 * <p><b>Responses.</b> One greedy response per step, and {@code k} samples at the temperature from
 * one {@code sampleGroup} call seeded {@code mix(mix(seed, problem position), step position)}, so a
 * report depends on the weights, the problems and the settings only, never on the number of
 * workers. A response is what the actor would send (text before EOS, also when it ran out of
 * tokens); a prompt that leaves no room in the model's context gets the empty response.
 *
 * <p><b>Scores</b>, per response, with the scorer's {@link StepSimilarityReward} (and so its {@link
 * dev.srlstream.method.format.ResponseParser#parseStep strict parser}) at the given autojunk:
 *
 * <ul>
 *   <li><b>well-formed</b>: the parser accepts it (the reward is not the malformed -1);
 *   <li><b>exact</b>: well-formed and its similarity to the expert action is 1.0, i.e. the parsed
 *       action (stripped, {@code <solution>} tags removed) equals the expert action as the scorer
 *       compares it (as given);
 *   <li><b>reward</b>: the reward the scorer would give, -1 for a malformed response.
 * </ul>
 *
 * Rates and the mean reward are taken over all steps (greedy) or all steps times k samples
 * (sampled), overall and per step index (1-based position of the step in its solution).
 */
public final class StepEvaluator {

  /**
   * How one response fared against its expert step.
   *
   * @param wellFormed whether the scorer's strict parser accepts the response
   * @param exact whether the parsed action equals the expert action (similarity 1.0)
   * @param reward the scorer's reward: a similarity in [0, 1], or -1 when malformed
   */
  public record Outcome(boolean wellFormed, boolean exact, double reward) {
    public Outcome {
      if (!wellFormed && (exact || reward != Reward.MALFORMED)) {
        throw new IllegalArgumentException(
            "a malformed response is not exact and has reward -1, but had exact "
                + exact
                + " and reward "
                + reward);
      }
      if (wellFormed && !(reward >= 0.0 && reward <= 1.0)) {
        throw new IllegalArgumentException(
            "a well-formed response has a reward in [0, 1], but was " + reward);
      }
      if (exact && reward != 1.0) {
        throw new IllegalArgumentException("an exact response has reward 1, but was " + reward);
      }
    }
  }

  /**
   * The responses to one step of one problem.
   *
   * @param problemId the problem's id
   * @param index the 1-based position of the step in its solution
   * @param expertAction the expert action the responses are compared with
   * @param greedyResponse the greedy response text
   * @param greedy how the greedy response fared
   * @param sampleResponses the k sampled response texts (none when k is 0)
   * @param samples how each sample fared, in the order of {@code sampleResponses}
   */
  public record StepScore(
      String problemId,
      int index,
      String expertAction,
      String greedyResponse,
      Outcome greedy,
      List<String> sampleResponses,
      List<Outcome> samples) {
    public StepScore {
      if (index < 1) {
        throw new IllegalArgumentException("index must be >= 1, but was " + index);
      }
      Objects.requireNonNull(greedy, "greedy");
      sampleResponses = List.copyOf(sampleResponses);
      samples = List.copyOf(samples);
      if (samples.size() != sampleResponses.size()) {
        throw new IllegalArgumentException(
            "one outcome per sample, but had "
                + samples.size()
                + " outcomes for "
                + sampleResponses.size()
                + " samples");
      }
    }
  }

  /**
   * The figures of a set of responses; NaN when there is none.
   *
   * @param responses how many responses they are taken over
   * @param wellFormedRate the share of well-formed responses
   * @param exactRate the share of exact responses
   * @param meanReward the mean reward, malformed responses counting -1
   */
  public record Rates(int responses, double wellFormedRate, double exactRate, double meanReward) {
    public static Rates of(List<Outcome> outcomes) {
      int n = outcomes.size();
      if (n == 0) {
        return new Rates(0, Double.NaN, Double.NaN, Double.NaN);
      }
      // Sums in a fixed order: the same outcomes always give the same bits.
      double wellFormed = 0;
      double exact = 0;
      double reward = 0;
      for (Outcome o : outcomes) {
        wellFormed += o.wellFormed() ? 1 : 0;
        exact += o.exact() ? 1 : 0;
        reward += o.reward();
      }
      return new Rates(n, wellFormed / n, exact / n, reward / n);
    }
  }

  /**
   * The figures of the steps at one index.
   *
   * @param index the 1-based step position
   * @param steps how many problems have a step at this index
   * @param greedy over the greedy responses of those steps
   * @param sampled over all their samples (NaN figures when k is 0)
   */
  public record ByIndex(int index, int steps, Rates greedy, Rates sampled) {}

  /**
   * The step-level scores of a policy.
   *
   * @param version the policy version evaluated
   * @param k samples per step
   * @param temperature the temperature of the samples
   * @param contextWindow expert steps shown before a step, newest kept ({@link
   *     Evaluator.Settings#ALL_STEPS} for all)
   * @param autojunk the similarity's autojunk setting
   * @param problems how many problems
   * @param steps how many steps, over all problems
   * @param greedy over all greedy responses
   * @param sampled over all samples (NaN figures when k is 0)
   * @param byIndex per step index, in increasing order
   * @param scores every step, problems in order, steps in order
   */
  public record Report(
      long version,
      int k,
      float temperature,
      int contextWindow,
      boolean autojunk,
      int problems,
      int steps,
      Rates greedy,
      Rates sampled,
      List<ByIndex> byIndex,
      List<StepScore> scores) {
    public Report {
      byIndex = List.copyOf(byIndex);
      scores = List.copyOf(scores);
    }
  }

  private final Evaluator.Settings settings;
  private final boolean autojunk;
  private final StepSimilarityReward reward;

  /**
   * @param settings k, temperature, token budget, seed, workers and context window (as for {@link
   *     Evaluator})
   * @param autojunk the autojunk setting of the scorer whose reward is reproduced
   */
  public StepEvaluator(Evaluator.Settings settings, boolean autojunk) {
    this.settings = Objects.requireNonNull(settings, "settings");
    this.autojunk = autojunk;
    this.reward = new StepSimilarityReward(autojunk);
  }

  /**
   * The SRL instances of a solution with a context window, one per step in order: the same
   * expansion the training run feeds (every step a target, no hint).
   */
  public static List<StepInstance> instances(ExpertSolution solution, int contextWindow) {
    InstanceExpander expander =
        new InstanceExpander(InstanceExpander.Config.defaults().withContextWindow(contextWindow));
    return expander.expand(solution, Split.TEST);
  }

  /** The prompt text of an instance, as the actor writes it. */
  public static String promptText(StepInstance instance) {
    return StepPrompt.text(instance.question(), instance.contextSteps(), instance.hint());
  }

  /** Scores one response against an expert action with the scorer's reward. */
  public Outcome score(String response, String expertAction) {
    Reward r = reward.score(response, expertAction);
    return new Outcome(r.formatOk(), r.formatOk() && r.similarity() == 1.0, r.reward());
  }

  /**
   * Evaluates the policy of {@code weights} (the weights codec's bytes) on every step of {@code
   * problems}.
   *
   * @param progress called with the number of problems done after each one (from any worker)
   * @throws IllegalArgumentException if no problem is given
   */
  public Report evaluate(byte[] weights, List<ExpertSolution> problems, IntConsumer progress)
      throws InterruptedException {
    if (problems.isEmpty()) {
      throw new IllegalArgumentException("no problem to evaluate on");
    }
    List<List<StepScore>> perProblem = new ArrayList<>(Collections.nCopies(problems.size(), null));
    long version =
        ProblemWorkers.run(
            weights,
            problems.size(),
            settings.threads(),
            (policy, i) -> {
              List<StepScore> scores = scoreProblem(policy, problems.get(i), i);
              synchronized (perProblem) {
                perProblem.set(i, scores);
              }
            },
            progress);
    List<StepScore> scores = new ArrayList<>();
    synchronized (perProblem) {
      perProblem.forEach(scores::addAll);
    }
    return report(version, problems.size(), scores);
  }

  private List<StepScore> scoreProblem(Policy policy, ExpertSolution problem, int position) {
    Tokenizer tokenizer = policy.tokenizer();
    int context = policy.config().contextLength();
    List<StepScore> scores = new ArrayList<>();
    for (StepInstance instance : instances(problem, settings.contextWindow())) {
      int[] prompt = PromptFormat.promptTokens(tokenizer, promptText(instance));
      int room = context - prompt.length;
      String greedy = "";
      List<String> samples = new ArrayList<>(Collections.nCopies(settings.k(), ""));
      if (room >= 1) {
        int tokens = Math.min(settings.maxNewTokens(), room);
        greedy =
            text(
                tokenizer,
                policy
                    .sampleGroup(prompt, 1, SamplingParams.greedy(tokens, tokenizer.eos()))
                    .get(0));
        if (settings.k() > 0) {
          long seed = Seeds.mix(Seeds.mix(settings.seed(), position), instance.stepIndex());
          List<SampleResult> results =
              policy.sampleGroup(
                  prompt,
                  settings.k(),
                  SamplingParams.sampling(settings.temperature(), tokens, tokenizer.eos(), seed));
          for (int s = 0; s < results.size(); s++) {
            samples.set(s, text(tokenizer, results.get(s)));
          }
        }
      }
      String expert = instance.target();
      scores.add(
          new StepScore(
              problem.id(),
              instance.stepIndex() + 1,
              expert,
              greedy,
              score(greedy, expert),
              samples,
              samples.stream().map(s -> score(s, expert)).toList()));
    }
    return scores;
  }

  private static String text(Tokenizer tokenizer, SampleResult result) {
    return PromptFormat.responseText(tokenizer, result.tokens());
  }

  /** The report of scored steps: overall and per index figures. */
  Report report(long version, int problems, List<StepScore> scores) {
    TreeMap<Integer, List<StepScore>> byIndex = new TreeMap<>();
    for (StepScore s : scores) {
      byIndex.computeIfAbsent(s.index(), i -> new ArrayList<>()).add(s);
    }
    List<ByIndex> indexes = new ArrayList<>();
    byIndex.forEach(
        (index, steps) ->
            indexes.add(new ByIndex(index, steps.size(), greedyRates(steps), sampledRates(steps))));
    return new Report(
        version,
        settings.k(),
        settings.temperature(),
        settings.contextWindow(),
        autojunk,
        problems,
        scores.size(),
        greedyRates(scores),
        sampledRates(scores),
        indexes,
        scores);
  }

  private static Rates greedyRates(List<StepScore> steps) {
    return Rates.of(steps.stream().map(StepScore::greedy).toList());
  }

  private static Rates sampledRates(List<StepScore> steps) {
    return Rates.of(steps.stream().flatMap(s -> s.samples().stream()).toList());
  }
}
