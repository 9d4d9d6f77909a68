package io.clustertop.collector.view;

import io.clustertop.collector.cost.CostParts;
import io.clustertop.collector.cost.LiveCost;
import io.clustertop.collector.merge.AgentRecord;
import io.clustertop.collector.merge.MergeStore;
import io.clustertop.collector.merge.EpochState;
import io.clustertop.collector.merge.SlotClock;
import io.clustertop.collector.status.NodeStatuses;
import io.clustertop.core.cost.CostConfig;
import io.clustertop.core.cost.Direction;
import io.clustertop.core.cost.Service;
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
import io.clustertop.core.window.TopRows;
import io.clustertop.proto.ViewWire;
import io.clustertop.core.view.CaptureCounters;
import io.clustertop.proto.v1.Grouping;
import io.clustertop.proto.v1.ViewSnapshot;
import io.clustertop.proto.v1.WatchRequest;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Turns what the {@link MergeStore} holds into the snapshot a watch request asks for: the cluster's
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
 * <p>Thread safety: stateless; {@link #build} runs inside {@link MergeStore#read} and reads each agent
 * once, locked, through {@link MergeStore#forEachAgent}. Performance: one hash update per conversation
 * of the included agents; only the rows kept are sorted (see {@link TopRows}).
 */
public final class ViewBuilder {
  private static final Endpoint NONE = new Endpoint(null, Endpoint.NO_PORT);

  private ViewBuilder() {}

  private static final Set<Grouping> COSTED =
      Set.of(Grouping.NODES, Grouping.REMOTE_ADDRESSES, Grouping.PORTS, Grouping.DESTINATION_CLASSES);
  /** Stands for what has no row of its own in the cost of a view: the folded "other". */
  private static final String OTHER = "";

  /** The snapshot as of the end of slot {@code latestCompleted}. Call inside {@link MergeStore#read}. */
  public static ViewSnapshot build(MergeStore cluster, WatchRequest request, RowFilter filter, long latestCompleted,
      CostConfig cost) {
    ViewOptions options = ViewWire.fromProto(request);
    String node = request.getNode();
    Grouping grouping = request.getGrouping();
    boolean nodeView = !node.isEmpty() || grouping == Grouping.NODES;
    Reading r = new Reading(grouping, nodeView, options, filter, latestCompleted, cost);
    long now = cluster.nowNanos();
    cluster.forEachAgent(a -> {
      if (node.isEmpty() || a.node().equals(node)) {
        r.add(a, cluster, now);
      }
    });
    // As iftop: a window longer than the time there was averages over the time there was.
    long completed = r.firstSlot == Long.MAX_VALUE ? 0 : Math.max(0, latestCompleted - r.firstSlot + 1);

    TopRows top = TopRows.cut(r.groups, Group::sums, row -> true, ConversationTable.order(options.sort()),
        options.limit(), completed);
    List<Group> keptGroups = top.rows().stream().map(row -> r.groups.get(row.key())).toList();
    List<Row> kept = new ArrayList<>(keptGroups.size());
    for (int i = 0; i < keptGroups.size(); i++) {
      kept.add(labelled(top.rows().get(i), keptGroups.get(i), cluster));
    }
    RowSums rest = top.rest();
    int cut = rest.conversations();
    rest.addAll(r.other);
    Row other = null;
    if (!rest.isEmpty()) {
      // "other" counts the conversations cut here; those folded by the table limit are in the counters
      Row sums = rest.row(NONE, NONE, -1, completed, false);
      other = new Row(NONE, NONE, -1, sums.sent(), sums.received(), cut);
    }

    long timeNanos = SlotClock.startOf(latestCompleted + 1);
    Snapshot snapshot = new Snapshot(timeNanos / 1_000_000L, node.isEmpty() ? "cluster" : node, kept, other,
        new Totals(r.totals.sent(completed, true), r.totals.received(completed, true), r.totals.peakTotalPerSecond()),
        r.counters, r.conversations, List.copyOf(r.nodes));
    ViewSnapshot.Builder out = ViewWire.toProto(snapshot).toBuilder().setTimeUnixNanos(timeNanos);
    if (COSTED.contains(grouping)) {
      addCosts(out, top.rows(), keptGroups, cluster, node, grouping, !nodeView, filter, latestCompleted, completed, cost);
    }
    return out.build();
  }

  /**
   * Each kept row's cost, "other"'s, and the view's. In the cluster's view a conversation between
   * two nodes is a row under its higher address (the lower is on the left), so its cost goes there too.
   */
  private static void addCosts(ViewSnapshot.Builder out, List<Row> rows, List<Group> groups, MergeStore cluster,
      String node, Grouping grouping, boolean clusterView, RowFilter filter, long latestCompleted, long completed,
      CostConfig cost) {
    Map<String, LiveCost> costs = new HashMap<>();
    cluster.forEachAgent(a -> {
      if (!node.isEmpty() && !a.node().equals(node)) {
        return;
      }
      for (EpochState e : a.epochs()) {
        CostParts.visit(cluster, a, e, cost.classifier(), (k, costClass, direction, h, sent) -> {
          if (!shown(filter, k, a, cluster)) {
            return;
          }
          boolean turned = clusterView && k != null && direction == Direction.INTERNAL && k.remote().compareTo(k.local()) < 0;
          String name = switch (grouping) {
            case NODES -> a.node();
            case DESTINATION_CLASSES -> costClass;
            case REMOTE_ADDRESSES -> k == null ? OTHER : (turned ? k.local() : k.remote()).toString();
            default -> k == null ? OTHER : Service.of(k.protocol(), turned ? k.localPort() : k.remotePort());
          };
          costs.computeIfAbsent(name, n -> new LiveCost())
              .add(cost.prices(), costClass, direction, h, sent, latestCompleted, completed);
        });
      }
    });
    LiveCost total = new LiveCost();
    costs.values().forEach(total::addAll);
    for (int i = 0; i < rows.size(); i++) {
      LiveCost c = costs.remove(costKey(grouping, rows.get(i), groups.get(i)));
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

  /**
   * Whether the filter lets a conversation of agent {@code a} into the rows; a part with no
   * conversation ({@code key} null: folded into "other") only when there is no filter.
   */
  private static boolean shown(RowFilter filter, FlowKey key, AgentRecord a, MergeStore cluster) {
    return filter.acceptsAll() || key != null && filter.accepts(key, a.node(), cluster::nodeOf);
  }

  /** The name a row's cost goes by in {@link #addCosts}. */
  private static String costKey(Grouping grouping, Row row, Group group) {
    return switch (grouping) {
      case NODES -> group.nodeRow;
      case DESTINATION_CLASSES -> group.classRow;
      case REMOTE_ADDRESSES -> row.right().host().toString();
      default -> Service.of(row.protocol(), row.right().port());
    };
  }

  /**
   * A kept row as shown: addresses named after their nodes, the nodes that reported it. The local
   * side of a row whose local host is hidden (by remote address, by port, by class, or iftop's
   * {@code s}) is the nodes that reported it, so it is named after them; a class row's right side
   * is its class.
   */
  private static Row labelled(Row row, Group group, MergeStore cluster) {
    List<String> reportedBy = group.nodes();
    if (group.nodeRow != null) {
      return new Row(NONE.withNode(group.nodeRow), NONE, -1, row.sent(), row.received(), group.nodeRowConversations,
          reportedBy);
    }
    if (group.classRow != null) {
      return new Row(NONE.withNode(String.join(",", reportedBy)), NONE.withDestinationClass(group.classRow), -1,
          row.sent(), row.received(), row.conversations(), reportedBy);
    }
    Endpoint left = row.left().hasHost() ? label(row.left(), cluster) : row.left().withNode(String.join(",", reportedBy));
    return new Row(left, label(row.right(), cluster), row.protocol(), row.sent(), row.received(),
        row.conversations(), reportedBy);
  }

  private static Endpoint label(Endpoint shown, MergeStore cluster) {
    String name = shown.hasHost() ? cluster.nodeOf(shown.host()) : null;
    return name == null ? shown : shown.withNode(name);
  }

  /** One row before the cut: its sums, the nodes that reported it, and for a node row the node. */
  private static final class Group {
    final RowSums sums = new RowSums();
    /** The first node that reported the row; the others only where there are others (rarely). */
    private String node;
    private TreeSet<String> moreNodes;
    String nodeRow;
    int nodeRowConversations;
    /** The DESTINATION_CLASSES grouping's class. */
    String classRow;

    RowSums sums() {
      return sums;
    }

    void reportedBy(String name) {
      if (node == null) {
        node = name;
      } else if (!node.equals(name)) {
        if (moreNodes == null) {
          moreNodes = new TreeSet<>(List.of(node));
        }
        moreNodes.add(name);
      }
    }

    List<String> nodes() {
      return moreNodes != null ? List.copyOf(moreNodes) : node != null ? List.of(node) : List.of();
    }
  }

  /** What one build gathers from the agents, one agent at a time. */
  private static final class Reading {
    final Grouping grouping;
    final boolean nodeView;
    final ViewOptions options;
    final RowFilter filter;
    final long latestCompleted;
    final CostConfig cost;
    final Map<RowKey, Group> groups = new HashMap<>();
    /** The NODES grouping's groups by node name (an agent restarted with a new id shares its node's row). */
    final Map<String, Group> nodeGroups = new HashMap<>();
    final Map<String, Group> classGroups = new HashMap<>();
    final RowSums other = new RowSums();
    final RowSums totals = new RowSums();
    final List<NodeState> nodes = new ArrayList<>();
    CaptureCounters counters = CaptureCounters.ZERO;
    long firstSlot = Long.MAX_VALUE;
    int conversations;

    Reading(Grouping grouping, boolean nodeView, ViewOptions options, RowFilter filter, long latestCompleted,
        CostConfig cost) {
      this.grouping = grouping;
      this.nodeView = nodeView;
      this.options = options;
      this.filter = filter;
      this.latestCompleted = latestCompleted;
      this.cost = cost;
    }

    void add(AgentRecord a, MergeStore cluster, long now) {
      for (EpochState e : a.epochs()) {
        firstSlot = Math.min(firstSlot, e.firstSlot());
        (nodeView ? e.nodeTotals() : e.clusterTotals()).addTo(totals, latestCompleted);
        conversations += (nodeView ? e.nodeFlows() : e.clusterFlows()).size();
      }
      counters = counters.plus(a.counters());
      nodes.add(NodeStatuses.of(a, now));
      switch (grouping) {
        case NODES -> addNode(a);
        case DESTINATION_CLASSES -> addClasses(a, cluster);
        default -> addConversations(a, cluster);
      }
    }

    /** One row per destination class: each byte once, from its sender's side ({@link CostParts}). */
    private void addClasses(AgentRecord a, MergeStore cluster) {
      for (EpochState e : a.epochs()) {
        CostParts.visit(cluster, a, e, cost.classifier(), (k, costClass, direction, h, sent) -> {
          if (!shown(filter, k, a, cluster)) {
            return;
          }
          Group g = classGroups.computeIfAbsent(costClass, name -> {
            Group created = new Group();
            created.classRow = name;
            // The key only has to tell classes apart; the row shows the class's name.
            groups.put(new RowKey(NONE, NONE, groups.size()), created);
            return created;
          });
          (sent ? h.sentOnly(false) : h.receivedOnly()).addTo(g.sums, latestCompleted);
          g.reportedBy(a.node());
        });
      }
    }

    private void addConversations(AgentRecord a, MergeStore cluster) {
      for (EpochState e : a.epochs()) {
        for (Map.Entry<FlowKey, SlotHistory> c : (nodeView ? e.nodeFlows() : e.clusterFlows()).entrySet()) {
          if (!shown(filter, c.getKey(), a, cluster)) {
            continue;
          }
          Group g = groups.computeIfAbsent(rowKey(c.getKey()), k -> new Group());
          c.getValue().addTo(g.sums, latestCompleted);
          g.reportedBy(a.node());
        }
        // A restored state's "other" may hold only cumulative bytes, which SlotHistory.isEmpty() does not see.
        (nodeView ? e.nodeOther() : e.clusterOther()).addTo(other, latestCompleted);
      }
    }

    /** One row per node name, from its agents' own totals. */
    private void addNode(AgentRecord a) {
      if (!filter.acceptsNode(a.node(), a.addresses())) {
        return;
      }
      Group g = nodeGroups.computeIfAbsent(a.node(), name -> {
        Group created = new Group();
        created.nodeRow = name;
        // The key only has to tell nodes apart; the row shows the node's name, not this number.
        groups.put(new RowKey(NONE, NONE, groups.size()), created);
        return created;
      });
      for (EpochState e : a.epochs()) {
        e.nodeTotals().addTo(g.sums, latestCompleted);
        g.nodeRowConversations += e.nodeFlows().size();
      }
      g.reportedBy(a.node());
    }

    /** What a conversation looks like in a row of this grouping, once the view hides hosts or ports. */
    private RowKey rowKey(FlowKey k) {
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
}
