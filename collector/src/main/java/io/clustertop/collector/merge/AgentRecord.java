package io.clustertop.collector.merge;

import io.clustertop.core.cost.NodePlace;
import io.clustertop.core.flow.IpAddress;
import io.clustertop.core.report.AgentId;
import io.clustertop.core.report.AgentIdentity;
import io.clustertop.core.rows.LiveView;
import io.clustertop.core.view.CaptureCounters;
import java.util.ArrayList;
import java.util.List;

/**
 * One agent, by its id, across its epochs: who it says it is, the epoch it runs now, what its earlier
 * epochs counted (kept, so a node's totals continue across an agent restart), its health, and the
 * views its batches update.
 *
 * <p>Thread safety: none of its own; the {@link MergeStore} guards it (its membership lock for who the
 * agent is, the record's own monitor for its figures and views). Readers see it only as
 * {@link AgentFigures}, inside {@link MergeStore#read}.
 */
final class AgentRecord implements AgentFigures {
  final AgentId agentId;
  AgentIdentity identity;
  /** The node's name as an id of the merge's node names. */
  int nodeId;
  /**
   * Where the node runs as its Node object's {@code topology.kubernetes.io} labels say (the collector
   * reading Kubernetes): its place where the agent names no zone of its own.
   */
  NodePlace apiPlace = NodePlace.UNKNOWN;
  EpochStore current;
  /** Earlier epochs added together; null until the agent first restarts. */
  EpochStore earlier;
  CaptureCounters earlierCounters = CaptureCounters.ZERO;
  boolean restarted;
  double gapSeconds;
  long lastBatchNanos;
  long lastHelloNanos;
  /** The stream that speaks for the agent now; null when none is open. */
  Object stream;
  /** The remote address of its stream (the latest one), for messages. */
  String peer;
  /**
   * Who it belongs to: with mutual TLS, its certificate's node (set at its first Hello over TLS);
   * null without TLS, where it belongs to the stream that holds it.
   */
  String owner;
  /** Collector time its stream ended; 0 while connected. */
  long disconnectedNanos;
  /** The views each of its batches updates (those whose scope holds its node). */
  final List<LiveView> views = new ArrayList<>();
  /** New conversations it may still add now ({@code --max-new-conversations-per-second}). */
  final ConversationBudget newConversations;
  /** The stand-ins of its batches' remotes under {@code --mask-remote}, remembered (empty without). */
  final MaskedRemotes maskedRemotes = new MaskedRemotes();

  AgentRecord(AgentIdentity identity, int nodeId, int shareGeneration, int newConversationsPerSecond) {
    this.agentId = identity.agentId();
    this.identity = identity;
    this.nodeId = nodeId;
    this.current = new EpochStore(identity.epoch(), shareGeneration);
    this.newConversations = new ConversationBudget(newConversationsPerSecond);
  }

  /** The epochs' stores, current first. */
  List<EpochStore> stores() {
    return earlier == null ? List.of(current) : List.of(current, earlier);
  }

  /** Nothing of it was ever applied: dropping it loses no figure. */
  boolean empty() {
    return current.empty() && earlier == null;
  }

  @Override
  public String node() {
    return identity.node();
  }

  @Override
  public NodePlace place() {
    NodePlace own = identity.place();
    return own.zoneKnown() || !apiPlace.zoneKnown() ? own : apiPlace;
  }

  @Override
  public AgentId agentId() {
    return agentId;
  }

  @Override
  public long epoch() {
    return current.epoch;
  }

  @Override
  public List<IpAddress> addresses() {
    return identity.addresses();
  }

  @Override
  public boolean connected() {
    return stream != null;
  }

  @Override
  public boolean restarted() {
    return restarted;
  }

  @Override
  public double gapSeconds() {
    return gapSeconds;
  }

  @Override
  public long lastBatchNanos() {
    return lastBatchNanos;
  }

  @Override
  public long lastHeardNanos() {
    return Math.max(lastBatchNanos, lastHelloNanos);
  }

  @Override
  public CaptureCounters counters() {
    return earlierCounters.plus(current.counters);
  }

  @Override
  public EpochFigures currentEpoch() {
    return current;
  }

  @Override
  public List<EpochStore> epochs() {
    return stores();
  }
}
