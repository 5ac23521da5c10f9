package dev.srlstream.actor;

import dev.srlstream.policy.ModelConfig;
import dev.srlstream.policy.SessionThreads;
import dev.srlstream.schemas.PolicyNames;
import dev.srlstream.schemas.ServiceGroups;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;

/**
 * How an actor process samples. Immutable and validated: a bad value fails here with "X must be
 * ..., but was ...". Build one with {@link #builder()}, which starts from the defaults.
 *
 * @param policyName the policy the actors sample for: they follow its versions (the key of {@code
 *     srl.policy-versions}), take only tasks that name it, skip and count the others, and name it
 *     on every rollout; default {@value #DEFAULT_POLICY_NAME}
 * @param groupId the consumer group of the fleet: every actor process of one fleet uses the same
 *     one, so the task partitions are shared among them; default {@link #defaultGroupId(String)} of
 *     the policy. Each policy's fleet needs a group of its own: a fleet skips the tasks of other
 *     policies and commits past them, so a group shared by two policies would lose tasks
 * @param instances actor instances in this process ({@code --count}): each has its own consumer in
 *     the group, its own policy (TensorFlow session) and its own sampling thread
 * @param maxGroupsInFlight per instance, the most groups being sampled or awaiting their acks; when
 *     reached, the instance pauses its partitions (backpressure); default 2
 * @param maxStaleness an instance stops taking tasks while the newest published version is more
 *     than this many versions ahead of the one it samples with; default 1
 * @param maxDownstreamBacklog an instance stops taking tasks while this many groups' worth of work
 *     waits downstream ({@link DownstreamBacklog}: rollouts the scorer and training groups the
 *     learner have not committed past), so that a fleet faster than its scorer or learner, or one
 *     whose scorer or learner is down, makes no work that goes stale before it is trained. It must
 *     be above the learner's groups per update (the learner commits only with a full batch); 0
 *     turns this backpressure off; default {@value #DEFAULT_MAX_DOWNSTREAM_BACKLOG}
 * @param backlogInterval how often the downstream backlog is measured; default 1 s
 * @param syncBatchGroups 0 (the default) for the asynchronous pipeline; otherwise the synchronous
 *     twin ({@link SyncGate}): the process's instances together sample one batch of this many kept
 *     groups under a version, then wait for the next version before sampling again. It needs {@code
 *     maxStaleness} 0 and the downstream backlog (its measurements tell when every rollout is
 *     scored; {@link KeptGroups} then counts the kept groups), and it gates one process's instances
 *     only
 * @param maxGroupSize the largest {@code group_size} a task may ask for
 * @param maxNewTokens the largest {@code max_new_tokens} a task may ask for
 * @param maxSolutionSteps the most steps of a whole-solution (RLVR, HOLISTIC) rollout; a task's
 *     {@code total_steps} is capped to it
 * @param solutionContextWindow how many of its own earlier actions a whole-solution step's prompt
 *     shows, newest kept; {@link Integer#MAX_VALUE} (the default) for all. It must match the window
 *     the policy is trained and evaluated with
 * @param model the architecture of a fresh policy, used only when no version is published and no
 *     base policy is given
 * @param initSeed the seed of a fresh policy's weights
 * @param basePolicy a {@code WeightsCodec} file to start from when no version is published yet, or
 *     null
 * @param sessionThreads the TensorFlow thread pools of each instance's session
 * @param shutdownTimeout how long a graceful close waits for groups in flight before it releases
 *     them (uncommitted, so another actor redoes them)
 * @param actorId the prefix of this process's actor ids: instance {@code i} is {@code
 *     <actorId>-<i>}; default {@code actor-<host>-<pid>}
 * @param staticMembership whether the task consumers join as static members, with their actor ids
 *     as {@code group.instance.id}: a process restarted with the same actor id gets its partitions
 *     back at once, instead of after the dead member's session timeout. Only for an actor id that
 *     stays the same across restarts and is not shared by two running processes (a second member
 *     with the same instance id fences the first); default false
 * @param statusInterval how often a status line is logged
 */
