package io.clustertop.core.view;

import java.util.List;
import java.util.function.Predicate;

/**
 * How to turn the conversation table into rows: iftop's aggregation ({@code s}, {@code d},
 * {@code p}/{@code S}/{@code D}), the order, how many rows, a row filter (the screen filter), and
 * a frozen order (iftop's {@code o}).
 *
 * @param limit rows to keep; the rest are added into the "other" row
 * @param frozenOrder rows listed here come first, in this order; the others follow in {@code sort}
 *     order (empty: no frozen order)
 */
public record ViewOptions(
    boolean showSource,
    boolean showDestination,
    PortDisplay ports,
    SortOrder sort,
    int limit,
    Predicate<Row> filter,
    List<RowKey> frozenOrder) {

  /**
   * The filter that lets every row through. A view with it (and no frozen order) is cut from the
   * maintained rows without making a row object per row; any other filter is tested on every row.
   */
  public static final Predicate<Row> ALL_ROWS = row -> true;

  public ViewOptions {
    frozenOrder = List.copyOf(frozenOrder);
  }

  public static ViewOptions defaults() {
    return new ViewOptions(true, true, PortDisplay.OFF, SortOrder.LAST_10S, Integer.MAX_VALUE, ALL_ROWS, List.of());
  }

  /** Every row passes, in the sort's order: nothing asks for a row object per row. */
  public boolean plain() {
    return filter == ALL_ROWS && frozenOrder.isEmpty();
  }

  public ViewOptions withLimit(int newLimit) {
    return new ViewOptions(showSource, showDestination, ports, sort, newLimit, filter, frozenOrder);
  }

  public ViewOptions withSort(SortOrder newSort) {
    return new ViewOptions(showSource, showDestination, ports, newSort, limit, filter, frozenOrder);
  }

  public ViewOptions withPorts(PortDisplay newPorts) {
    return new ViewOptions(showSource, showDestination, newPorts, sort, limit, filter, frozenOrder);
  }

  public ViewOptions withHosts(boolean newShowSource, boolean newShowDestination) {
    return new ViewOptions(newShowSource, newShowDestination, ports, sort, limit, filter, frozenOrder);
  }

  public ViewOptions withFilter(Predicate<Row> newFilter) {
    return new ViewOptions(showSource, showDestination, ports, sort, limit, newFilter, frozenOrder);
  }

  public ViewOptions withFrozenOrder(List<RowKey> order) {
    return new ViewOptions(showSource, showDestination, ports, sort, limit, filter, order);
  }
}
