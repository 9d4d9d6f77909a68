package io.clustertop.core.window;

import io.clustertop.core.view.Row;
import io.clustertop.core.view.RowKey;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * A display cut down to its rows: from sums grouped by row key, the first {@code limit} rows in the
 * display order, sorted, and the sums of every other row for the "other" line. The local table and
 * the collector's views cut the same way.
 *
 * <p>Performance: a display shows tens of rows out of up to hundreds of thousands of groups, so
 * instead of sorting every row (n log n comparisons) a bounded heap keeps the best {@code limit}
 * (n log limit), and only the rows that made it are sorted.
 *
 * @param rows the kept rows, in order
 * @param rest the sums of the rows cut (not of those the filter hid), conversations included
 */
public record TopRows(List<Row> rows, RowSums rest) {

  /**
   * @param sumsOfGroup a group's sums (groups may carry more than their sums)
   * @param filter rows it refuses are neither shown nor in {@code rest} (a screen filter narrows
   *     the rows, never the totals)
   * @param completedSlots what the rates average over (see {@link RowSums#row})
   */
  public static <G> TopRows cut(Map<RowKey, G> grouped, Function<G, RowSums> sumsOfGroup, Predicate<Row> filter,
      Comparator<Row> order, int limit, long completedSlots) {
    PriorityQueue<Row> best = new PriorityQueue<>(order.reversed()); // the worst kept row at the head
    Map<Row, RowSums> sumsOf = new IdentityHashMap<>(); // a row's own hash would walk all its figures
    RowSums rest = new RowSums();
    for (Map.Entry<RowKey, G> e : grouped.entrySet()) {
      RowKey k = e.getKey();
      RowSums sums = sumsOfGroup.apply(e.getValue());
      Row row = sums.row(k.left(), k.right(), k.protocol(), completedSlots, true);
      if (!filter.test(row)) {
        continue;
      }
      sumsOf.put(row, sums);
      best.add(row);
      if (best.size() > limit) {
        rest.addAll(sumsOf.remove(best.poll()));
      }
    }
    List<Row> rows = new ArrayList<>(best);
    rows.sort(order);
    return new TopRows(List.copyOf(rows), rest);
  }
}
