package dev.srlstream.scorer;

import dev.srlstream.method.reward.ModeRewards;
import dev.srlstream.method.reward.Reward;
import dev.srlstream.schemas.avro.ExpertStep;
import dev.srlstream.schemas.avro.GroupRollout;
import dev.srlstream.schemas.avro.RolloutStep;
import dev.srlstream.schemas.avro.StepReward;
import dev.srlstream.schemas.avro.TrainingGroup;
import dev.srlstream.schemas.serde.AvroSerde;
import dev.srlstream.schemas.serde.InMemorySchemaRegistry;
import dev.srlstream.scorer.bench.BenchWorkload;
import java.io.ByteArrayOutputStream;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.IntConsumer;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.avro.specific.SpecificRecord;

/**
 * The scorer's per-rollout codec and reward work, timed alone on one thread (no Kafka, no stores):
 * each item as the scorer did it before issue 15 and as it does it now, in microseconds per
 * rollout. A {@code main}, not a test. Run: {@code scorer-stream/bench/codec-bench.sh [groups]}.
 */
public final class CodecBenchmark {
  private static volatile Object sink;

  public static void main(String[] args) {
    int groups = args.length > 0 ? Integer.parseInt(args[0]) : 4000;
    BenchWorkload w = BenchWorkload.generate(groups, 200, 2510);
    InMemorySchemaRegistry registry = new InMemorySchemaRegistry();
    String topic = "t";
    AvroSerde<RolloutStep> rolloutSerde = new AvroSerde<>(RolloutStep.class, registry);
    AvroSerde<GroupRollout> rolloutStoreSerde = new AvroSerde<>(GroupRollout.class, registry);
    AvroSerde<TrainingGroup> groupSerde = new AvroSerde<>(TrainingGroup.class, registry);
    AvroSerde<StepReward> rewardSerde = new AvroSerde<>(StepReward.class, registry);
    ModeRewards rewards = new ModeRewards(true);
    Map<String, ExpertStep> experts = new HashMap<>();
    w.experts().forEach(e -> experts.put(e.getInstanceId(), e));
    List<RolloutStep> rollouts = w.rollouts();
    int n = rollouts.size();
    byte[][] values = new byte[n][];
    for (int i = 0; i < n; i++) {
      values[i] = rolloutSerde.serialize(topic, rollouts.get(i));
    }
    List<GroupRollout> stored = new ArrayList<>(n);
    byte[][] storedBytes = new byte[n][];
    List<StepReward> stepRewards = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      RolloutStep r = rollouts.get(i);
      Reward reward =
          rewards.score(r.getMode(), r.getResponseText(), experts.get(r.getInstanceId()));
      stored.add(
          GroupRollout.newBuilder()
              .setRolloutId(r.getRolloutId())
              .setRolloutIndex(r.getRolloutIndex())
              .setActorId(r.getActorId())
              .setResponseTokenIds(r.getResponseTokenIds())
              .setBehaviourLogprobs(r.getBehaviourLogprobs())
              .setSegments(r.getSegments())
              .setReward(reward.reward())
              .setAdvantage(0)
              .setFormatOk(reward.formatOk())
              .setAlignment(null)
              .build());
      storedBytes[i] = rolloutStoreSerde.serialize(topic, stored.get(i));
      stepRewards.add(
          StepReward.newBuilder()
              .setRolloutId(r.getRolloutId())
              .setGroupId(r.getGroupId())
              .setInstanceId(r.getInstanceId())
              .setProblemId(r.getProblemId())
              .setMode(r.getMode())
              .setStepIndex(r.getStepIndex())
              .setRolloutIndex(r.getRolloutIndex())
              .setPolicyVersion(r.getPolicyVersion())
              .setActorId(r.getActorId())
              .setReward(reward.reward())
              .setSimilarity(reward.similarity())
              .setFormatOk(reward.formatOk())
              .setReason(reward.reason())
              .setRewardConfig("c")
              .setRolloutSampledAt(r.getSampledAt())
              .setScoredAt(Instant.EPOCH)
              .setPolicyName("srl")
              .build());
    }
    List<TrainingGroup> trainingGroups = new ArrayList<>();
    for (int g = 0; g + 8 <= n; g += 8) {
      RolloutStep first = rollouts.get(g);
      trainingGroups.add(
          TrainingGroup.newBuilder()
              .setGroupId(first.getGroupId())
              .setTaskId(first.getTaskId())
              .setInstanceId(first.getInstanceId())
              .setProblemId(first.getProblemId())
              .setMode(first.getMode())
              .setStepIndex(first.getStepIndex())
              .setPolicyVersion(first.getPolicyVersion())
              .setExpectedSize(8)
              .setComplete(true)
              .setPromptTokenIds(first.getPromptTokenIds())
              .setRollouts(new ArrayList<>(stored.subList(g, g + 8)))
              .setRewardMean(0)
              .setRewardStd(0)
              .setRewardConfig("c")
              .setAssembledAt(Instant.EPOCH)
              .setPolicyName("srl")
              .build());
    }
    SpecificDatumWriter<GroupRollout> plainRolloutWriter =
        new SpecificDatumWriter<>(GroupRollout.getClassSchema());
    SpecificDatumWriter<TrainingGroup> plainGroupWriter =
        new SpecificDatumWriter<>(TrainingGroup.getClassSchema());

