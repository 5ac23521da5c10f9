package dev.srlstream.scorer.bench;

import dev.srlstream.schemas.avro.ExpertStep;
import dev.srlstream.schemas.avro.FinishReason;
import dev.srlstream.schemas.avro.RolloutStep;
import dev.srlstream.schemas.avro.TrainingMode;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

/**
 * Synthetic SRL traffic with realistic shapes, for {@link ScorerBenchmark}: arithmetic instances
 * whose expert steps are 20-80 characters ("7 × 5 = 35, 35 − 6 = 29"), groups of 8 rollouts whose
 * responses are {@code <think>…</think>} plus an action, 40-300 characters in all, with one
 * response token per character (the project's policy is character-level, vocabulary 64), one
 * behaviour log-prob per token, and 100-300 prompt tokens shared by the group.
 *
 * <p>The actions are mostly near the expert step (exact, one digit off, a prefix, another step), so
 * the similarity does real work; about 5% of groups give eight identical actions (dynamic sampling
 * filters them) and about 3% of responses are malformed (no {@code </think>}, reward -1).
 * Deterministic for a seed.
 */
final class Workload {
  static final int GROUP_SIZE = 8;
  static final int VOCABULARY = 64;
  private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
  private static final String[] THOUGHT_WORDS = {
    "first",
    "multiply",
    "the",
    "two",
    "numbers",
    "then",
    "subtract",
    "carry",
    "one",
    "so",
    "we",
    "get",
    "check",
    "again",
    "divide",
    "by",
    "add",
    "it",
    "works",
    "hmm",
    "wait",
    "the",
    "result",
    "is",
    "next",
    "step",
    "keeps",
    "sign",
    "positive",
    "write",
    "down"
  };

  /** The expert steps, one per instance (key instance_id). */
  final List<ExpertStep> experts;

  /** The rollout steps of each group, in rollout-index order. */
  final List<RolloutStep[]> groups;

  /** Every rollout step in the order actors would send them (a few groups interleaved). */
  final List<RolloutStep> sendOrder;

  /** Groups whose eight actions are identical: dynamic sampling must filter these. */
  final int allAlikeGroups;

  private Workload(
      List<ExpertStep> experts,
      List<RolloutStep[]> groups,
      List<RolloutStep> sendOrder,
      int allAlikeGroups) {
    this.experts = experts;
    this.groups = groups;
    this.sendOrder = sendOrder;
    this.allAlikeGroups = allAlikeGroups;
  }

  /**
   * Generates {@code groupCount} groups of {@link #GROUP_SIZE} rollout steps over {@code
   * instanceCount} instances.
   */
  static Workload generate(int groupCount, int instanceCount, long seed) {
    Random rnd = new Random(seed);
    List<ExpertStep> experts = new ArrayList<>(instanceCount);
    for (int i = 0; i < instanceCount; i++) {
      experts.add(expert(rnd, i));
    }
    List<RolloutStep[]> groups = new ArrayList<>(groupCount);
    int allAlike = 0;
    for (int g = 0; g < groupCount; g++) {
      ExpertStep expert = experts.get(rnd.nextInt(instanceCount));
      boolean alike = rnd.nextDouble() < 0.05;
      allAlike += alike ? 1 : 0;
      groups.add(group(rnd, g, expert, alike));
    }
    // Several actors sample concurrently, so the rollouts of a few groups arrive interleaved.
    List<RolloutStep> sendOrder = new ArrayList<>(groupCount * GROUP_SIZE);
    int window = 8;
    for (int start = 0; start < groupCount; start += window) {
      List<RolloutStep> block = new ArrayList<>();
      for (int g = start; g < Math.min(groupCount, start + window); g++) {
        Collections.addAll(block, groups.get(g));
      }
      Collections.shuffle(block, rnd);
      sendOrder.addAll(block);
    }
    return new Workload(experts, groups, sendOrder, allAlike);
  }

