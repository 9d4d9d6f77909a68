package io.clustertop.core.report;

import io.clustertop.core.cost.NodePlace;
import io.clustertop.core.flow.IpAddress;
import java.util.List;
import java.util.Map;

/**
 * Who an agent says it is, in every Hello.
 *
 * @param node the node's name: names it in every view
 * @param epoch the agent's start time in nanoseconds: counters begin again with a new one
 * @param zone where the node runs, "" when unknown ({@link #place} falls back on Kubernetes' labels)
 * @param addresses the node's own addresses: what makes traffic between two nodes recognisable
 * @param source what the agent captures: an interface, or a file it replays
 */
public record AgentIdentity(String node, AgentId agentId, long epoch, String zone, String region,
    Map<String, String> labels, List<IpAddress> addresses, String source) {
  /** Kubernetes' well-known labels, for agents started with labels rather than --zone and --region. */
  public static final String TOPOLOGY_ZONE = "topology.kubernetes.io/zone";
  public static final String TOPOLOGY_REGION = "topology.kubernetes.io/region";

  public AgentIdentity {
    labels = Map.copyOf(labels);
    addresses = List.copyOf(addresses);
  }

  /** Where the node runs: the zone and region given, else the topology labels, else unknown. */
  public NodePlace place() {
    return new NodePlace(zone.isEmpty() ? labels.getOrDefault(TOPOLOGY_ZONE, "") : zone,
        region.isEmpty() ? labels.getOrDefault(TOPOLOGY_REGION, "") : region);
  }
}
