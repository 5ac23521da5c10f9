package dev.srlstream.topology.train;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.srlstream.actor.ActorMetrics;
import dev.srlstream.learner.LearnerCounters;
import java.lang.management.ManagementFactory;
import java.util.Map;

/**
 * How a run's pipeline spent its training time, measured from inside the services: the learner's
 * time blocked waiting for training groups and in updates, the actors' time sampling, and what they
 * produced. Two snapshots, at the start and end of training, give the figures of {@code
 * summary.json}'s {@code pipeline} object, with which the asynchronous pipeline and its synchronous
 * twin are compared ({@code topology/bench/pipeline.sh}).
 */
record PipelineUse(
    long nanos,
    long groupsTrained,
    long tokensTrained,
    double learnerWaitingSeconds,
    double learnerUpdateSeconds,
    double actorSamplingSeconds,
    long responseTokens,
    Map<Long, Long> groupsByStaleness,
    long processCpuNanos) {

  /** The counters now. */
  static PipelineUse of(LearnerCounters learner, ActorMetrics actors) {
    return new PipelineUse(
        System.nanoTime(),
        learner.groupsTrained(),
        learner.tokensTrained(),
        learner.waitingSeconds(),
        learner.updateSeconds(),
        actors.samplingSeconds(),
        actors.responseTokens(),
        learner.stalenessHistogram(),
        currentProcessCpuNanos());
  }

  /** CPU time of this process (every thread, TensorFlow's and the embedded broker's included). */
  private static long currentProcessCpuNanos() {
    return ManagementFactory.getOperatingSystemMXBean()
            instanceof com.sun.management.OperatingSystemMXBean os
        ? os.getProcessCpuTime()
        : -1;
  }

  /**
   * Writes what happened between {@code start} and this snapshot into {@code pipeline}.
   *
   * @param actors actor instances (each has one sampling thread)
   * @param sync whether the run was the synchronous twin
   */
  ObjectNode since(PipelineUse start, int actors, boolean sync, ObjectNode pipeline) {
    double seconds = (nanos - start.nanos) / 1e9;
    long groups = groupsTrained - start.groupsTrained;
    long tokens = responseTokens - start.responseTokens;
    double waiting = learnerWaitingSeconds - start.learnerWaitingSeconds;
    double sampling = actorSamplingSeconds - start.actorSamplingSeconds;
    pipeline.put("sync", sync);
    pipeline.put("seconds", RunRecord.round(seconds));
    pipeline.put("groups_trained", groups);
    pipeline.put("groups_trained_per_minute", RunRecord.round(60 * groups / seconds));
    pipeline.put("response_tokens", tokens);
    pipeline.put("response_tokens_per_second", RunRecord.round(tokens / seconds));
    // End to end: sampled, scored, kept and trained on.
    pipeline.put(
        "trained_tokens_per_second",
        RunRecord.round((tokensTrained - start.tokensTrained) / seconds));
    pipeline.put("learner_waiting_seconds", RunRecord.round(waiting));
    pipeline.put(
        "learner_update_seconds",
        RunRecord.round(learnerUpdateSeconds - start.learnerUpdateSeconds));
    pipeline.put("learner_idle_share", share(waiting / seconds));
    pipeline.put("actor_sampling_seconds", RunRecord.round(sampling));
    // Each instance samples on one thread: idle is the share of its time with no group to sample.
    pipeline.put("actor_idle_share", share(1 - sampling / (actors * seconds)));
    // How busy the machine was: with every service in this process, the CPU the run could use.
    if (processCpuNanos >= 0 && start.processCpuNanos >= 0) {
      int cores = Runtime.getRuntime().availableProcessors();
      pipeline.put("cores", cores);
      pipeline.put(
          "process_cpu_share",
          share((processCpuNanos - start.processCpuNanos) / 1e9 / cores / seconds));
    }
    // How many versions behind the learner each trained group's sampling policy was.
    ObjectNode staleness = pipeline.putObject("groups_by_staleness");
    groupsByStaleness.forEach(
        (s, n) -> staleness.put(Long.toString(s), n - start.groupsByStaleness.getOrDefault(s, 0L)));
    return pipeline;
  }

  private static double share(double value) {
    return Math.round(value * 1000) / 1000.0;
  }
}