public record ActorConfig(
    String policyName,
    String groupId,
    int instances,
    int maxGroupsInFlight,
    int maxStaleness,
    int maxDownstreamBacklog,
    Duration backlogInterval,
    int syncBatchGroups,
    int maxGroupSize,
    int maxNewTokens,
    int maxSolutionSteps,
    int solutionContextWindow,
    ModelConfig model,
    long initSeed,
    Path basePolicy,
    SessionThreads sessionThreads,
    Duration shutdownTimeout,
    String actorId,
    boolean staticMembership,
    Duration statusInterval) {

  public static final String DEFAULT_POLICY_NAME = PolicyNames.DEFAULT;
  public static final String DEFAULT_GROUP_ID = ServiceGroups.ACTORS;

  /**
   * 32 groups: a few seconds of the learner's work (so it never waits for data while the actors
   * keep up), 8 updates of its default batch of 4, and more than the few groups in flight of a run
   * that feeds its tasks a window at a time.
   */
  public static final int DEFAULT_MAX_DOWNSTREAM_BACKLOG = 32;

  private static final String ID_PATTERN = "[a-zA-Z0-9._-]{1,100}";

  public ActorConfig {
    PolicyNames.requireValid("policyName", policyName);
    requireId("groupId", groupId);
    requireId("actorId", actorId);
    requireRange("instances", instances, 1, 64);
    requireRange("maxGroupsInFlight", maxGroupsInFlight, 1, 1024);
    requireRange("maxStaleness", maxStaleness, 0, Integer.MAX_VALUE);
    requireRange("maxDownstreamBacklog", maxDownstreamBacklog, 0, Integer.MAX_VALUE);
    requirePositive("backlogInterval", backlogInterval);
    requireRange("syncBatchGroups", syncBatchGroups, 0, 1 << 16);
    if (syncBatchGroups > 0 && maxStaleness != 0) {
      throw new IllegalArgumentException(
          "maxStaleness must be 0 when sampling synchronously (syncBatchGroups "
              + syncBatchGroups
              + "), but was "
              + maxStaleness);
    }
    if (syncBatchGroups > 0 && maxDownstreamBacklog == 0) {
      throw new IllegalArgumentException(
          "maxDownstreamBacklog must be > 0 when sampling synchronously (syncBatchGroups "
              + syncBatchGroups
              + "): the gate reads the backlog's measurements, but it was 0");
    }
    requireRange("maxGroupSize", maxGroupSize, 1, 1024);
    requireRange("maxNewTokens", maxNewTokens, 1, 1 << 16);
    requireRange("maxSolutionSteps", maxSolutionSteps, 1, 1024);
    requireRange("solutionContextWindow", solutionContextWindow, 1, Integer.MAX_VALUE);
    Objects.requireNonNull(model, "model must be a ModelConfig, but was null");
    Objects.requireNonNull(sessionThreads, "sessionThreads must be given, but was null");
    if (basePolicy != null && !Files.isRegularFile(basePolicy)) {
      throw new IllegalArgumentException(
          "basePolicy must be a readable weights file, but was " + basePolicy);
    }
    requirePositive("shutdownTimeout", shutdownTimeout);
    requirePositive("statusInterval", statusInterval);
  }

  /** A builder starting from the defaults. */
  public static Builder builder() {
    return new Builder();
  }

  /** A builder starting from this configuration. */
  public Builder toBuilder() {
    return new Builder(this);
  }

  /**
   * The consumer group of a policy's fleet unless one is given: {@value #DEFAULT_GROUP_ID} for the
   * default policy (as before policies were named), {@code srl-actors-<policy>} for any other.
   */
  public static String defaultGroupId(String policyName) {
    return ServiceGroups.actors(policyName);
  }

  /** The id of instance {@code index} of this process. */
  public String instanceId(int index) {
    return actorId + "-" + index;
  }

  private static void requireId(String name, String value) {
    if (value == null || !value.matches(ID_PATTERN)) {
      throw new IllegalArgumentException(
          name
              + " must be 1-100 letters, digits, '.', '_' or '-', but was "
              + (value == null ? "null" : "'" + value + "'"));
    }
  }

  private static void requireRange(String name, int value, int min, int max) {
    if (value < min || value > max) {
      throw new IllegalArgumentException(
          name
              + " must be "
              + (max == Integer.MAX_VALUE ? ">= " + min : "in " + min + ".." + max)
              + ", but was "
              + value);
    }
  }

  private static void requirePositive(String name, Duration value) {
    if (value == null || value.isNegative() || value.isZero()) {
      throw new IllegalArgumentException(name + " must be a positive duration, but was " + value);
    }
  }

  /** The default actor id prefix: {@code actor-<host>-<pid>}, reduced to the allowed characters. */
  static String defaultActorId() {
    String host;
    try {
      host = InetAddress.getLocalHost().getHostName();
    } catch (UnknownHostException e) {
      host = "localhost";
    }
    String pid = Long.toString(ProcessHandle.current().pid());
    String id = ("actor-" + host + "-" + pid).replaceAll("[^a-zA-Z0-9._-]", "_");
    if (id.length() > 100) {
      id = "actor-" + pid;
    }
    return id;
  }

  /** Builds an {@link ActorConfig}; every setter is optional. */
  public static final class Builder {
    private String policyName = DEFAULT_POLICY_NAME;
    private String groupId; // null: the policy's default group
    private int instances = 1;
    private int maxGroupsInFlight = 2;
    private int maxStaleness = 1;
    private int maxDownstreamBacklog = DEFAULT_MAX_DOWNSTREAM_BACKLOG;
    private Duration backlogInterval = Duration.ofSeconds(1);
    private int syncBatchGroups;
    private int maxGroupSize = 64;
    private int maxNewTokens = 1024;
    private int maxSolutionSteps = 16;
    private int solutionContextWindow = Integer.MAX_VALUE;
    private ModelConfig model = ModelConfig.DEFAULT;
    private long initSeed = 0L;
    private Path basePolicy;
    private SessionThreads sessionThreads = SessionThreads.TENSORFLOW_DEFAULT;
    private Duration shutdownTimeout = Duration.ofSeconds(30);
    private String actorId;
    private boolean staticMembership;
    private Duration statusInterval = Duration.ofSeconds(10);

    private Builder() {}

    private Builder(ActorConfig c) {
      policyName = c.policyName;
      groupId = c.groupId;
      instances = c.instances;
      maxGroupsInFlight = c.maxGroupsInFlight;
      maxStaleness = c.maxStaleness;
      maxDownstreamBacklog = c.maxDownstreamBacklog;
      backlogInterval = c.backlogInterval;
      syncBatchGroups = c.syncBatchGroups;
      maxGroupSize = c.maxGroupSize;
      maxNewTokens = c.maxNewTokens;
      maxSolutionSteps = c.maxSolutionSteps;
      solutionContextWindow = c.solutionContextWindow;
      model = c.model;
      initSeed = c.initSeed;
      basePolicy = c.basePolicy;
      sessionThreads = c.sessionThreads;
      shutdownTimeout = c.shutdownTimeout;
      actorId = c.actorId;
      staticMembership = c.staticMembership;
      statusInterval = c.statusInterval;
    }

    public Builder policyName(String value) {
      policyName = value;
      return this;
    }

    public Builder groupId(String value) {
      groupId = value;
      return this;
    }

    public Builder instances(int value) {
      instances = value;
      return this;
    }

    public Builder maxGroupsInFlight(int value) {
      maxGroupsInFlight = value;
      return this;
    }

    public Builder maxStaleness(int value) {
      maxStaleness = value;
      return this;
    }

    public Builder maxDownstreamBacklog(int value) {
      maxDownstreamBacklog = value;
      return this;
    }

    public Builder backlogInterval(Duration value) {
      backlogInterval = value;
      return this;
    }

    public Builder syncBatchGroups(int value) {
      syncBatchGroups = value;
      return this;
    }

    public Builder maxGroupSize(int value) {
      maxGroupSize = value;
      return this;
    }

    public Builder maxNewTokens(int value) {
      maxNewTokens = value;
      return this;
    }

    public Builder solutionContextWindow(int value) {
      solutionContextWindow = value;
      return this;
    }

    public Builder maxSolutionSteps(int value) {
      maxSolutionSteps = value;
      return this;
    }

    public Builder model(ModelConfig value) {
      model = value;
      return this;
    }

    public Builder initSeed(long value) {
      initSeed = value;
      return this;
    }

    public Builder basePolicy(Path value) {
      basePolicy = value;
      return this;
    }

    public Builder sessionThreads(SessionThreads value) {
      sessionThreads = value;
      return this;
    }

    public Builder shutdownTimeout(Duration value) {
      shutdownTimeout = value;
      return this;
    }

    public Builder actorId(String value) {
      actorId = value;
      return this;
    }

    public Builder staticMembership(boolean value) {
      staticMembership = value;
      return this;
    }

    public Builder statusInterval(Duration value) {
      statusInterval = value;
      return this;
    }

    /**
     * @throws IllegalArgumentException naming the first bad value
     */
    public ActorConfig build() {
      return new ActorConfig(
          policyName,
          groupId == null ? defaultGroupId(policyName) : groupId,
          instances,
          maxGroupsInFlight,
          maxStaleness,
          maxDownstreamBacklog,
          backlogInterval,
          syncBatchGroups,
          maxGroupSize,
          maxNewTokens,
          maxSolutionSteps,
          solutionContextWindow,
          model,
          initSeed,
          basePolicy,
          sessionThreads,
          shutdownTimeout,
          actorId == null ? defaultActorId() : actorId,
          staticMembership,
          statusInterval);
    }
  }
}
