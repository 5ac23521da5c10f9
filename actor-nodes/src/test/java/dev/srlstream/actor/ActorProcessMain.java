package dev.srlstream.actor;

import dev.srlstream.policy.ByteTokenizer;
import dev.srlstream.policy.ModelConfig;
import dev.srlstream.policy.SessionThreads;
import java.time.Duration;
import java.util.Map;

/**
 * An actor process for {@link ActorShutdownIT}, started as a child JVM, as the {@code srl actor}
 * command will run it: start, close gracefully on SIGTERM, exit non-zero on a fatal error.
 *
 * <p>Arguments: {@code BOOTSTRAP_SERVERS REGISTRY_URL TOPIC_PREFIX GROUP_ID}.
 */
public final class ActorProcessMain {
  private ActorProcessMain() {}

  public static void main(String[] args) {
    String prefix = args[2];
    ActorConfig config =
        ActorConfig.builder()
            .policyName("it")
            .groupId(args[3])
            .actorId("child")
            .model(new ModelConfig(ByteTokenizer.VOCAB_SIZE, 16, 1, 2, 256, 32, true))
            .sessionThreads(SessionThreads.SINGLE)
            .shutdownTimeout(Duration.ofSeconds(20))
            .build();
    ActorService service =
        ActorService.start(
            new ActorService.Settings(
                args[0],
                args[1],
                config,
                new ActorTopics(
                    prefix + ".tasks",
                    prefix + ".rollouts",
                    prefix + ".versions",
                    prefix + ".dead-letters"),
                0,
                Map.of()));
    service.closeOnShutdown();
    System.out.println("metrics-url=" + service.url());
    System.out.flush();
    try {
      service.done().join();
    } catch (RuntimeException e) {
      System.exit(1);
    }
  }
}
