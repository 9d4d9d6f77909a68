package io.clustertop.console.cost;

import io.clustertop.console.terminal.Printable;
import io.clustertop.core.cost.Service;
import io.clustertop.proto.FlowWire;
import io.clustertop.proto.v1.Cost;
import io.clustertop.proto.v1.Row;
import io.clustertop.proto.v1.ViewSnapshot;
import java.util.ArrayList;
import java.util.List;

/**
 * The cost a collector's snapshot carries, row by row in the snapshot's order, each with the label
 * that names it in its grouping (class, node, remote address, service); what the collector sent is
 * {@link Printable}.
 *
 * @param rows one per row of the snapshot, in order
 * @param other the "other" row's cost; null without one
 */
public record ViewCost(String currency, List<Line> rows, Line other, Line total) {
  /** A row's label and cost; costs so far are exact decimals. */
  public record Line(String label, String soFar, double perHour10s, double perHour40s) {
    static Line of(String label, Cost c) {
      return new Line(Printable.of(label), c.getSoFar().isEmpty() ? "0" : Printable.of(c.getSoFar()), c.getPerHour10S(),
          c.getPerHour40S());
    }
  }

  /**
   * The same cost with only the rows at {@code indexes}, in that order: for a consumer that filters
   * or reorders the snapshot's rows and keeps each row's cost with it.
   */
  public ViewCost rows(List<Integer> indexes) {
    return new ViewCost(currency, indexes.stream().map(rows::get).toList(), other, total);
  }

  /** The snapshot's cost, or null when it has none (an agent's view, a grouping without cost). */
  public static ViewCost of(ViewSnapshot s) {
    if (s.getCurrency().isEmpty()) {
      return null;
    }
    List<Line> rows = new ArrayList<>();
    for (Row r : s.getRowsList()) {
      rows.add(Line.of(label(r), r.getCost()));
    }
    return new ViewCost(Printable.of(s.getCurrency()), rows, s.hasOther() ? Line.of("(other)", s.getOther().getCost()) : null,
        Line.of("total", s.getCost()));
  }

  private static String label(Row r) {
    if (!r.getDestinationClass().isEmpty()) {
      return r.getDestinationClass();
    }
    if (!r.getLocalOwner().isEmpty()) { // a process, container, namespace, workload, pod or Service
      return r.getLeft().getNode().isEmpty() || r.getLeft().getNode().contains(",") ? r.getLocalOwner()
          : r.getLocalOwner() + " (" + r.getLeft().getNode() + ")";
    }
    if (!r.getLeft().getNode().isEmpty() && r.getRight().getAddress().isEmpty()) {
      return r.getLeft().getNode(); // a node's own row
    }
    if (!r.getRight().getAddress().isEmpty()) {
      String address = FlowWire.toAddress(r.getRight().getAddress()).toString();
      return r.getRight().getNode().isEmpty() ? address : address + " (" + r.getRight().getNode() + ")";
    }
    return Service.of(r.getProtocol(), r.getRight().getPort());
  }
}
