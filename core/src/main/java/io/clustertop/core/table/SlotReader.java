package io.clustertop.core.table;

/**
 * Reading {@link SlotColumns}: what a table lends its readers (a view built from a conversation
 * store reads it this way, and never writes to it).
 */
public interface SlotReader {
  /** Values per entry per slot: 4 for a {@link io.clustertop.core.flow.Volume}, 1 for bytes. */
  int fields();

  int size();

  /** The latest slot the ring holds; {@link SlotColumns#NONE} before the first write. */
  long latest();

  /** The entry's figure of {@code field} since it began. */
  long cumulative(int entry, int field);

  /** The entry's figure of {@code field} in {@code slot}; 0 for a slot the ring does not hold. */
  long cell(int entry, long slot, int field);

  /**
   * The highest one-slot figure of the entry that left the ring (0: sent bytes, 1: received bytes,
   * 2: both, where kept); the slots the ring still holds are read with {@link #cell}.
   */
  long notedPeak(int entry, int which);

  /** Peaks kept per entry: 0, 2 (sent and received bytes) or 3 (and both together). */
  int peakFields();

  /** The latest slot the entry was written in, -1 if never (kept by conversation tables only). */
  long lastSlot(int entry);
}
