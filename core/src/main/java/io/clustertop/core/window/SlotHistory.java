package io.clustertop.core.window;

/**
 * iftop's history of one conversation (or of the interface): bytes and packets each way in a ring
 * of 2-second slots, 20 of them, so the 2 s, 10 s and 40 s averages are sums over the last 1, 5
 * and 20 completed slots; plus cumulative totals and the peak 2-second rate.
 *
 * <p>Slots are numbered from the start of the capture by the owner's clock (wall time live,
 * packet time for a file), so a conversation that was idle simply has no writes in those slots:
 * the ring is brought forward lazily on the next write or read, and the cumulative totals never
 * reset while the conversation is idle.
 *
 * <p>Thread safety: none; one aggregation thread owns it. Performance: a write is an array add;
 * a read sums at most 20 slots.
 */
public final class SlotHistory {
  /** iftop's RESOLUTION ({@link Windows#SLOT_SECONDS}). */
  public static final int SLOT_SECONDS = Windows.SLOT_SECONDS;
  /** iftop's HISTORY_LENGTH ({@link Windows#SLOTS}). */
  public static final int SLOTS = Windows.SLOTS;

  // Fields in Volume's order, as Windows and RowSums read them.
  private static final int SENT_BYTES = 0;
  private static final int SENT_PACKETS = 1;
  private static final int RECEIVED_BYTES = 2;
  private static final int RECEIVED_PACKETS = 3;
  private static final int FIELDS = 4;

  private final long[] ring = new long[SLOTS * FIELDS];
  /** Latest slot written (everything after it in the ring is stale), -1 before the first write. */
  private long lastSlot = -1;
  private final long[] cumulative = new long[FIELDS];
  /** Peak bytes in one completed slot, sent and received, over slots the ring has rolled past. */
  private long peakSentSlotBytes;
  private long peakReceivedSlotBytes;
  private long peakTotalSlotBytes;

  /** Adds traffic to slot {@code slot}, which must not be before the latest slot written. */
  public void add(long slot, long sentBytes, long sentPackets, long receivedBytes, long receivedPackets) {
    moveTo(slot);
    int base = (int) (slot % SLOTS) * FIELDS;
    ring[base + SENT_BYTES] += sentBytes;
    ring[base + RECEIVED_BYTES] += receivedBytes;
    ring[base + SENT_PACKETS] += sentPackets;
    ring[base + RECEIVED_PACKETS] += receivedPackets;
    cumulative[SENT_BYTES] += sentBytes;
    cumulative[RECEIVED_BYTES] += receivedBytes;
    cumulative[SENT_PACKETS] += sentPackets;
    cumulative[RECEIVED_PACKETS] += receivedPackets;
  }

  /**
   * Adds everything another history holds, slot by slot, as folding a conversation into "other"
   * needs. Peaks are not merged: the peak of a sum is not known from the parts.
   */
  public void addAll(SlotHistory other) {
    for (int f = 0; f < FIELDS; f++) {
      cumulative[f] += other.cumulative[f];
    }
    if (other.lastSlot < 0) {
      return;
    }
    if (lastSlot < other.lastSlot) {
      moveTo(other.lastSlot);
    }
    for (long s = Math.max(0, other.lastSlot - SLOTS + 1); s <= other.lastSlot; s++) {
      if (s > lastSlot - SLOTS) { // else older than this ring keeps
        int base = (int) (s % SLOTS) * FIELDS;
        for (int f = 0; f < FIELDS; f++) {
          ring[base + f] += other.ring[base + f];
        }
      }
    }
  }

  /** Rolls the ring forward to {@code slot}: the slot left behind is complete, so its peak counts. */
  private void moveTo(long slot) {
    if (slot == lastSlot) {
      return;
    }
    if (slot < lastSlot) {
      throw new IllegalArgumentException("slot " + slot + " is before slot " + lastSlot);
    }
    if (lastSlot >= 0) {
      notePeakOf(lastSlot);
    }
    for (long s = Math.max(lastSlot + 1, slot - SLOTS + 1); s <= slot; s++) {
      int base = (int) (s % SLOTS) * FIELDS;
      for (int f = 0; f < FIELDS; f++) {
        ring[base + f] = 0;
      }
    }
    lastSlot = slot;
  }

