package io.clustertop.core.window;

import io.clustertop.core.view.Row;
import io.clustertop.core.view.RowKey;
import java.util.Comparator;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * A display cut down to its rows: from sums grouped by row key, the first {@code limit} rows in the
 * display order, sorted, and the sums of every other row for the "other" line. The local table and
 * the collector's views cut the same way.
 *
 * <p>Performance: a display shows tens of rows out of up to hundreds of thousands of groups: a
 * {@link BoundedTop} keeps the best {@code limit} (n log limit), and only the rows that made it are sorted.
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
    BoundedTop<Row> best = new BoundedTop<>(order, limit);
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
      Row cut = best.offer(row);
      if (cut != null) {
        rest.addAll(sumsOf.remove(cut));
      }
    }
    return new TopRows(List.copyOf(best.sorted()), rest);
  }
}
