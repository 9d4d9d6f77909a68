package io.clustertop.console.screen;

import io.clustertop.proto.v1.Grouping;

/** What {@code g} cycles through: the groupings the collector offers, host:port pairs among them. */
public enum RowGrouping {
  HOST_PAIRS("host pairs", Grouping.HOST_PAIRS),
  HOST_PORT_PAIRS("host:port pairs", Grouping.HOST_PAIRS),
  NODES("by node", Grouping.NODES),
  REMOTE_ADDRESSES("by remote address", Grouping.REMOTE_ADDRESSES),
  PORTS("by port/service", Grouping.PORTS),
  DESTINATION_CLASSES("by destination class", Grouping.DESTINATION_CLASSES);

  private final String label;
  private final Grouping wire;

  RowGrouping(String label, Grouping wire) {
    this.label = label;
    this.wire = wire;
  }

  public String label() {
    return label;
  }

  /** The watch request's grouping; host:port pairs are host pairs with the ports shown. */
  public Grouping wire() {
    return wire;
  }

  public RowGrouping next() {
    return values()[(ordinal() + 1) % values().length];
  }
}
