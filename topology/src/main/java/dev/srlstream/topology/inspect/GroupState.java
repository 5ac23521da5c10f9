package dev.srlstream.topology.inspect;

import dev.srlstream.method.advantage.GroupAdvantages;
import java.util.List;
import java.util.Locale;

/**
 * What the scorer decided for a group, from what the topics hold. The scorer writes a group to
 * {@code srl.training-groups} only when it keeps it ({@code complete=false} when it was emitted
 * partial after its timeout); a group filtered by dynamic sampling (its rewards' population std not
 * above epsilon), a partial one dropped, and a second sampling of an already decided task are only
 * counted (ScorerTopology, StepScorer#finish). So a group missing from that topic is explained from
 * its rewards, as an inference that says so.
 *
 * @param state {@code kept}, {@code partial}, {@code filtered}, {@code not emitted} or {@code
 *     incomplete}
 * @param recorded whether the state is what a record says (kept, partial) rather than inferred
 * @param text one sentence for the user
 */
public record GroupState(String state, boolean recorded, String text) {

  /**
   * @param expectedSize G, the rollouts the task asked for
   * @param rewards the recorded rewards of its rollouts, in rollout index order
   * @param onGroupsTopic whether srl.training-groups holds the group
   * @param complete the group record's {@code complete} (ignored when not on the topic)
   * @param epsilon the dynamic-sampling epsilon to explain a missing group with
   */
  public static GroupState of(
      int expectedSize,
      List<Double> rewards,
      boolean onGroupsTopic,
      boolean complete,
      double epsilon) {
    if (onGroupsTopic) {
      return complete
          ? new GroupState("kept", true, "kept: on srl.training-groups, complete")
          : new GroupState(
              "partial",
              true,
              "kept partial: on srl.training-groups with complete=false (emitted after the"
                  + " scorer's group timeout with the rollouts that had arrived)");
    }
    if (rewards.isEmpty() || rewards.size() < expectedSize) {
      return new GroupState(
          "incomplete",
          false,
          rewards.size()
              + " of "
              + expectedSize
              + " rollouts rewarded and no group on srl.training-groups (inferred): after its group"
              + " timeout the scorer emits a partial group only if at least 2 arrived and their"
              + " rewards differ, else drops it, so it was dropped or filtered, or is still"
              + " waiting");
    }
    double std =
        GroupAdvantages.of(rewards.stream().mapToDouble(Double::doubleValue).toArray()).std();
    if (!(std > epsilon)) {
      return new GroupState(
          "filtered",
          false,
          String.format(
              Locale.ROOT,
              "filtered by dynamic sampling (inferred: the scorer counts filtered groups but"
                  + " records none): its %d rewards' std %.4g is not above epsilon %.4g",
              rewards.size(),
              std,
              epsilon));
    }
    return new GroupState(
        "not emitted",
        false,
        String.format(
            Locale.ROOT,
            "not on srl.training-groups although its %d rewards differ (std %.4g > epsilon %.4g):"
                + " another group of its task was decided first (DUPLICATE_TASK), the scorer ran"
                + " with a larger epsilon, or the record is outside what was read",
            rewards.size(),
            std,
            epsilon));
  }
}
