package io.clustertop.core.table;

import java.util.Arrays;
import java.util.function.IntToLongFunction;

/**
 * Which conversations a table past its limit folds into "other": the idlest (latest slot written
 * longest ago), then the smallest, until 90 % of the limit remain, so the choice is not paid again
 * at the next interval. One rule for every table of conversations: the agent's
 * ({@code ConversationTable}) and the collector's, per agent and collector-wide.
 */
public final class FoldRule {
  private FoldRule() {}

  /** What a table past {@code max} is brought down to. */
  public static int target(int max) {
    return Math.max(1, max - max / 10);
  }

  /**
   * The entries to fold out of {@code count}, idlest then smallest first, so that {@code keep}
   * remain; none when {@code count <= keep}.
   *
   * @param lastSlot an entry's latest slot written
   * @param bytes an entry's bytes since it began, both ways
   */
  public static int[] idlest(int count, IntToLongFunction lastSlot, IntToLongFunction bytes, int keep) {
    int fold = count - keep;
    if (fold <= 0) {
      return new int[0];
    }
    Integer[] order = new Integer[count];
    Arrays.setAll(order, i -> i);
    Arrays.sort(order, (a, b) -> {
      int c = Long.compare(lastSlot.applyAsLong(a), lastSlot.applyAsLong(b));
      return c != 0 ? c : Long.compare(bytes.applyAsLong(a), bytes.applyAsLong(b));
    });
    int[] chosen = new int[fold];
    for (int i = 0; i < fold; i++) {
      chosen[i] = order[i];
    }
    return chosen;
  }

  /**
   * One number per entry that orders entries as {@link #idlest} does (latest slot, then bytes), for
   * choosing across tables: the slot in the high half, the bytes (capped) in the low half.
   */
  public static long idleness(long lastSlot, long bytes) {
    return Math.max(0, lastSlot) << 32 | Math.min(bytes, 0xFFFF_FFFFL);
  }
}
