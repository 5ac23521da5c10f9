package dev.srlstream.topology;

import java.io.PrintWriter;
import java.util.concurrent.CountDownLatch;

/**
 * Runs a long-lived command until Ctrl-C or SIGTERM. Both make the JVM run its shutdown hooks; the
 * hook here stops the service cleanly (committing and leaving its group) before the JVM exits.
 */
final class UntilStopped {
  private UntilStopped() {}

  /** Blocks until the JVM is asked to stop, then runs {@code stop} and returns. */
  static void await(String name, PrintWriter err, AutoCloseable stop) throws InterruptedException {
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  err.println("srl " + name + ": stopping");
                  err.flush();
                  try {
                    stop.close();
                    err.println("srl " + name + ": stopped");
                  } catch (Exception e) {
                    err.println("srl " + name + ": stopped with an error: " + e.getMessage());
                  }
                  err.flush();
                  stopped.countDown();
                },
                "srl-" + name + "-shutdown"));
    stopped.await();
  }
}