  /**
   * The same experts with only the first {@code keepGroups} groups and no send order: the latency
   * phase cycles through the groups it has. The full workload of a large run (250k rollout steps as
   * objects with boxed token and log-prob lists, about 1.5 GB) would otherwise stay live through
   * every phase and make the scorer's garbage collections, which share the heap, look far dearer
   * than in a scorer process of its own.
   */
  Workload trimmed(int keepGroups) {
    return new Workload(
        experts,
        List.copyOf(groups.subList(0, Math.min(keepGroups, groups.size()))),
        List.of(),
        allAlikeGroups);
  }

  /**
   * A copy of a generated rollout under another group and rollout id (unique per {@code tag}),
   * sampled at {@code sampledAt}: fresh traffic of the same shapes for the latency phase.
   */
  static RolloutStep renamed(RolloutStep base, String tag, long sequence, Instant sampledAt) {
    String groupId = tag + "-" + (sequence / GROUP_SIZE);
    return RolloutStep.newBuilder(base)
        .setGroupId(groupId)
        .setTaskId(groupId)
        .setRolloutId(groupId + "/" + base.getRolloutIndex())
        .setSampledAt(sampledAt)
        .build();
  }

  private static ExpertStep expert(Random rnd, int index) {
    int totalSteps = 2 + rnd.nextInt(4);
    List<String> steps = new ArrayList<>(totalSteps);
    int value = 2 + rnd.nextInt(98);
    for (int s = 0; s < totalSteps; s++) {
      StringBuilder step = new StringBuilder();
      value = mathStep(rnd, value, step);
      steps.add(step.toString());
    }
    int k = rnd.nextInt(totalSteps);
    String problem = "arith-" + index;
    return ExpertStep.newBuilder()
        .setInstanceId(problem + "/k" + k + "/SRL")
        .setProblemId(problem)
        .setMode(TrainingMode.SRL)
        .setStepIndex(k)
        .setTotalSteps(totalSteps)
        .setQuestion("Compute the value step by step: " + String.join(" then ", steps))
        .setContextSteps(List.copyOf(steps.subList(0, k)))
        .setTargetStep(steps.get(k))
        .setTargetTitle(null)
        .setFinalAnswer(Integer.toString(value))
        .setSource("scorer-benchmark")
        .setSplit("train")
        .setCreatedAt(T0)
        .build();
  }

  /**
   * Appends arithmetic like "17 × 3 = 51, 51 − 8 = 43" to {@code out} until it is 20-80 chars long,
   * starting from {@code value}; returns the last result.
   */
  private static int mathStep(Random rnd, int value, StringBuilder out) {
    int target = 20 + rnd.nextInt(61);
    while (true) {
      int b;
      int result;
      String op;
      switch (rnd.nextInt(4)) {
        case 0 -> {
          b = 2 + rnd.nextInt(98);
          op = "+";
          result = value + b;
        }
        case 1 -> {
          b = 1 + rnd.nextInt(Math.max(1, value));
          op = "−";
          result = value - b;
        }
        case 2 -> {
          b = 2 + rnd.nextInt(12);
          op = "×";
          result = value * b;
        }
        default -> {
          b = smallDivisor(rnd, value);
          op = "÷";
          result = value / b;
        }
      }
      if (Math.abs(result) > 100_000) { // keep the numbers short, like textbook steps
        b = value;
        op = "−";
        result = 0;
      }
      String piece = value + " " + op + " " + b + " = " + result;
      if (out.length() > 0 && out.length() + 2 + piece.length() > 80) {
        return value;
      }
      if (out.length() > 0) {
        out.append(", ");
      }
      out.append(piece);
      value = result;
      if (out.length() >= target) {
        return value;
      }
    }
  }

  private static int smallDivisor(Random rnd, int value) {
    List<Integer> divisors = new ArrayList<>();
    for (int d = 2; d <= 12; d++) {
      if (value != 0 && value % d == 0) {
        divisors.add(d);
      }
    }
    return divisors.isEmpty() ? 1 : divisors.get(rnd.nextInt(divisors.size()));
  }

