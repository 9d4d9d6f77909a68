package io.clustertop.collector.merge;

/**
 * What a stream's Hello made of it: the agent it speaks for, in which epoch. A stream hands it back
 * with each batch; a newer stream of the same agent, or a new epoch, makes it stale, and what it
 * then sends is refused as superseded.
 */
public final class Speaker {
  final AgentRecord agent;
  final Object stream;
  final long epoch;

  Speaker(AgentRecord agent, Object stream, long epoch) {
    this.agent = agent;
    this.stream = stream;
    this.epoch = epoch;
  }

  /** The node's name, as its Hello said. */
  public String node() {
    return agent.node();
  }

  /** The agent's id in hex. */
  public String agentId() {
    return agent.agentId().hex();
  }

  public long epoch() {
    return epoch;
  }
}
