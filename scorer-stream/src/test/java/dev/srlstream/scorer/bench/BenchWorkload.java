package dev.srlstream.scorer.bench;

import dev.srlstream.schemas.avro.ExpertStep;
import dev.srlstream.schemas.avro.RolloutStep;
import java.util.List;

/**
 * The scorer benchmark's synthetic workload ({@link Workload}) for benchmarks in other packages.
 */
public final class BenchWorkload {
  private final Workload workload;

  private BenchWorkload(Workload workload) {
    this.workload = workload;
  }

  /** {@code groups} groups of 8 over {@code instances} instances, deterministic for a seed. */
  public static BenchWorkload generate(int groups, int instances, long seed) {
    return new BenchWorkload(Workload.generate(groups, instances, seed));
  }

  public List<ExpertStep> experts() {
    return workload.experts;
  }

  /** Every rollout step, in send order. */
  public List<RolloutStep> rollouts() {
    return workload.sendOrder;
  }
}
