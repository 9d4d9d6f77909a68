package io.clustertop.core.window;

import io.clustertop.core.flow.FlowAccumulator;
import io.clustertop.core.flow.FlowKey;
import io.clustertop.core.flow.IpAddress;
import io.clustertop.core.rows.Cut;
import io.clustertop.core.rows.RowKeys;
import io.clustertop.core.table.FoldRule;
import io.clustertop.core.view.CaptureCounters;
import io.clustertop.core.view.Row;
import io.clustertop.core.view.RowKey;
import io.clustertop.core.view.Snapshot;
import io.clustertop.core.view.SortOrder;
import io.clustertop.core.view.Totals;
import io.clustertop.core.view.ViewOptions;
import io.clustertop.core.view.Window;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;
import java.util.function.Function;
import java.util.function.UnaryOperator;

/**
 * Every conversation seen since the start, each with its {@link SlotHistory}, the interface
 * totals, and an "other" history for what the limits folded away; it turns into a
 * {@link Snapshot} for any {@link ViewOptions}.
 *
 * <p>Bounded: past {@code maxConversations}, the idlest and then smallest conversations are folded
 * into "other" (down to 90 % of the limit, so the sort is not paid every interval), and counted.
 * The totals come from the capture thread's own counters, so they stay exact whatever is folded or
 * cut.
 *
 * <p>Thread safety: none; the aggregation thread owns it. Performance: a merge is a hash lookup
 * per conversation per interval; a snapshot reads every conversation once.
 */
public final class ConversationTable {
  private final int maxConversations;
  private final Map<FlowKey, SlotHistory> conversations = new HashMap<>();
  private final SlotHistory other = new SlotHistory();
  private final SlotHistory totals = new SlotHistory();
  private long slot;
  private long folded;

  public ConversationTable(int maxConversations) {
    if (maxConversations < 1) {
      throw new IllegalArgumentException("the conversation limit must be positive: " + maxConversations);
    }
    this.maxConversations = maxConversations;
  }

  /** Adds one interval's counts into the slot being filled. */
  public void add(FlowAccumulator batch) {
    for (int e = 0; e < batch.size(); e++) {
      conversations
          .computeIfAbsent(batch.key(e), k -> new SlotHistory())
          .add(slot, batch.sentBytes(e), batch.sentPackets(e), batch.receivedBytes(e), batch.receivedPackets(e));
    }
    if (batch.overflowPackets() > 0) {
      other.add(slot, batch.otherSentBytes(), batch.otherSentPackets(),
          batch.otherReceivedBytes(), batch.otherReceivedPackets());
    }
    totals.add(slot, batch.totalSentBytes(), batch.totalSentPackets(),
        batch.totalReceivedBytes(), batch.totalReceivedPackets());
    if (conversations.size() > maxConversations) {
      fold();
    }
  }

  /** The slot being filled is complete: the next interval goes into a new one. */
  public void closeSlot() {
    slot++;
  }

  /**
   * {@code count} slots are complete at once, as when the clock jumps past a long silence: the
   * histories roll forward lazily, so this costs nothing whatever the count.
   */
  public void closeSlots(long count) {
    if (count < 0) {
      throw new IllegalArgumentException("slots close forward only: " + count);
    }
    slot += count;
  }

  /** Completed 2-second slots since the start. */
  public long completedSlots() {
    return slot;
  }

  public int size() {
    return conversations.size();
  }

  /**
   * Tells {@code visitor} of every conversation kept, with its history, to be read (not added to)
   * during the call: what a full state for a collector is made of.
   */
  public void forEachConversation(BiConsumer<FlowKey, SlotHistory> visitor) {
    conversations.forEach(visitor);
  }

  /** The interface totals' history, exact whatever was folded or cut; to be read, not added to. */
  public SlotHistory totals() {
    return totals;
  }

  /** Conversations folded into "other" by the limit, since the start. */
  public long foldedConversations() {
    return folded;
  }

  private void fold() {
    folded += fold(conversations, other, maxConversations);
  }

