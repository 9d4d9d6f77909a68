package io.clustertop.relay.merge;

import io.clustertop.core.view.Cost;
import io.clustertop.core.view.Row;
import io.clustertop.core.view.Traffic;
import io.clustertop.core.view.Window;
import io.clustertop.core.window.Windows;
import java.util.ArrayList;
import java.util.List;

/**
 * The parts of one merged row (or of "other", or the totals) as its shards reported them, added up
 * as integers: figures since the start, the window sums each rate stands for (at the shard's own
 * completed slots, {@link Windows#sumOf}), the highest one-slot bytes, conversations, reporting
 * nodes, cost. Read back as one collector would show the sums ({@link Windows#traffic}).
 *
 * <p>Thread safety: none; one merge fills and reads it.
 */
final class Parts {
  private static final int FIELDS = 4;
  private static final Window[] WINDOWS = Window.values();
  final long[] cumulative = new long[FIELDS];
  final long[] windows = new long[Windows.COUNT * FIELDS];
  /** Highest one-slot bytes sent, received; -1 where some part's is unknown ("other"). */
  final long[] peakSlot = {0, 0};
  long conversations;
  /** The reporting nodes, as added (most rows have one); sorted and made distinct when read. */
  private final List<String> nodes = new ArrayList<>(1);
  Cost cost;
  /** The parts' cost per hour at the 10 s and 40 s rates, rescaled to the merged slots. */
  double perHour10s;
  double perHour40s;

  /** Adds a shard's row whose rates average over {@code completed} slots, to be read at {@code mergedCompleted}. */
  void add(Row row, long completed, long mergedCompleted) {
    add(row.sent(), 0, completed);
    add(row.received(), 2, completed);
    conversations += row.conversations();
    for (String n : row.nodes()) {
      if (!nodes.contains(n)) {
        nodes.add(n);
      }
    }
    addCost(row.cost(), completed, mergedCompleted);
  }

  void addCost(Cost c, long completed, long mergedCompleted) {
    if (c == null) {
      return;
    }
    cost = cost == null ? c : cost.plus(c);
    perHour10s += c.perHour10s() * scale(1, completed, mergedCompleted);
    perHour40s += c.perHour40s() * scale(2, completed, mergedCompleted);
  }

  /** Another merged row's parts (a row cut into "other"). */
  void addAll(Parts o) {
    for (int i = 0; i < FIELDS; i++) {
      cumulative[i] += o.cumulative[i];
    }
    for (int i = 0; i < windows.length; i++) {
      windows[i] += o.windows[i];
    }
    conversations += o.conversations;
    if (o.cost != null) {
      cost = cost == null ? o.cost : cost.plus(o.cost);
      perHour10s += o.perHour10s;
      perHour40s += o.perHour40s;
    }
  }

  void add(Traffic t, int field, long completed) {
    cumulative[field] += t.bytes();
    cumulative[field + 1] += t.packets();
    for (int w = 0; w < Windows.COUNT; w++) {
      windows[w * FIELDS + field] += Windows.sumOf(t.bytesPerSecond().get(WINDOWS[w]), w, completed);
      windows[w * FIELDS + field + 1] += Windows.sumOf(t.packetsPerSecond().get(WINDOWS[w]), w, completed);
    }
    int side = field / 2;
    if (Double.isNaN(t.peakBytesPerSecond()) || peakSlot[side] < 0) {
      peakSlot[side] = -1;
    } else {
      peakSlot[side] = Math.max(peakSlot[side], Math.round(t.peakBytesPerSecond() * Windows.SLOT_SECONDS));
    }
  }

  /** The nodes that reported the parts, sorted, as one collector lists them. */
  List<String> nodes() {
    return nodes.stream().sorted().toList();
  }

  Traffic sent(long completed) {
    return Windows.traffic(cumulative, 0, windows, 0, completed, 0, peakSlot[0]);
  }

  Traffic received(long completed) {
    return Windows.traffic(cumulative, 0, windows, 0, completed, 2, peakSlot[1]);
  }

  /** The merged cost: exact so far; per hour, the parts' rates over the merged slots. */
  Cost cost() {
    return cost == null ? null : new Cost(cost.soFar(), perHour10s, perHour40s);
  }

  /**
   * A part's cost per hour was its window sum over its own slots; over the merged slots it is that
   * times the ratio (1 unless the shards began at different times, in their first 40 s).
   */
  private static double scale(int window, long completed, long mergedCompleted) {
    long own = Math.min(Windows.slots(window), completed);
    long merged = Math.min(Windows.slots(window), mergedCompleted);
    return merged == 0 ? 0 : own / (double) merged;
  }
}
