package io.clustertop.console.screen;

import io.clustertop.proto.v1.Grouping;

/**
 * The groupings of rows: what {@code g} cycles through (the collector's, host:port pairs among
 * them), and an agent's own rows by process and by container, which a console asks an agent for
 * with {@code --group} and {@code g} skips (a collector does not group so).
 */
public enum RowGrouping {
  HOST_PAIRS("host pairs", Grouping.HOST_PAIRS, true),
  HOST_PORT_PAIRS("host:port pairs", Grouping.HOST_PAIRS, true),
  NODES("by node", Grouping.NODES, true),
  REMOTE_ADDRESSES("by remote address", Grouping.REMOTE_ADDRESSES, true),
  PORTS("by port/service", Grouping.PORTS, true),
  DESTINATION_CLASSES("by destination class", Grouping.DESTINATION_CLASSES, true),
  PROCESSES("by process", Grouping.PROCESSES, false),
  CONTAINERS("by container", Grouping.CONTAINERS, false);

  private final String label;
  private final Grouping wire;
  private final boolean cycled;

  RowGrouping(String label, Grouping wire, boolean cycled) {
    this.label = label;
    this.wire = wire;
    this.cycled = cycled;
  }

  public String label() {
    return label;
  }

  /** The watch request's grouping; host:port pairs are host pairs with the ports shown. */
  public Grouping wire() {
    return wire;
  }

  /** The next grouping {@code g} offers: the collector's, in turn. */
  public RowGrouping next() {
    RowGrouping next = this;
    do {
      next = values()[(next.ordinal() + 1) % values().length];
    } while (!next.cycled);
    return next;
  }
}
