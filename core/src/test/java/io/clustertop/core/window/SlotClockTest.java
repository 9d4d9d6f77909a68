package io.clustertop.core.window;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** The 2-second slots every part numbers alike (agents' batches, the collector's views, the relay's merges). */
class SlotClockTest {
  /** 2023-11-14T22:13:20Z, the start of slot 850,000,000. */
  private static final long T0 = 1_700_000_000_000_000_000L;

  @Test
  void aSlotIsTwoSecondsFromTheEpochFlooredBeforeIt() {
    assertEquals(2_000_000_000L, SlotClock.SLOT_NANOS);
    assertEquals(850_000_000L, SlotClock.slotOf(T0));
    assertEquals(850_000_000L, SlotClock.slotOf(T0 + 1_999_999_999L));
    assertEquals(850_000_001L, SlotClock.slotOf(T0 + 2_000_000_000L));
    assertEquals(0, SlotClock.slotOf(0));
    assertEquals(-1, SlotClock.slotOf(-1)); // floored, not truncated toward zero
    assertEquals(T0, SlotClock.startOf(850_000_000L));
    assertEquals(T0, SlotClock.startOf(SlotClock.slotOf(T0 + 1_999_999_999L)));
  }

  @Test
  void aSlotIsCompleteHalfASecondAfterItEnds() {
    assertEquals(849_999_999L, SlotClock.latestCompleted(T0 + 2_000_000_000L + 499_999_999L));
    assertEquals(850_000_000L, SlotClock.latestCompleted(T0 + 2_000_000_000L + 500_000_000L));
  }
}
