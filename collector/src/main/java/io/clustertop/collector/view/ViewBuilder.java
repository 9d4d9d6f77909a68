package io.clustertop.collector.view;

import io.clustertop.collector.cost.CostParts;
import io.clustertop.collector.cost.LiveCost;
import io.clustertop.core.cost.Service;
import io.clustertop.collector.merge.AgentRecord;
import io.clustertop.collector.merge.Cluster;
import io.clustertop.collector.merge.Counters;
import io.clustertop.collector.merge.EpochState;
import io.clustertop.collector.merge.SlotClock;
import io.clustertop.collector.status.NodeStatuses;
import io.clustertop.core.cost.CostConfig;
import io.clustertop.core.cost.Direction;
import io.clustertop.core.flow.FlowKey;
import io.clustertop.core.view.Endpoint;
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
 * rows (one's sent, the other's received) and the totals are the sum of the nodes' own. For the
 * DESTINATION_CLASSES grouping each byte is in one row, the class its sender's side gives it
 * ({@link CostParts}). Rows of the NODES, REMOTE_ADDRESSES, PORTS and DESTINATION_CLASSES groupings
 * carry their cost, and the snapshot the cost of everything in it.
 *
 * <p>Thread safety: stateless; {@link #build} runs inside {@link Cluster#read}. Performance: reads
 * every conversation of the included agents once.
 */
public final class ViewBuilder {
  private static final Endpoint NONE = new Endpoint(null, Endpoint.NO_PORT);

  private ViewBuilder() {}

  /** The snapshot as of the end of slot {@code latestCompleted}. Call inside {@link Cluster#read}. */
  public static ViewSnapshot build(Cluster cluster, WatchRequest request, RowFilter filter, long latestCompleted,
      CostConfig cost) {
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

    Groups groups = switch (request.getGrouping()) {
      case NODES -> byNode(agents, filter, latestCompleted);
      case DESTINATION_CLASSES -> byClass(cluster, agents, filter, latestCompleted, cost);
      default -> byConversation(cluster, agents, nodeView, request.getGrouping(), options, filter, latestCompleted);
    };

    List<Row> rows = new ArrayList<>();
    Map<Row, RowKey> keyOf = new HashMap<>();
    for (Map.Entry<RowKey, RowSums> g : groups.sums.entrySet()) {
      RowKey k = g.getKey();
      Row row = g.getValue().row(k.left(), k.right(), k.protocol(), completed, true);
      rows.add(row);
      keyOf.put(row, k);
    }
    rows.sort(ConversationTable.order(options.sort()));
    List<Row> kept = rows.size() > options.limit() ? new ArrayList<>(rows.subList(0, options.limit())) : rows;
    int otherConversations = groups.otherConversations;
    for (int i = kept.size(); i < rows.size(); i++) {
      groups.other.addAll(groups.sums.get(keyOf.get(rows.get(i))));
      otherConversations += rows.get(i).conversations();
    }
    Row other = groups.other.isEmpty() ? null : groups.other.row(NONE, NONE, -1, completed, false);

    long timeNanos = SlotClock.startOf(latestCompleted + 1);
    Snapshot snapshot = new Snapshot(timeNanos / 1_000_000L, node.isEmpty() ? "cluster" : node, List.copyOf(kept),
        other, new Totals(totals.sent(completed, true), totals.received(completed, true), totals.peakTotalPerSecond()),
        ViewWire.fromProto(counters), conversations);
    ViewSnapshot.Builder out = ViewWire.toProto(snapshot).toBuilder()
        .setTimeUnixNanos(timeNanos)
        .setCounters(counters);
    for (int i = 0; i < kept.size(); i++) {
      io.clustertop.proto.v1.Row.Builder row = out.getRowsBuilder(i);
      RowKey k = keyOf.get(kept.get(i));
      label(row.getLeftBuilder(), k.left(), cluster);
      label(row.getRightBuilder(), k.right(), cluster);
      row.addAllNodes(groups.nodes.getOrDefault(k, Set.of()));
      if (groups.nodeRowNames.containsKey(k)) {
        row.getLeftBuilder().setNode(groups.nodeRowNames.get(k));
        row.clearProtocol();
        row.setConversations(groups.nodeRowConversations.get(k));
      }
      if (groups.classRowNames.containsKey(k)) {
        row.setDestinationClass(groups.classRowNames.get(k));
        row.clearProtocol();
      }
    }
    if (out.hasOther()) {
      out.getOtherBuilder().setConversations(otherConversations);
    }
    if (COSTED.contains(request.getGrouping())) {
      Map<String, LiveCost> costs = costs(cluster, agents, request.getGrouping(), !nodeView, filter, latestCompleted,
          completed, cost);
      LiveCost total = new LiveCost();
      costs.values().forEach(total::addAll);
      for (int i = 0; i < kept.size(); i++) {
        RowKey k = keyOf.get(kept.get(i));
        String name = costKey(request.getGrouping(), k, groups);
        LiveCost c = costs.remove(name);
        if (c != null) {
          out.getRowsBuilder(i).setCost(c.toProto());
        }
      }
      LiveCost rest = new LiveCost();
      costs.values().forEach(rest::addAll);
      if (out.hasOther()) {
        out.getOtherBuilder().setCost(rest.toProto());
      }
      out.setCurrency(cost.prices().currency()).setCost(total.toProto());
    }
    long now = cluster.nowNanos();
    for (AgentRecord a : agents) {
      out.addNodes(NodeStatuses.of(a, now));
    }
    return out.build();
  }

  private static void label(io.clustertop.proto.v1.Endpoint.Builder endpoint, Endpoint shown, Cluster cluster) {
    if (shown.hasHost()) {
      String name = cluster.nodeOf(shown.host());
      if (name != null) {
        endpoint.setNode(name);
      }
    }
  }

  private static final Set<Grouping> COSTED =
      Set.of(Grouping.NODES, Grouping.REMOTE_ADDRESSES, Grouping.PORTS, Grouping.DESTINATION_CLASSES);

  /**
   * Each row's cost by the name {@link #costKey} gives the row. In the cluster's view a conversation
   * between two nodes is a row under its higher address (the lower is on the left), so its cost goes
   * there too.
   */
  private static Map<String, LiveCost> costs(Cluster cluster, List<AgentRecord> agents, Grouping grouping,
      boolean clusterView, RowFilter filter, long latestCompleted, long completed, CostConfig cost) {
    Map<String, LiveCost> out = new HashMap<>();
    for (AgentRecord a : agents) {
      for (EpochState e : a.epochs()) {
        CostParts.visit(cluster, a, e, cost.classifier(), (k, costClass, direction, h, sent) -> {
          if (k == null ? !filter.acceptsAll() : !filter.acceptsAll() && !filter.accepts(k, a.node(), cluster::nodeOf)) {
            return;
          }
          boolean turned = clusterView && k != null && direction == Direction.INTERNAL && k.remote().compareTo(k.local()) < 0;
          String name = switch (grouping) {
            case NODES -> a.node();
            case DESTINATION_CLASSES -> costClass;
            case REMOTE_ADDRESSES -> k == null ? OTHER : (turned ? k.local() : k.remote()).toString();
            default -> k == null ? OTHER : Service.of(k.protocol(), turned ? k.localPort() : k.remotePort());
          };
          out.computeIfAbsent(name, n -> new LiveCost())
              .add(cost.prices(), costClass, direction, h, sent, latestCompleted, completed);
        });
      }
    }
    return out;
  }

  /** Stands for what has no row of its own in the cost of a view: the folded "other". */
  private static final String OTHER = "";

  private static String costKey(Grouping grouping, RowKey k, Groups groups) {
    return switch (grouping) {
      case NODES -> groups.nodeRowNames.get(k);
      case DESTINATION_CLASSES -> groups.classRowNames.get(k);
      case REMOTE_ADDRESSES -> k.right().host().toString();
      default -> Service.of(k.protocol(), k.right().port());
    };
  }

  /** Rows before sorting: sums by row key, the nodes that reported each, and "other". */
  private static final class Groups {
    final Map<RowKey, RowSums> sums = new HashMap<>();
    final Map<RowKey, Set<String>> nodes = new HashMap<>();
    final Map<RowKey, String> nodeRowNames = new HashMap<>();
    final Map<RowKey, String> classRowNames = new HashMap<>();
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

  /** One row per destination class: each byte once, from its sender's side ({@link CostParts}). */
  private static Groups byClass(Cluster cluster, List<AgentRecord> agents, RowFilter filter, long latestCompleted,
      CostConfig cost) {
    Groups groups = new Groups();
    Map<String, RowKey> keys = new HashMap<>();
    for (AgentRecord a : agents) {
      for (EpochState e : a.epochs()) {
        CostParts.visit(cluster, a, e, cost.classifier(), (k, costClass, direction, h, sent) -> {
          if (k == null ? !filter.acceptsAll() : !filter.acceptsAll() && !filter.accepts(k, a.node(), cluster::nodeOf)) {
            return;
          }
          // The key only has to tell classes apart; the row shows the class's name.
          RowKey key = keys.computeIfAbsent(costClass, c -> new RowKey(NONE, NONE, keys.size()));
          groups.classRowNames.put(key, costClass);
          (sent ? h.sentOnly(false) : h.receivedOnly()).addTo(groups.sums.computeIfAbsent(key, x -> new RowSums()),
              latestCompleted);
          groups.nodes.computeIfAbsent(key, x -> new TreeSet<>()).add(a.node());
        });
      }
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
