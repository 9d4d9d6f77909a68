package io.clustertop.core.table;

import io.clustertop.core.flow.ClusterShare;
import io.clustertop.core.flow.FlowKey;
import io.clustertop.core.flow.PackedKey;
import io.clustertop.core.flow.Volume;
import io.clustertop.core.report.Flows;

/**
 * One agent epoch's conversations, compact: packed keys in a {@link KeyIndex}, figures in
 * {@link SlotColumns} (int slots, long figures since the start, noted peaks, latest slot), and per
 * conversation an int tag its owner sets (the collector: its cluster share and destination class,
 * decided once per conversation and again when the known nodes change), and the ints that say who
 * its ends are (its local end's owner and placement, the node its remote end was on). Beside the
 * conversations,
 * four aggregates in the same slots:
 * <ul>
 *   <li>{@link #TOTALS}: everything the agent counted, exact whatever was cut or folded;
 *   <li>{@link #OTHER}: what no conversation holds: what the agent cut from its batches, and the
 *       conversations folded here past the limit;
 *   <li>{@link #OTHER_SHARE} and {@link #OTHER_UNTURNED}: the cluster's share of {@link #OTHER}
 *       (see {@link ClusterShare}), turned as host-pair views turn it, and as the node sees it:
 *       what the agent cut counts as sent only (its senders are unknown), a folded conversation
 *       with the share it had when it was folded.
 * </ul>
 * The cluster's share of a conversation is never stored: it is a function of the conversation and
 * the nodes known ({@link ClusterShare}).
 *
 * <p>Memory: per conversation its key (24 bytes for IPv4, 40 for IPv6), 22 slots of four ints (352),
 * four longs since the start (32), two noted peaks (16), its latest slot, tag, owner, placement and
 * remote node (20), and the index (about 10): about 450 bytes for IPv4 as counted here; the
 * collector's live heap per conversation, all it holds for one, is measured in BENCHMARKS.md (488 B).
 *
 * <p>Thread safety: none; the owner (the collector's merge, per agent) guards it.
 */
public final class ConversationStore implements Conversations {
  public static final int TOTALS = 0;
  public static final int OTHER = 1;
  public static final int OTHER_SHARE = 2;
  public static final int OTHER_UNTURNED = 3;
  /** A conversation's remote end is on no node its owner named ({@link #remoteNode}). */
  public static final int NO_NODE = -1;

  private final KeyIndex keys = new KeyIndex();
  private final SlotColumns figures = new SlotColumns(4, 2, true);
  private final SlotColumns aggregates = new SlotColumns(4, 3, false);
  private int[] tags = new int[0];
  /** Per conversation, two ints its owner sets beside the tag: who its local end is (see {@link #owner}). */
  private int[] owners = new int[0];
  private int[] placements = new int[0];
  /** Per conversation, the node its remote end was on when it came, or {@link #NO_NODE} (see {@link #remoteNode}). */
  private int[] remoteNodes = new int[0];
  private long firstSlot = Long.MAX_VALUE;
  private long folded;

  /** Times conversations left their index (a fold, a clear): see {@link #moves()}. */
  private long moves;

  public ConversationStore() {
    for (int a = 0; a <= OTHER_UNTURNED; a++) {
      aggregates.addEntry();
    }
  }

  // Writing

  /** The slot the next writes go into; slots only move forward (the merge clamps a batch's slot). */
  public void moveTo(long slot) {
    figures.moveTo(slot);
    aggregates.moveTo(slot);
    firstSlot = Math.min(firstSlot, slot);
  }

  /** Room for {@code more} new conversations (a batch's flows, a full state's). */
  public void reserve(int more) {
    keys.reserve(keys.size() + more);
    figures.reserve(figures.size() + more);
    if (tags.length < figures.size() + more) {
      tags = java.util.Arrays.copyOf(tags, Math.max(figures.size() + more, tags.length + (tags.length >> 2)));
      owners = java.util.Arrays.copyOf(owners, tags.length);
      placements = java.util.Arrays.copyOf(placements, tags.length);
      remoteNodes = java.util.Arrays.copyOf(remoteNodes, tags.length);
    }
  }

