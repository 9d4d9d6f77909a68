package io.clustertop.collector.status;

import io.clustertop.collector.merge.AgentFigures;
import io.clustertop.core.view.NodeState;

/** How a node is doing, as the collector sees it: the {@link NodeState} of one agent. */
public final class NodeStatuses {
  /** No batch for this long and a node is stale: its figures stop at its last batch. */
  public static final long STALE_AFTER_NANOS = 5_000_000_000L;

  private NodeStatuses() {}

  /** Only inside {@code ClusterFigures.read}. */
  public static NodeState of(AgentFigures agent, long nowNanos) {
    return new NodeState(agent.node(), agent.place().zone(), agent.agentId().hex(), agent.epoch(),
        agent.lastBatchNanos(), isStale(agent, nowNanos), agent.restarted(), agent.gapSeconds(), agent.counters());
  }

  /** Stale: nothing heard (batch, full state or Hello) for {@link #STALE_AFTER_NANOS}. */
  public static boolean isStale(AgentFigures agent, long nowNanos) {
    return nowNanos - agent.lastHeardNanos() > STALE_AFTER_NANOS;
  }
}
