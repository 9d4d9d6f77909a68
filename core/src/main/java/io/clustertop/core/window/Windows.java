package io.clustertop.core.window;

import io.clustertop.core.view.Rates;
import io.clustertop.core.view.Traffic;

/**
 * iftop's windows, in one place for every table (the slot columns of the agent's and the
 * collector's conversations, and of their views): 2-second slots, the 2 s, 10 s and 40 s averages as sums over the last 1,
 * 5 and 20 completed slots, and how sums become a row's {@link Traffic}.
 *
 * <p>Figures come as four fields in {@link io.clustertop.core.flow.Volume}'s order (sent bytes, sent
 * packets, received bytes, received packets); window sums as those four per window, window by window.
 */
public final class Windows {
  /** iftop's RESOLUTION. */
  public static final int SLOT_SECONDS = 2;
  /** iftop's HISTORY_LENGTH: the slots the longest window spans. */
  public static final int SLOTS = 20;
  /** The 2 s, 10 s and 40 s averages, in slots. */
  static final int[] WINDOW_SLOTS = {1, 5, SLOTS};
  /** Averages kept: 2 s, 10 s, 40 s. */
  public static final int COUNT = WINDOW_SLOTS.length;

  private Windows() {}

  /** Window {@code w} (0: 2 s, 1: 10 s, 2: 40 s) spans this many slots. */
  public static int slots(int w) {
    return WINDOW_SLOTS[w];
  }

  /**
   * One direction of a row: figures since the start, the averages over the time there was (as iftop:
   * a window longer than the time since the start averages over that time), the peak.
   *
   * @param field 0 for sent, 2 for received (bytes; the packets follow)
   * @param peakSlotBytes the highest one-slot bytes; -1 where unknown ("other": its parts change)
   */
  public static Traffic traffic(long[] cumulative, int cumulativeOffset, long[] windows, int windowOffset,
      long completedSlots, int field, long peakSlotBytes) {
    return new Traffic(cumulative[cumulativeOffset + field], cumulative[cumulativeOffset + field + 1],
        rates(windows, windowOffset, field, completedSlots), rates(windows, windowOffset, field + 1, completedSlots),
        peakSlotBytes < 0 ? Double.NaN : peakSlotBytes / (double) SLOT_SECONDS);
  }

  /** The bytes per second a window sum stands for, over the slots there were ({@code completedSlots} at most). */
  public static double perSecond(long sum, int window, long completedSlots) {
    long slots = Math.min(WINDOW_SLOTS[window], completedSlots);
    return slots == 0 ? 0 : sum / (double) (slots * SLOT_SECONDS);
  }

  /**
   * The window sum a rate of {@link #perSecond} stands for, exactly: the rate is the sum divided by
   * at most 40 s, rounded once, so multiplying back is within a hundredth of a byte of the sum for
   * any sum below 2^50 (a petabyte in 40 s) and rounding gives it back. How a relay adds up the
   * rates of several collectors as one collector would divide their sums.
   */
  public static long sumOf(double perSecond, int window, long completedSlots) {
    long slots = Math.min(WINDOW_SLOTS[window], completedSlots);
    return slots == 0 ? 0 : Math.round(perSecond * (slots * SLOT_SECONDS));
  }

  private static Rates rates(long[] windows, int offset, int field, long completedSlots) {
    return new Rates(perSecond(windows[offset + field], 0, completedSlots),
        perSecond(windows[offset + 4 + field], 1, completedSlots),
        perSecond(windows[offset + 8 + field], 2, completedSlots));
  }
}
