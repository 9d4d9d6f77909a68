package io.clustertop.relay.merge;

import io.clustertop.core.flow.IpAddress;
import io.clustertop.core.rows.Cut;
import io.clustertop.core.view.CaptureCounters;
import io.clustertop.core.view.Endpoint;
import io.clustertop.core.view.NodeState;
import io.clustertop.core.view.Row;
import io.clustertop.core.view.Snapshot;
import io.clustertop.core.view.SortOrder;
import io.clustertop.core.view.Totals;
import io.clustertop.core.view.ViewOptions;
import io.clustertop.core.window.BoundedTop;
import io.clustertop.core.window.ConversationTable;
import io.clustertop.proto.ViewWire;
import io.clustertop.proto.v1.Grouping;
import io.clustertop.proto.v1.RelayStatus;
import io.clustertop.proto.v1.ShardStatus;
import io.clustertop.proto.v1.ViewServer;
import io.clustertop.proto.v1.ViewSnapshot;
import io.clustertop.proto.v1.WatchRequest;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The shards' views of one slot made into the one view a collector holding every node would send:
 * rows summed by key (each byte lives on one shard, so a row's parts add up), the request's top rows
 * chosen from the merged rows in its order, the rest into the exact "other" row (core's, {@link
 * Cut#otherRow}) with the shards' own "other"; totals, counters and cost summed, node statuses put
 * together. How exact the rows are is said on the view ({@link Exactness}), and which shards answered.
 *
 * <p>Thread safety: stateless.
 */
public final class ViewMerge {
  private ViewMerge() {}

  /**
   * @param request what the subscriber asked for (its limit N, its order)
   * @param shardLimit K, the rows asked of each shard
   * @param shards every shard, in the relay's order, with its view of the slot or why it has none
   * @param timeUnixNanos the slot's end, what the view is as of
   */
  public static ViewSnapshot merge(WatchRequest request, int shardLimit, List<ShardView> shards, long timeUnixNanos) {
    ViewOptions asked = ViewWire.fromProto(request);
    SortOrder sort = asked.sort();
    int limit = asked.limit();
    boolean byNode = request.getGrouping() == Grouping.NODES;
    long completed = 0;
    for (ShardView s : shards) {
      if (s.view() != null) {
        completed = Math.max(completed, s.view().getCompletedSlots());
      }
    }

    Map<Key, Merged> rows = new LinkedHashMap<>();
    List<List<Row>> shardRows = new ArrayList<>();
    boolean[] shardOther = new boolean[shards.size()];
    Parts other = new Parts();
    Parts totals = new Parts();
    double peakTotal = 0;
    CaptureCounters counters = CaptureCounters.ZERO;
    List<NodeState> nodes = new ArrayList<>();
    List<Set<String>> shardNodes = new ArrayList<>();
    long conversations = 0;
    String currency = "";
    Parts viewCost = new Parts();
    String source = request.getNode().isEmpty() ? "cluster" : request.getNode();
    for (int i = 0; i < shards.size(); i++) {
      ViewSnapshot v = shards.get(i).view();
      if (v == null) {
        shardRows.add(List.of());
        shardNodes.add(Set.of());
        continue;
      }
      Snapshot s = ViewWire.fromProto(v);
      // 0: a shard with no figures yet (every rate 0, whatever the divisor), or one that does not say
      // (a collector from before the field): its rates are taken over the merged slots
      long c = v.getCompletedSlots() == 0 ? completed : v.getCompletedSlots();
      for (Row r : s.rows()) {
        Merged m = rows.computeIfAbsent(Key.of(r, byNode), k -> new Merged(r, shards.size()));
        m.parts.add(r, c, completed);
        m.shards[i] = true;
      }
      shardRows.add(s.rows());
      if (s.other() != null) {
        other.add(s.other(), c, completed);
        shardOther[i] = true;
      }
      totals.add(s.totals().sent(), 0, c);
      totals.add(s.totals().received(), 2, c);
      // each shard's busiest slot is a slot of the cluster: the highest is a lower bound of its peak
      peakTotal = Math.max(peakTotal, s.totals().peakTotalBytesPerSecond());
      counters = counters.plus(s.counters());
      nodes.addAll(s.nodes());
      shardNodes.add(s.nodes().stream().map(NodeState::node).collect(Collectors.toSet()));
      conversations += s.conversations();
      if (currency.isEmpty()) {
        currency = s.currency();
      }
      viewCost.addCost(s.cost(), c, completed);
    }

    BoundedTop<Merged> best = new BoundedTop<>(Comparator.comparing((Merged m) -> m.row, ConversationTable.order(sort)),
        limit);
    List<Merged> rest = new ArrayList<>(Math.max(0, rows.size() - limit));
    for (Merged m : rows.values()) {
      m.row = m.row(completed, byNode);
      Merged cut = best.offer(m);
      if (cut != null) {
        rest.add(cut);
      }
    }
    List<Merged> top = best.sorted();
    List<Row> kept = new ArrayList<>(top.size());
    for (Merged m : top) {
      kept.add(m.row);
    }
    for (Merged m : rest) {
      other.addAll(m.parts);
    }
    Row otherRow = Cut.otherRow(other.sent(completed), other.received(completed), (int) other.conversations,
        other.cost());
    Totals mergedTotals = new Totals(totals.sent(completed), totals.received(completed), peakTotal);
    Snapshot merged = new Snapshot(timeUnixNanos / 1_000_000L, source, kept, otherRow, mergedTotals, counters,
        (int) conversations, nodes, currency, viewCost.cost());

    RelayStatus.Builder status = RelayStatus.newBuilder().setShardLimit(shardLimit);
    Exactness exactness = Exactness.of(sort, byNode, limit, shardLimit, shardRows, shardOther, shardNodes, top,
        rest);
    if (!byNode && (!request.getNodesFilterList().isEmpty() || !request.getText().isEmpty())) {
      // each shard tests a row's node names on its own part: a row of nodes on two shards may have
      // passed on one and not the other (docs/RATIONALE.md, "The relay": filters apply per shard)
      exactness = exactness.notExact();
    }
    for (int i = 0; i < shards.size(); i++) {
      ShardView s = shards.get(i);
      status.addShards(ShardStatus.newBuilder().setAddress(s.address()).setAnswering(s.view() != null)
          .setProblem(s.problem()).setCut(exactness.cut(i)));
    }
    status.setExact(exactness.exact()).setBoundBytesPerSecond(exactness.bound());
    return ViewWire.toProto(merged).toBuilder().setTimeUnixNanos(timeUnixNanos).setCompletedSlots(completed)
        .setServer(ViewServer.VIEW_SERVER_RELAY).setRelay(status).build();
  }

  /**
   * What makes rows one row across shards: the hosts, ports, protocol, class and owner as shown. Node
   * names are labels, not keys (a shard that learnt of a node later may not name it yet), but for
   * the rows by node, which are their node.
   */
  record Key(IpAddress leftHost, int leftPort, String leftOwner, String node, IpAddress rightHost, int rightPort,
      String destinationClass, int protocol) {
    static Key of(Row r, boolean byNode) {
      return new Key(r.left().host(), r.left().port(), r.left().owner(), byNode ? r.left().node() : "",
          r.right().host(), r.right().port(), r.right().destinationClass(), r.protocol());
    }
  }

  /** One merged row: its shards' parts, which shards listed it, the row it reads as. */
  static final class Merged {
    final Row first;
    final Parts parts = new Parts();
    final boolean[] shards;
    Row row;

    Merged(Row first, int shardCount) {
      this.first = first;
      this.shards = new boolean[shardCount];
    }

    /**
     * As the collector labels a row: a host with its node; a side without a host (the cluster's side of
     * a row by remote, port or class, a hidden host) with the nodes that reported it.
     */
    Row row(long completed, boolean byNode) {
      List<String> nodes = parts.nodes();
      String reporters = String.join(",", nodes);
      Endpoint left = first.left();
      if (!left.hasHost() && !byNode && !left.hasOwner()) {
        left = left.withNode(reporters);
      }
      return new Row(left, first.right(), first.protocol(), parts.sent(completed), parts.received(completed),
          (int) parts.conversations, nodes, parts.cost());
    }
  }
}
