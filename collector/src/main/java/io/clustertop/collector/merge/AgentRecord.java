package io.clustertop.collector.merge;

import io.clustertop.core.cost.NodePlace;
import io.clustertop.core.flow.IpAddress;
import io.clustertop.core.report.AgentId;
import io.clustertop.core.report.AgentIdentity;
import io.clustertop.core.view.CaptureCounters;
import java.util.List;

/**
 * One agent, by its id, across its epochs: who it says it is, the epoch it runs now, what its earlier
 * epochs counted (kept, so a node's totals continue across an agent restart), and its health.
 *
 * <p>Thread safety: none of its own; the {@link MergeStore} guards it (its membership lock for who the
 * agent is, the record's own monitor for its figures). Readers see it only inside
 * {@link MergeStore#forEachAgent}.
 */
public final class AgentRecord {
  final AgentId agentId;
  AgentIdentity identity;
  EpochState current;
  /** Earlier epochs added together; null until the agent first restarts. */
  EpochState earlier;
  CaptureCounters earlierCounters = CaptureCounters.ZERO;
  boolean restarted;
  double gapSeconds;
  /** Collector time of the latest batch applied, and of the latest Hello. */
  long lastBatchNanos;
  long lastHelloNanos;
  /** The stream that speaks for the agent now; null when none is open. */
  Object stream;
  /** Where the stream that speaks for it comes from (for the log). */
  String peer = "";

  AgentRecord(AgentIdentity identity) {
    this.agentId = identity.agentId();
    this.identity = identity;
    this.current = new EpochState(identity.epoch());
  }

  /** A new epoch: the current one's figures join the earlier ones, counting starts again. */
  void restart(long epoch) {
    if (earlier == null) {
      earlier = new EpochState(0);
    }
    current.addAllTo(earlier);
    earlierCounters = earlierCounters.plus(current.counters);
    current = new EpochState(epoch);
    restarted = true;
  }

  public String node() {
    return identity.node();
  }

  public String zone() {
    return place().zone();
  }

  /** Where the node runs, for its traffic's destination classes. */
  public NodePlace place() {
    return identity.place();
  }

  /** The epoch running now (the history derives its cost from it alone). */
  public EpochState currentEpoch() {
    return current;
  }

  public AgentId agentId() {
    return agentId;
  }

  public long epoch() {
    return current.epoch;
  }

  public List<IpAddress> addresses() {
    return identity.addresses();
  }

  public boolean connected() {
    return stream != null;
  }

  public boolean restarted() {
    return restarted;
  }

  public double gapSeconds() {
    return gapSeconds;
  }

  public long lastBatchNanos() {
    return lastBatchNanos;
  }

  /** Collector time of the latest sign of life: a batch, a full state or a Hello. */
  public long lastHeardNanos() {
    return Math.max(lastBatchNanos, lastHelloNanos);
  }

  /** Capture counters of every epoch, added up. */
  public CaptureCounters counters() {
    return earlierCounters.plus(current.counters);
  }

  /** The epochs to read: the current one, and the earlier ones added together if any. */
  public List<EpochState> epochs() {
    return earlier == null ? List.of(current) : List.of(current, earlier);
  }
}
