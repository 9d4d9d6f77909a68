package io.clustertop.core.rows;

import io.clustertop.core.view.PortDisplay;

/**
 * What makes one maintained view: the grouping, the scope (one node's own traffic, or the cluster's
 * each byte once), and for host pairs which hosts and ports show. Subscribers asking for the same
 * spec share the view and its frames; sort, limit and filters are theirs.
 *
 * @param node the node whose own view this is; "" for the cluster
 * @param pod only the conversations whose local end is this pod's ({@code namespace/name}): the pod's
 *     own view, its totals its conversations' (what agents cut has no pod); "" for all
 */
public record ViewSpec(Grouping grouping, String node, boolean showSource, boolean showDestination, PortDisplay ports,
    String pod) {
  /** The spec with what does not change its rows left out: only host pairs hide hosts or show ports. */
  public ViewSpec {
    if (grouping != Grouping.HOST_PAIRS) {
      showSource = true;
      showDestination = true;
      ports = PortDisplay.OFF;
    }
  }

  public ViewSpec(Grouping grouping, String node, boolean showSource, boolean showDestination, PortDisplay ports) {
    this(grouping, node, showSource, showDestination, ports, "");
  }

  /** Which conversations it takes, or how it groups them, depends on their placements. */
  public boolean byPlacement() {
    return grouping.byPlacement() || !pod.isEmpty();
  }

  public boolean clusterScope() {
    return node.isEmpty();
  }

  /** Its totals are the nodes' own (every byte a node saw), not each byte once. */
  public boolean nodeTotals() {
    return !clusterScope() || grouping == Grouping.NODES;
  }

  /** How conversations enter its rows. */
  Basis basis() {
    if (grouping == Grouping.DESTINATION_CLASSES) {
      return Basis.COST;
    }
    if (grouping.byPlacement() && clusterScope()) {
      return Basis.UNTURNED;
    }
    return nodeTotals() ? Basis.NODE : Basis.SHARE;
  }

  /** How a conversation's volume enters a view's rows. */
  enum Basis {
    /** As the node counted it: a node's own view, and the NODES grouping. */
    NODE,
    /** Each byte once, turned so both nodes of a conversation land in one row: the cluster's views. */
    SHARE,
    /** Each byte once as cost sees it (sent, and received from outside), by destination class. */
    COST,
    /**
     * Each byte once, from the local end's side: what it sent, and what it received from outside the
     * nodes (what it received from another node is that node's sent). The cluster's rows by placement:
     * a row stands for one end, so a conversation between two nodes cannot be turned into one row.
     */
    UNTURNED
  }
}
