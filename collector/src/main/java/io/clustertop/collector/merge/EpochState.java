package io.clustertop.collector.merge;

import io.clustertop.core.flow.FlowKey;
import io.clustertop.core.flow.IpAddress;
import io.clustertop.core.window.ConversationTable;
import io.clustertop.core.window.SlotHistory;
import io.clustertop.proto.FlowWire;
import io.clustertop.proto.v1.CaptureCounters;
import io.clustertop.proto.v1.DeltaBatch;
import io.clustertop.proto.v1.FlowDelta;
import io.clustertop.proto.v1.FlowState;
import io.clustertop.proto.v1.FullState;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * What the collector knows of one agent epoch, in two forms kept side by side:
 * <ul>
 *   <li>the node's own view: every conversation as the agent reported it, the agent's "other" (flows
 *       it cut from its batches) and its totals — what the agent itself would show;
 *   <li>its share of the cluster view, each byte once: what it sent always; what it received only
 *       from senders that run no connected agent; a conversation between two nodes oriented with the
 *       lower address on the left, so both nodes' shares of it land in one row.
 * </ul>
 * Which bytes are the cluster's is decided when a batch is applied, with the nodes connected then, so
 * the figures already counted never change when an agent comes or goes (RATIONALE.md).
 *
 * <p>Also the stream bookkeeping: the sequence applied through, and batches held until the ones
 * before them arrive.
 *
 * <p>Thread safety: none; the {@link Cluster} guards it.
 */
public final class EpochState {
  private static final int SENT_BYTES = 0;
  private static final int SENT_PACKETS = 1;
  private static final int RECEIVED_BYTES = 2;
  private static final int RECEIVED_PACKETS = 3;

  final long epoch;
  final Map<FlowKey, SlotHistory> nodeFlows = new HashMap<>();
  SlotHistory nodeOther = new SlotHistory();
  SlotHistory nodeTotals = new SlotHistory();
  final Map<FlowKey, SlotHistory> clusterFlows = new HashMap<>();
  SlotHistory clusterOther = new SlotHistory();
  SlotHistory clusterTotals = new SlotHistory();
  /** Batches held until the ones before them arrive, by sequence. */
  final TreeMap<Long, DeltaBatch> held = new TreeMap<>();
  long appliedThrough;
  boolean awaitingFullState;
  /** Bytes applied or held, both ways: what the overflow check adds a batch to. */
  long acceptedBytes;
  /** The first and latest slot written, for the rates' "time since the start" and the next batch's slot. */
  long firstSlot = Long.MAX_VALUE;
  long lastSlot = Long.MIN_VALUE;
  CaptureCounters counters = CaptureCounters.getDefaultInstance();

  EpochState(long epoch) {
    this.epoch = epoch;
  }

  /**
   * Applies one batch into {@code slot}.
   *
   * @param knownNodes addresses announced by the agents known: their traffic to us is theirs to count
   */
  void apply(DeltaBatch batch, long slot, Set<IpAddress> knownNodes) {
    long[] flowSum = new long[4];
    long[] clusterSum = new long[4];
    for (FlowDelta f : batch.getFlowsList()) {
      long[] v = fields(f.getVolume());
      addFlow(FlowWire.fromProto(f.getKey()), v, slot, knownNodes, clusterSum);
      add(flowSum, v);
    }
    long[] total = fields(batch.getTotal());
    addRest(total, flowSum, clusterSum, slot);
    counters = batch.getCounters();
    note(slot);
  }

