package io.clustertop.core.rows;

import io.clustertop.core.cost.PriceId;
import io.clustertop.core.cost.PriceList;
import io.clustertop.core.view.Cost;
import io.clustertop.core.view.Endpoint;
import io.clustertop.core.view.Row;
import io.clustertop.core.view.Snapshot;
import io.clustertop.core.view.SortOrder;
import io.clustertop.core.view.Totals;
import io.clustertop.core.view.Traffic;
import io.clustertop.core.window.BoundedTop;
import io.clustertop.core.window.Windows;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * One subscriber's snapshot of a shared {@link Frame}: its filter, its order, its number of rows,
 * and the exact "other" row holding every row it cut (plus the view's own "other"), so that its rows
 * and "other" add up to the totals when nothing is filtered. Only the rows sent become {@link Row}s.
 * Without a filter, "other" is the frame's sums over all rows less the rows kept: the cut reads
 * {@code limit} rows, not all of them.
 *
 * <p>The local table (the agent's) makes its "other" row here too ({@link #otherRow}).
 */
public final class Cut {
  private static final Endpoint NONE = new Endpoint(null, Endpoint.NO_PORT);
  private static final int FIELDS = Frame.FIELDS;
  private static final int WINDOWS = Frame.WINDOWS;

  private Cut() {}

  /**
   * @param prices what bytes cost, for the costed groupings' rows
   */
  public static Snapshot of(Frame f, SortOrder sort, int limit, RowFilter filter, PriceList prices) {
    boolean all = filter.acceptsAll();
    int[] order = all ? f.top(sort, limit) : f.order(sort);
    List<Row> rows = new ArrayList<>(Math.min(limit, f.rows));
    long[] restCumulative = new long[FIELDS];
    long[] restWindows = new long[WINDOWS * FIELDS];
    long restConversations = 0;
    boolean costed = f.spec.grouping().costed();
    long[] priceBytes = costed ? f.allPriceBytes.clone() : null;
    long[] priceWindows = costed ? f.allPriceWindows.clone() : null;
    if (all) {
      System.arraycopy(f.allCumulative, 0, restCumulative, 0, FIELDS);
      System.arraycopy(f.allWindows, 0, restWindows, 0, restWindows.length);
      restConversations = f.allConversations;
      for (int i = 0; i < order.length && rows.size() < limit; i++) {
        int r = order[i];
        rows.add(row(f, r, prices));
        subtractRow(f, r, restCumulative, restWindows);
        restConversations -= f.conversations[r];
        if (costed) {
          addRowCost(f, r, priceBytes, priceWindows, -1);
        }
      }
    } else {
      if (costed) {
        Arrays.fill(priceBytes, 0);
        Arrays.fill(priceWindows, 0);
      }
      for (int r : order) {
        if (!filter.accepts(f, r)) {
          continue;
        }
        if (rows.size() < limit) {
          rows.add(row(f, r, prices));
          continue;
        }
        addRow(f, r, restCumulative, restWindows);
        restConversations += f.conversations[r];
        if (costed) {
          addRowCost(f, r, priceBytes, priceWindows, 1);
        }
      }
    }
    return snapshot(f, rows, restCumulative, restWindows, restConversations, priceBytes, priceWindows, prices);
  }

  /**
   * A cut by any row predicate and order (the local screen filter, iftop's frozen order): every row
   * becomes a {@link Row} to be tested and compared, and a bounded heap keeps the first {@code
   * limit}. Rows the filter refuses are neither shown nor in "other" (a filter narrows the rows,
   * never the totals); rows cut by the limit go to "other". What {@link #of(Frame, SortOrder, int,
   * RowFilter, PriceList)} does without an object per row, this does for the orders and filters
   * only a row object can answer.
   */
  public static Snapshot of(Frame f, Comparator<Row> order, int limit, Predicate<Row> filter, PriceList prices) {
    BoundedTop<Row> best = new BoundedTop<>(order, limit);
    Map<Row, Integer> index = new IdentityHashMap<>(); // a row's own hash would walk all its figures
    long[] restCumulative = new long[FIELDS];
    long[] restWindows = new long[WINDOWS * FIELDS];
    long restConversations = 0;
    boolean costed = f.spec.grouping().costed();
    long[] priceBytes = costed ? new long[f.allPriceBytes.length] : null;
    long[] priceWindows = costed ? new long[f.allPriceWindows.length] : null;
    for (int r = 0; r < f.rows; r++) {
      Row row = row(f, r, prices);
      if (!filter.test(row)) {
        continue;
      }
      index.put(row, r);
      Row out = best.offer(row);
      if (out != null) {
        int cut = index.remove(out);
        addRow(f, cut, restCumulative, restWindows);
        restConversations += f.conversations[cut];
        if (costed) {
          addRowCost(f, cut, priceBytes, priceWindows, 1);
        }
      }
    }
    List<Row> rows = best.sorted();
    return snapshot(f, rows, restCumulative, restWindows, restConversations, priceBytes, priceWindows, prices);
  }

  /** The snapshot of {@code rows} kept, with "other" (the rest cut, and the view's own) and the totals. */
  private static Snapshot snapshot(Frame f, List<Row> rows, long[] restCumulative, long[] restWindows,
      long restConversations, long[] priceBytes, long[] priceWindows, PriceList prices) {
    boolean costed = f.spec.grouping().costed();
    int cut = (int) restConversations;
    for (int i = 0; i < FIELDS; i++) {
      restCumulative[i] += f.otherCumulative[i];
    }
    for (int i = 0; i < restWindows.length; i++) {
      restWindows[i] += f.otherWindows[i];
    }
    Cost otherCost = null;
    Cost totalCost = null;
    if (costed) {
      otherCost = cost(priceBytes, priceWindows, f, prices)
          .plus(cost(f.otherCostPrice, f.otherCostBytes, f.otherCostWindows, f, prices));
      totalCost = cost(f.allPriceBytes, f.allPriceWindows, f, prices)
          .plus(cost(f.otherCostPrice, f.otherCostBytes, f.otherCostWindows, f, prices));
    }
    Row other = otherRow(Windows.traffic(restCumulative, 0, restWindows, 0, f.completedSlots, 0, -1),
        Windows.traffic(restCumulative, 0, restWindows, 0, f.completedSlots, 2, -1), cut, otherCost);
    Totals totals = new Totals(
        Windows.traffic(f.totalsCumulative, 0, f.totalsWindows, 0, f.completedSlots, 0, f.totalsPeaks[0]),
        Windows.traffic(f.totalsCumulative, 0, f.totalsWindows, 0, f.completedSlots, 2, f.totalsPeaks[1]),
        f.totalsPeaks[2] / (double) Windows.SLOT_SECONDS);
    FrameContext c = f.context;
    return new Snapshot(c.timeNanos() / 1_000_000L, c.source(), List.copyOf(rows), other, totals, c.counters(),
        f.viewConversations, c.nodes(), costed ? prices.currency() : "", totalCost);
  }

  /**
   * The "other" row of what a display cut (its peaks unknown: its parts change), or null when it
   * holds nothing: the one "other" row of the collector's views and the agent's own table.
   */
  public static Row otherRow(Traffic sent, Traffic received, int conversations, Cost cost) {
    if (sent.bytes() + sent.packets() + received.bytes() + received.packets() == 0) {
      return null;
    }
    return new Row(NONE, NONE, -1, sent, received, conversations, List.of(), cost);
  }

  private static Row row(Frame f, int r, PriceList prices) {
    Traffic sent = Windows.traffic(f.cumulative, r * FIELDS, f.windows, r * WINDOWS * FIELDS, f.completedSlots, 0,
        f.peaks[r * 2]);
    Traffic received = Windows.traffic(f.cumulative, r * FIELDS, f.windows, r * WINDOWS * FIELDS, f.completedSlots, 2,
        f.peaks[r * 2 + 1]);
    Labels labels = f.context.labels();
    List<String> reporters = names(f.reporters(r), labels);
    Cost cost = f.spec.grouping().costed()
        ? cost(Arrays.copyOfRange(f.costPrice, f.costStart[r], f.costStart[r + 1]),
            Arrays.copyOfRange(f.costBytes, f.costStart[r], f.costStart[r + 1]),
            Arrays.copyOfRange(f.costWindows, f.costStart[r] * WINDOWS, f.costStart[r + 1] * WINDOWS), f, prices)
        : null;
    long meta = f.key(r, 4);
    return switch (f.spec.grouping()) {
      case NODES -> {
        String node = labels.nodeName((int) f.key(r, 1));
        yield new Row(NONE.withNode(node), NONE, -1, sent, received, f.conversations[r], List.of(node), cost);
      }
      case PROCESSES, CONTAINERS, NAMESPACES, WORKLOADS, PODS, SERVICES -> {
        String owner = labels.placementName((int) f.key(r, 1));
        String node = f.spec.grouping().perNode() ? labels.nodeName((int) f.key(r, 0) - 1) : String.join(",", reporters);
        yield new Row(Endpoint.owner(owner).withNode(node), NONE, -1, sent, received, f.conversations[r], reporters, cost);
      }
      case DESTINATION_CLASSES -> new Row(NONE.withNode(String.join(",", reporters)),
          NONE.withDestinationClass(labels.className((int) f.key(r, 1))), -1, sent, received, f.conversations[r],
          reporters, cost);
      default -> {
        Endpoint left = RowKeys.left(f.key(r, 0), f.key(r, 1), meta);
        Endpoint right = RowKeys.right(f.key(r, 2), f.key(r, 3), meta);
        left = left.hasHost() ? label(left, labels) : left.withNode(String.join(",", reporters));
        yield new Row(left, label(right, labels), RowKeys.protocol(meta), sent, received, f.conversations[r], reporters,
            cost);
      }
    };
  }

  private static Endpoint label(Endpoint e, Labels labels) {
    String node = e.hasHost() ? labels.nodeOf(e.host()) : null;
    return node == null ? e : e.withNode(node);
  }

  private static List<String> names(int[] ids, Labels labels) {
    String[] names = new String[ids.length];
    for (int i = 0; i < ids.length; i++) {
      names[i] = labels.nodeName(ids[i]);
    }
    Arrays.sort(names);
    return List.of(names);
  }

  private static void addRow(Frame f, int r, long[] cumulative, long[] windows) {
    for (int i = 0; i < FIELDS; i++) {
      cumulative[i] += f.cumulative[r * FIELDS + i];
    }
    for (int i = 0; i < WINDOWS * FIELDS; i++) {
      windows[i] += f.windows[r * WINDOWS * FIELDS + i];
    }
  }

  private static void subtractRow(Frame f, int r, long[] cumulative, long[] windows) {
    for (int i = 0; i < FIELDS; i++) {
      cumulative[i] -= f.cumulative[r * FIELDS + i];
    }
    for (int i = 0; i < WINDOWS * FIELDS; i++) {
      windows[i] -= f.windows[r * WINDOWS * FIELDS + i];
    }
  }

  private static void addRowCost(Frame f, int r, long[] priceBytes, long[] priceWindows, int sign) {
    for (int i = f.costStart[r]; i < f.costStart[r + 1]; i++) {
      int p = f.costPrice[i];
      priceBytes[p] += sign * f.costBytes[i];
      for (int w = 0; w < WINDOWS; w++) {
        priceWindows[p * WINDOWS + w] += sign * f.costWindows[i * WINDOWS + w];
      }
    }
  }

  /** The cost of bytes held per price id (arrays indexed by price id). */
  private static Cost cost(long[] priceBytes, long[] priceWindows, Frame f, PriceList prices) {
    int n = priceBytes.length;
    int[] ids = new int[n];
    for (int i = 0; i < n; i++) {
      ids[i] = i;
    }
    return cost(ids, priceBytes, priceWindows, f, prices);
  }

  /** The cost of entries of bytes at their prices: exact so far, per hour at the 10 s and 40 s rates. */
  private static Cost cost(int[] price, long[] bytes, long[] windows, Frame f, PriceList prices) {
    BigDecimal soFar = BigDecimal.ZERO;
    double perHour10s = 0;
    double perHour40s = 0;
    Labels labels = f.context.labels();
    for (int i = 0; i < price.length; i++) {
      if (bytes[i] == 0 && windows[i * WINDOWS + 1] == 0 && windows[i * WINDOWS + 2] == 0) {
        continue;
      }
      String costClass = labels.className(PriceId.classId(price[i]));
      var direction = PriceId.direction(price[i]);
      soFar = soFar.add(prices.cost(costClass, direction, bytes[i]));
      perHour10s += prices.perHour(costClass, direction, Windows.perSecond(windows[i * WINDOWS + 1], 1, f.completedSlots));
      perHour40s += prices.perHour(costClass, direction, Windows.perSecond(windows[i * WINDOWS + 2], 2, f.completedSlots));
    }
    return new Cost(soFar, perHour10s, perHour40s);
  }
}
