package io.clustertop.core.rows;

import io.clustertop.core.flow.IpAddress;
import io.clustertop.core.flow.Network;
import java.util.List;
import java.util.Set;

/**
 * A subscriber's row filters, all of which must hold, tested on each row as it is shown: a network
 * either end's host is in, a port either end shows, a node that reported the row, text in either
 * end's address or name (a node's, a class's, or the reporting nodes' where the host is hidden).
 * A row passes whole or not at all; what a view hides (a host, a port) cannot match. For a row
 * that stands for a node, its own addresses and name are its ends, and ports do not apply. They
 * narrow the rows, never the totals (as iftop's screen filter). For rows that stand for a placement's
 * part (a process, a namespace, a pod...), the text is looked for in its name, and {@code within}
 * keeps the rows one level down of one name (a namespace's workloads, a workload's pods: a drill-down).
 *
 * @param within "" for every row; else only rows by placement whose name one level up is this
 */
public record RowFilter(List<Network> networks, Set<Integer> ports, Set<String> nodes, String text, String within) {
  public static final RowFilter NONE = new RowFilter(List.of(), Set.of(), Set.of(), "", "");

  public RowFilter(List<Network> networks, Set<Integer> ports, Set<String> nodes, String text) {
    this(networks, ports, nodes, text, "");
  }

  public RowFilter {
    networks = List.copyOf(networks);
    ports = Set.copyOf(ports);
    nodes = Set.copyOf(nodes);
  }

  public boolean acceptsAll() {
    return networks.isEmpty() && ports.isEmpty() && nodes.isEmpty() && text.isEmpty() && within.isEmpty();
  }

  boolean accepts(Frame f, int row) {
    Labels labels = f.context.labels();
    long meta = f.key(row, 4);
    if (f.spec.grouping() == Grouping.NODES) {
      String node = labels.nodeName((int) f.key(row, 1));
      List<IpAddress> addresses = labels.addressesOf(node);
      return (networks.isEmpty() || addresses.stream().anyMatch(this::in))
          && (nodes.isEmpty() || nodes.contains(node))
          && (text.isEmpty() || node.contains(text) || addresses.stream().anyMatch(a -> a.toString().contains(text)));
    }
    if (!within.isEmpty() && !(f.spec.grouping().byPlacement() && labels.placementName((int) f.key(row, 2)).equals(within))) {
      return false;
    }
    IpAddress left = (meta & RowKeys.LEFT_HOST) == 0 ? null : RowKeys.address(f.key(row, 0), f.key(row, 1), meta);
    IpAddress right = (meta & RowKeys.RIGHT_HOST) == 0 ? null : RowKeys.address(f.key(row, 2), f.key(row, 3), meta);
    if (!networks.isEmpty() && !(left != null && in(left) || right != null && in(right))) {
      return false;
    }
    if (!ports.isEmpty() && !((meta & RowKeys.LEFT_PORT) != 0 && ports.contains((int) (meta >>> 16) & 0xFFFF)
        || (meta & RowKeys.RIGHT_PORT) != 0 && ports.contains((int) meta & 0xFFFF))) {
      return false;
    }
    int[] reporters = f.reporters(row);
    if (!nodes.isEmpty()) {
      boolean any = false;
      for (int id : reporters) {
        any |= nodes.contains(labels.nodeName(id));
      }
      if (!any) {
        return false;
      }
    }
    if (text.isEmpty()) {
      return true;
    }
    if (mentions(left, labels) || mentions(right, labels)) {
      return true;
    }
    if (f.spec.grouping() == Grouping.DESTINATION_CLASSES && labels.className((int) f.key(row, 1)).contains(text)) {
      return true;
    }
    if (f.spec.grouping().byPlacement() && labels.placementName((int) f.key(row, 1)).contains(text)) {
      return true;
    }
    if (left == null) {
      for (int id : reporters) {
        if (labels.nodeName(id).contains(text)) {
          return true;
        }
      }
    }
    return false;
  }

  private boolean in(IpAddress a) {
    for (Network n : networks) {
      if (n.contains(a.version(), a.high(), a.low())) {
        return true;
      }
    }
    return false;
  }

  private boolean mentions(IpAddress a, Labels labels) {
    if (a == null) {
      return false;
    }
    String node = labels.nodeOf(a);
    return a.toString().contains(text) || node != null && node.contains(text);
  }
}
