package io.clustertop.core.window;

import io.clustertop.core.flow.FlowKey;
import io.clustertop.core.rows.RowKeys;
import io.clustertop.core.view.Totals;
import io.clustertop.core.flow.FlowAccumulator;
import io.clustertop.core.flow.IpAddress;
import io.clustertop.core.flow.PackedKey;
import io.clustertop.core.flow.Volume;
import io.clustertop.core.rows.Cut;
import io.clustertop.core.rows.Frame;
import io.clustertop.core.rows.FrameContext;
import io.clustertop.core.rows.Grouping;
import io.clustertop.core.rows.Labels;
import io.clustertop.core.rows.LiveView;
import io.clustertop.core.rows.RowFilter;
import io.clustertop.core.rows.ViewSpec;
import io.clustertop.core.table.ConversationStore;
import io.clustertop.core.table.Conversations;
import io.clustertop.core.table.FoldRule;
import io.clustertop.core.table.SlotColumns;
import io.clustertop.core.view.CaptureCounters;
import io.clustertop.core.view.NameOrder;
import io.clustertop.core.view.Row;
import io.clustertop.core.view.RowKey;
import io.clustertop.core.view.Snapshot;
import io.clustertop.core.view.SortOrder;
import io.clustertop.core.view.ViewOptions;
import io.clustertop.core.view.Window;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.function.UnaryOperator;

/**
 * The agent's conversations since the start, in a {@link ConversationStore} (the collector's
 * compact table: its totals, and an "other" for what the limits folded away or the interval cut),
 * and the views asked of them kept up to date as each interval is added: {@link LiveView}s, as the
 * collector keeps its own. A snapshot reads a view's rows ({@link Frame}) and cuts them ({@link
 * Cut}); it never walks the conversations, so a report every two seconds of a file costs what its
 * rows hold, not a grouping of every conversation.
 *
 * <p>A view is made (from every conversation, once) the first time a snapshot asks for its
 * aggregation (iftop's {@code s}, {@code d}, {@code p}/{@code S}/{@code D}); the {@value #MAX_VIEWS}
 * asked for last are kept while they are read (an agent's console that went away leaves its view
 * unread: it is dropped after {@value #UNREAD_SLOTS} slots), each costing a row lookup per
 * conversation per interval.
 *
 * <p>Bounded: past {@code maxConversations}, the idlest and then smallest conversations are folded
 * into "other" ({@link FoldRule}, down to 90 % of the limit, so the sort is not paid every
 * interval), and counted. The totals come from the capture thread's own counters, so they stay
 * exact whatever is folded or cut.
 *
 * <p>Thread safety: none; the aggregation thread owns it. Performance: an interval is a hash lookup
 * per conversation in the store and one in each view; a snapshot reads the view's rows once.
 */
public final class ConversationTable {
  /** Aggregations kept up to date at once: a screen toggles between a few. */
  static final int MAX_VIEWS = 4;
  /** A view no snapshot read for this many slots (30 s) is dropped. */
  static final int UNREAD_SLOTS = 15;
  /** The views' reporting node: none, so a local row names no node. */
  private static final int NO_NODE = -1;
  /** Its views are one node's own (as it counted), not the cluster's each byte once. */
  private static final String OWN_NODE = "local";

  private final int maxConversations;
  private final ConversationStore store = new ConversationStore();
  private final Map<ViewSpec, Kept> views = new LinkedHashMap<>(MAX_VIEWS, 0.75f, true) {
    @Override
    protected boolean removeEldestEntry(Map.Entry<ViewSpec, Kept> eldest) {
      return size() > MAX_VIEWS;
    }
  };

  /** A view kept, and the slot a snapshot last read it in. */
  private static final class Kept {
    final LiveView view;
    long readInSlot;

    Kept(LiveView view) {
      this.view = view;
    }
  }
  private long slot;

  /** An interval's conversations in the store, and what it added to each (four per entry): for the views. */
  private int[] entries = new int[0];
  private long[] deltas = new long[0];

  public ConversationTable(int maxConversations) {
    if (maxConversations < 1) {
      throw new IllegalArgumentException("the conversation limit must be positive: " + maxConversations);
    }
    this.maxConversations = maxConversations;
  }