  private void notePeakOf(long s) {
    int base = (int) (s % SLOTS) * FIELDS;
    long sent = ring[base + SENT_BYTES];
    long received = ring[base + RECEIVED_BYTES];
    peakSentSlotBytes = Math.max(peakSentSlotBytes, sent);
    peakReceivedSlotBytes = Math.max(peakReceivedSlotBytes, received);
    peakTotalSlotBytes = Math.max(peakTotalSlotBytes, sent + received);
  }

  /**
   * Adds this history's view as of {@code latestCompleted} into {@code sums}: cumulative totals,
   * the three window sums, each of the last 20 slots (for an aggregate's peak) and the peaks.
   */
  public void addTo(RowSums sums, long latestCompleted) {
    for (int f = 0; f < FIELDS; f++) {
      sums.cumulative[f] += cumulative[f];
    }
    for (int k = 0; k < SLOTS; k++) {
      long s = latestCompleted - k;
      if (s < 0) {
        break;
      }
      if (s > lastSlot || s <= lastSlot - SLOTS) {
        continue; // never written, or rolled out of the ring
      }
      int base = (int) (s % SLOTS) * FIELDS;
      for (int f = 0; f < FIELDS; f++) {
        long v = ring[base + f];
        for (int w = 0; w < Windows.COUNT; w++) {
          if (k < Windows.slots(w)) {
            sums.windows[w * FIELDS + f] += v;
          }
        }
      }
      sums.slotSent[k] += ring[base + SENT_BYTES];
      sums.slotReceived[k] += ring[base + RECEIVED_BYTES];
    }
    sums.peakSent = Math.max(sums.peakSent, peakSlotBytes(0, latestCompleted));
    sums.peakReceived = Math.max(sums.peakReceived, peakSlotBytes(1, latestCompleted));
    sums.peakTotal = Math.max(sums.peakTotal, peakSlotBytes(2, latestCompleted));
    sums.conversations++;
  }

  /** Peak bytes in one completed slot up to {@code latestCompleted}: 0 sent, 1 received, 2 both. */
  private long peakSlotBytes(int which, long latestCompleted) {
    long peak = switch (which) {
      case 0 -> peakSentSlotBytes;
      case 1 -> peakReceivedSlotBytes;
      default -> peakTotalSlotBytes;
    };
    if (lastSlot >= 0 && lastSlot <= latestCompleted) { // the latest slot is complete but not yet rolled past
      int base = (int) (lastSlot % SLOTS) * FIELDS;
      long sent = ring[base + SENT_BYTES];
      long received = ring[base + RECEIVED_BYTES];
      peak = Math.max(peak, which == 0 ? sent : which == 1 ? received : sent + received);
    }
    return peak;
  }

  /** The latest slot that received traffic, -1 if none did. */
  public long lastSlot() {
    return lastSlot;
  }

  public long cumulativeBytes() {
    return cumulative[SENT_BYTES] + cumulative[RECEIVED_BYTES];
  }

  public long cumulativeSentBytes() {
    return cumulative[SENT_BYTES];
  }

  public long cumulativeSentPackets() {
    return cumulative[SENT_PACKETS];
  }

  public long cumulativeReceivedBytes() {
    return cumulative[RECEIVED_BYTES];
  }

  public long cumulativeReceivedPackets() {
    return cumulative[RECEIVED_PACKETS];
  }

  /** Told of one slot's figures by {@link #forEachSlot}. */
  @FunctionalInterface
  public interface SlotVisitor {
    void slot(long slot, long sentBytes, long sentPackets, long receivedBytes, long receivedPackets);
  }

  /**
   * Tells {@code visitor} of every slot from {@code first} to {@code last} that this history wrote
   * and still holds, oldest first; slots it skipped (idle) are visited with zeros, so a reader can
   * copy a conversation's last 40 s slot for slot, as a full state for a collector needs.
   */
  public void forEachSlot(long first, long last, SlotVisitor visitor) {
    for (long s = Math.max(Math.max(0, first), lastSlot - SLOTS + 1); s <= Math.min(last, lastSlot); s++) {
      int base = (int) (s % SLOTS) * FIELDS;
      visitor.slot(s, ring[base + SENT_BYTES], ring[base + SENT_PACKETS],
          ring[base + RECEIVED_BYTES], ring[base + RECEIVED_PACKETS]);
    }
  }
}
