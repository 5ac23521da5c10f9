package dev.srlstream.topology.train;

import dev.srlstream.schemas.avro.TrainingMode;
import java.util.Arrays;
import java.util.stream.Collectors;

/**
 * The training recipes, all run by the same machinery.
 *
 * <ul>
 *   <li>{@code sft}: token cross-entropy on the expert steps (no rollouts, no Kafka);
 *   <li>{@code rlvr}: whole solutions rolled out on the policy's own context, outcome reward 1/0;
 *   <li>{@code srl}: one step per task, rewarded by its similarity to the expert's step;
 *   <li>{@code srl-rlvr}: SRL, then RLVR once a stated criterion is met ({@link SwitchCriterion});
 *   <li>{@code holistic}: the paper's one-step ablation, the whole solution's similarity to the
 *       whole expert solution.
 * </ul>
 */
public enum Recipe {
  SFT("sft", TrainingMode.SFT),
  RLVR("rlvr", TrainingMode.RLVR),
  SRL("srl", TrainingMode.SRL),
  SRL_RLVR("srl-rlvr", TrainingMode.SRL),
  HOLISTIC("holistic", TrainingMode.HOLISTIC);

  private final String cliName;
  private final TrainingMode firstMode;

  Recipe(String cliName, TrainingMode firstMode) {
    this.cliName = cliName;
    this.firstMode = firstMode;
  }

  /** The name on the command line and in summaries, e.g. {@code srl-rlvr}. */
  public String cliName() {
    return cliName;
  }

  /** The mode of the tasks the run starts with. */
  public TrainingMode firstMode() {
    return firstMode;
  }

  /** Whether the recipe samples rollouts on Kafka (all but SFT). */
  public boolean streams() {
    return this != SFT;
  }

  /** The modes whose expert steps the run publishes. */
  public TrainingMode[] modes() {
    return this == SRL_RLVR
        ? new TrainingMode[] {TrainingMode.SRL, TrainingMode.RLVR}
        : new TrainingMode[] {firstMode};
  }

  public static Recipe of(String name) {
    for (Recipe recipe : values()) {
      if (recipe.cliName.equals(name)) {
        return recipe;
      }
    }
    throw new IllegalArgumentException(
        "recipe must be one of "
            + Arrays.stream(values()).map(Recipe::cliName).collect(Collectors.joining(", "))
            + ", but was "
            + name);
  }

  @Override
  public String toString() {
    return cliName;
  }
}
