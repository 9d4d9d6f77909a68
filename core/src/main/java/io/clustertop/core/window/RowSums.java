package io.clustertop.core.window;

import io.clustertop.core.view.Endpoint;
import io.clustertop.core.view.Rates;
import io.clustertop.core.view.Row;
import io.clustertop.core.view.Traffic;

/**
 * Sums of the histories that make up one row (or the totals), turned into a {@link Row} at the end.
 * Public so that a table other than {@link ConversationTable} (the collector's) groups histories the
 * same way.
 *
 * <p>Thread safety: none; one thread fills and reads it.
 */
public final class RowSums {
  private static final int FIELDS = 4;
  final long[] cumulative = new long[FIELDS];
  final long[] windows = new long[SlotHistory.WINDOW_SLOTS.length * FIELDS];
  final long[] slotSent = new long[SlotHistory.SLOTS];
  final long[] slotReceived = new long[SlotHistory.SLOTS];
  long peakSent;
  long peakReceived;
  long peakTotal;
  int conversations;

  public Traffic sent(long completedSlots, boolean peakKnown) {
    return traffic(SlotHistory.SENT_BYTES, SlotHistory.SENT_PACKETS, completedSlots,
        peakKnown ? Math.max(peakSent, max(slotSent)) : -1);
  }

  public Traffic received(long completedSlots, boolean peakKnown) {
    return traffic(SlotHistory.RECEIVED_BYTES, SlotHistory.RECEIVED_PACKETS, completedSlots,
        peakKnown ? Math.max(peakReceived, max(slotReceived)) : -1);
  }

  /** Peak of the two directions together, per second. */
  public double peakTotalPerSecond() {
    long latest = 0;
    for (int k = 0; k < SlotHistory.SLOTS; k++) {
      latest = Math.max(latest, slotSent[k] + slotReceived[k]);
    }
    return Math.max(peakTotal, latest) / (double) SlotHistory.SLOT_SECONDS;
  }

  public Row row(Endpoint left, Endpoint right, int protocol, long completedSlots, boolean peakKnown) {
    return new Row(left, right, protocol, sent(completedSlots, peakKnown), received(completedSlots, peakKnown), conversations);
  }

  private Traffic traffic(int bytesField, int packetsField, long completedSlots, long peakSlotBytes) {
    return new Traffic(
        cumulative[bytesField],
        cumulative[packetsField],
        rates(bytesField, completedSlots),
        rates(packetsField, completedSlots),
        peakSlotBytes < 0 ? Double.NaN : peakSlotBytes / (double) SlotHistory.SLOT_SECONDS);
  }

  /** As iftop: a window longer than the time since the start averages over the time there was. */
  private Rates rates(int field, long completedSlots) {
    double[] r = new double[SlotHistory.WINDOW_SLOTS.length];
    for (int w = 0; w < r.length; w++) {
      long slots = Math.min(SlotHistory.WINDOW_SLOTS[w], completedSlots);
      r[w] = slots == 0 ? 0 : windows[w * FIELDS + field] / (double) (slots * SlotHistory.SLOT_SECONDS);
    }
    return new Rates(r[0], r[1], r[2]);
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