  /**
   * Replaces everything with a full state: the cumulative volumes go in as older than the ring, the
   * 40 seconds of slots into the collector's slots from {@code firstSlot} on (clamped to {@code
   * currentSlot}: an agent whose clock is ahead lands in the present).
   */
  void replaceWith(FullState state, long firstSlot, long currentSlot, Set<IpAddress> knownNodes) {
    nodeFlows.clear();
    clusterFlows.clear();
    nodeOther = new SlotHistory();
    nodeTotals = new SlotHistory();
    clusterOther = new SlotHistory();
    clusterTotals = new SlotHistory();
    this.firstSlot = Long.MAX_VALUE;
    this.lastSlot = Long.MIN_VALUE;
    // What is older than the slots first, then the slots in time order: a history takes its slots
    // in order, and two flows may share a history in the cluster's orientation.
    long[] flowOlder = new long[4];
    long[] clusterOlder = new long[4];
    for (FlowState f : state.getFlowsList()) {
      long[] older = fields(f.getCumulative());
      for (int i = 0; i < f.getSlotsCount(); i++) {
        subtract(older, fields(f.getSlots(i)));
      }
      add(flowOlder, older);
      addFlow(FlowWire.fromProto(f.getKey()), older, -1, knownNodes, clusterOlder);
    }
    long[] totalOlder = fields(state.getTotal());
    for (int i = 0; i < state.getTotalSlotsCount(); i++) {
      subtract(totalOlder, fields(state.getTotalSlots(i)));
    }
    addRest(totalOlder, flowOlder, clusterOlder, -1);
    for (int i = 0; i < state.getTotalSlotsCount(); i++) {
      long slot = Math.min(firstSlot + i, currentSlot);
      long[] flowSum = new long[4];
      long[] clusterSum = new long[4];
      for (FlowState f : state.getFlowsList()) {
        if (i < f.getSlotsCount()) {
          long[] v = fields(f.getSlots(i));
          addFlow(FlowWire.fromProto(f.getKey()), v, slot, knownNodes, clusterSum);
          add(flowSum, v);
        }
      }
      addRest(fields(state.getTotalSlots(i)), flowSum, clusterSum, slot);
      note(slot);
    }
    counters = state.getCounters();
    appliedThrough = state.getSequence();
    awaitingFullState = false;
    acceptedBytes = bytes(state.getTotal());
    held.headMap(appliedThrough, true).clear();
    for (DeltaBatch b : held.values()) {
      acceptedBytes += bytes(b.getTotal());
    }
  }

  /** The totals, "other" and cluster share of what the flows ({@code flowSum}) leave out of {@code total}. */
  private void addRest(long[] total, long[] flowSum, long[] clusterSum, long slot) {
    long[] other = total.clone();
    subtract(other, flowSum);
    // The agent cut these flows, so their senders are unknown: only what the node sent is surely the
    // cluster's to count (RATIONALE.md).
    long[] clusterOtherShare = {other[SENT_BYTES], other[SENT_PACKETS], 0, 0};
    add(clusterSum, clusterOtherShare);
    if (!isZero(other)) {
      put(nodeOther, slot, other);
    }
    if (!isZero(clusterOtherShare)) {
      put(clusterOther, slot, clusterOtherShare);
    }
    put(nodeTotals, slot, total);
    put(clusterTotals, slot, clusterSum);
  }

  /**
   * The cluster's share, derived again from the node's own view with the nodes known now: the same
   * rule {@link #addFlow} applies batch by batch. Conversations folded into the node's "other" share
   * only what the node sent (their remote ends are no longer known), and the cluster totals' peak
   * starts again from the slots the ring still holds.
   */
  void reshare(Set<IpAddress> knownNodes) {
    clusterFlows.clear();
    for (Map.Entry<FlowKey, SlotHistory> e : nodeFlows.entrySet()) {
      FlowKey key = e.getKey();
      SlotHistory h = e.getValue();
      if (!knownNodes.contains(key.remote())) {
        share(key, h.copy());
      } else if (key.remote().compareTo(key.local()) > 0) {
        share(key, h.sentOnly(false));
      } else {
        share(new FlowKey(key.remote(), key.local(), key.remotePort(), key.localPort(), key.protocol()), h.sentOnly(true));
      }
    }
    clusterOther = nodeOther.sentOnly(false);
    clusterTotals = new SlotHistory();
    clusterTotals.addAll(clusterOther);
    clusterFlows.values().forEach(clusterTotals::addAll);
  }

  private void share(FlowKey key, SlotHistory share) {
    SlotHistory existing = clusterFlows.putIfAbsent(key, share);
    if (existing != null) {
      existing.addAll(share);
    }
  }

  /** A conversation's volume into the node's view and its share into the cluster's; slot -1: older than the ring. */
  private void addFlow(FlowKey key, long[] v, long slot, Set<IpAddress> knownNodes, long[] clusterSum) {
    if (isZero(v)) {
      return;
    }
    put(nodeFlows.computeIfAbsent(key, k -> new SlotHistory()), slot, v);
    long[] share;
    FlowKey clusterKey;
    if (!knownNodes.contains(key.remote())) {
      share = v;
      clusterKey = key;
    } else if (key.remote().compareTo(key.local()) > 0) {
      share = new long[] {v[SENT_BYTES], v[SENT_PACKETS], 0, 0};
      clusterKey = key;
    } else {
      share = new long[] {0, 0, v[SENT_BYTES], v[SENT_PACKETS]};
      clusterKey = new FlowKey(key.remote(), key.local(), key.remotePort(), key.localPort(), key.protocol());
    }
    if (isZero(share)) {
      return;
    }
    put(clusterFlows.computeIfAbsent(clusterKey, k -> new SlotHistory()), slot, share);
    add(clusterSum, share);
  }

