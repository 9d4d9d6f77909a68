package io.clustertop.core.view;

import java.util.function.Predicate;

/**
 * How to turn the conversation table into rows: iftop's aggregation ({@code s}, {@code d},
 * {@code p}/{@code S}/{@code D}), the order, how many rows, and a row filter (the screen filter).
 *
 * @param limit rows to keep; the rest are added into the "other" row
 */
public record ViewOptions(
    boolean showSource,
    boolean showDestination,
    PortDisplay ports,
    SortOrder sort,
    int limit,
    Predicate<Row> filter) {

  public static ViewOptions defaults() {
    return new ViewOptions(true, true, PortDisplay.OFF, SortOrder.LAST_10S, Integer.MAX_VALUE, r -> true);
  }

  public ViewOptions withLimit(int newLimit) {
    return new ViewOptions(showSource, showDestination, ports, sort, newLimit, filter);
  }
}
