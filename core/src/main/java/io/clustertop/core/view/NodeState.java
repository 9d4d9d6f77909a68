package io.clustertop.core.view;

/**
 * How one node's agent is doing, as the collector sees it: what a cluster display needs to say whose
 * figures are current, which are stale, which restarted and which are incomplete.
 *
 * @param node the node's name
 * @param zone the zone the agent announced, "" if none
 * @param agentId the agent's random id, in hex
 * @param epoch the agent's epoch: a new one at each agent start
 * @param lastBatchUnixNanos when the collector last applied a batch or full state of this agent
 * @param stale nothing heard from the agent for a few seconds: its figures stop at its last batch
 * @param restarted the agent came back with a new epoch while the collector held the old one
 * @param gapSeconds time the agent could not deliver (its buffer overflowed): traffic unknown, not zero
 * @param counters the node's capture counters; drops mean its figures are incomplete
 * @param state why the collector turns the agent away ("clock off by 1200 s", "address refused:
 *     203.0.113.1"); "" while it takes what the agent sends
 */
public record NodeState(
    String node,
    String zone,
    String agentId,
    long epoch,
    long lastBatchUnixNanos,
    boolean stale,
    boolean restarted,
    double gapSeconds,
    CaptureCounters counters,
    String state) {

  /** A node whose agent is taken as it is. */
  public NodeState(String node, String zone, String agentId, long epoch, long lastBatchUnixNanos, boolean stale,
      boolean restarted, double gapSeconds, CaptureCounters counters) {
    this(node, zone, agentId, epoch, lastBatchUnixNanos, stale, restarted, gapSeconds, counters, "");
  }

  /** The collector turns its agent away: its figures stop where they were ({@link #state} says why). */
  public boolean refused() {
    return !state.isEmpty();
  }

  /** Packets lost before counting (kernel or interface drops): the node's figures are short by them. */
  public boolean dropsPackets() {
    return counters.droppedByKernel() + counters.droppedByInterface() > 0;
  }
}