  private static RolloutStep[] group(Random rnd, int g, ExpertStep expert, boolean alike) {
    String groupId = "task-" + g + "/v" + (g / 500);
    List<Integer> prompt = tokens(rnd, 100 + rnd.nextInt(201));
    String sharedAction = action(rnd, expert.getTargetStep());
    RolloutStep[] rollouts = new RolloutStep[GROUP_SIZE];
    for (int i = 0; i < GROUP_SIZE; i++) {
      String act = alike ? sharedAction : action(rnd, expert.getTargetStep());
      String text = response(rnd, act, !alike && rnd.nextDouble() < 0.03);
      List<Integer> responseTokens = tokens(rnd, text.length());
      List<Float> logprobs = new ArrayList<>(responseTokens.size());
      for (int t = 0; t < responseTokens.size(); t++) {
        float u = rnd.nextFloat();
        logprobs.add(-3f * u * u);
      }
      rollouts[i] =
          RolloutStep.newBuilder()
              .setRolloutId(groupId + "/" + i)
              .setGroupId(groupId)
              .setTaskId("task-" + g)
              .setInstanceId(expert.getInstanceId())
              .setProblemId(expert.getProblemId())
              .setMode(TrainingMode.SRL)
              .setStepIndex(expert.getStepIndex())
              .setRolloutIndex(i)
              .setGroupSize(GROUP_SIZE)
              .setPolicyVersion(g / 500)
              .setActorId("actor-" + (g % 4))
              .setPromptTokenIds(prompt)
              .setResponseTokenIds(responseTokens)
              .setBehaviourLogprobs(logprobs)
              .setResponseText(text)
              .setFinishReason(FinishReason.STOP)
              .setTemperature(1.0f)
              .setSeed(rnd.nextLong())
              .setSampledAt(T0.plusMillis(g))
              .setSamplingMillis(20 + rnd.nextInt(200))
              .build();
    }
    return rollouts;
  }

  /** An action near the expert step: exact, a digit off, a prefix, or a different step. */
  private static String action(Random rnd, String target) {
    double u = rnd.nextDouble();
    if (u < 0.3) {
      return target;
    }
    if (u < 0.6) {
      char[] chars = target.toCharArray();
      for (int tries = 0; tries < 20; tries++) {
        int at = rnd.nextInt(chars.length);
        if (Character.isDigit(chars[at])) {
          chars[at] = (char) ('0' + rnd.nextInt(10));
          break;
        }
      }
      return new String(chars);
    }
    if (u < 0.8) {
      return target.substring(
          0, Math.max(1, target.length() / 2 + rnd.nextInt(target.length() / 2)));
    }
    StringBuilder other = new StringBuilder();
    mathStep(rnd, 2 + rnd.nextInt(98), other);
    return other.toString();
  }

  /** {@code <think>thought</think>action}, 40-300 chars; malformed drops the closing tag. */
  private static String response(Random rnd, String action, boolean malformed) {
    int length =
        Math.max(40, action.length() + 25) + rnd.nextInt(301 - Math.max(40, action.length() + 25));
    int thoughtLength = length - action.length() - "<think></think>".length();
    StringBuilder thought = new StringBuilder();
    while (thought.length() < thoughtLength) {
      if (thought.length() > 0) {
        thought.append(' ');
      }
      thought.append(
          rnd.nextInt(5) == 0
              ? Integer.toString(rnd.nextInt(1000))
              : THOUGHT_WORDS[rnd.nextInt(THOUGHT_WORDS.length)]);
    }
    thought.setLength(Math.max(0, thoughtLength));
    return "<think>" + thought + (malformed ? "" : "</think>") + action;
  }

  private static List<Integer> tokens(Random rnd, int count) {
    List<Integer> ids = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      ids.add(rnd.nextInt(VOCABULARY));
    }
    return ids;
  }
}
