package io.clustertop.collector.status;

import io.clustertop.collector.merge.AgentFigures;
import io.clustertop.collector.merge.RefusedAgents;
import io.clustertop.core.view.CaptureCounters;
import io.clustertop.core.view.NodeState;

/** How a node is doing, as the collector sees it: the {@link NodeState} of one agent. */
public final class NodeStatuses {
  /** No batch for this long and a node is stale: its figures stop at its last batch. */
  public static final long STALE_AFTER_NANOS = 5_000_000_000L;

  private NodeStatuses() {}

  /**
   * Only inside {@code ClusterFigures.read}.
   *
   * @param refused what the collector turns the agent away for now, or null
   */
  public static NodeState of(AgentFigures agent, long nowNanos, RefusedAgents.Entry refused) {
    return new NodeState(agent.node(), agent.place().zone(), agent.agentId().hex(), agent.epoch(),
        agent.lastBatchNanos(), isStale(agent, nowNanos), agent.restarted(), agent.gapSeconds(), agent.counters(),
        refused == null ? "" : refused.state());
  }

  /** An agent turned away that the collector holds no figures of (it never delivered any). */
  public static NodeState of(RefusedAgents.Entry refused) {
    return new NodeState(refused.identity().node(), refused.identity().place().zone(),
        refused.identity().agentId().hex(), refused.identity().epoch(), 0, true, false, 0, CaptureCounters.ZERO,
        refused.state());
  }

  /** Stale: nothing heard (batch, full state or Hello) for {@link #STALE_AFTER_NANOS}. */
  public static boolean isStale(AgentFigures agent, long nowNanos) {
    return nowNanos - agent.lastHeardNanos() > STALE_AFTER_NANOS;
  }
}