  /** The conversation of flow {@code i}, or -1. */
  public int find(Flows flows, int i) {
    return keys.find(flows.keyField(i, 0), flows.keyField(i, 1), flows.keyField(i, 2), flows.keyField(i, 3),
        flows.keyField(i, 4));
  }

  /** The conversation of a packed key ({@link PackedKey}), or -1. */
  public int find(long k0, long k1, long k2, long k3, long k4) {
    return keys.find(k0, k1, k2, k3, k4);
  }

  public int find(FlowKey k) {
    return keys.find(k.local().high(), k.local().low(), k.remote().high(), k.remote().low(), PackedKey.meta(k));
  }

  /** A new conversation (not there yet) with its tag. */
  public int insert(long k0, long k1, long k2, long k3, long k4, int tag) {
    int e = keys.add(k0, k1, k2, k3, k4);
    int f = figures.addEntry();
    if (e != f) {
      throw new IllegalStateException("keys and figures out of step: " + e + " " + f);
    }
    if (tags.length <= e) {
      tags = java.util.Arrays.copyOf(tags, Math.max(e + 1, tags.length + Math.max(4, tags.length >> 2)));
      owners = java.util.Arrays.copyOf(owners, tags.length);
      placements = java.util.Arrays.copyOf(placements, tags.length);
      remoteNodes = java.util.Arrays.copyOf(remoteNodes, tags.length);
    }
    tags[e] = tag;
    owners[e] = 0;
    placements[e] = 0;
    remoteNodes[e] = NO_NODE;
    return e;
  }

  public int insert(Flows flows, int i, int tag) {
    return insert(flows.keyField(i, 0), flows.keyField(i, 1), flows.keyField(i, 2), flows.keyField(i, 3),
        flows.keyField(i, 4), tag);
  }

  public int insert(FlowKey k, int tag) {
    return insert(k.local().high(), k.local().low(), k.remote().high(), k.remote().low(), PackedKey.meta(k), tag);
  }

  /** Adds to a conversation in {@code slot} ({@link SlotColumns#NONE}: older than the slots). */
  public void add(int entry, long slot, Volume v) {
    add(entry, slot, v.sentBytes(), v.sentPackets(), v.receivedBytes(), v.receivedPackets());
  }

  /** Adds to a conversation in {@code slot}, field by field in {@link Volume}'s order. */
  public void add(int entry, long slot, long sentBytes, long sentPackets, long receivedBytes, long receivedPackets) {
    figures.add(entry, slot, 0, sentBytes);
    figures.add(entry, slot, 1, sentPackets);
    figures.add(entry, slot, 2, receivedBytes);
    figures.add(entry, slot, 3, receivedPackets);
    figures.touch(entry, slot);
  }

  /** Adds flow {@code i} of a batch to its conversation. */
  public void add(int entry, long slot, Flows flows, int i) {
    for (int f = 0; f < 4; f++) {
      figures.add(entry, slot, f, flows.volumeField(i, f));
    }
    figures.touch(entry, slot);
  }

  /** Adds to one of the aggregates ({@link #TOTALS} ... {@link #OTHER_UNTURNED}). */
  public void addAggregate(int which, long slot, Volume v) {
    addAggregate(which, slot, v.sentBytes(), v.sentPackets(), v.receivedBytes(), v.receivedPackets());
  }

  /** Adds to one of the aggregates, field by field in {@link Volume}'s order. */
  public void addAggregate(int which, long slot, long sentBytes, long sentPackets, long receivedBytes,
      long receivedPackets) {
    aggregates.add(which, slot, 0, sentBytes);
    aggregates.add(which, slot, 1, sentPackets);
    aggregates.add(which, slot, 2, receivedBytes);
    aggregates.add(which, slot, 3, receivedPackets);
  }

