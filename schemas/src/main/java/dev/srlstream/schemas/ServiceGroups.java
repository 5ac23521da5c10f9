package dev.srlstream.schemas;

/**
 * The consumer groups of a policy's services: part of the contract between them, since a service
 * may watch how far another has come (the actors hold back while the scorer's and the learner's
 * committed offsets lag) and tools read them (srl audit).
 */
public final class ServiceGroups {

  /** The actors' group of the default policy, and the stem of the others'. */
  public static final String ACTORS = "srl-actors";

  /** The scorer's application id of the default policy, and the stem of the others'. */
  public static final String SCORER = "srl-scorer";

  private ServiceGroups() {}

  /** The actors' group on srl.tasks: {@code srl-actors}, or {@code srl-actors-<policy>}. */
  public static String actors(String policy) {
    return PolicyNames.qualify(ACTORS, policy);
  }

  /**
   * The scorer's Kafka Streams application id (its consumer group on srl.rollout-steps): {@code
   * srl-scorer}, or {@code srl-scorer-<policy>}.
   */
  public static String scorer(String policy) {
    return PolicyNames.qualify(SCORER, policy);
  }

  /**
   * The learner's consumer group on srl.training-groups, also its transactional id: {@code
   * srl-learner-<policy>}, for the default policy too.
   */
  public static String learner(String policy) {
    return "srl-learner-" + policy;
  }
}
