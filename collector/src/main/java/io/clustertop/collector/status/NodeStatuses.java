package io.clustertop.collector.status;

import io.clustertop.collector.merge.AgentRecord;
import io.clustertop.proto.v1.NodeStatus;

/** How a node is doing, as the collector sees it: the {@code NodeStatus} of one agent. */
public final class NodeStatuses {
  /** No batch for this long and a node is stale: its figures stop at its last batch. */
  public static final long STALE_AFTER_NANOS = 5_000_000_000L;

  private NodeStatuses() {}

  /** Only inside {@code Cluster.read}. */
  public static NodeStatus of(AgentRecord agent, long nowNanos) {
    return NodeStatus.newBuilder()
        .setNode(agent.node())
        .setAgentId(agent.agentId())
        .setEpoch(agent.epoch())
        .setLastBatchUnixNanos(agent.lastBatchNanos())
        .setStale(isStale(agent, nowNanos))
        .setRestarted(agent.restarted())
        .setGapSeconds(agent.gapSeconds())
        .setCounters(agent.counters())
        .setZone(agent.zone())
        .build();
  }

  /** Stale: nothing heard (batch, full state or Hello) for {@link #STALE_AFTER_NANOS}. */
  public static boolean isStale(AgentRecord agent, long nowNanos) {
    return nowNanos - agent.lastHeardNanos() > STALE_AFTER_NANOS;
  }
}
