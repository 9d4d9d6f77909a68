package io.clustertop.core.rows;

import io.clustertop.core.table.KeyIndex;
import io.clustertop.core.table.SlotColumns;
import io.clustertop.core.view.SortOrder;
import io.clustertop.core.window.Windows;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.Map;

/**
 * One view as of one slot, read once and shared by every subscriber of the view: each row's key,
 * figures since the start, window sums, peaks, conversations, reporting nodes and bytes per price,
 * in primitive arrays (no object per row); the view's "other" and totals; and sums over all rows,
 * so a subscriber without a filter cuts its top rows and the exact "other" row without reading the
 * rest. Sort orders are made once per frame, by the first subscriber that needs each.
 *
 * <p>Thread safety: immutable once made, but for the sort orders, made under the frame's own lock.
 */
public final class Frame {
  static final int FIELDS = 4;
  static final int WINDOWS = Windows.COUNT;

  final ViewSpec spec;
  final long latestCompleted;
  final long completedSlots;
  final FrameContext context;
  final int rows;
  final long[] keys;
  final long[] cumulative;
  final long[] windows;
  final long[] peaks;
  final int[] conversations;
  /** Per row: the node that reported it (-1: none), and the others where there are others (else null). */
  final int[] reporter;
  final int[][] moreReporters;
  /** Row r's cost entries are {@code costStart[r]} to {@code costStart[r + 1]} - 1. */
  final int[] costStart;
  final int[] costPrice;
  final long[] costBytes;
  final long[] costWindows;
  final int[] otherCostPrice;
  final long[] otherCostBytes;
  final long[] otherCostWindows;
  final long[] totalsCumulative = new long[FIELDS];
  final long[] totalsWindows = new long[WINDOWS * FIELDS];
  final long[] totalsPeaks = new long[3];
  final long[] otherCumulative = new long[FIELDS];
  final long[] otherWindows = new long[WINDOWS * FIELDS];
  /** All rows added up (what a subscriber without a filter takes its "other" from). */
  final long[] allCumulative = new long[FIELDS];
  final long[] allWindows = new long[WINDOWS * FIELDS];
  final long allConversations;
  /** All rows' bytes per price id (bytes, then the window sums), and which prices there are. */
  final long[] allPriceBytes;
  final long[] allPriceWindows;
  final int viewConversations;
  /** Every row in each order asked for (by subscribers with a filter). */
  private final Map<SortOrder, int[]> orders = new EnumMap<>(SortOrder.class);
  /** The first rows in each order asked for, as many as the most any subscriber wanted so far. */
  private final Map<SortOrder, int[]> tops = new EnumMap<>(SortOrder.class);

  /** Made by {@link LiveView#frame}, under the view's lock. */
  Frame(LiveView view, long latestCompleted, long completedSlots, FrameContext context) {
    this.spec = view.spec();
    this.latestCompleted = latestCompleted;
    this.completedSlots = completedSlots;
    this.context = context;
    SlotColumns figures = view.rowFigures();
    rows = view.rowCount();
    keys = new long[rows * KeyIndex.WIDTH];
    cumulative = new long[rows * FIELDS];
    windows = new long[rows * WINDOWS * FIELDS];
    peaks = new long[rows * 2];
    conversations = new int[rows];
    reporter = new int[rows];
    moreReporters = new int[rows][];
    long conversationSum = 0;
    figures.readAll(latestCompleted, windows, peaks);
    for (int r = 0; r < rows; r++) {
      for (int k = 0; k < KeyIndex.WIDTH; k++) {
        keys[r * KeyIndex.WIDTH + k] = view.rowKey(r, k);
      }
      for (int f = 0; f < FIELDS; f++) {
        cumulative[r * FIELDS + f] = figures.cumulative(r, f);
        allCumulative[f] += cumulative[r * FIELDS + f];
      }
      for (int i = 0; i < WINDOWS * FIELDS; i++) {
        allWindows[i] += windows[r * WINDOWS * FIELDS + i];
      }
      conversations[r] = view.conversationsOf(r);
      conversationSum += conversations[r];
      reporter[r] = view.reporter(r);
      moreReporters[r] = view.moreReporters(r);
    }
    allConversations = conversationSum;
    SlotColumns whole = view.wholeFigures();
    for (int f = 0; f < FIELDS; f++) {
      totalsCumulative[f] = whole.cumulative(LiveView.TOTALS_ENTRY, f);
      otherCumulative[f] = whole.cumulative(LiveView.OTHER_ENTRY, f);
    }
    whole.addWindows(LiveView.TOTALS_ENTRY, latestCompleted, totalsWindows, 0);
    whole.addWindows(LiveView.OTHER_ENTRY, latestCompleted, otherWindows, 0);
    for (int p = 0; p < 3; p++) {
      totalsPeaks[p] = whole.peak(LiveView.TOTALS_ENTRY, p, latestCompleted);
    }
    viewConversations = view.viewConversations();

    // Cost entries, grouped by row; "other"'s apart.
    KeyIndex costKeys = view.costKeys();
    int entries = costKeys == null ? 0 : costKeys.size();
    int[] rowOf = new int[entries];
    costStart = new int[rows + 1];
    int otherEntries = 0;
    int maxPrice = -1;
    for (int c = 0; c < entries; c++) {
      long meta = costKeys.get(c, 4);
      maxPrice = Math.max(maxPrice, RowKeys.price(meta));
      if ((meta & RowKeys.OTHER_COST) != 0) {
        rowOf[c] = -1;
        otherEntries++;
      } else {
        rowOf[c] = view.rowIndex(costKeys.get(c, 0), costKeys.get(c, 1), costKeys.get(c, 2), costKeys.get(c, 3),
            RowKeys.withoutPrice(meta));
        if (rowOf[c] < 0) {
          throw new IllegalStateException("a cost entry without its row");
        }
        costStart[rowOf[c] + 1]++;
      }
    }
    for (int r = 0; r < rows; r++) {
      costStart[r + 1] += costStart[r];
    }
    int rowEntries = entries - otherEntries;
    costPrice = new int[rowEntries];
    costBytes = new long[rowEntries];
    costWindows = new long[rowEntries * WINDOWS];
    otherCostPrice = new int[otherEntries];
    otherCostBytes = new long[otherEntries];
    otherCostWindows = new long[otherEntries * WINDOWS];
    allPriceBytes = new long[maxPrice + 1];
    allPriceWindows = new long[(maxPrice + 1) * WINDOWS];
    int[] next = Arrays.copyOf(costStart, rows);
    int o = 0;
    SlotColumns costFigures = view.costFigures();
    for (int c = 0; c < entries; c++) {
      int price = RowKeys.price(costKeys.get(c, 4));
      if (rowOf[c] < 0) {
        otherCostPrice[o] = price;
        otherCostBytes[o] = costFigures.cumulative(c, 0);
        costFigures.addWindows(c, latestCompleted, otherCostWindows, o * WINDOWS);
        o++;
      } else {
        int i = next[rowOf[c]]++;
        costPrice[i] = price;
        costBytes[i] = costFigures.cumulative(c, 0);
        costFigures.addWindows(c, latestCompleted, costWindows, i * WINDOWS);
        allPriceBytes[price] += costBytes[i];
        for (int w = 0; w < WINDOWS; w++) {
          allPriceWindows[price * WINDOWS + w] += costWindows[i * WINDOWS + w];
        }
      }
    }
    for (int r = 0; r < rows; r++) {
      byPrice(costPrice, costBytes, costWindows, costStart[r], costStart[r + 1]);
    }
    byPrice(otherCostPrice, otherCostBytes, otherCostWindows, 0, otherEntries);
  }

