package dev.srlstream.topology.replay;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.srlstream.schemas.avro.GroupRollout;
import dev.srlstream.schemas.avro.StepReward;
import dev.srlstream.schemas.avro.TrainingGroup;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * What a re-scoring changed against the recording: the rewards of the rollouts both rewarded, and
 * the groups' decisions and advantages.
 *
 * <p>Rewards are matched by rollout id; "changed" means a different double, bit for bit ({@link
 * Double#doubleToLongBits}). The histograms count the matched rewards before and after. A group's
 * decision is {@link Decision#KEPT} when it was emitted to the training groups, {@link
 * Decision#FILTERED} when all its rollouts were rewarded but it was not emitted (dynamic sampling,
 * or another group of its task decided first), and {@link Decision#INCOMPLETE} otherwise (still
 * waiting for rollouts: undecided, so never counted as a flip). A group flips when both sides
 * decided it and differently, or both kept it and some rollout's advantage changed sign ({@link
 * Math#signum}).
 *
 * @param compared rewards of rollouts both the recording and the replay rewarded
 * @param changed of those, how many differ
 * @param meanAbsChange mean |after - before| over the compared rewards (0 if none)
 * @param meanAbsChangeOfChanged mean |after - before| over the changed rewards (0 if none)
 * @param maxAbsChange the largest |after - before| (0 if none)
 * @param recordedOnly replayed rollouts the recording rewarded but the replay did not
 * @param replayOnly replayed rollouts the replay rewarded but the recording did not
 * @param before the histogram of the compared rewards as recorded
 * @param after the histogram of the compared rewards as replayed
 * @param groups how many groups the replayed rollouts belong to
 * @param decisionsBefore groups per decision, recorded
 * @param decisionsAfter groups per decision, replayed
 * @param groupsChanged groups kept by both whose rollouts, rewards, advantages, mean or std differ
 *     in any bit
 * @param flips how many groups flip (decision or an advantage sign)
 * @param listedFlips the first flips by group id, at most as many as asked
 * @param largestChanges the largest reward changes, at most as many as asked
 */
public record RescoreDiff(
    long compared,
    long changed,
    double meanAbsChange,
    double meanAbsChangeOfChanged,
    double maxAbsChange,
    long recordedOnly,
    long replayOnly,
    RewardHistogram before,
    RewardHistogram after,
    long groups,
    Map<Decision, Long> decisionsBefore,
    Map<Decision, Long> decisionsAfter,
    long groupsChanged,
    long flips,
    List<GroupFlip> listedFlips,
    List<RewardChange> largestChanges) {

  /** What became of a group. */
  public enum Decision {
    KEPT,
    FILTERED,
    INCOMPLETE;

    String label() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }
  }

  /** A group whose decision or some advantage's sign differs. */
  public record GroupFlip(
      String groupId, Decision before, Decision after, int advantageSignFlips) {}

  /** One reward that changed. */
  public record RewardChange(String rolloutId, String groupId, double before, double after) {
    public double absChange() {
      return Math.abs(after - before);
    }
  }

  /**
   * Compares a replay with its recording.
   *
   * @param replayedRollouts the rollout ids the replay was fed (of the replayed policy): only their
   *     recorded rewards are compared
   * @param groupSizes every replayed rollout's group id and the group size it names
   * @param recordedRewards recorded rewards by rollout id (others than the replayed are ignored)
   * @param replayedRewards the replay's rewards by rollout id
   * @param recordedGroups recorded training groups by group id (others are ignored)
   * @param replayedGroups the replay's training groups by group id
   * @param maxListed how many flips and reward changes to list (all are counted)
   */
  public static RescoreDiff of(
      Set<String> replayedRollouts,
      Map<String, Integer> groupSizes,
      Map<String, StepReward> recordedRewards,
      Map<String, StepReward> replayedRewards,
      Map<String, TrainingGroup> recordedGroups,
      Map<String, TrainingGroup> replayedGroups,
      int maxListed) {
    long compared = 0;
    long changed = 0;
    double sumAbs = 0;
    double sumAbsChanged = 0;
    double maxAbs = 0;
    long recordedOnly = 0;
    long replayOnly = 0;
    List<Double> beforeValues = new ArrayList<>();
    List<Double> afterValues = new ArrayList<>();
    List<RewardChange> changes = new ArrayList<>();
    Map<String, Integer> rewardedBefore = new HashMap<>();
    Map<String, Integer> rewardedAfter = new HashMap<>();
    Set<String> groupIds = new TreeSet<>();
    for (String id : new TreeSet<>(replayedRollouts)) {
      StepReward rec = recordedRewards.get(id);
      StepReward rep = replayedRewards.get(id);
      if (rec != null) {
        rewardedBefore.merge(rec.getGroupId(), 1, Integer::sum);
        groupIds.add(rec.getGroupId());
      }
      if (rep != null) {
        rewardedAfter.merge(rep.getGroupId(), 1, Integer::sum);
        groupIds.add(rep.getGroupId());
      }
      if (rec == null && rep == null) {
        continue;
      }
      if (rep == null) {
        recordedOnly++;
        continue;
      }
      if (rec == null) {
        replayOnly++;
        continue;
      }
      compared++;
      beforeValues.add(rec.getReward());
      afterValues.add(rep.getReward());
      double abs = Math.abs(rep.getReward() - rec.getReward());
      sumAbs += abs;
      if (!sameBits(rec.getReward(), rep.getReward())) {
        changed++;
        sumAbsChanged += abs;
        maxAbs = Math.max(maxAbs, abs);
        changes.add(new RewardChange(id, rep.getGroupId(), rec.getReward(), rep.getReward()));
      }
    }
    Map<Decision, Long> decisionsBefore = new java.util.EnumMap<>(Decision.class);
    Map<Decision, Long> decisionsAfter = new java.util.EnumMap<>(Decision.class);
    for (Decision d : Decision.values()) {
      decisionsBefore.put(d, 0L);
      decisionsAfter.put(d, 0L);
    }
    long groupsChanged = 0;
    long flips = 0;
    List<GroupFlip> listed = new ArrayList<>();
    for (String groupId : groupIds) {
      int size = groupSizes.getOrDefault(groupId, Integer.MAX_VALUE);
      TrainingGroup recGroup = recordedGroups.get(groupId);
      TrainingGroup repGroup = replayedGroups.get(groupId);
      Decision before = decision(recGroup, rewardedBefore.getOrDefault(groupId, 0), size);
      Decision after = decision(repGroup, rewardedAfter.getOrDefault(groupId, 0), size);
      decisionsBefore.merge(before, 1L, Long::sum);
      decisionsAfter.merge(after, 1L, Long::sum);
      int signFlips = 0;
      if (before == Decision.KEPT && after == Decision.KEPT) {
        signFlips = advantageSignFlips(recGroup, repGroup);
        if (!sameBits(recGroup, repGroup)) {
          groupsChanged++;
        }
      }
      boolean decided = before != Decision.INCOMPLETE && after != Decision.INCOMPLETE;
      if ((decided && before != after) || signFlips > 0) {
        flips++;
        if (listed.size() < maxListed) {
          listed.add(new GroupFlip(groupId, before, after, signFlips));
        }
      }
    }
    changes.sort(
        Comparator.comparingDouble(RewardChange::absChange)
            .reversed()
            .thenComparing(RewardChange::rolloutId));
    return new RescoreDiff(
        compared,
        changed,
        compared == 0 ? 0 : sumAbs / compared,
        changed == 0 ? 0 : sumAbsChanged / changed,
        maxAbs,
        recordedOnly,
        replayOnly,
        RewardHistogram.of(beforeValues.stream().mapToDouble(Double::doubleValue).toArray()),
        RewardHistogram.of(afterValues.stream().mapToDouble(Double::doubleValue).toArray()),
        groupIds.size(),
        Map.copyOf(decisionsBefore),
        Map.copyOf(decisionsAfter),
        groupsChanged,
        flips,
        List.copyOf(listed),
        List.copyOf(changes.subList(0, Math.min(maxListed, changes.size()))));
  }

  static Decision decision(TrainingGroup emitted, int rewarded, int size) {
    if (emitted != null) {
      return Decision.KEPT;
    }
    return rewarded >= size ? Decision.FILTERED : Decision.INCOMPLETE;
  }

  /** How many rollouts of both groups have advantages of different signs. */
  static int advantageSignFlips(TrainingGroup before, TrainingGroup after) {
    Map<String, Double> was = new HashMap<>();
    for (GroupRollout r : before.getRollouts()) {
      was.put(r.getRolloutId(), r.getAdvantage());
    }
    int flips = 0;
    for (GroupRollout r : after.getRollouts()) {
      Double old = was.get(r.getRolloutId());
      if (old != null && Math.signum(old) != Math.signum(r.getAdvantage())) {
        flips++;
      }
    }
    return flips;
  }

  static boolean sameBits(double a, double b) {
    return Double.doubleToLongBits(a) == Double.doubleToLongBits(b);
  }

  /**
   * The same rollouts in the same order with bit-identical rewards and advantages, mean and std.
   */
  static boolean sameBits(TrainingGroup a, TrainingGroup b) {
    if (a.getRollouts().size() != b.getRollouts().size()
        || a.getComplete() != b.getComplete()
        || !sameBits(a.getRewardMean(), b.getRewardMean())
        || !sameBits(a.getRewardStd(), b.getRewardStd())) {
      return false;
    }
    for (int i = 0; i < a.getRollouts().size(); i++) {
      GroupRollout x = a.getRollouts().get(i);
      GroupRollout y = b.getRollouts().get(i);
      if (!x.getRolloutId().equals(y.getRolloutId())
          || !sameBits(x.getReward(), y.getReward())
          || !sameBits(x.getAdvantage(), y.getAdvantage())) {
        return false;
      }
    }
    return true;
  }

  /** The diff as text, the part of {@code srl replay rescore}'s report after its header. */
  public String toText() {
    StringBuilder out = new StringBuilder();
    out.append(
        String.format(
            java.util.Locale.ROOT,
            "rewards    %d compared | %d changed (%s) | mean |change| %.4f (of the changed: %.4f)"
                + " | max |change| %.4f%n",
            compared,
            changed,
            percent(changed, compared),
            meanAbsChange,
            meanAbsChangeOfChanged,
            maxAbsChange));
    out.append(
        String.format(
            java.util.Locale.ROOT,
            "           %d rewarded by the recording only, %d by the replay only%n",
            recordedOnly,
            replayOnly));
    out.append(
        String.format(
            java.util.Locale.ROOT, "histogram  %-12s %8s %8s%n", "reward", "before", "after"));
    out.append(
        String.format(
            java.util.Locale.ROOT,
            "           %-12s %8d %8d%n",
            "< 0 (-1)",
            before.belowZero(),
            after.belowZero()));
    for (int i = 0; i < RewardHistogram.BINS; i++) {
      out.append(
          String.format(
              java.util.Locale.ROOT,
              "           %-12s %8d %8d%n",
              RewardHistogram.label(i),
              before.bins()[i],
              after.bins()[i]));
    }
    if (before.outOfRange() + after.outOfRange() > 0) {
      out.append(
          String.format(
              java.util.Locale.ROOT,
              "           %-12s %8d %8d%n",
              "> 1 or NaN",
              before.outOfRange(),
              after.outOfRange()));
    }
    out.append(
        String.format(
            java.util.Locale.ROOT,
            "groups     %d | kept %d -> %d | filtered %d -> %d | incomplete %d -> %d | %d kept by"
                + " both differ%n",
            groups,
            decisionsBefore.get(Decision.KEPT),
            decisionsAfter.get(Decision.KEPT),
            decisionsBefore.get(Decision.FILTERED),
            decisionsAfter.get(Decision.FILTERED),
            decisionsBefore.get(Decision.INCOMPLETE),
            decisionsAfter.get(Decision.INCOMPLETE),
            groupsChanged));
    out.append(
        String.format(
            java.util.Locale.ROOT,
            "flips      %d group(s) whose keep/filter decision or an advantage sign flips%s%n",
            flips,
            listedFlips.isEmpty() ? "" : " (the first " + listedFlips.size() + "):"));
    for (GroupFlip f : listedFlips) {
      out.append(
          String.format(
              java.util.Locale.ROOT,
              "           %s  %s -> %s%s%n",
              f.groupId(),
              f.before().label(),
              f.after().label(),
              f.advantageSignFlips() == 0
                  ? ""
                  : ", " + f.advantageSignFlips() + " advantage sign(s) flip"));
    }
    if (!largestChanges.isEmpty()) {
      out.append(
          String.format(
              java.util.Locale.ROOT, "changes    the %d largest:%n", largestChanges.size()));
      for (RewardChange c : largestChanges) {
        out.append(
            String.format(
                java.util.Locale.ROOT,
                "           %s  %.4f -> %.4f (%+.4f)%n",
                c.rolloutId(),
                c.before(),
                c.after(),
                c.after() - c.before()));
      }
    }
    return out.toString();
  }

  /** The diff as JSON, with the same figures as {@link #toText()}. */
  public ObjectNode toJson() {
    JsonNodeFactory nodes = JsonNodeFactory.instance;
    ObjectNode json = nodes.objectNode();
    ObjectNode rewards = json.putObject("rewards");
    rewards.put("compared", compared);
    rewards.put("changed", changed);
    rewards.put("mean_abs_change", meanAbsChange);
    rewards.put("mean_abs_change_of_changed", meanAbsChangeOfChanged);
    rewards.put("max_abs_change", maxAbsChange);
    rewards.put("recorded_only", recordedOnly);
    rewards.put("replay_only", replayOnly);
    ObjectNode histogram = json.putObject("histogram");
    ArrayNode labels = histogram.putArray("bins");
    for (int i = 0; i < RewardHistogram.BINS; i++) {
      labels.add(RewardHistogram.label(i));
    }
    histogram.set("before", histogramJson(before));
    histogram.set("after", histogramJson(after));
    ObjectNode groupsJson = json.putObject("groups");
    groupsJson.put("total", groups);
    groupsJson.set("before", decisionsJson(decisionsBefore));
    groupsJson.set("after", decisionsJson(decisionsAfter));
    groupsJson.put("kept_by_both_differ", groupsChanged);
    groupsJson.put("flips", flips);
    ArrayNode flipList = groupsJson.putArray("listed_flips");
    for (GroupFlip f : listedFlips) {
      ObjectNode o = flipList.addObject();
      o.put("group_id", f.groupId());
      o.put("before", f.before().label());
      o.put("after", f.after().label());
      o.put("advantage_sign_flips", f.advantageSignFlips());
    }
    ArrayNode changeList = rewards.putArray("largest_changes");
    for (RewardChange c : largestChanges) {
      ObjectNode o = changeList.addObject();
      o.put("rollout_id", c.rolloutId());
      o.put("group_id", c.groupId());
      o.put("before", c.before());
      o.put("after", c.after());
    }
    return json;
  }

  private static ObjectNode histogramJson(RewardHistogram h) {
    ObjectNode o = JsonNodeFactory.instance.objectNode();
    ArrayNode counts = o.putArray("counts");
    for (long c : h.bins()) {
      counts.add(c);
    }
    o.put("below_zero", h.belowZero());
    o.put("out_of_range", h.outOfRange());
    return o;
  }

  private static ObjectNode decisionsJson(Map<Decision, Long> decisions) {
    ObjectNode o = JsonNodeFactory.instance.objectNode();
    for (Decision d : Decision.values()) {
      o.put(d.label(), decisions.get(d));
    }
    return o;
  }

  private static String percent(long part, long whole) {
    return whole == 0 ? "-" : String.format(java.util.Locale.ROOT, "%.1f%%", 100.0 * part / whole);
  }
}
