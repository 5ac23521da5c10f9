package dev.srlstream.topology;

import dev.srlstream.method.reward.Reward;
import dev.srlstream.method.reward.StepSimilarityReward;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code srl reward}: the SRL step reward ({@link StepSimilarityReward}) of a policy response
 * against an expert step, for one pair or a file of pairs, as the scorer computes it.
 */
@Command(
    name = "reward",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = {
      "Print the SRL step reward of a policy response against an expert step.",
      "The response must be <think>...</think> followed by the action (optionally in <solution> tags); a"
          + " malformed response scores -1 with its reason, otherwise the reward is the difflib"
          + " ratio of the action (stripped) to the expert step. The monologue is never scored.",
      "Output: one JSON object per pair, {\"reward\": R, \"similarity\": S, \"format_ok\": B,"
          + " \"reason\": TEXT}, with null for the similarity of a malformed response and the"
          + " reason of a well-formed one; numbers as Python's repr prints them.",
      "With --pairs: one output line per input line {\"response\": \"...\", \"expert\":"
          + " \"...\"}, in input order, streamed to stdout or --out. Other fields are ignored and"
          + " blank lines skipped. The first bad line stops the run with exit code 1; the lines"
          + " before it have been printed to stdout, while --out is then not written at all."
    })
final class RewardCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @ArgGroup(exclusive = true, multiplicity = "1")
  Input input;

  @Mixin AutojunkOption autojunk;

  /** One pair, or a file of pairs: exactly one of them. */
  static final class Input {
    @ArgGroup(exclusive = false, multiplicity = "1", heading = "One pair:%n")
    OnePair pair;

    @ArgGroup(exclusive = false, multiplicity = "1", heading = "A file of pairs:%n")
    Pairs pairs;
  }

  static final class OnePair {
    @Option(
        names = "--response",
        required = true,
        paramLabel = "TEXT",
        description = "The policy's response: <think>monologue</think> action.")
    String response;

    @Option(
        names = "--expert",
        required = true,
        paramLabel = "TEXT",
        description = "The expert step the action is compared with.")
    String expert;
  }

  static final class Pairs {
    @Option(
        names = "--pairs",
        required = true,
        paramLabel = "FILE",
        description = "JSONL, one object per line with string fields 'response' and 'expert'.")
    Path file;

    @Option(
        names = "--out",
        paramLabel = "FILE",
        description =
            "Write the rewards to FILE (replaced if it exists) instead of stdout; progress goes to"
                + " stderr and a summary to stdout.")
    Path out;

    @Option(
        names = "--progress-every",
        defaultValue = "PT5S",
        paramLabel = "DURATION",
        description =
            "With --out: the interval between progress lines on stderr, as an ISO-8601 duration"
                + " (default: ${DEFAULT-VALUE}).")
    Duration progressEvery = Duration.ofSeconds(5);
  }

  @Override
  public Integer call() throws Exception {
    StepSimilarityReward reward = new StepSimilarityReward(autojunk.autojunk);
    if (input.pair != null) {
      spec.commandLine()
          .getOut()
          .println(line(reward.score(input.pair.response, input.pair.expert)));
      spec.commandLine().getOut().flush();
      return 0;
    }
    new PairScoring(spec, "response", "expert", "rewards")
        .run(
            input.pairs.file,
            input.pairs.out,
            input.pairs.progressEvery,
            (response, expert) -> line(reward.score(response, expert)));
    return 0;
  }

  /** One reward as one line, as Python's {@code json.dumps} writes the same dict. */
  static String line(Reward reward) {
    Map<String, Object> members = new LinkedHashMap<>();
    members.put("reward", reward.reward());
    members.put("similarity", reward.similarity());
    members.put("format_ok", reward.formatOk());
    members.put("reason", reward.reason());
    return PythonText.jsonObject(members);
  }
}