  /**
   * Who the conversation's local end is, as its owner decided it: the collector's id of the
   * process attribution named (0: none known yet), and its placement's id (the rows of the
   * groupings by placement; 0 until decided).
   */
  public void setOwner(int entry, int owner, int placement) {
    owners[entry] = owner;
    placements[entry] = placement;
  }

  public void setTag(int entry, int tag) {
    tags[entry] = tag;
  }

  /**
   * The node the conversation's remote end was on when it came, as its owner decided it once (the
   * collector: an id of its node names, where the remote end was a pod's address; docs/RATIONALE.md,
   * "Each byte once, cluster-wide"), or {@link #NO_NODE}, as every conversation starts.
   */
  public void setRemoteNode(int entry, int node) {
    remoteNodes[entry] = node;
  }

  /**
   * Folds conversations past {@code keep} into "other", idlest then smallest first ({@link
   * FoldRule}), telling {@code beforeFold} of each first (while it is still there to read).
   *
   * @return how many were folded
   */
  public int foldIdlest(int keep, java.util.function.IntConsumer beforeFold) {
    return fold(FoldRule.idlest(size(), figures::lastSlot, e -> figures.cumulative(e, 0) + figures.cumulative(e, 2),
        keep), beforeFold);
  }

  /**
   * Folds the conversations {@code chosen} (entries as they are now) into "other", telling
   * {@code beforeFold} of each first. @return how many
   */
  public int fold(int[] chosen, java.util.function.IntConsumer beforeFold) {
    // From the highest index down: removing one moves the last into its place, never a chosen one.
    int[] sorted = chosen.clone();
    java.util.Arrays.sort(sorted);
    for (int i = sorted.length - 1; i >= 0; i--) {
      beforeFold.accept(sorted[i]);
      fold(sorted[i]);
    }
    return sorted.length;
  }

  /**
   * Folds a conversation into "other": its figures join {@link #OTHER}, its share (from its tag,
   * with the known nodes as they are now) {@link #OTHER_SHARE} and {@link #OTHER_UNTURNED}; then it
   * is removed and the last conversation takes its index.
   */
  public void fold(int entry) {
    ClusterShare share = ConversationTag.share(tags[entry]);
    aggregates.addFrom(figures, entry, OTHER, FieldMaps.SAME, 1);
    aggregates.addFrom(figures, entry, OTHER_SHARE, share.fieldMap(), 1);
    aggregates.addFrom(figures, entry, OTHER_UNTURNED, share.unturnedFieldMap(), 1);
    remove(entry);
    folded++;
  }

  private void remove(int entry) {
    moves++;
    int last = keys.size() - 1;
    keys.remove(entry);
    figures.removeEntry(entry);
    tags[entry] = tags[last];
    tags[last] = 0;
    owners[entry] = owners[last];
    owners[last] = 0;
    placements[entry] = placements[last];
    placements[last] = 0;
    remoteNodes[entry] = remoteNodes[last];
    remoteNodes[last] = NO_NODE;
  }

  /**
   * The nodes known changed: the shares of "other" are derived again from it, as what the node sent
   * only (the remote ends of what was folded are no longer known).
   */
  public void reshareOther() {
    for (int which : new int[] {OTHER_SHARE, OTHER_UNTURNED}) {
      aggregates.clearEntry(which);
      aggregates.addFrom(aggregates, OTHER, which, FieldMaps.SENT, 1);
    }
  }

