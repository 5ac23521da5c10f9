package dev.srlstream.schemas;

import java.util.Objects;

/**
 * What a service's {@code /health} answers: ready (HTTP 200) or not (503), with the reason why not.
 * Each service decides from its own state (the scorer from its Kafka Streams state, the learner
 * from its training loop, both from their {@link BrokerProbe}).
 *
 * @param ready whether the service is doing its work
 * @param reason why not; "ok" when ready
 */
public record Health(boolean ready, String reason) {

  /** Ready. */
  public static final Health OK = new Health(true, "ok");

  public Health {
    Objects.requireNonNull(reason, "reason must say why, but was null");
  }

  /** Not ready, for {@code reason} (a short sentence an operator can act on). */
  public static Health notReady(String reason) {
    return new Health(false, reason);
  }
}
