package dev.srlstream.topology.replay;

import dev.srlstream.schemas.avro.StepReward;
import dev.srlstream.schemas.avro.TrainingMode;
import dev.srlstream.scorer.SimilarityReward;
import java.util.Collection;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The reward settings a recording was scored with, read from its rewards' {@code reward_config}
 * (e.g. {@code step-similarity;autojunk=false}): the autojunk of its similarity rewards, and which
 * similarity reward scored the SRL and HOLISTIC rollouts. Dynamic sampling's epsilon is recorded
 * nowhere (filtered groups leave no record), so it is not here.
 *
 * @param autojunk the recorded autojunk, empty if no similarity reward was recorded
 * @param similarityReward which similarity reward the recorded rewards name for their modes
 * @param configs every distinct {@code reward_config} recorded, sorted
 */
public record RecordedSettings(
    Optional<Boolean> autojunk, SimilarityReward similarityReward, Set<String> configs) {

  static final String STEP = "step-similarity";
  static final String WHOLE = "whole-solution-similarity";

  /**
   * The settings behind {@code rewards}.
   *
   * @throws IllegalArgumentException if they mix settings (an autojunk both true and false, or one
   *     mode rewarded by two similarity functions), naming the option that settles it
   */
  public static RecordedSettings of(Collection<StepReward> rewards) {
    Set<String> configs = new TreeSet<>();
    Set<Boolean> autojunks = new TreeSet<>();
    Map<TrainingMode, Set<String>> functionsByMode = new TreeMap<>();
    for (StepReward r : rewards) {
      String config = r.getRewardConfig();
      configs.add(config);
      String function = config.split(";", 2)[0];
      if (!function.equals(STEP) && !function.equals(WHOLE)) {
        continue; // the outcome reward has no similarity settings
      }
      functionsByMode.computeIfAbsent(r.getMode(), m -> new TreeSet<>()).add(function);
      for (String part : config.split(";")) {
        if (part.startsWith("autojunk=")) {
          autojunks.add(Boolean.parseBoolean(part.substring("autojunk=".length())));
        }
      }
    }
    if (autojunks.size() > 1) {
      throw new IllegalArgumentException(
          "the recorded rewards mix autojunk=true and autojunk=false ("
              + configs
              + "); give --autojunk true|false");
    }
    for (Map.Entry<TrainingMode, Set<String>> e : functionsByMode.entrySet()) {
      if (e.getValue().size() > 1) {
        throw new IllegalArgumentException(
            "the recorded rewards of "
                + e.getKey()
                + " rollouts mix "
                + e.getValue()
                + "; give --mode-reward holistic|step");
      }
    }
    String srl = only(functionsByMode.get(TrainingMode.SRL));
    String holistic = only(functionsByMode.get(TrainingMode.HOLISTIC));
    SimilarityReward similarity;
    if (WHOLE.equals(srl) && STEP.equals(holistic)) {
      throw new IllegalArgumentException(
          "the recorded rewards score SRL rollouts by "
              + WHOLE
              + " and HOLISTIC ones by "
              + STEP
              + ", which no scorer setting does; give --mode-reward holistic|step");
    } else if (WHOLE.equals(srl)) {
      similarity = SimilarityReward.HOLISTIC;
    } else if (STEP.equals(holistic)) {
      similarity = SimilarityReward.STEP;
    } else {
      similarity = SimilarityReward.BY_MODE;
    }
    return new RecordedSettings(
        autojunks.stream().findFirst(), similarity, java.util.Collections.unmodifiableSet(configs));
  }

  private static String only(Set<String> functions) {
    return functions == null ? null : functions.iterator().next();
  }
}
