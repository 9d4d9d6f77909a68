package io.clustertop.collector.view;

import io.clustertop.collector.merge.AgentRecord;
import io.clustertop.collector.merge.Cluster;
import io.clustertop.collector.merge.Counters;
import io.clustertop.collector.merge.EpochState;
import io.clustertop.collector.merge.SlotClock;
import io.clustertop.collector.status.NodeStatuses;
import io.clustertop.core.flow.FlowKey;
import io.clustertop.core.view.Endpoint;
import io.clustertop.core.view.NodeState;
import io.clustertop.core.view.PortDisplay;
import io.clustertop.core.view.Row;
import io.clustertop.core.view.RowKey;
import io.clustertop.core.view.Snapshot;
import io.clustertop.core.view.Totals;
import io.clustertop.core.view.ViewOptions;
import io.clustertop.core.window.ConversationTable;
import io.clustertop.core.window.RowSums;
import io.clustertop.core.window.SlotHistory;
import io.clustertop.proto.ViewWire;
import io.clustertop.proto.v1.CaptureCounters;
import io.clustertop.proto.v1.Grouping;
import io.clustertop.proto.v1.ViewSnapshot;
import io.clustertop.proto.v1.WatchRequest;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Turns what the {@link Cluster} holds into the snapshot a watch request asks for: the cluster's
 * share of each conversation (each byte once), or one node's own view ({@code node} set); grouped
 * by host pair, node, remote address or port; filtered, sorted, cut, with an "other" row so that
 * the rows add up to the totals.
 *
 * <p>For the NODES grouping each row is a node's own totals, so a byte between two nodes is in two
 * rows (one's sent, the other's received) and the totals are the sum of the nodes' own.
 *
 * <p>Thread safety: stateless; {@link #build} runs inside {@link Cluster#read}. Performance: reads
 * every conversation of the included agents once.
 */
public final class ViewBuilder {
  private static final Endpoint NONE = new Endpoint(null, Endpoint.NO_PORT);

  private ViewBuilder() {}

  /** The snapshot as of the end of slot {@code latestCompleted}. Call inside {@link Cluster#read}. */
  public static ViewSnapshot build(Cluster cluster, WatchRequest request, RowFilter filter, long latestCompleted) {
    ViewOptions options = ViewWire.fromProto(request);
    String node = request.getNode();
    boolean nodeView = !node.isEmpty() || request.getGrouping() == Grouping.NODES;
    List<AgentRecord> agents = cluster.agents().stream()
        .filter(a -> node.isEmpty() || a.node().equals(node)).toList();

    long firstSlot = Long.MAX_VALUE;
    RowSums totals = new RowSums();
    CaptureCounters counters = CaptureCounters.getDefaultInstance();
    int conversations = 0;
    for (AgentRecord a : agents) {
      for (EpochState e : a.epochs()) {
        firstSlot = Math.min(firstSlot, e.firstSlot());
        (nodeView ? e.nodeTotals() : e.clusterTotals()).addTo(totals, latestCompleted);
        conversations += (nodeView ? e.nodeFlows() : e.clusterFlows()).size();
      }
      counters = Counters.plus(counters, a.counters());
    }
    // As iftop: a window longer than the time there was averages over the time there was.
    long completed = firstSlot == Long.MAX_VALUE ? 0 : Math.max(0, latestCompleted - firstSlot + 1);

    Groups groups = request.getGrouping() == Grouping.NODES
        ? byNode(agents, filter, latestCompleted)
        : byConversation(cluster, agents, nodeView, request.getGrouping(), options, filter, latestCompleted);

    List<Row> rows = new ArrayList<>();
    Map<Row, RowKey> keyOf = new HashMap<>();
    for (Map.Entry<RowKey, RowSums> g : groups.sums.entrySet()) {
      RowKey k = g.getKey();
      Row row = g.getValue().row(k.left(), k.right(), k.protocol(), completed, true);
      rows.add(row);
      keyOf.put(row, k);
    }
    rows.sort(ConversationTable.order(options.sort()));
    int shown = Math.min(rows.size(), options.limit());
    List<Row> kept = new ArrayList<>(shown);
    for (Row row : rows.subList(0, shown)) {
      kept.add(labelled(row, keyOf.get(row), groups, cluster));
    }
    int otherConversations = groups.otherConversations;
    for (Row row : rows.subList(shown, rows.size())) {
      groups.other.addAll(groups.sums.get(keyOf.get(row)));
      otherConversations += row.conversations();
    }
    Row other = null;
    if (!groups.other.isEmpty()) {
      Row sums = groups.other.row(NONE, NONE, -1, completed, false);
      other = new Row(NONE, NONE, -1, sums.sent(), sums.received(), otherConversations);
    }

    long timeNanos = SlotClock.startOf(latestCompleted + 1);
    long now = cluster.nowNanos();
    List<NodeState> nodes = agents.stream().map(a -> NodeStatuses.of(a, now)).toList();
    Snapshot snapshot = new Snapshot(timeNanos / 1_000_000L, node.isEmpty() ? "cluster" : node, List.copyOf(kept),
        other, new Totals(totals.sent(completed, true), totals.received(completed, true), totals.peakTotalPerSecond()),
        ViewWire.fromProto(counters), conversations, nodes);
    return ViewWire.toProto(snapshot).toBuilder().setTimeUnixNanos(timeNanos).build();
  }

  /**
   * A kept row as shown: addresses named after their nodes, the nodes that reported it. The local
   * side of a row whose local host is hidden (by remote address, by port, or iftop's {@code s}) is
   * the nodes that reported it, so it is named after them.
   */
  private static Row labelled(Row row, RowKey k, Groups groups, Cluster cluster) {
    List<String> reportedBy = List.copyOf(groups.nodes.getOrDefault(k, Set.of()));
    String nodeRow = groups.nodeRowNames.get(k);
    if (nodeRow != null) {
      return new Row(NONE.withNode(nodeRow), NONE, -1, row.sent(), row.received(),
          groups.nodeRowConversations.get(k), reportedBy);
    }
    Endpoint left = row.left().hasHost() ? label(row.left(), cluster) : row.left().withNode(String.join(",", reportedBy));
    return new Row(left, label(row.right(), cluster), row.protocol(), row.sent(), row.received(),
        row.conversations(), reportedBy);
  }

  private static Endpoint label(Endpoint shown, Cluster cluster) {
    String name = shown.hasHost() ? cluster.nodeOf(shown.host()) : null;
    return name == null ? shown : shown.withNode(name);
  }

  /** Rows before sorting: sums by row key, the nodes that reported each, and "other". */
  private static final class Groups {
    final Map<RowKey, RowSums> sums = new HashMap<>();
    final Map<RowKey, Set<String>> nodes = new HashMap<>();
    final Map<RowKey, String> nodeRowNames = new HashMap<>();
    final Map<RowKey, Integer> nodeRowConversations = new HashMap<>();
    final RowSums other = new RowSums();
    int otherConversations;
  }

  private static Groups byConversation(Cluster cluster, List<AgentRecord> agents, boolean nodeView, Grouping grouping,
      ViewOptions options, RowFilter filter, long latestCompleted) {
    Groups groups = new Groups();
    for (AgentRecord a : agents) {
      for (EpochState e : a.epochs()) {
        for (Map.Entry<FlowKey, SlotHistory> c : (nodeView ? e.nodeFlows() : e.clusterFlows()).entrySet()) {
          if (!filter.acceptsAll() && !filter.accepts(c.getKey(), a.node(), cluster::nodeOf)) {
            continue;
          }
          RowKey k = rowKey(c.getKey(), grouping, options);
          c.getValue().addTo(groups.sums.computeIfAbsent(k, x -> new RowSums()), latestCompleted);
          groups.nodes.computeIfAbsent(k, x -> new TreeSet<>()).add(a.node());
        }
        // A restored state's "other" may hold only cumulative bytes, which SlotHistory.isEmpty() does not see.
        (nodeView ? e.nodeOther() : e.clusterOther()).addTo(groups.other, latestCompleted);
      }
    }
    return groups;
  }

  /** One row per node name, from its agents' own totals. */
  private static Groups byNode(List<AgentRecord> agents, RowFilter filter, long latestCompleted) {
    Groups groups = new Groups();
    Map<String, RowKey> keys = new TreeMap<>();
    for (AgentRecord a : agents) {
      if (!filter.acceptsNode(a.node(), a.addresses())) {
        continue;
      }
      // The key only has to tell nodes apart; the row shows the node's name, not this number.
      RowKey k = keys.computeIfAbsent(a.node(), n -> new RowKey(NONE, NONE, keys.size()));
      RowSums sums = groups.sums.computeIfAbsent(k, x -> new RowSums());
      int conversations = 0;
      for (EpochState e : a.epochs()) {
        e.nodeTotals().addTo(sums, latestCompleted);
        conversations += e.nodeFlows().size();
      }
      groups.nodes.computeIfAbsent(k, x -> new TreeSet<>()).add(a.node());
      groups.nodeRowNames.put(k, a.node());
      groups.nodeRowConversations.merge(k, conversations, Integer::sum);
    }
    return groups;
  }

  /** What a conversation looks like in a row of this grouping, once the view hides hosts or ports. */
  private static RowKey rowKey(FlowKey k, Grouping grouping, ViewOptions options) {
    return switch (grouping) {
      case REMOTE_ADDRESSES -> new RowKey(NONE, new Endpoint(k.remote(), Endpoint.NO_PORT), -1);
      case PORTS -> new RowKey(NONE, new Endpoint(null, k.remotePort()), k.protocol());
      default -> new RowKey(
          new Endpoint(options.showSource() ? k.local() : null,
              options.ports().showsSource() ? k.localPort() : Endpoint.NO_PORT),
          new Endpoint(options.showDestination() ? k.remote() : null,
              options.ports().showsDestination() ? k.remotePort() : Endpoint.NO_PORT),
          options.ports() == PortDisplay.OFF ? -1 : k.protocol());
    };
  }
}
