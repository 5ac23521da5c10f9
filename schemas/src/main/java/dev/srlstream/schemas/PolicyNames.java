package dev.srlstream.schemas;

import java.util.regex.Pattern;

/**
 * Policy names on the shared path. Every task, rollout step, step reward and training group names
 * the policy it belongs to ({@code policy_name}), so that several policies can train on one
 * cluster's {@code srl.*} topics at once: each service takes only its own policy's records and
 * counts the others as foreign. A record written before the field existed has none; it belongs to
 * the {@linkplain #DEFAULT default policy}, the one every service serves unless told otherwise.
 */
public final class PolicyNames {

  /** The policy of a service not given one, and of records that name none. */
  public static final String DEFAULT = "srl";

  private static final Pattern VALID = Pattern.compile("[a-zA-Z0-9._-]{1,100}");

  private PolicyNames() {}

  /** The policy a record belongs to: the name it carries, or {@link #DEFAULT} if it has none. */
  public static String of(String recorded) {
    return recorded == null ? DEFAULT : recorded;
  }

  /** Whether a record naming {@code recorded} (null for none) belongs to {@code policy}. */
  public static boolean belongsTo(String recorded, String policy) {
    return of(recorded).equals(policy);
  }

  /**
   * A service's per-policy name (consumer group, application id): {@code base} for the default
   * policy, as before policies were named, so an upgraded deployment keeps its committed offsets;
   * {@code base-policy} for any other.
   */
  public static String qualify(String base, String policy) {
    return DEFAULT.equals(policy) ? base : base + "-" + policy;
  }

  /**
   * Returns {@code name} if it is a valid policy name: 1-100 letters, digits, '.', '_' or '-' (it
   * is a record key and part of consumer group and transactional ids).
   *
   * @throws IllegalArgumentException naming {@code what} and the value otherwise
   */
  public static String requireValid(String what, String name) {
    if (name == null || !VALID.matcher(name).matches()) {
      throw new IllegalArgumentException(
          what
              + " must be 1-100 letters, digits, '.', '_' or '-', but was "
              + (name == null ? "null" : "'" + name + "'"));
    }
    return name;
  }
}
