package dev.srlstream.policy.eval;

import dev.srlstream.policy.Policy;
import dev.srlstream.policy.SessionThreads;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntConsumer;

/**
 * Shares problems among worker threads for an evaluation: each worker has its own copy of the
 * policy (a policy samples one group at a time), takes the next problem index until none is left,
 * and reports progress. Results do not depend on the number of workers as long as the task's work
 * on a problem depends only on the problem and its index.
 */
final class ProblemWorkers {

  /** The work on one problem, with the worker's own policy. */
  interface Task {
    void solve(Policy policy, int problem);
  }

  private ProblemWorkers() {}

  /**
   * Runs {@code task} on problems {@code 0..problems-1} with at most {@code threads} workers.
   *
   * @param progress called with the number of problems done after each one (from any worker)
   * @return the policy version of the weights
   */
  static long run(byte[] weights, int problems, int threads, Task task, IntConsumer progress)
      throws InterruptedException {
    AtomicInteger next = new AtomicInteger();
    AtomicInteger done = new AtomicInteger();
    int workers = Math.min(threads, problems);
    ExecutorService pool = Executors.newFixedThreadPool(workers, ProblemWorkers::thread);
    try (Policy first = Policy.load(weights, SessionThreads.SINGLE)) {
      List<Future<?>> futures = new ArrayList<>();
      for (int w = 0; w < workers; w++) {
        Policy shared = w == 0 ? first : null;
        futures.add(
            pool.submit(
                () -> {
                  try (Policy own =
                      shared == null ? Policy.load(weights, SessionThreads.SINGLE) : null) {
                    Policy policy = shared == null ? own : shared;
                    for (int i = next.getAndIncrement();
                        i < problems && !Thread.currentThread().isInterrupted();
                        i = next.getAndIncrement()) {
                      task.solve(policy, i);
                      progress.accept(done.incrementAndGet());
                    }
                  }
                  return null;
                }));
      }
      for (Future<?> future : futures) {
        try {
          future.get();
        } catch (ExecutionException e) {
          throw e.getCause() instanceof RuntimeException r
              ? r
              : new IllegalStateException("evaluation failed", e.getCause());
        }
      }
      return first.version();
    } finally {
      pool.shutdownNow();
    }
  }

  private static Thread thread(Runnable r) {
    Thread t = new Thread(r, "srl-eval");
    t.setDaemon(true);
    return t;
  }
}