  /**
   * Everything this store holds added into {@code into}: each conversation into the one with its key
   * (an agent's earlier epochs, kept after a restart), the aggregates into its aggregates.
   */
  public void addAllTo(ConversationStore into) {
    into.reserve(size());
    for (int e = 0; e < size(); e++) {
      int target = into.keys.find(keys.get(e, 0), keys.get(e, 1), keys.get(e, 2), keys.get(e, 3), keys.get(e, 4));
      if (target < 0) {
        target = into.insert(keys.get(e, 0), keys.get(e, 1), keys.get(e, 2), keys.get(e, 3), keys.get(e, 4), tags[e]);
        into.setOwner(target, owners[e], placements[e]);
        into.setRemoteNode(target, remoteNodes[e]);
      }
      into.figures.addFrom(figures, e, target, FieldMaps.SAME, 1);
    }
    for (int a = 0; a <= OTHER_UNTURNED; a++) {
      into.aggregates.addFrom(aggregates, a, a, FieldMaps.SAME, 1);
    }
    into.firstSlot = Math.min(into.firstSlot, firstSlot);
    into.folded += folded;
  }

  /** Everything gone: what a full state replaces. */
  public void clear() {
    moves++;
    keys.clear();
    figures.clear();
    aggregates.clear();
    for (int a = 0; a <= OTHER_UNTURNED; a++) {
      aggregates.addEntry();
    }
    firstSlot = Long.MAX_VALUE;
  }

  // Reading

  @Override
  public long moves() {
    return moves;
  }

  @Override
  public int size() {
    return keys.size();
  }

  /** One word of a conversation's packed key ({@link PackedKey#LOCAL_HIGH} ... {@link PackedKey#META}). */
  @Override
  public long keyField(int entry, int field) {
    return keys.get(entry, field);
  }

  @Override
  public FlowKey key(int entry) {
    return PackedKey.toFlowKey(keys.get(entry, 0), keys.get(entry, 1), keys.get(entry, 2), keys.get(entry, 3),
        keys.get(entry, 4));
  }

  @Override
  public int tag(int entry) {
    return tags[entry];
  }

  /** The node the remote end was on when the conversation came ({@link #setRemoteNode}), or {@link #NO_NODE}. */
  public int remoteNode(int entry) {
    return remoteNodes[entry];
  }

  /** The owner's id of the local end's process (0: none known). */
  public int owner(int entry) {
    return owners[entry];
  }

  @Override
  public int placement(int entry) {
    return placements[entry];
  }

  /** A conversation's figures since it began. */
  @Override
  public Volume cumulative(int entry) {
    return new Volume(figures.cumulative(entry, 0), figures.cumulative(entry, 1), figures.cumulative(entry, 2),
        figures.cumulative(entry, 3));
  }

  /** An aggregate's figures since the start. */
  @Override
  public Volume aggregate(int which) {
    return new Volume(aggregates.cumulative(which, 0), aggregates.cumulative(which, 1),
        aggregates.cumulative(which, 2), aggregates.cumulative(which, 3));
  }

  /** The conversations' slots, to read. */
  @Override
  public SlotReader figures() {
    return figures;
  }

  /** The aggregates' slots ({@link #TOTALS} ... {@link #OTHER_UNTURNED}), to read. */
  @Override
  public SlotReader aggregates() {
    return aggregates;
  }

  /** The latest slot written ({@link SlotColumns#NONE} before any). */
  public long latestSlot() {
    return Math.max(figures.latest(), aggregates.latest());
  }

  /** The first slot written, {@link Long#MAX_VALUE} before any. */
  @Override
  public long firstSlot() {
    return firstSlot;
  }

  /** Conversations folded into "other" since the epoch began. */
  @Override
  public long folded() {
    return folded;
  }

  /** A conversation's place in the collector-wide order of the idlest ({@link FoldRule#idleness}). */
  public long idleness(int entry) {
    return FoldRule.idleness(figures.lastSlot(entry), figures.cumulative(entry, 0) + figures.cumulative(entry, 2));
  }

  /** What the arrays take on the heap, headers left out. */
  public long heapBytes() {
    return keys.heapBytes() + figures.heapBytes() + aggregates.heapBytes() + 16L * tags.length;
  }
}