  private void note(long slot) {
    if (slot >= 0) {
      firstSlot = Math.min(firstSlot, slot);
      lastSlot = Math.max(lastSlot, slot);
    }
  }

  /**
   * Keeps at most {@code maxConversations} conversations in each view, folding the idlest into that
   * view's "other" (core's rule, ConversationTable.fold): the totals never change.
   */
  void bound(int maxConversations) {
    if (nodeFlows.size() > maxConversations) {
      ConversationTable.fold(nodeFlows, nodeOther, maxConversations);
    }
    if (clusterFlows.size() > maxConversations) {
      ConversationTable.fold(clusterFlows, clusterOther, maxConversations);
    }
  }

  /** Everything this epoch holds added into {@code into} (an agent's earlier epochs, kept after a restart). */
  void addAllTo(EpochState into) {
    for (Map.Entry<FlowKey, SlotHistory> e : nodeFlows.entrySet()) {
      into.nodeFlows.computeIfAbsent(e.getKey(), k -> new SlotHistory()).addAll(e.getValue());
    }
    for (Map.Entry<FlowKey, SlotHistory> e : clusterFlows.entrySet()) {
      into.clusterFlows.computeIfAbsent(e.getKey(), k -> new SlotHistory()).addAll(e.getValue());
    }
    into.nodeOther.addAll(nodeOther);
    into.nodeTotals.addAll(nodeTotals);
    into.clusterOther.addAll(clusterOther);
    into.clusterTotals.addAll(clusterTotals);
    into.firstSlot = Math.min(into.firstSlot, firstSlot);
    into.lastSlot = Math.max(into.lastSlot, lastSlot);
  }

  public Map<FlowKey, SlotHistory> nodeFlows() {
    return nodeFlows;
  }

  public SlotHistory nodeOther() {
    return nodeOther;
  }

  public SlotHistory nodeTotals() {
    return nodeTotals;
  }

  public Map<FlowKey, SlotHistory> clusterFlows() {
    return clusterFlows;
  }

  public SlotHistory clusterOther() {
    return clusterOther;
  }

  public SlotHistory clusterTotals() {
    return clusterTotals;
  }

  /**
   * Its figures are the agent's: not waiting for the full state that a collector restart or a lost
   * batch asked for (until it comes, this holds only part of the epoch, or nothing).
   */
  public boolean settled() {
    return !awaitingFullState;
  }

  public long epoch() {
    return epoch;
  }

  /** The first slot written, {@link Long#MAX_VALUE} before any. */
  public long firstSlot() {
    return firstSlot;
  }

  private static void put(SlotHistory h, long slot, long[] v) {
    if (slot < 0) {
      h.addCumulative(v[SENT_BYTES], v[SENT_PACKETS], v[RECEIVED_BYTES], v[RECEIVED_PACKETS]);
    } else {
      h.add(slot, v[SENT_BYTES], v[SENT_PACKETS], v[RECEIVED_BYTES], v[RECEIVED_PACKETS]);
    }
  }

  /** Bytes sent, packets sent, bytes received, packets received: the order SlotHistory takes. */
  private static long[] fields(io.clustertop.proto.v1.VolumePair v) {
    return new long[] {
      v.getSent().getBytes(), v.getSent().getPackets(), v.getReceived().getBytes(), v.getReceived().getPackets()
    };
  }

  static long bytes(io.clustertop.proto.v1.VolumePair v) {
    return v.getSent().getBytes() + v.getReceived().getBytes();
  }

  private static void add(long[] into, long[] v) {
    for (int i = 0; i < into.length; i++) {
      into[i] += v[i];
    }
  }

  private static void subtract(long[] from, long[] v) {
    for (int i = 0; i < from.length; i++) {
      from[i] -= v[i];
    }
  }

  private static boolean isZero(long[] v) {
    return v[0] == 0 && v[1] == 0 && v[2] == 0 && v[3] == 0;
  }
}
