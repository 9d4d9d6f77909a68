package io.clustertop.core.window;

/**
 * The collector's 2-second slots: slot {@code n} is {@code [2n s, 2n s + 2 s)} since the Unix epoch,
 * so every agent's histories share one numbering and add up slot by slot.
 */
public final class SlotClock {
  public static final long SLOT_NANOS = Windows.SLOT_SECONDS * 1_000_000_000L;
  /**
   * How long after a slot ends its snapshot is made: a batch that ends just before the boundary
   * reaches us a few milliseconds after it, and should be in that slot's figures.
   */
  public static final long GRACE_NANOS = 500_000_000L;

  private SlotClock() {}

  public static long slotOf(long unixNanos) {
    return Math.floorDiv(unixNanos, SLOT_NANOS);
  }

  public static long startOf(long slot) {
    return slot * SLOT_NANOS;
  }

  /** The latest slot a snapshot made at {@code nowNanos} treats as complete. */
  public static long latestCompleted(long nowNanos) {
    return slotOf(nowNanos - GRACE_NANOS) - 1;
  }
}
