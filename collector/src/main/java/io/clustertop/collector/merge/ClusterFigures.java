package io.clustertop.collector.merge;

import io.clustertop.core.cost.NodePlace;
import io.clustertop.core.flow.IpAddress;
import io.clustertop.core.rows.Departed;
import io.clustertop.core.rows.NameTable;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * What the merge lends its readers (cost, metrics, history, node status), the one read-only way into
 * it: agents one at a time, each locked while it is read, and nothing that could change them.
 */
public interface ClusterFigures {
  /** Runs {@code reader} with the agents held still (none joins or leaves). */
  <T> T read(Function<ClusterFigures, T> reader);

  /** Each agent in turn, locked while {@code reader} has it. Only inside {@link #read}. */
  void forEachAgent(Consumer<AgentFigures> reader);

  /** The node an address belongs to, or null. */
  String nodeOf(IpAddress address);

  /** Where the node with this address runs; null if no node has it. */
  NodePlace placeOf(IpAddress address);

  /** The destination classes' names, by the ids conversations are tagged with. */
  NameTable classNames();

  /** The collector's clock, nanoseconds since the Unix epoch. */
  long nowNanos();

  /** Agents with a stream open now. */
  int connectedAgents();

  /** Agents the collector holds figures of. */
  int agentCount();

  /** Figures of agents dropped (gone longer than the expiry, or retired): kept in the totals. */
  Departed departed();
}
