package io.clustertop.core.window;

import io.clustertop.core.view.Endpoint;
import io.clustertop.core.view.Row;
import io.clustertop.core.view.Traffic;

/**
 * Sums of the histories that make up one row (or the totals) of the agent's table, turned into a
 * {@link Row} at the end. Fields in {@link io.clustertop.core.flow.Volume}'s order, as
 * {@link Windows} reads them.
 *
 * <p>Thread safety: none; one thread fills and reads it.
 */
public final class RowSums {
  private static final int FIELDS = 4;
  final long[] cumulative = new long[FIELDS];
  final long[] windows = new long[Windows.COUNT * FIELDS];
  final long[] slotSent = new long[Windows.SLOTS];
  final long[] slotReceived = new long[Windows.SLOTS];
  long peakSent;
  long peakReceived;
  long peakTotal;
  int conversations;

  public Traffic sent(long completedSlots, boolean peakKnown) {
    return Windows.traffic(cumulative, 0, windows, 0, completedSlots, 0,
        peakKnown ? Math.max(peakSent, max(slotSent)) : -1);
  }

  public Traffic received(long completedSlots, boolean peakKnown) {
    return Windows.traffic(cumulative, 0, windows, 0, completedSlots, 2,
        peakKnown ? Math.max(peakReceived, max(slotReceived)) : -1);
  }

  /** Peak of the two directions together, per second. */
  public double peakTotalPerSecond() {
    long latest = 0;
    for (int k = 0; k < Windows.SLOTS; k++) {
      latest = Math.max(latest, slotSent[k] + slotReceived[k]);
    }
    return Math.max(peakTotal, latest) / (double) Windows.SLOT_SECONDS;
  }

  public Row row(Endpoint left, Endpoint right, int protocol, long completedSlots, boolean peakKnown) {
    return new Row(left, right, protocol, sent(completedSlots, peakKnown), received(completedSlots, peakKnown), conversations);
  }

  public void addAll(RowSums o) {
    for (int f = 0; f < cumulative.length; f++) {
      cumulative[f] += o.cumulative[f];
    }
    for (int i = 0; i < windows.length; i++) {
      windows[i] += o.windows[i];
    }
    conversations += o.conversations;
  }

  /** How many histories (conversations) were added. */
  public int conversations() {
    return conversations;
  }

  /** Nothing was added: no bytes and no packets, either way. */
  public boolean isEmpty() {
    return cumulative[0] + cumulative[1] + cumulative[2] + cumulative[3] == 0;
  }

  private static long max(long[] values) {
    long m = 0;
    for (long v : values) {
      m = Math.max(m, v);
    }
    return m;
  }
}
