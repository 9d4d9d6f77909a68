package io.clustertop.core.rows;

import io.clustertop.core.cost.CostParts;
import io.clustertop.core.cost.Direction;
import io.clustertop.core.cost.PriceId;
import io.clustertop.core.flow.ClusterShare;
import io.clustertop.core.flow.PackedKey;
import io.clustertop.core.flow.Volume;
import io.clustertop.core.table.ConversationStore;
import io.clustertop.core.table.Conversations;
import io.clustertop.core.table.ConversationTag;
import io.clustertop.core.table.FieldMaps;
import io.clustertop.core.table.KeyIndex;
import io.clustertop.core.table.SlotColumns;
import io.clustertop.core.table.SlotReader;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A view kept up to date as batches arrive: its rows' slots, figures since the start and peaks, its
 * "other" (what no row holds: what agents cut, what was folded, what the owner puts there) and its
 * totals, which are always the rows and "other" added up. Publishing reads rows ({@link #frame}),
 * never conversations.
 *
 * <pre>
 * owner (the collector's merge), per agent, under the agent's lock:
 *   addStore(store, +1)   a new view, or the agent's figures back after a change (full state, restart)
 *   applyBatch(...)       each delta into its conversation's row: one lock of this view per batch
 *   fold(store, entry)    a conversation folded into the store's "other" moves to this view's "other"
 *   addStore(store, -1)   the agent's figures out (before they are replaced)
 * publisher: frame(latest completed slot) -> Frame, shared by every subscriber of the view
 * </pre>
 *
 * <p>What a conversation brings depends on the view ({@link ViewSpec.Basis}): a node's own view
 * and the NODES grouping count it as the node did; the cluster's views count its share, each byte
 * once ({@link ClusterShare}), turned so both nodes' shares of a conversation land in one row; the
 * class view counts what its sender's side sent and received from outside, under its class. Its
 * share and class come from the tag the owner gave the conversation. A row counts the
 * conversations that bring it something, and the nodes that reported them; a row that no
 * conversation (or store) brings anything to any more is removed.
 *
 * <p>Costed groupings keep, per row and per price (destination class and direction, as
 * {@link CostParts} decides them), the bytes and their slots: a row may mix prices, and its cost is, per price, bytes times price, exactly.
 *
 * <p>Peaks: a row's peak is the highest of its own slots, noted as they leave the ring or read
 * while it holds them, and of the noted peaks of the conversations added whole. So it may be higher
 * than what a build from scratch finds (the highest of the conversations' peaks and of the row's
 * slots still held): a row keeps the peak of slots whose conversations were folded or left since.
 *
 * <p>Thread safety: every method takes this view's lock; the owner calls them under the agent's own
 * lock as well, so an agent's batches reach the view in order, once each.
 */
public final class LiveView {
  private static final int TOTALS = 0;
  private static final int OTHER = 1;
  private static final int NONE = -1;

  private final ViewSpec spec;
  private final ViewSpec.Basis basis;
  private final Grouping grouping;
  private final int unattributedClass;
  private final Placements placements;
  /** A pod's own view: the name id of its pod; -1 for a view of every conversation. */
  private final int pod;
  private final ReentrantLock lock = new ReentrantLock();

  private final KeyIndex rowKeys = new KeyIndex();
  private final SlotColumns rows = new SlotColumns(4, 2, false);
  /** Per row: what brings it something (conversations, and stores for a node's or "unattributed" row). */
  private int[] members = new int[8];
  private int[] conversations = new int[8];
  /** Per row: the node that reported it and how many times; rows of several nodes keep the rest aside. */
  private int[] reporter = new int[8];
  private int[] reporterCount = new int[8];
  private final Map<Integer, Reporters> moreReporters = new HashMap<>();
  /** The rows {@link #moreReporters} has: most rows have one reporter, and are read without a lookup. */
  private final java.util.BitSet reportedByMore = new java.util.BitSet();

  /** {@link #TOTALS} and {@link #OTHER}. */
  private final SlotColumns whole = new SlotColumns(4, 3, false);
  private int viewConversations;

  /** Bytes per row and price; null where the grouping has no cost. */
  private final KeyIndex costKeys;
  private final SlotColumns costs;
  /** The prices seen, to find a row's cost entries when it goes. */
  private final java.util.BitSet pricesSeen = new java.util.BitSet();

  private final long[] key = new long[KeyIndex.WIDTH];
  private final long[] costKey = new long[KeyIndex.WIDTH];

  /**
   * For the groupings of about a row per conversation (host pairs, remote addresses), each store's
   * conversations' rows: a batch finds its rows without a search in a table of a million (a cache
   * miss or two each, most of what applying a batch cost). Good while the store's conversations and
   * this view's rows keep their indexes: the store's {@link Conversations#moves()} and this view's
   * {@link #rowMoves} are noted, and a change of either forgets them. Null for other groupings.
   */
  private final Map<Conversations, RowHints> hints;
  /** Counts the times rows left their index (a row removed: the last takes its place). */
  private int rowMoves;

  /** One store's conversations' rows, row + 1 by conversation index, 0 where not known yet. */
  private static final class RowHints {
    long storeMoves = -1;
    int rowMoves;
    int[] rows = new int[0];
  }

  /**
   * @param unattributedClass the class id of "unattributed": what was folded has lost its remote end
   * @param placements the names of the conversations' placements (the groupings by placement)
   */
  public LiveView(ViewSpec spec, int unattributedClass, Placements placements) {
    this.spec = spec;
    this.basis = spec.basis();
    this.grouping = spec.grouping();
    this.unattributedClass = unattributedClass;
    this.placements = placements;
    this.pod = spec.pod().isEmpty() ? NONE : placements.nameIdOf(spec.pod());
    this.costKeys = grouping.costed() ? new KeyIndex() : null;
    // By placement a row's key is two array reads, but finding it among the rows is a search: the
    // hints save it as they do for the groupings of a row per conversation.
    this.hints = grouping == Grouping.HOST_PAIRS || grouping == Grouping.REMOTE_ADDRESSES || grouping.byPlacement()
        ? new java.util.IdentityHashMap<>() : null;
    this.costs = grouping.costed() ? new SlotColumns(1, 0, false) : null;
    whole.addEntry();
    whole.addEntry();
  }

  public ViewSpec spec() {
    return spec;
  }

  /** Everything gone: before a rebuild. */
  public void clear() {
    lock.lock();
    try {
      rowKeys.clear();
      rows.clear();
      moreReporters.clear();
      reportedByMore.clear();
      whole.clear();
      whole.addEntry();
      whole.addEntry();
      viewConversations = 0;
      if (costKeys != null) {
        costKeys.clear();
        costs.clear();
      }
      pricesSeen.clear();
      forgetCostEntries();
      if (hints != null) {
        hints.clear();
      }
    } finally {
      lock.unlock();
    }
  }

  /**
   * Moves the view's slots on to {@code slot} before a build: to the latest slot of all the stores it
   * will take, so that what each store holds older than that counts the same whatever order the
   * stores come in (as noted peaks, one conversation at a time).
   */
  public void advanceTo(long slot) {
    lock.lock();
    try {
      moveTo(slot);
    } finally {
      lock.unlock();
    }
  }

  /** Rows, "other" and totals, and cost entries, on to {@code slot}. Under the lock. */
  private void moveTo(long slot) {
    rows.moveTo(slot);
    whole.moveTo(slot);
    if (costs != null) {
      costs.moveTo(slot);
    }
  }

  // A whole store

  /**
   * Adds ({@code sign} 1) or takes back (-1) everything one agent epoch's store brings this view.
   *
   * @param nodeId the store's node, as the owner's {@link NameTable} has it
   */
  public void addStore(Conversations store, int nodeId, int sign) {
    lock.lock();
    try {
      if (sign > 0) {
        aggregates(store, nodeId, sign); // a node's row first: its conversations count in it
        RowHints h = hints == null ? null : hintsFor(store);
        for (int e = 0; e < store.size(); e++) {
          entry(store, e, nodeId, sign, h);
        }
      } else {
        for (int e = 0; e < store.size(); e++) {
          entry(store, e, nodeId, sign, null);
        }
        aggregates(store, nodeId, sign);
        if (hints != null) {
          hints.remove(store);
        }
      }
    } finally {
      lock.unlock();
    }
  }

  /**
   * One conversation, whole: its figures since it began, the slots both rings hold, its peaks.
   *
   * @param h where to note its row (a build), or null
   */
  private void entry(Conversations store, int e, int nodeId, int sign, RowHints h) {
    entry(store, e, nodeId, sign, h, store.placement(e));
  }

  /** As above, the conversation at {@code placement} (its row by placement). */
  private void entry(Conversations store, int e, int nodeId, int sign, RowHints h, int placement) {
    if (!admits(placement)) {
      return;
    }
    int tag = store.tag(e);
    ClusterShare share = ConversationTag.share(tag);
    int classId = ConversationTag.classId(tag);
    SlotReader figures = store.figures();
    if (grouping == Grouping.NODES) {
      int row = row(nodeKey(nodeId), true);
      conversations[row] += sign;
      viewConversations += sign;
      costParts(figures, e, share, classId, row, sign);
      return;
    }
    int[] map = rowMap(share);
    boolean counted = nonZero(figures, e, map);
    if (basis == ViewSpec.Basis.COST && !spec.clusterScope() && !share.countsReceived()) {
      // A node's own class view: what it received from another node is in its totals, in no class.
      addWhole(figures, e, OTHER, FieldMaps.RECEIVED, sign);
    }
    if (counted || spec.nodeTotals()) {
      viewConversations += sign;
    }
    if (!counted) {
      return;
    }
    int row = row(conversationKey(store, e, nodeId, share, classId, placement), sign > 0);
    if (h != null) {
      h.rows[e] = row + 1;
    }
    rows.addFrom(figures, e, row, map, sign);
    whole.addFrom(figures, e, TOTALS, map, sign);
    members[row] += sign;
    conversations[row] += sign;
    report(row, nodeId, sign);
    costParts(figures, e, share, classId, row, sign);
    dropIfEmpty(row);
  }

  /** A pod's own view takes only its pod's conversations; the others take every one. */
  private boolean admits(int placement) {
    return pod == NONE || placements.nameId(placement, Grouping.PODS) == pod;
  }

  /** The store's totals and "other", whole. */
  private void aggregates(Conversations store, int nodeId, int sign) {
    if (pod != NONE) {
      return; // what the agent cut or folded has no pod
    }
    SlotReader a = store.aggregates();
    int otherCost = unattributedSent(a, ConversationStore.OTHER) ? PriceId.of(unattributedClass, Direction.EGRESS) : NONE;
    switch (grouping) {
      case NODES -> aggregateRow(a, ConversationStore.TOTALS, FieldMaps.SAME, nodeKey(nodeId), nodeId, otherCost, sign);
      case DESTINATION_CLASSES -> {
        if (otherCost != NONE || nonZero(a, ConversationStore.OTHER, FieldMaps.SENT)) {
          aggregateRow(a, ConversationStore.OTHER, FieldMaps.SENT, classKey(unattributedClass), nodeId, otherCost, sign);
        }
        addWhole(a, spec.clusterScope() ? ConversationStore.OTHER_UNTURNED : ConversationStore.OTHER, OTHER,
            FieldMaps.RECEIVED, sign);
      }
      default -> {
        addWhole(a, otherAggregate(), OTHER, FieldMaps.SAME, sign);
        if (otherCost != NONE && costs != null) {
          cost(a, ConversationStore.OTHER, FieldMaps.SENT_BYTES, NONE, otherCost, sign);
        }
      }
    }
  }

  /**
   * One of a store's aggregates into a row of its own (a node's totals, the unattributed class): the
   * store is one of the row's members, and the aggregate's sent bytes its unattributed cost.
   */
  private void aggregateRow(SlotReader a, int aggregate, int[] map, long[] key, int nodeId, int otherCost, int sign) {
    int row = row(key, true);
    rows.addFrom(a, aggregate, row, map, sign);
    whole.addFrom(a, aggregate, TOTALS, map, sign);
    members[row] += sign;
    report(row, nodeId, sign);
    if (otherCost != NONE) {
      cost(a, ConversationStore.OTHER, FieldMaps.SENT_BYTES, row, otherCost, sign);
    }
    dropIfEmpty(row);
  }

  /** Into this view's "other", and so its totals. */
  private void addWhole(SlotReader source, int entry, int target, int[] map, int sign) {
    whole.addFrom(source, entry, target, map, sign);
    whole.addFrom(source, entry, TOTALS, map, sign);
  }

  private void costParts(SlotReader figures, int e, ClusterShare share, int classId, int row, int sign) {
    if (costs == null) {
      return;
    }
    if (figures.cumulative(e, 0) != 0) {
      cost(figures, e, FieldMaps.SENT_BYTES, row, PriceId.of(classId, CostParts.sent(share)), sign);
    }
    if (CostParts.receivedCounts(share) && figures.cumulative(e, 2) != 0) {
      cost(figures, e, FieldMaps.RECEIVED_BYTES, row, PriceId.of(classId, Direction.INGRESS), sign);
    }
  }

  private void cost(SlotReader source, int entry, int[] map, int row, int priceId, int sign) {
    int c = costEntry(row, priceId, sign > 0);
    costs.addFrom(source, entry, c, map, sign);
    if (costs.cumulative(c, 0) == 0) {
      removeCost(c);
    }
  }

  // A batch

  /**
   * Adds one batch of an agent, already applied to its store: each conversation's volume to its row,
   * the rest (what the agent cut) and the totals as the view takes them.
   *
   * @param entries the conversations the batch changed, each once
   * @param deltas what the batch added to each, four fields per entry in {@link Volume}'s order
   * @param rest what the flows leave out of the batch's total
   */
  public void applyBatch(Conversations store, int nodeId, long slot, int[] entries, int count, long[] deltas,
      Volume rest, Volume total) {
    lock.lock();
    try {
      // Into the slot first: the adds of the batch are gathered below, a row's in one go.
      moveTo(slot);
      pendingRow = NONE;
      RowHints h = hints == null ? null : hintsFor(store);
      for (int i = 0; i < count; i++) {
        flow(store, entries[i], nodeId, slot, deltas, i * 4, h);
      }
      flushRow(slot);
      for (int f = 0; f < 4; f++) {
        whole.add(TOTALS, slot, f, pendingTotals[f]);
        whole.add(OTHER, slot, f, pendingOther[f]);
        whole.add(TOTALS, slot, f, pendingOther[f]);
        pendingTotals[f] = 0;
        pendingOther[f] = 0;
      }
      restOf(store, nodeId, slot, rest, total);
    } finally {
      lock.unlock();
    }
  }

  private final long[] delta = new long[4];
  private final long[] mapped = new long[4];
  /**
   * What a batch adds, gathered: consecutive conversations of one row (a node's, a service's, a
   * class's: most of a batch) make one add to it; the totals and "other" one add per batch.
   */
  private int pendingRow = NONE;
  private final long[] pending = new long[4];
  private final long[] pendingTotals = new long[4];
  private final long[] pendingOther = new long[4];
  /**
   * The cost entry found last for what conversations sent [0] and received [1], by row and price: a
   * batch's conversations of one row share their prices (one cache would alternate between the two).
   */
  private final int[] lastCostRow = {Integer.MIN_VALUE, Integer.MIN_VALUE};
  private final int[] lastCostPrice = {-1, -1};
  private final int[] lastCostEntry = {-1, -1};

  private void forgetCostEntries() {
    lastCostRow[0] = Integer.MIN_VALUE;
    lastCostRow[1] = Integer.MIN_VALUE;
  }

  private void flow(Conversations store, int e, int nodeId, long slot, long[] deltas, int offset, RowHints h) {
    if (!admits(store.placement(e))) {
      return;
    }
    int tag = store.tag(e);
    ClusterShare share = ConversationTag.share(tag);
    int classId = ConversationTag.classId(tag);
    SlotReader figures = store.figures();
    boolean isNew = true;
    for (int f = 0; f < 4; f++) {
      delta[f] = deltas[offset + f];
      if (figures.cumulative(e, f) != delta[f]) {
        isNew = false;
      }
    }
    if (grouping == Grouping.NODES) {
      int row = pendingRow >= 0 ? pendingRow : row(nodeKey(nodeId), true);
      pendingRow = row; // a batch is one node's: one row, and nothing to add to it per conversation
      if (isNew) {
        conversations[row]++;
        viewConversations++;
      }
      costDeltas(share, classId, row, slot);
      return;
    }
    int[] map = rowMap(share);
    boolean before = false;
    boolean after = false;
    for (int f = 0; f < 4; f++) {
      mapped[f] = map[f] < 0 ? 0 : delta[map[f]];
      if (map[f] >= 0) {
        long cumulative = figures.cumulative(e, map[f]);
        after |= cumulative != 0;
        before |= cumulative - mapped[f] != 0;
      }
    }
    if (basis == ViewSpec.Basis.COST && !spec.clusterScope() && !share.countsReceived()) {
      pendingOther[2] += delta[2];
      pendingOther[3] += delta[3];
      notePast(whole, TOTALS, figures, e, slot, FieldMaps.RECEIVED);
    }
    if (spec.nodeTotals() ? isNew : after && !before) {
      viewConversations++;
    }
    if (!after) {
      return;
    }
    int row = h == null ? NONE : h.rows[e] - 1;
    if (row < 0) {
      row = row(conversationKey(store, e, nodeId, share, classId, store.placement(e)), true);
      if (h != null) {
        h.rows[e] = row + 1;
      }
    }
    if (row != pendingRow) {
      flushRow(slot);
      pendingRow = row;
    }
    for (int f = 0; f < 4; f++) {
      pending[f] += mapped[f];
      pendingTotals[f] += mapped[f];
    }
    notePast(rows, row, figures, e, slot, map);
    notePast(whole, TOTALS, figures, e, slot, map);
    if (!before) {
      members[row]++;
      conversations[row]++;
      report(row, nodeId, 1);
    }
    costDeltas(share, classId, row, slot);
  }

  /** The adds gathered for the row of the last conversations, into it. */
  private void flushRow(long slot) {
    if (pendingRow >= 0) {
      for (int f = 0; f < 4; f++) {
        rows.add(pendingRow, slot, f, pending[f]);
        pending[f] = 0;
      }
    }
    pendingRow = NONE;
  }

  private void costDeltas(ClusterShare share, int classId, int row, long slot) {
    if (costs == null) {
      return;
    }
    if (delta[0] != 0) {
      costs.add(cachedCostEntry(0, row, PriceId.of(classId, CostParts.sent(share))), slot, 0, delta[0]);
    }
    if (CostParts.receivedCounts(share) && delta[2] != 0) {
      costs.add(cachedCostEntry(1, row, PriceId.of(classId, Direction.INGRESS)), slot, 0, delta[2]);
    }
  }

  private int cachedCostEntry(int which, int row, int priceId) {
    if (row != lastCostRow[which] || priceId != lastCostPrice[which]) {
      lastCostEntry[which] = costEntry(row, priceId, true);
      lastCostRow[which] = row;
      lastCostPrice[which] = priceId;
    }
    return lastCostEntry[which];
  }

  /** The store's row hints, forgotten if its conversations or this view's rows moved since; room for all. */
  private RowHints hintsFor(Conversations store) {
    RowHints h = hints.computeIfAbsent(store, s -> new RowHints());
    if (h.storeMoves != store.moves() || h.rowMoves != rowMoves) {
      Arrays.fill(h.rows, 0);
      h.storeMoves = store.moves();
      h.rowMoves = rowMoves;
    }
    if (h.rows.length < store.size()) {
      h.rows = Arrays.copyOf(h.rows, Math.max(store.size(), h.rows.length + (h.rows.length >> 1)));
    }
    return h;
  }

  /** A batch's rest: the totals of a node's row, the view's "other", or the unattributed class. */
  private void restOf(Conversations store, int nodeId, long slot, Volume rest, Volume total) {
    if (pod != NONE) {
      return;
    }
    int unattributed = PriceId.of(unattributedClass, Direction.EGRESS);
    switch (grouping) {
      case NODES -> {
        int row = row(nodeKey(nodeId), true);
        addRow(row, slot, total);
        notePast(rows, row, store.aggregates(), ConversationStore.TOTALS, slot, FieldMaps.SAME);
        notePast(whole, TOTALS, store.aggregates(), ConversationStore.TOTALS, slot, FieldMaps.SAME);
        if (costs != null && rest.sentBytes() != 0) {
          costs.add(costEntry(row, unattributed, true), slot, 0, rest.sentBytes());
        }
      }
      case DESTINATION_CLASSES -> {
        if (rest.sentBytes() != 0 || rest.sentPackets() != 0) {
          Volume other = store.aggregate(ConversationStore.OTHER);
          boolean before = other.sentBytes() != rest.sentBytes() || other.sentPackets() != rest.sentPackets();
          int row = row(classKey(unattributedClass), true);
          addRow(row, slot, rest.sentOnly());
          notePast(rows, row, store.aggregates(), ConversationStore.OTHER, slot, FieldMaps.SENT);
          notePast(whole, TOTALS, store.aggregates(), ConversationStore.OTHER, slot, FieldMaps.SENT);
          if (!before) {
            members[row]++;
            report(row, nodeId, 1);
          }
          if (rest.sentBytes() != 0) {
            costs.add(costEntry(row, unattributed, true), slot, 0, rest.sentBytes());
          }
        }
        if (!spec.clusterScope()) {
          addOther(slot, 0, 0, rest.receivedBytes(), rest.receivedPackets());
          notePast(whole, TOTALS, store.aggregates(), ConversationStore.OTHER, slot, FieldMaps.RECEIVED);
        }
      }
      default -> {
        Volume other = basis == ViewSpec.Basis.NODE ? rest : rest.sentOnly();
        addOther(slot, other.sentBytes(), other.sentPackets(), other.receivedBytes(), other.receivedPackets());
        notePast(whole, TOTALS, store.aggregates(), otherAggregate(), slot, FieldMaps.SAME);
        if (costs != null && rest.sentBytes() != 0) {
          costs.add(costEntry(NONE, unattributed, true), slot, 0, rest.sentBytes());
        }
      }
    }
  }

  /**
   * A conversation's placement changes (attribution named its process since): it leaves its row whole
   * and joins the one of {@code placement}, which the owner sets in the store once every view has
   * taken the change. Before the batch that brings the change is applied, the store already in
   * {@code slot}.
   */
  public void replace(Conversations store, int e, int nodeId, long slot, int placement) {
    lock.lock();
    try {
      moveTo(slot);
      entry(store, e, nodeId, -1, null, store.placement(e));
      entry(store, e, nodeId, 1, hints == null ? null : hintsFor(store), placement);
    } finally {
      lock.unlock();
    }
  }

  /**
   * A write into a slot the ring no longer holds (a late batch of an agent behind the others): the
   * source's whole figure of that slot counts among the peaks, as a build from the store counts it
   * ({@link SlotColumns#addFrom}), so the view's peaks do not depend on the order batches came in.
   */
  private static void notePast(SlotColumns target, int entry, SlotReader source, int sourceEntry, long slot,
      int[] map) {
    if (target.holds(slot) || slot == SlotColumns.NONE) {
      return;
    }
    target.notePeak(entry, map[0] < 0 ? 0 : source.cell(sourceEntry, slot, map[0]),
        map[2] < 0 ? 0 : source.cell(sourceEntry, slot, map[2]));
  }

  private void addRow(int row, long slot, Volume v) {
    add(rows, row, slot, v.sentBytes(), v.sentPackets(), v.receivedBytes(), v.receivedPackets());
    add(whole, TOTALS, slot, v.sentBytes(), v.sentPackets(), v.receivedBytes(), v.receivedPackets());
  }

  private void addOther(long slot, long sentBytes, long sentPackets, long receivedBytes, long receivedPackets) {
    add(whole, OTHER, slot, sentBytes, sentPackets, receivedBytes, receivedPackets);
    add(whole, TOTALS, slot, sentBytes, sentPackets, receivedBytes, receivedPackets);
  }

  private static void add(SlotColumns c, int entry, long slot, long v0, long v1, long v2, long v3) {
    c.add(entry, slot, 0, v0);
    c.add(entry, slot, 1, v1);
    c.add(entry, slot, 2, v2);
    c.add(entry, slot, 3, v3);
  }

  // A fold

  /**
   * A conversation is about to be folded into its store's "other" ({@link ConversationStore#fold}):
   * it leaves its row, and joins this view's "other" (or the unattributed class) as the store's
   * "other" will take it.
   */
  public void fold(Conversations store, int e, int nodeId) {
    lock.lock();
    try {
      entry(store, e, nodeId, -1, null);
      if (pod != NONE) {
        return; // it leaves the pod's view: in its store's "other" it has no pod
      }
      SlotReader figures = store.figures();
      SlotReader aggregates = store.aggregates();
      ClusterShare share = ConversationTag.share(store.tag(e));
      int unattributed = PriceId.of(unattributedClass, Direction.EGRESS);
      boolean sent = figures.cumulative(e, 0) != 0;
      switch (grouping) {
        case NODES -> {
          if (sent && costs != null) {
            cost(figures, e, FieldMaps.SENT_BYTES, row(nodeKey(nodeId), true), unattributed, 1);
          }
        }
        case DESTINATION_CLASSES -> {
          if (nonZero(figures, e, FieldMaps.SENT)) {
            boolean before = !store.aggregate(ConversationStore.OTHER).sentOnly().isZero();
            int row = row(classKey(unattributedClass), true);
            rows.addFrom(figures, e, row, FieldMaps.SENT, 1);
            whole.addFrom(figures, e, TOTALS, FieldMaps.SENT, 1);
            notePastJoined(rows, row, aggregates, ConversationStore.OTHER, FieldMaps.SENT, figures, e, FieldMaps.SENT);
            notePastJoined(whole, TOTALS, aggregates, ConversationStore.OTHER, FieldMaps.SENT, figures, e,
                FieldMaps.SENT);
            if (!before) {
              members[row]++;
              report(row, nodeId, 1);
            }
            if (sent) {
              cost(figures, e, FieldMaps.SENT_BYTES, row, unattributed, 1);
            }
          }
          if (!spec.clusterScope()) {
            addWhole(figures, e, OTHER, FieldMaps.RECEIVED, 1);
            notePastJoined(whole, TOTALS, aggregates, ConversationStore.OTHER, FieldMaps.RECEIVED, figures, e,
                FieldMaps.RECEIVED);
          } else if (share.countsReceived()) {
            addWhole(figures, e, OTHER, FieldMaps.RECEIVED, 1);
            notePastJoined(whole, TOTALS, aggregates, ConversationStore.OTHER_UNTURNED, FieldMaps.RECEIVED, figures, e,
                FieldMaps.RECEIVED);
          }
        }
        default -> {
          int[] map = basis == ViewSpec.Basis.NODE ? FieldMaps.SAME : rowMap(share);
          addWhole(figures, e, OTHER, map, 1);
          notePastJoined(whole, TOTALS, aggregates, otherAggregate(), FieldMaps.SAME, figures, e, map);
          if (sent && costs != null) {
            cost(figures, e, FieldMaps.SENT_BYTES, NONE, unattributed, 1);
          }
        }
      }
    } finally {
      lock.unlock();
    }
  }

  /**
   * A conversation joins its store's "other" (an aggregate): in the slots the store holds and this
   * view's ring does not, the aggregate's figure with the conversation added counts among the peaks,
   * as a build from the store will count that aggregate's slots.
   */
  private static void notePastJoined(SlotColumns target, int entry, SlotReader aggregates, int aggregate,
      int[] aggregateMap, SlotReader figures, int e, int[] map) {
    long storeLatest = Math.max(figures.latest(), aggregates.latest());
    if (storeLatest == SlotColumns.NONE || target.latest() == SlotColumns.NONE) {
      return;
    }
    for (long s = storeLatest - SlotColumns.RING + 1; s <= Math.min(storeLatest, target.latest() - SlotColumns.RING); s++) {
      long sent = mapped(aggregates, aggregate, s, aggregateMap[0]) + mapped(figures, e, s, map[0]);
      long received = mapped(aggregates, aggregate, s, aggregateMap[2]) + mapped(figures, e, s, map[2]);
      target.notePeak(entry, sent, received);
    }
  }

  private static long mapped(SlotReader source, int entry, long slot, int field) {
    return field < 0 ? 0 : source.cell(entry, slot, field);
  }

  /** What agents that are gone counted: into "other" (and the totals), the part this view counts. */
  public void addDeparted(Departed departed) {
    if (pod != NONE) {
      return; // a departed agent's figures have no pod
    }
    lock.lock();
    try {
      Volume v = switch (basis) {
        case NODE -> departed.node();
        case SHARE -> departed.share();
        case COST -> spec.clusterScope() ? departed.unturned() : departed.node();
        case UNTURNED -> departed.unturned();
      };
      addOther(SlotColumns.NONE, v.sentBytes(), v.sentPackets(), v.receivedBytes(), v.receivedPackets());
      if (costs != null) {
        departed.costBytes().forEach((price, bytes) -> costs.add(costEntry(NONE, price, true), SlotColumns.NONE, 0, bytes));
      }
    } finally {
      lock.unlock();
    }
  }

  // Rows

  private int[] rowMap(ClusterShare share) {
    return switch (basis) {
      case NODE -> FieldMaps.SAME;
      case SHARE -> share.fieldMap();
      case COST, UNTURNED -> share.unturnedFieldMap();
    };
  }

  /** The store's aggregate this view's "other" takes (but for the nodes' and classes' rows). */
  private int otherAggregate() {
    return switch (basis) {
      case SHARE -> ConversationStore.OTHER_SHARE;
      case UNTURNED -> ConversationStore.OTHER_UNTURNED;
      default -> ConversationStore.OTHER;
    };
  }

  private long[] conversationKey(Conversations store, int e, int nodeId, ClusterShare share, int classId,
      int placement) {
    if (grouping.byPlacement()) {
      RowKeys.placement(grouping.perNode() ? nodeId + 1 : 0, placements.nameId(placement, grouping),
          placements.parentId(placement, grouping), key);
      return key;
    }
    long meta = store.keyField(e, PackedKey.META);
    boolean turned = basis == ViewSpec.Basis.SHARE && share.turned();
    switch (grouping) {
      case HOST_PAIRS -> RowKeys.hostPair(spec.showSource(), spec.showDestination(), spec.ports(),
          store.keyField(e, 0), store.keyField(e, 1), store.keyField(e, 2), store.keyField(e, 3), meta, turned, key);
      case REMOTE_ADDRESSES -> RowKeys.remote(store.keyField(e, 0), store.keyField(e, 1), store.keyField(e, 2),
          store.keyField(e, 3), meta, turned, key);
      case PORTS -> RowKeys.service(meta, key);
      default -> RowKeys.id(classId, key);
    }
    return key;
  }

  private long[] nodeKey(int nodeId) {
    RowKeys.id(nodeId, key);
    return key;
  }

  private long[] classKey(int classId) {
    RowKeys.id(classId, key);
    return key;
  }

  /** The row of {@code k}, added if asked and not there; -1 if not there and not asked. */
  private int row(long[] k, boolean create) {
    int r = rowKeys.find(k[0], k[1], k[2], k[3], k[4]);
    if (r >= 0 || !create) {
      return r;
    }
    r = rowKeys.add(k[0], k[1], k[2], k[3], k[4]);
    if (rows.addEntry() != r) {
      throw new IllegalStateException("row keys and figures out of step");
    }
    if (r >= members.length) {
      int n = Math.max(r + 1, members.length + (members.length >> 1));
      members = Arrays.copyOf(members, n);
      conversations = Arrays.copyOf(conversations, n);
      reporter = Arrays.copyOf(reporter, n);
      reporterCount = Arrays.copyOf(reporterCount, n);
    }
    members[r] = 0;
    conversations[r] = 0;
    reporter[r] = -1;
    reporterCount[r] = 0;
    return r;
  }

  private void report(int row, int nodeId, int sign) {
    if (reporter[row] == nodeId || reporter[row] < 0 && sign > 0) {
      reporter[row] = nodeId;
      reporterCount[row] += sign;
      if (reporterCount[row] == 0) {
        promoteReporter(row);
      }
      return;
    }
    Reporters more = moreReporters.computeIfAbsent(row, r -> new Reporters());
    reportedByMore.set(row);
    more.ids = null;
    int n = more.counts.getOrDefault(nodeId, 0) + sign;
    if (n == 0) {
      more.counts.remove(nodeId);
      if (more.counts.isEmpty()) {
        moreReporters.remove(row);
        reportedByMore.clear(row);
      }
    } else {
      more.counts.put(nodeId, n);
    }
  }

  /** A row's reporters after its first: how many times each, by node id, and their ids as frames read them. */
  private static final class Reporters {
    final TreeMap<Integer, Integer> counts = new TreeMap<>();
    /** The node ids in order, made when a frame first reads them, null again after a change: frames share it. */
    int[] ids;

    int[] ids() {
      if (ids == null) {
        ids = counts.keySet().stream().mapToInt(Integer::intValue).toArray();
      }
      return ids;
    }
  }

  /** The row's first reporter is gone: another takes its place, or none is left. */
  private void promoteReporter(int row) {
    Reporters more = reportedByMore.get(row) ? moreReporters.get(row) : null;
    if (more == null) {
      reporter[row] = -1;
      return;
    }
    Map.Entry<Integer, Integer> first = more.counts.firstEntry();
    reporter[row] = first.getKey();
    reporterCount[row] = first.getValue();
    more.counts.remove(first.getKey());
    more.ids = null;
    if (more.counts.isEmpty()) {
      moreReporters.remove(row);
      reportedByMore.clear(row);
    }
  }

  private void dropIfEmpty(int row) {
    if (row >= 0 && members[row] == 0) {
      removeRow(row);
    }
  }

  private void removeRow(int row) {
    if (costKeys != null) {
      for (int p = pricesSeen.nextSetBit(0); p >= 0; p = pricesSeen.nextSetBit(p + 1)) {
        int c = costEntry(row, p, false);
        if (c >= 0) {
          removeCost(c);
        }
      }
    }
    int last = rowKeys.size() - 1;
    rowKeys.remove(row);
    rows.removeEntry(row);
    forgetCostEntries(); // rows moved
    rowMoves++;
    if (reportedByMore.get(row)) {
      moreReporters.remove(row);
      reportedByMore.clear(row);
    }
    if (row != last) {
      members[row] = members[last];
      conversations[row] = conversations[last];
      reporter[row] = reporter[last];
      reporterCount[row] = reporterCount[last];
      if (reportedByMore.get(last)) {
        moreReporters.put(row, moreReporters.remove(last));
        reportedByMore.clear(last);
        reportedByMore.set(row);
      }
    }
  }

  /** The cost entry of a row (or of "other": -1) at a price, added if asked. */
  private int costEntry(int row, int priceId, boolean create) {
    if (row == NONE) {
      costKey[0] = 0;
      costKey[1] = 0;
      costKey[2] = 0;
      costKey[3] = 0;
      costKey[4] = RowKeys.withPrice(RowKeys.OTHER_COST, priceId);
    } else {
      for (int i = 0; i < 4; i++) {
        costKey[i] = rowKeys.get(row, i);
      }
      costKey[4] = RowKeys.withPrice(rowKeys.get(row, 4), priceId);
    }
    int c = costKeys.find(costKey[0], costKey[1], costKey[2], costKey[3], costKey[4]);
    if (c >= 0 || !create) {
      return c;
    }
    pricesSeen.set(priceId);
    c = costKeys.add(costKey[0], costKey[1], costKey[2], costKey[3], costKey[4]);
    costs.addEntry();
    return c;
  }

  private void removeCost(int c) {
    costKeys.remove(c);
    costs.removeEntry(c);
    forgetCostEntries(); // entries moved
  }

  private static boolean nonZero(SlotReader figures, int e, int[] map) {
    for (int f = 0; f < map.length; f++) {
      if (map[f] >= 0 && figures.cumulative(e, map[f]) != 0) {
        return true;
      }
    }
    return false;
  }

  private static boolean unattributedSent(SlotReader aggregates, int entry) {
    return aggregates.cumulative(entry, 0) != 0;
  }

  // Reading

  /**
   * The view as of slot {@code latestCompleted}, read once for every subscriber: rows, "other",
   * totals, cost.
   *
   * @param completedSlots what the rates average over: the slots since the view's stores began
   *     (fewer than a window's at the start, as iftop)
   */
  public Frame frame(long latestCompleted, long completedSlots, FrameContext context) {
    lock.lock();
    try {
      return new Frame(this, latestCompleted, completedSlots, context);
    } finally {
      lock.unlock();
    }
  }

  // What a frame reads, under the lock.

  int rowCount() {
    return rowKeys.size();
  }

  long rowKey(int row, int field) {
    return rowKeys.get(row, field);
  }

  SlotColumns rowFigures() {
    return rows;
  }

  SlotColumns wholeFigures() {
    return whole;
  }

  int rowIndex(long k0, long k1, long k2, long k3, long k4) {
    return rowKeys.find(k0, k1, k2, k3, k4);
  }

  int conversationsOf(int row) {
    return conversations[row];
  }

  int viewConversations() {
    return viewConversations;
  }

  /** The node that reported the row first, -1 if none. */
  int reporter(int row) {
    return reporter[row];
  }

  /** The other nodes that reported the row, or null where there are none (most rows). */
  int[] moreReporters(int row) {
    if (!reportedByMore.get(row)) {
      return null;
    }
    return moreReporters.get(row).ids();
  }

  KeyIndex costKeys() {
    return costKeys;
  }

  SlotColumns costFigures() {
    return costs;
  }

  static final int TOTALS_ENTRY = TOTALS;
  static final int OTHER_ENTRY = OTHER;
}
