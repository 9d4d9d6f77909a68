package io.clustertop.collector.view;

import io.clustertop.core.flow.FlowKey;
import io.clustertop.core.flow.IpAddress;
import io.clustertop.core.flow.Network;
import io.clustertop.proto.v1.WatchRequest;
import java.util.List;
import java.util.Set;
import java.util.function.Function;

/**
 * A watch request's row filters, applied to each conversation before rows are made, all of which
 * must hold: a CIDR either end is in, a port either end uses, the node that reported it, text in
 * either end's address or node name. They narrow the rows, never the totals (as iftop's screen filter).
 */
public record RowFilter(List<Network> networks, Set<Integer> ports, Set<String> nodes, String text) {

  /** The request's filters; a CIDR that does not parse throws {@link IllegalArgumentException}. */
  public static RowFilter of(WatchRequest request) {
    return new RowFilter(request.getCidrsList().stream().map(Network::parse).toList(),
        Set.copyOf(request.getPortsFilterList()), Set.copyOf(request.getNodesFilterList()), request.getText());
  }

  public boolean acceptsAll() {
    return networks.isEmpty() && ports.isEmpty() && nodes.isEmpty() && text.isEmpty();
  }

  /** @param nodeOf the node an address belongs to, or null */
  public boolean accepts(FlowKey key, String reportingNode, Function<IpAddress, String> nodeOf) {
    return (networks.isEmpty() || in(key.local()) || in(key.remote()))
        && (ports.isEmpty() || ports.contains(key.localPort()) || ports.contains(key.remotePort()))
        && (nodes.isEmpty() || nodes.contains(reportingNode))
        && (text.isEmpty() || mentions(key.local(), nodeOf) || mentions(key.remote(), nodeOf));
  }

  /** For a row that stands for a whole node (NODES grouping). */
  public boolean acceptsNode(String node, List<IpAddress> addresses) {
    return (networks.isEmpty() || addresses.stream().anyMatch(this::in))
        && (nodes.isEmpty() || nodes.contains(node))
        && (text.isEmpty() || node.contains(text) || addresses.stream().anyMatch(a -> a.toString().contains(text)));
  }

  private boolean in(IpAddress a) {
    for (Network n : networks) {
      if (n.contains(a.version(), a.high(), a.low())) {
        return true;
      }
    }
    return false;
  }

  private boolean mentions(IpAddress a, Function<IpAddress, String> nodeOf) {
    String node = nodeOf.apply(a);
    return a.toString().contains(text) || (node != null && node.contains(text));
  }
}
