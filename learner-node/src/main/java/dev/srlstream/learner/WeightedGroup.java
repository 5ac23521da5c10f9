package dev.srlstream.learner;

import dev.srlstream.schemas.avro.TrainingGroup;

/**
 * A training group as the learner trains on it: its loss is scaled by {@code weight} (1, or less
 * for a stale group under {@link StalenessPolicy#DOWNWEIGHT}).
 *
 * @param staleness learner version minus the group's sampling version
 */
public record WeightedGroup(TrainingGroup group, double weight, long staleness) {}
