package io.clustertop.console.status;

import io.clustertop.console.terminal.Printable;
import io.clustertop.core.view.NodeState;
import java.util.List;

/**
 * One line on how a cluster's nodes are doing, for the text output and the screen's status line:
 * how many report, which are stale or restarted, which lost packets (their figures are incomplete),
 * which have gaps, and which the collector turns away and why (a clock off, an address refused). For a view of the cluster only (the collector's): a local capture and an
 * agent's own view have no nodes to speak of.
 */
public final class NodeSummary {
  private NodeSummary() {}

  /** After the text mode's {@code Nodes: }: {@code 2 nodes: 2 reporting}, or {@code none reporting yet}. */
  public static String of(List<NodeState> nodes) {
    if (nodes.isEmpty()) {
      return "none reporting yet";
    }
    List<String> refused = nodes.stream().filter(NodeState::refused).map(n -> n.node() + " " + n.state()).toList();
    List<String> stale = nodes.stream().filter(n -> n.stale() && !n.refused()).map(NodeState::node).toList();
    StringBuilder out = new StringBuilder()
        .append(nodes.size()).append(nodes.size() == 1 ? " node: " : " nodes: ")
        .append(nodes.size() - stale.size() - refused.size()).append(" reporting");
    names(out, "refused", refused);
    names(out, "stale", stale);
    names(out, "restarted", nodes.stream().filter(NodeState::restarted).map(NodeState::node).toList());
    names(out, "dropping packets (incomplete)", nodes.stream().filter(NodeState::dropsPackets).map(NodeState::node).toList());
    names(out, "with gaps", nodes.stream().filter(n -> n.gapSeconds() > 0)
        .map(n -> n.node() + " " + Math.round(n.gapSeconds()) + "s").toList());
    return out.toString();
  }

  /** On the screen's status line, where no {@code Nodes:} comes before it. */
  public static String status(List<NodeState> nodes) {
    return nodes.isEmpty() ? "no nodes reporting yet" : of(nodes);
  }

  private static void names(StringBuilder out, String what, List<String> names) {
    if (!names.isEmpty()) {
      out.append(", ").append(names.size()).append(' ').append(what).append(" (")
          .append(String.join(", ", names.stream().map(Printable::of).toList())).append(')');
    }
  }
}
