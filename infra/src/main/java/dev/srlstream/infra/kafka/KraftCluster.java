package dev.srlstream.infra.kafka;

import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.kafka.common.Uuid;

/**
 * A node's place in a KRaft cluster of several nodes on 127.0.0.1, each a broker and a controller:
 * an immutable, validated value. The nodes are numbered 1..n; node i's controller listens on {@code
 * controllerPorts.get(i - 1)}. Every node of one cluster is formatted with the same {@code
 * clusterId}.
 *
 * <p>With three nodes or more, the cluster keeps its data on three replicas and acknowledges a
 * write ({@code acks=all}) once two have it ({@code min.insync.replicas=2}), so it survives the
 * loss of any one node without losing an acknowledged record; a majority of the controllers must be
 * up for it to work at all.
 *
 * @param nodeId this node, 1..n
 * @param controllerPorts every node's controller port, by node id (fixed: the voters are static)
 * @param clusterId the cluster's id, Kafka's base64 UUID ({@link Uuid#toString()})
 */
public record KraftCluster(int nodeId, List<Integer> controllerPorts, String clusterId) {

  public KraftCluster {
    controllerPorts = List.copyOf(controllerPorts);
    if (controllerPorts.isEmpty()) {
      throw new IllegalArgumentException("controllerPorts must name every node, but was empty");
    }
    if (nodeId < 1 || nodeId > controllerPorts.size()) {
      throw new IllegalArgumentException(
          "nodeId must be 1.." + controllerPorts.size() + ", but was " + nodeId);
    }
    for (int port : controllerPorts) {
      if (port < 1 || port > 65535) {
        throw new IllegalArgumentException(
            "controllerPorts must be fixed ports 1..65535, but were " + controllerPorts);
      }
    }
    if (controllerPorts.stream().distinct().count() != controllerPorts.size()) {
      throw new IllegalArgumentException(
          "controllerPorts must differ, but were " + controllerPorts);
    }
    try {
      Uuid.fromString(clusterId);
    } catch (RuntimeException e) {
      throw new IllegalArgumentException(
          "clusterId must be a Kafka cluster id (a base64 UUID such as "
              + Uuid.randomUuid()
              + "), but was "
              + clusterId,
          e);
    }
  }

  /** The nodes in the cluster. */
  public int size() {
    return controllerPorts.size();
  }

  /** This node's controller port. */
  public int controllerPort() {
    return controllerPorts.get(nodeId - 1);
  }

  /** The same cluster seen from another node. */
  public KraftCluster forNode(int otherNodeId) {
    return new KraftCluster(otherNodeId, controllerPorts, clusterId);
  }

  /** {@code controller.quorum.voters}: {@code 1@127.0.0.1:p1,2@127.0.0.1:p2,...}. */
  String voters() {
    return IntStream.rangeClosed(1, size())
        .mapToObj(id -> id + "@" + EmbeddedKafkaBroker.HOST + ":" + controllerPorts.get(id - 1))
        .collect(Collectors.joining(","));
  }

  /** Replicas of every topic: three once there are three nodes. */
  public int replicationFactor() {
    return Math.min(3, size());
  }

  /** Replicas that must have a write before it is acknowledged: two of three. */
  public int minInSyncReplicas() {
    return replicationFactor() >= 3 ? 2 : 1;
  }
}
