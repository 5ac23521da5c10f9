package dev.srlstream.learner;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * A trainer for testing the learner's Kafka side: its "weights" are the ledger of every group id it
 * trained on, so the weights of a version show exactly which groups it was trained on (a group
 * trained twice or skipped shows). It can be told to crash at a chosen point.
 */
final class LedgerTrainer implements Trainer {
  /** Where to crash, for the restart tests. */
  enum CrashPoint {
    NONE,
    /** in train(): the update is lost before anything is written */
    IN_TRAIN,
    /** after the checkpoint of the new version is on disk, before the transaction commits */
    AFTER_CHECKPOINT
  }

  private final CrashPoint crashPoint;
  private final int crashOnTrainCall;
  private final List<String> ledger = new ArrayList<>();
  private int trainCalls;
  private boolean crashArmed;

  LedgerTrainer(CrashPoint crashPoint, int crashOnTrainCall) {
    this.crashPoint = crashPoint;
    this.crashOnTrainCall = crashOnTrainCall;
  }

  @Override
  public int vocabSize() {
    return 64;
  }

  @Override
  public int contextLength() {
    return 128;
  }

  @Override
  public String architecture() {
    if (crashArmed && crashPoint == CrashPoint.AFTER_CHECKPOINT) {
      throw new IllegalStateException("simulated crash after the checkpoint was written");
    }
    return "{\"ledger\":true}";
  }

  @Override
  public Map<String, Double> train(List<WeightedGroup> batch) {
    trainCalls++;
    if (trainCalls == crashOnTrainCall) {
      if (crashPoint == CrashPoint.IN_TRAIN) {
        throw new IllegalStateException("simulated crash in train");
      }
      crashArmed = true;
    }
    batch.forEach(g -> ledger.add(g.group().getGroupId()));
    return Map.of("loss", 1.0 / trainCalls);
  }

  @Override
  public byte[] exportWeights(long version) {
    return String.join("\n", ledger).getBytes(StandardCharsets.UTF_8);
  }

  @Override
  public byte[] exportOptimizerState() {
    return new byte[] {(byte) trainCalls};
  }

  @Override
  public void restore(byte[] weights, byte[] optimizerState) {
    ledger.clear();
    String text = new String(weights, StandardCharsets.UTF_8);
    if (!text.isEmpty()) {
      ledger.addAll(Arrays.asList(text.split("\n")));
    }
  }

  static List<String> ledgerOf(byte[] weights) {
    String text = new String(weights, StandardCharsets.UTF_8);
    return text.isEmpty() ? List.of() : Arrays.asList(text.split("\n"));
  }

  @Override
  public void close() {}
}
