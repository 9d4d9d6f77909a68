package io.clustertop.collector.merge;

import com.google.protobuf.ByteString;
import io.clustertop.core.cost.NodePlace;
import io.clustertop.core.flow.IpAddress;
import io.clustertop.proto.v1.CaptureCounters;
import java.util.List;

/**
 * One agent, by its id, across its epochs: who it says it is, the epoch it runs now, what its earlier
 * epochs counted (kept, so a node's totals continue across an agent restart), and its health.
 *
 * <p>Thread safety: none of its own; the {@link Cluster} guards it (its membership lock for who the
 * agent is, the record's own monitor for its figures). Views read it only through
 * {@link Cluster#forEachAgent}.
 */
public final class AgentRecord {
  final ByteString agentId;
  String node = "";
  String zone = "";
  String region = "";
  List<IpAddress> addresses = List.of();
  EpochState current;
  /** Earlier epochs added together; null until the agent first restarts. */
  EpochState earlier;
  CaptureCounters earlierCounters = CaptureCounters.getDefaultInstance();
  boolean restarted;
  double gapSeconds;
  /** Collector time of the latest batch applied, and of the latest Hello. */
  long lastBatchNanos;
  long lastHelloNanos;
  /** The stream that speaks for the agent now; null when none is open. */
  Object stream;

  AgentRecord(ByteString agentId, long epoch) {
    this.agentId = agentId;
    this.current = new EpochState(epoch);
  }

  /** A new epoch: the current one's figures join the earlier ones, counting starts again. */
  void restart(long epoch) {
    if (earlier == null) {
      earlier = new EpochState(0);
    }
    current.addAllTo(earlier);
    earlierCounters = Counters.plus(earlierCounters, current.counters);
    current = new EpochState(epoch);
    restarted = true;
  }

  public String node() {
    return node;
  }

  public String zone() {
    return zone;
  }

  public String region() {
    return region;
  }

  /** Where the node runs, for its traffic's destination classes. */
  public NodePlace place() {
    return new NodePlace(zone, region);
  }

  /** The epoch running now (the history derives its cost from it alone). */
  public EpochState currentEpoch() {
    return current;
  }

  public ByteString agentId() {
    return agentId;
  }

  public long epoch() {
    return current.epoch;
  }

  public List<IpAddress> addresses() {
    return addresses;
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
    return Counters.plus(earlierCounters, current.counters);
  }

  /** The epochs to read: the current one, and the earlier ones added together if any. */
  public List<EpochState> epochs() {
    return earlier == null ? List.of(current) : List.of(current, earlier);
  }
}
