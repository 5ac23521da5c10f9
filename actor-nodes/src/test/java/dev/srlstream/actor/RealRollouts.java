package dev.srlstream.actor;

import dev.srlstream.policy.SessionThreads;
import dev.srlstream.schemas.avro.RolloutStep;
import dev.srlstream.schemas.avro.StepTask;
import java.util.List;

/**
 * Rollouts exactly as an actor samples them: the real {@link RolloutGenerator} on the real
 * TensorFlow policy. Public for tests in other modules (topology's tests check them against the
 * learner); shipped in this module's test jar only.
 */
public final class RealRollouts {
  private RealRollouts() {}

  /**
   * The group of {@code task}, sampled by a policy loaded from {@code weights} (WeightsCodec bytes)
   * under the caps of {@code limits}.
   */
  public static List<RolloutStep> sample(StepTask task, byte[] weights, ActorConfig limits) {
    try (PolicyHandle policy = TfPolicyHandle.create(weights, null, 0L, SessionThreads.SINGLE)) {
      return new RolloutGenerator(limits, System::currentTimeMillis)
          .generate(task, policy, "test-actor")
          .steps();
    }
  }
}