  /**
   * Folds the idlest, then smallest, conversations into {@code other} ({@link FoldRule}) until 90 %
   * of {@code maxConversations} remain; their history and totals are kept in {@code other}.
   *
   * @return how many were folded
   */
  public static int fold(Map<FlowKey, SlotHistory> conversations, SlotHistory other, int maxConversations) {
    List<Map.Entry<FlowKey, SlotHistory>> entries = new ArrayList<>(conversations.entrySet());
    int[] chosen = FoldRule.idlest(entries.size(), i -> entries.get(i).getValue().lastSlot(),
        i -> entries.get(i).getValue().cumulativeBytes(), FoldRule.target(maxConversations));
    for (int i : chosen) {
      other.addAll(entries.get(i).getValue());
      conversations.remove(entries.get(i).getKey());
    }
    return chosen.length;
  }

  /**
   * The table as of the latest completed slot, seen through {@code options}.
   *
   * @param timeMillis the time the snapshot stands for
   * @param counters the capture counters to report with it
   */
  public Snapshot snapshot(ViewOptions options, String source, long timeMillis, CaptureCounters counters) {
    return snapshot(options, source, timeMillis, counters, UnaryOperator.identity());
  }

  /**
   * The table as {@link #snapshot(ViewOptions, String, long, CaptureCounters)} shows it, each
   * conversation's key first put through {@code shown} (core's {@code RemoteMask.onRemotes}: remote
   * addresses masked; conversations that then look alike share a row).
   */
  public Snapshot snapshot(ViewOptions options, String source, long timeMillis, CaptureCounters counters,
      UnaryOperator<FlowKey> shown) {
    long latest = slot - 1;
    Map<RowKey, RowSums> grouped = new HashMap<>();
    for (Map.Entry<FlowKey, SlotHistory> e : conversations.entrySet()) {
      e.getValue().addTo(grouped.computeIfAbsent(rowKey(shown.apply(e.getKey()), options), k -> new RowSums()),
          latest);
    }
    TopRows top = TopRows.cut(grouped, Function.identity(), options.filter(),
        frozenFirst(options.frozenOrder()).thenComparing(order(options.sort())), options.limit(), slot);
    RowSums rest = top.rest();
    int cut = rest.conversations;
    other.addTo(rest, latest);
    // "other" counts the conversations cut here; the folded ones are in the counters
    Row otherRow = Cut.otherRow(rest.sent(slot, false), rest.received(slot, false), cut, null);

    RowSums total = new RowSums();
    totals.addTo(total, latest);
    Totals t = new Totals(total.sent(slot, true), total.received(slot, true), total.peakTotalPerSecond());
    return new Snapshot(timeMillis, source, top.rows(), otherRow, t, counters, conversations.size());
  }

  /** What a conversation looks like once the view hides hosts, ports or the protocol ({@link RowKeys}). */
  private static RowKey rowKey(FlowKey k, ViewOptions options) {
    return RowKeys.hostPair(k, options.showSource(), options.showDestination(), options.ports());
  }

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

  /** iftop's order of rows for {@code sort}, ties broken by cumulative bytes, then addresses. */
  public static Comparator<Row> order(SortOrder sort) {
    Comparator<Row> byCumulative = Comparator.comparingLong((Row r) -> r.sent().bytes() + r.received().bytes()).reversed();
    Comparator<Row> byAddresses = Comparator.comparing((Row r) -> r.left().host(), Comparator.nullsFirst(Comparator.naturalOrder()))
        .thenComparing(r -> r.right().host(), Comparator.nullsFirst(Comparator.naturalOrder()))
        .thenComparingInt(r -> r.left().port())
        .thenComparingInt(r -> r.right().port())
        .thenComparingInt(Row::protocol);
    return switch (sort) {
      case LAST_2S, LAST_10S, LAST_40S -> {
        Window w = Window.valueOf(sort.name());
        yield Comparator.comparingDouble((Row r) -> r.sent().bytesPerSecond().get(w) + r.received().bytesPerSecond().get(w))
            .reversed().thenComparing(byCumulative).thenComparing(byAddresses);
      }
      case SOURCE -> byAddresses.thenComparing(byCumulative);
      case DESTINATION -> Comparator.comparing((Row r) -> r.right().host(), Comparator.nullsFirst(Comparator.<IpAddress>naturalOrder()))
          .thenComparing(byAddresses).thenComparing(byCumulative);
    };
  }
}
