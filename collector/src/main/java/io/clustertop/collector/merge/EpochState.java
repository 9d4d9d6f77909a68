package io.clustertop.collector.merge;

import io.clustertop.core.flow.FlowKey;
import io.clustertop.core.flow.IpAddress;
import io.clustertop.core.flow.Volume;
import io.clustertop.core.report.Batch;
import io.clustertop.core.report.FlowHistory;
import io.clustertop.core.report.Flows;
import io.clustertop.core.report.FullState;
import io.clustertop.core.view.CaptureCounters;
import io.clustertop.core.window.ConversationTable;
import io.clustertop.core.window.SlotHistory;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/**
 * What the collector knows of one agent epoch, in two forms kept side by side:
 * <ul>
 *   <li>the node's own view: every conversation as the agent reported it, the agent's "other" (flows
 *       it cut from its batches) and its totals — what the agent itself would show;
 *   <li>its share of the cluster view, each byte once: what it sent always; what it received only
 *       from senders that run no connected agent; a conversation between two nodes oriented with the
 *       lower address on the left, so both nodes' shares of it land in one row.
 * </ul>
 *
 * <p>Thread safety: none; the {@link MergeStore} guards it.
 */
public final class EpochState {
  final long epoch;
  final Map<FlowKey, SlotHistory> nodeFlows = new HashMap<>();
  SlotHistory nodeOther = new SlotHistory();
  SlotHistory nodeTotals = new SlotHistory();
  final Map<FlowKey, SlotHistory> clusterFlows = new HashMap<>();
  SlotHistory clusterOther = new SlotHistory();
  SlotHistory clusterTotals = new SlotHistory();
  long appliedThrough;
  boolean awaitingFullState;
  /** Bytes applied, both ways: what the overflow check adds a batch to. */
  long acceptedBytes;
  /** The first and latest slot written, for the rates' "time since the start" and the next batch's slot. */
  long firstSlot = Long.MAX_VALUE;
  long lastSlot = Long.MIN_VALUE;
  CaptureCounters counters = CaptureCounters.ZERO;

  EpochState(long epoch) {
    this.epoch = epoch;
  }

  /**
   * Applies one batch into {@code slot}.
   *
   * @param knownNodes addresses announced by the agents known: their traffic to us is theirs to count
   */
  void apply(Batch batch, long slot, Set<IpAddress> knownNodes) {
    Flows flows = batch.flows();
    Volume clusterSum = Volume.ZERO;
    for (int i = 0; i < flows.size(); i++) {
      clusterSum = clusterSum.plus(addFlow(flows.key(i), flows.volume(i), slot, knownNodes));
    }
    addRest(batch.total(), flows.sum(), clusterSum, slot);
    counters = batch.counters();
    acceptedBytes += batch.total().bytes();
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
    Volume flowOlder = Volume.ZERO;
    Volume clusterOlder = Volume.ZERO;
    for (FlowHistory f : state.flows()) {
      Volume older = f.cumulative();
      for (Volume s : f.slots()) {
        older = older.minus(s);
      }
      flowOlder = flowOlder.plus(older);
      clusterOlder = clusterOlder.plus(addFlow(f.key(), older, -1, knownNodes));
    }
    Volume totalOlder = state.total();
    for (Volume s : state.totalSlots()) {
      totalOlder = totalOlder.minus(s);
    }
    addRest(totalOlder, flowOlder, clusterOlder, -1);
    for (int i = 0; i < state.totalSlots().size(); i++) {
      long slot = Math.min(firstSlot + i, currentSlot);
      Volume flowSum = Volume.ZERO;
      Volume clusterSum = Volume.ZERO;
      for (FlowHistory f : state.flows()) {
        if (i < f.slots().size()) {
          Volume v = f.slots().get(i);
          clusterSum = clusterSum.plus(addFlow(f.key(), v, slot, knownNodes));
          flowSum = flowSum.plus(v);
        }
      }
      addRest(state.totalSlots().get(i), flowSum, clusterSum, slot);
      note(slot);
    }
    counters = state.counters();
    appliedThrough = state.sequence();
    awaitingFullState = false;
    acceptedBytes = state.total().bytes();
  }

  /** The totals, "other" and cluster share of what the flows ({@code flowSum}) leave out of {@code total}. */
  private void addRest(Volume total, Volume flowSum, Volume clusterSum, long slot) {
    Volume other = total.minus(flowSum);
    // The agent cut these flows, so their senders are unknown: only what the node sent is surely the
    // cluster's to count (RATIONALE.md).
    Volume clusterOtherShare = other.sentOnly();
    if (!other.isZero()) {
      put(nodeOther, slot, other);
    }
    if (!clusterOtherShare.isZero()) {
      put(clusterOther, slot, clusterOtherShare);
    }
    put(nodeTotals, slot, total);
    put(clusterTotals, slot, clusterSum.plus(clusterOtherShare));
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

  /**
   * A conversation's volume into the node's view and its share into the cluster's; slot -1: older
   * than the ring. Returns the share.
   */
  private Volume addFlow(FlowKey key, Volume v, long slot, Set<IpAddress> knownNodes) {
    if (v.isZero()) {
      return Volume.ZERO;
    }
    put(nodeFlows.computeIfAbsent(key, k -> new SlotHistory()), slot, v);
    Volume share;
    FlowKey clusterKey;
    if (!knownNodes.contains(key.remote())) {
      share = v;
      clusterKey = key;
    } else if (key.remote().compareTo(key.local()) > 0) {
      share = v.sentOnly();
      clusterKey = key;
    } else {
      share = v.sentAsReceived();
      clusterKey = new FlowKey(key.remote(), key.local(), key.remotePort(), key.localPort(), key.protocol());
    }
    if (share.isZero()) {
      return Volume.ZERO;
    }
    put(clusterFlows.computeIfAbsent(clusterKey, k -> new SlotHistory()), slot, share);
    return share;
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

  private static void put(SlotHistory h, long slot, Volume v) {
    if (slot < 0) {
      h.addCumulative(v.sentBytes(), v.sentPackets(), v.receivedBytes(), v.receivedPackets());
    } else {
      h.add(slot, v.sentBytes(), v.sentPackets(), v.receivedBytes(), v.receivedPackets());
    }
  }
}