  /**
   * Sorts the cost entries of one row (or of "other") by price: a cost per hour is a sum of doubles,
   * and adding them in one order makes it the same however the entries came.
   */
  private static void byPrice(int[] price, long[] bytes, long[] windows, int from, int to) {
    for (int i = from + 1; i < to; i++) {
      for (int j = i; j > from && price[j - 1] > price[j]; j--) {
        swap(price, bytes, windows, j - 1, j);
      }
    }
  }

  private static void swap(int[] price, long[] bytes, long[] windows, int a, int b) {
    int p = price[a];
    price[a] = price[b];
    price[b] = p;
    long x = bytes[a];
    bytes[a] = bytes[b];
    bytes[b] = x;
    for (int w = 0; w < WINDOWS; w++) {
      long y = windows[a * WINDOWS + w];
      windows[a * WINDOWS + w] = windows[b * WINDOWS + w];
      windows[b * WINDOWS + w] = y;
    }
  }

  public ViewSpec spec() {
    return spec;
  }

  public int rows() {
    return rows;
  }

  public long latestCompleted() {
    return latestCompleted;
  }

  /** The completed slots since the view's first figures, what its rates average over (at most a window's). */
  public long completedSlots() {
    return completedSlots;
  }

  public FrameContext context() {
    return context;
  }

  /** The rows in {@code sort}'s order; made once per frame and order. */
  int[] order(SortOrder sort) {
    synchronized (orders) {
      return orders.computeIfAbsent(sort, s -> RowOrder.sorted(this, s));
    }
  }

  /**
   * The first {@code limit} rows (fewer if there are fewer) in {@code sort}'s order: chosen once per
   * frame and order for every subscriber without a filter, again only for one that wants more.
   */
  int[] top(SortOrder sort, int limit) {
    synchronized (orders) {
      int[] full = orders.get(sort);
      int[] top = full != null ? full : tops.get(sort);
      if (top == null || top.length < Math.min(limit, rows)) {
        top = RowOrder.top(this, sort, limit);
        tops.put(sort, top);
      }
      return top.length <= limit ? top : java.util.Arrays.copyOf(top, limit);
    }
  }

  /** The row's reporting nodes' ids, first one first. */
  int[] reporters(int row) {
    if (reporter[row] < 0) {
      return new int[0];
    }
    int[] more = moreReporters[row];
    if (more == null) {
      return new int[] {reporter[row]};
    }
    int[] all = new int[more.length + 1];
    all[0] = reporter[row];
    System.arraycopy(more, 0, all, 1, more.length);
    return all;
  }

  long key(int row, int field) {
    return keys[row * KeyIndex.WIDTH + field];
  }

  /** Bytes both ways in window {@code window} (0: 2 s, 1: 10 s, 2: 40 s). */
  long windowBytes(int row, int window) {
    int base = row * WINDOWS * FIELDS + window * FIELDS;
    return windows[base] + windows[base + 2];
  }

  long cumulativeBytes(int row) {
    return cumulative[row * FIELDS] + cumulative[row * FIELDS + 2];
  }
}