  /** Adds one interval's counts into the slot being filled, and into every view kept. */
  public void add(FlowAccumulator batch) {
    int n = batch.size();
    if (entries.length < n) {
      entries = new int[n];
      deltas = new long[n * 4];
    }
    store.moveTo(slot);
    store.reserve(n);
    long sentBytes = 0;
    long sentPackets = 0;
    long receivedBytes = 0;
    long receivedPackets = 0;
    for (int i = 0; i < n; i++) {
      long k0 = batch.keyField(i, PackedKey.LOCAL_HIGH);
      long k1 = batch.keyField(i, PackedKey.LOCAL_LOW);
      long k2 = batch.keyField(i, PackedKey.REMOTE_HIGH);
      long k3 = batch.keyField(i, PackedKey.REMOTE_LOW);
      long k4 = batch.keyField(i, PackedKey.META);
      int e = store.find(k0, k1, k2, k3, k4);
      if (e < 0) {
        e = store.insert(k0, k1, k2, k3, k4, 0);
      }
      store.add(e, slot, batch.sentBytes(i), batch.sentPackets(i), batch.receivedBytes(i), batch.receivedPackets(i));
      entries[i] = e;
      deltas[i * 4] = batch.sentBytes(i);
      deltas[i * 4 + 1] = batch.sentPackets(i);
      deltas[i * 4 + 2] = batch.receivedBytes(i);
      deltas[i * 4 + 3] = batch.receivedPackets(i);
      sentBytes += batch.sentBytes(i);
      sentPackets += batch.sentPackets(i);
      receivedBytes += batch.receivedBytes(i);
      receivedPackets += batch.receivedPackets(i);
    }
    // What the interval counted beyond its conversations (its own "other") is this table's "other".
    Volume total = new Volume(batch.totalSentBytes(),
        batch.totalSentPackets(), batch.totalReceivedBytes(), batch.totalReceivedPackets());
    Volume rest = new Volume(total.sentBytes() - sentBytes,
        total.sentPackets() - sentPackets, total.receivedBytes() - receivedBytes,
        total.receivedPackets() - receivedPackets);
    store.addAggregate(ConversationStore.TOTALS, slot, total);
    store.addAggregate(ConversationStore.OTHER, slot, rest);
    views.values().removeIf(k -> slot - k.readInSlot > UNREAD_SLOTS);
    for (Kept k : views.values()) {
      k.view.applyBatch(store, NO_NODE, slot, entries, n, deltas, rest, total);
    }
    if (store.size() > maxConversations) {
      store.foldIdlest(FoldRule.target(maxConversations), e -> {
        for (Kept k : views.values()) {
          k.view.fold(store, e, NO_NODE);
        }
      });
    }
  }

  /** The slot being filled is complete: the next interval goes into a new one. */
  public void closeSlot() {
    slot++;
  }

  /**
   * {@code count} slots are complete at once, as when the clock jumps past a long silence: the
   * slots roll forward lazily, so this costs nothing whatever the count.
   */
  public void closeSlots(long count) {
    if (count < 0) {
      throw new IllegalArgumentException("slots close forward only: " + count);
    }
    slot += count;
  }

  /** Completed 2-second slots since the start: the slot being filled. */
  public long completedSlots() {
    return slot;
  }

  public int size() {
    return store.size();
  }

  /** Views kept up to date now. */
  int views() {
    return views.size();
  }

  /**
   * The conversations kept, with their slots, the totals ({@link ConversationStore#TOTALS}, exact
   * whatever was folded or cut) and "other" ({@link ConversationStore#OTHER}): to be read during the
   * call that lends them, never added to. What a full state for a collector is made of.
   */
  public Conversations conversations() {
    return store;
  }

  /** Conversations folded into "other" by the limit, since the start. */
  public long foldedConversations() {
    return store.folded();
  }

  /**
   * The table as of the latest completed slot, seen through {@code options}.
   *
   * @param timeMillis the time the snapshot stands for
   * @param counters the capture counters to report with it
   */
  public Snapshot snapshot(ViewOptions options, String source, long timeMillis, CaptureCounters counters) {
    ViewSpec spec = new ViewSpec(Grouping.HOST_PAIRS, OWN_NODE, options.showSource(), options.showDestination(),
        options.ports());
    Kept kept = views.get(spec);
    if (kept == null) {
      LiveView view = new LiveView(spec, 0, null); // host pairs: no rows by placement, so no placements
      if (store.latestSlot() != SlotColumns.NONE) {
        view.advanceTo(store.latestSlot());
      }
      view.addStore(store, NO_NODE, 1);
      kept = new Kept(view);
      views.put(spec, kept);
    }
    kept.readInSlot = slot;
    Frame frame = kept.view.frame(slot - 1, slot,
        new FrameContext(timeMillis * 1_000_000L, source, List.of(), counters, NO_LABELS));
    if (options.plain()) {
      return Cut.of(frame, options.sort(), options.limit(), RowFilter.NONE, null);
    }
    return Cut.of(frame, frozenFirst(options.frozenOrder()).thenComparing(order(options.sort())), options.limit(),
        options.filter(), null);
  }