    System.out.printf(Locale.ROOT, "%d rollout steps (%d groups of 8), one thread%n", n, n / 8);
    System.out.println("| per rollout | before (us) | now (us) |");
    System.out.println("|---|---:|---:|");
    row(
        "decode the rollout step (the same Avro decode before and now)",
        n,
        i -> sink = rolloutSerde.deserialize(topic, values[i]),
        i -> sink = rolloutSerde.deserialize(topic, values[i]));
    row(
        "encode its GroupRollout for the pending store",
        n,
        i -> sink = plainEncode(plainRolloutWriter, stored.get(i)),
        i -> sink = rolloutStoreSerde.serialize(topic, stored.get(i)));
    row(
        "decode it back when the group completes (now: skipped, DecodeSkippingSerde)",
        n,
        i -> sink = rolloutStoreSerde.deserialize(topic, storedBytes[i]),
        i -> sink = storedBytes[i]);
    row(
        "decode it again in delete() (now: put(key, null))",
        n,
        i -> sink = rolloutStoreSerde.deserialize(topic, storedBytes[i]),
        i -> sink = storedBytes[i]);
    int groupCount = trainingGroups.size();
    row(
        "encode its share (1/8) of the TrainingGroup",
        groupCount,
        g -> sink = plainEncode(plainGroupWriter, trainingGroups.get(g)),
        g -> sink = groupSerde.serialize(topic, trainingGroups.get(g)),
        8);
    row(
        "encode its StepReward",
        n,
        i ->
            sink =
                plainEncode(
                    new SpecificDatumWriter<>(StepReward.getClassSchema()), stepRewards.get(i)),
        i -> sink = rewardSerde.serialize(topic, stepRewards.get(i)));
    row(
        "reward (difflib similarity)",
        n,
        i -> {
          RolloutStep r = rollouts.get(i);
          sink = rewards.score(r.getMode(), r.getResponseText(), experts.get(r.getInstanceId()));
        },
        i -> {
          RolloutStep r = rollouts.get(i);
          sink = rewards.score(r.getMode(), r.getResponseText(), experts.get(r.getInstanceId()));
        });
  }

  private static <T extends SpecificRecord> byte[] plainEncode(
      SpecificDatumWriter<T> writer, T record) {
    try {
      ByteArrayOutputStream out = new ByteArrayOutputStream(256);
      out.write(new byte[5]);
      BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(out, null);
      writer.write(record, encoder);
      encoder.flush();
      return out.toByteArray();
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  private static void row(String item, int count, IntConsumer before, IntConsumer now) {
    row(item, count, before, now, 1);
  }

  /**
   * Best of 5 passes after 3 warm-up passes, each side; per rollout ({@code perItem} rollouts per
   * call).
   */
  private static void row(
      String item, int count, IntConsumer before, IntConsumer now, int perItem) {
    double b = time(count, before) / perItem;
    double a = time(count, now) / perItem;
    System.out.printf(Locale.ROOT, "| %s | %.2f | %.2f |%n", item, b, a);
  }

  private static double time(int count, IntConsumer work) {
    double best = Double.MAX_VALUE;
    for (int pass = 0; pass < 8; pass++) {
      long t0 = System.nanoTime();
      for (int i = 0; i < count; i++) {
        work.accept(i);
      }
      double us = (System.nanoTime() - t0) / 1e3 / count;
      if (pass >= 3) {
        best = Math.min(best, us);
      }
    }
    return best;
  }
}
