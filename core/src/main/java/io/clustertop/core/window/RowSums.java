package io.clustertop.core.window;

import io.clustertop.core.table.SlotColumns;
import io.clustertop.core.table.SlotReader;
import io.clustertop.core.view.Endpoint;
import io.clustertop.core.view.Row;
import io.clustertop.core.view.Traffic;

/**
 * Sums of the conversations that make up one row (or of the totals) of the agent's table, for a
 * grouping no maintained view keeps (the agent's rows by process or container), turned into a
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

  /**
   * Adds one entry of a slot table (a conversation, or the totals) as of {@code latestCompleted}:
   * its figures since the start, the three window sums, each of the last 20 slots (for the peak of
   * the sum) and its peaks, noted or in the slots the ring still holds.
   */
  public void add(SlotReader figures, int entry, long latestCompleted) {
    for (int f = 0; f < FIELDS; f++) {
      cumulative[f] += figures.cumulative(entry, f);
    }
    for (int k = 0; k < SlotColumns.RING && latestCompleted - k >= 0; k++) {
      long s = latestCompleted - k;
      long sentBytes = figures.cell(entry, s, 0);
      long receivedBytes = figures.cell(entry, s, 2);
      if (k >= Windows.SLOTS) { // held, but past the windows: a peak only
        peakSent = Math.max(peakSent, sentBytes);
        peakReceived = Math.max(peakReceived, receivedBytes);
        peakTotal = Math.max(peakTotal, sentBytes + receivedBytes);
        continue;
      }
      for (int f = 0; f < FIELDS; f++) {
        long v = figures.cell(entry, s, f);
        for (int w = 0; w < Windows.COUNT; w++) {
          if (k < Windows.slots(w)) {
            windows[w * FIELDS + f] += v;
          }
        }
      }
      slotSent[k] += sentBytes;
      slotReceived[k] += receivedBytes;
    }
    if (figures.peakFields() >= 2) {
      peakSent = Math.max(peakSent, figures.notedPeak(entry, 0));
      peakReceived = Math.max(peakReceived, figures.notedPeak(entry, 1));
    }
    if (figures.peakFields() == 3) {
      peakTotal = Math.max(peakTotal, figures.notedPeak(entry, 2));
    }
    conversations++;
  }

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