  /**
   * The table as {@link #snapshot(ViewOptions, String, long, CaptureCounters)} shows it, each
   * conversation's key first put through {@code shown} (core's {@code RemoteMask.onRemotes}: remote
   * addresses masked; conversations that then look alike share a row). Masked keys are not the
   * views' keys, so this is a {@link #walk}: the cost of {@code --mask-remote} on an agent's own view.
   */
  public Snapshot snapshot(ViewOptions options, String source, long timeMillis, CaptureCounters counters,
      UnaryOperator<FlowKey> shown) {
    return walk(options, source, timeMillis, counters,
        k -> RowKeys.hostPair(shown.apply(k), options.showSource(), options.showDestination(), options.ports()));
  }

  /**
   * Rows made by a walk of every conversation, each filed under {@code rowOf} its key, once per
   * snapshot: for rows no kept view holds (the agent's rows by process or container, whose owner is
   * found after the bytes were counted; host pairs of masked keys). Cut as a view's rows are, in
   * iftop's order ({@link #order}, ties broken by the names rows stand for); "other" is the rows cut
   * and what the limit folded away, so the rows and "other" add up to the totals, as from a kept view.
   */
  public Snapshot walk(ViewOptions options, String source, long timeMillis, CaptureCounters counters,
      Function<FlowKey, RowKey> rowOf) {
    long latest = slot - 1;
    Map<RowKey, RowSums> grouped = new HashMap<>();
    for (int e = 0; e < store.size(); e++) {
      grouped.computeIfAbsent(rowOf.apply(store.key(e)), k -> new RowSums()).add(store.figures(), e, latest);
    }
    TopRows top = TopRows.cut(grouped, Function.identity(), options.filter(),
        frozenFirst(options.frozenOrder()).thenComparing(order(options.sort())), options.limit(), slot);
    RowSums rest = top.rest();
    int cut = rest.conversations();
    rest.add(store.aggregates(), ConversationStore.OTHER, latest);
    // "other" counts the conversations cut here; the folded ones are in the counters
    Row otherRow = Cut.otherRow(rest.sent(slot, false), rest.received(slot, false), cut, null);
    RowSums total = new RowSums();
    total.add(store.aggregates(), ConversationStore.TOTALS, latest);
    Totals t = new Totals(total.sent(slot, true), total.received(slot, true), total.peakTotalPerSecond());
    return new Snapshot(timeMillis, source, top.rows(), otherRow, t, counters, store.size());
  }

  /** A local view's names: no nodes, no classes (host-pair rows are not costed). */
  private static final Labels NO_LABELS = new Labels() {
    @Override
    public String nodeName(int nodeId) {
      return "";
    }

    @Override
    public String className(int classId) {
      return "";
    }

    @Override
    public String placementName(int nameId) {
      return "";
    }

    @Override
    public String nodeOf(IpAddress address) {
      return null;
    }

    @Override
    public List<IpAddress> addressesOf(String node) {
      return List.of();
    }
  };

  /** iftop's frozen order: rows that were on screen keep their places; new ones follow. */
  public static Comparator<Row> frozenFirst(List<RowKey> frozen) {
    if (frozen.isEmpty()) {
      return (a, b) -> 0;
    }
    Map<RowKey, Integer> place = new HashMap<>();
    for (int i = 0; i < frozen.size(); i++) {
      place.putIfAbsent(frozen.get(i), i);
    }
    return Comparator.comparingInt(r -> place.getOrDefault(r.key(), Integer.MAX_VALUE));
  }

  /**
   * iftop's order of rows for {@code sort}, ties broken by cumulative bytes, then addresses, then
   * the names rows stand for ({@link NameOrder}, as the collector's cut breaks them).
   */
  public static Comparator<Row> order(SortOrder sort) {
    Comparator<Row> byCumulative = Comparator.comparingLong((Row r) -> r.sent().bytes() + r.received().bytes()).reversed();
    Comparator<Row> byAddresses = Comparator.comparing((Row r) -> r.left().host(), Comparator.nullsFirst(Comparator.naturalOrder()))
        .thenComparing(r -> r.right().host(), Comparator.nullsFirst(Comparator.naturalOrder()))
        .thenComparingInt(r -> r.left().port())
        .thenComparingInt(r -> r.right().port())
        .thenComparingInt(Row::protocol);
    Comparator<Row> iftop = switch (sort) {
      case LAST_2S, LAST_10S, LAST_40S -> {
        Window w = Window.valueOf(sort.name());
        yield Comparator.comparingDouble((Row r) -> r.bytesPerSecond(w))
            .reversed().thenComparing(byCumulative).thenComparing(byAddresses);
      }
      case SOURCE -> byAddresses.thenComparing(byCumulative);
      case DESTINATION -> Comparator.comparing((Row r) -> r.right().host(), Comparator.nullsFirst(Comparator.<IpAddress>naturalOrder()))
          .thenComparing(byAddresses).thenComparing(byCumulative);
    };
    return iftop.thenComparing(NameOrder.ROWS);
  }
}
