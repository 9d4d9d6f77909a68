package io.clustertop.console.screen;

import io.clustertop.proto.v1.Grouping;

import java.util.List;

/**
 * The groupings of rows: what {@code g} cycles through (the collector's, host:port pairs among
 * them), then those a server offers beyond them (by process and container, and where the collector
 * reads Kubernetes by namespace, workload, pod and Service: its snapshots list what it offers).
 * An agent's own rows by process and by container are asked for with {@code --group}.
 */
public enum RowGrouping {
  HOST_PAIRS("host pairs", Grouping.HOST_PAIRS, true),
  HOST_PORT_PAIRS("host:port pairs", Grouping.HOST_PAIRS, true),
  NODES("by node", Grouping.NODES, true),
  REMOTE_ADDRESSES("by remote address", Grouping.REMOTE_ADDRESSES, true),
  PORTS("by port/service", Grouping.PORTS, true),
  DESTINATION_CLASSES("by destination class", Grouping.DESTINATION_CLASSES, true),
  PROCESSES("by process", Grouping.PROCESSES, false),
  CONTAINERS("by container", Grouping.CONTAINERS, false),
  NAMESPACES("by namespace", Grouping.NAMESPACES, false),
  WORKLOADS("by workload", Grouping.WORKLOADS, false),
  PODS("by pod", Grouping.PODS, false),
  SERVICES("by service", Grouping.SERVICES, false);

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
    return next(List.of());
  }

  /** The next grouping {@code g} offers: the collector's, then those the server says it offers beyond them. */
  public RowGrouping next(List<Grouping> offered) {
    RowGrouping next = this;
    do {
      next = values()[(next.ordinal() + 1) % values().length];
    } while (!next.cycled && !offered.contains(next.wire));
    return next;
  }

  /**
   * The grouping one level down that {@code enter} opens on a row of this one (within the row), or
   * null: a namespace's workloads, a workload's pods, a pod's conversations (its host:port pairs).
   */
  public RowGrouping drillDown() {
    return switch (this) {
      case NAMESPACES -> WORKLOADS;
      case WORKLOADS -> PODS;
      case PODS -> HOST_PORT_PAIRS;
      default -> null;
    };
  }
}
